"""An assessment officer in a real browser, around the calculation: a provisional charge flagged
until the first assessment, a deprivation decision counted as notional capital, a deferred
payment agreement's disposable income allowance, a note and an uploaded document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from carecharge.apps.assessments.models import IncomeItem
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.people.models import ServiceUser

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def officer(assessment_officer: Any) -> Any:
    """This module's user is a financial assessment officer."""
    return assessment_officer


@pytest.fixture
def george(transactional_db: None) -> ServiceUser:
    person = ServiceUser.objects.create(
        account_reference="12345674", title="Mr", forename="George", surname="Hall",
        date_of_birth=date(1940, 3, 3),
    )  # fmt: skip
    IncomeItem.objects.create(
        person=person, type="state_pension", weekly_pence=20000, start_date=date(2025, 4, 7)
    )
    IncomeItem.objects.create(
        person=person, type="occupational_pension", weekly_pence=15000,
        start_date=date(2025, 4, 7),
    )  # fmt: skip
    service = Service.objects.create(
        code="RES", name="Residential care", category=ServiceCategory.RESIDENTIAL_PERMANENT,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.WEEK, cost_centre="ASC4100",
        subjective_code="52100",
    )  # fmt: skip
    package = CarePackage.objects.create(person=person, case_system_id="PKG1")
    ServiceLine.objects.create(
        package=package, case_system_id="L001", service=service, units_per_week=Decimal(1),
        unit_cost_pence=90000, start_date=date(2025, 6, 2),
    )  # fmt: skip
    return person


def fill_date(page: Page, group: str, day: str, month: str, year: str) -> None:
    boxes = page.get_by_role("group", name=group)
    boxes.get_by_label("Day").fill(day)
    boxes.get_by_label("Month").fill(month)
    boxes.get_by_label("Year").fill(year)


def test_deprivation_deferred_payment_notes_and_evidence(
    sign_in: Callable[[], Any], george: ServiceUser, tmp_path: Path
) -> None:
    page: Page = sign_in()
    page.goto(f"/people/{george.pk}/assessments/")
    # In a care home since 2 June 2025 and not yet assessed: the provisional charge is flagged.
    flag = page.locator("[data-flag=provisional-charge]")
    expect(flag).to_contain_text("£40.00 a week")
    expect(flag).to_contain_text("2 June 2025")

    # The council decided he gave away £20,000 to avoid charges.
    page.get_by_role("link", name="Record a deprivation decision").click()
    page.get_by_label("What did the person dispose of?").fill("£20,000 given to his nephew")
    page.get_by_label("Notional capital to count").fill("20,000")
    fill_date(page, "The date it was disposed of", "10", "1", "2025")
    fill_date(page, "The date of the council's decision", "1", "5", "2025")
    page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Explain why the council decided this was deprivation")
    page.get_by_label("Why the council decided this was deprivation").fill(
        "Given a week after the care needs assessment; no other purpose found."
    )
    page.get_by_role("button", name="Record the decision").click()
    decisions = page.locator("[data-table=deprivation-decisions]")
    expect(decisions).to_contain_text("£20,000.00")
    expect(decisions).to_contain_text("Counted")

    # The first assessment, in the care home from 2 June 2025, with a deferred payment agreement.
    page.get_by_role("link", name="Start a new assessment").click()
    page.get_by_label("Care home (permanent)").check()
    fill_date(page, "The date it takes effect", "2", "6", "2025")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Type of capital, capital row 1")).to_have_value("notional")
    expect(page.get_by_label("Value, capital row 1")).to_have_value("20000.00")
    expect(page.get_by_label("Weekly fee of the care home")).to_have_value("900.00")
    page.get_by_label("A deferred payment agreement is in place").check()
    page.get_by_label("Disposable income allowance the person keeps").fill("150.00")
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("maximum of £144.00 a week")
    page.get_by_label("Disposable income allowance the person keeps").fill("100.00")
    page.get_by_role("button", name="Complete the assessment").click()
    # 200.00 + 150.00 income; £20,000 is £5,750 over the lower limit: tariff £23.00;
    # less the personal expenses allowance (£30.65 in 2025/26): 342.35 a week. The agreement
    # does not change the charge: he pays 350.00 - 100.00 = 250.00 from income, and the other
    # 92.35 is deferred.
    expect(page.locator("[data-figure=weekly-charge]")).to_have_text("£342.35")
    expect(page.locator("[data-casework=deferred-payment]")).to_contain_text("£100.00 a week")
    split = page.locator("[data-table=deferred-payment]")
    expect(split.get_by_role("row", name="Paid from income")).to_contain_text("£250.00")
    expect(split.get_by_role("row", name="Deferred each week")).to_contain_text("£92.35")
    expect(page.locator("[data-table=deprivation]")).to_contain_text("£20,000 given to his nephew")

    # A note and a document.
    page.get_by_label("Add a note").fill("Nephew confirmed the gift by phone.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("[data-list=notes]")).to_contain_text("Nephew confirmed the gift")
    expect(page.locator("[data-list=notes]")).to_contain_text("Amira Khan")
    document = tmp_path / "gift-letter.pdf"
    document.write_bytes(PDF)
    page.get_by_label("What is the document?").fill("Letter about the gift")
    page.get_by_label("Upload a file").set_input_files(str(document))
    page.get_by_role("button", name="Upload the document").click()
    evidence = page.locator("[data-table=evidence]")
    expect(evidence).to_contain_text("Letter about the gift")
    with page.expect_download() as download:
        evidence.get_by_role("link", name="gift-letter.pdf").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF

    # Assessed: the provisional flag has gone.
    page.goto(f"/people/{george.pk}/assessments/")
    expect(page.locator("[data-flag=provisional-charge]")).to_have_count(0)
