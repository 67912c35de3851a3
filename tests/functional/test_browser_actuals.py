"""A charging officer in a real browser: uploads a provider's actuals with one week far from
the plan, finds it held in the exceptions queue, and accepts it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from carecharge.apps.care.models import (
    ActualStatus,
    CarePackage,
    ChargingMethod,
    Provider,
    ProviderActual,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.people.models import ServiceUser

pytestmark = pytest.mark.browser
FILE = (
    "provider_code,person_id,line_id,week_start,units,note\r\n"
    "PRV001,P001,L001,07/04/2025,10,\r\n"
    "PRV001,P001,L001,14/04/2025,9.5,\r\n"
    "PRV001,P001,L001,21/04/2025,16,Two extra visits a day after a fall\r\n"
)


@pytest.fixture
def margaret(transactional_db: None, settings: Any, tmp_path: Path) -> ServiceUser:
    settings.MEDIA_ROOT = tmp_path / "files"
    person = ServiceUser.objects.create(
        account_reference="00000018", case_system_id="P001", title="Mrs",
        forename="Margaret", surname="Hale", date_of_birth=date(1938, 3, 12),
    )  # fmt: skip
    service = Service.objects.create(
        code="HOMECARE", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, cost_centre="ASC4210",
        subjective_code="52210",
    )  # fmt: skip
    provider = Provider.objects.create(code="PRV001", name="Caring Hands Ltd")
    package = CarePackage.objects.create(person=person, case_system_id="PKG1")
    ServiceLine.objects.create(
        package=package, case_system_id="L001", service=service, provider=provider,
        units_per_week=Decimal(10), unit_cost_pence=2000, start_date=date(2025, 4, 7),
    )  # fmt: skip
    return person


def test_upload_actuals_and_accept_the_held_week(
    sign_in: Callable[[], Any], margaret: ServiceUser, tmp_path: Path
) -> None:
    upload = tmp_path / "caring-hands-april.csv"
    upload.write_text(FILE, encoding="utf-8")
    page: Page = sign_in()

    page.goto("/care/actuals/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import provider actuals")
    page.get_by_label("Provider actuals file (CSV)").set_input_files(str(upload))
    page.get_by_label("Business date").fill("30/06/2025")
    page.get_by_role("button", name="Check and import the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("File imported")
    expect(page.locator("[data-field=summary]")).to_have_text(
        "Imported caring-hands-april.csv: 2 weekly figures accepted and 1 weekly figure held "
        "for review (outside the tolerance)."
    )
    page.get_by_role("link", name="Review the 1 figure held for review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Actuals held for review")
    row = page.locator("#held-actuals tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Mrs Margaret Hale")
    expect(row).to_contain_text("21/04/2025")
    expect(row).to_contain_text("+60%")
    page.get_by_label("Provider").select_option("PRV001")
    page.get_by_role("button", name="Show").click()
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Review").click()

    summary = page.locator("#actual-summary")
    expect(summary).to_contain_text("Two extra visits a day after a fall")
    expect(summary).to_contain_text("(the tolerance is 10%)")
    page.get_by_role("button", name="Reject the figure").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the figure is rejected")
    page.get_by_label("Note (optional)").fill("Care plan changed after the fall; confirmed")
    page.get_by_role("button", name="Accept the figure").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The figure was accepted: billing will use it"
    )
    expect(page.get_by_text("No figures are waiting for review.")).to_be_visible()
    accepted = ProviderActual.objects.get(week_start=date(2025, 4, 21))
    assert (accepted.status, accepted.units, accepted.decision_note) == (
        ActualStatus.ACCEPTED,
        Decimal("16.00"),
        "Care plan changed after the fall; confirmed",
    )
    assert accepted.decided_by is not None and accepted.decided_by.username == "olivia.officer"
