"""Annual uprating in a real browser: an assessment officer previews a run from 6 April 2026 and
downloads it as Excel; a senior officer who did not preview it approves and posts it; the
person's assessments then show the new version from that date.

The assessments were completed on 2 June 2025 with the council's figures fixed in each request
(as the other browser tests do), so the new charge follows from the rules alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from carecharge.apps.assessments import operations
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.people.models import Address, AddressRole, ServiceUser
from carecharge.apps.uprating.models import UpratingRun
from carecharge.apps.web.council import rulebook

from .conftest import PASSWORD, staff

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CARECHARGE_SCREENSHOTS")
POLICY = {
    "dre_mode": "itemised",
    "minimum_weekly_charge": "0.00",
    "taper_percent": "100",
    "disregard_night_care_element": False,
    "housing_costs_allowed": True,
}


@pytest.fixture
def officer(transactional_db: None) -> Any:
    """This module's officer is a financial assessment officer (overrides conftest's)."""
    from carecharge.apps.accounts.roles import Role

    return staff("amira.assessor", Role.ASSESSMENT_OFFICER, "Amira")


@pytest.fixture
def senior(transactional_db: None) -> Any:
    from carecharge.apps.accounts.roles import Role

    return staff("sam.senior", Role.SENIOR_OFFICER, "Sam")


def assessed(person: ServiceUser, income: list[dict[str, Any]]) -> None:
    draft = operations.assessment_start(
        person=person, setting="non_residential", effective_from=date(2025, 6, 2), actor=None
    )
    request = {**draft.request, "income": income, "policy": POLICY, "overrides": {}}
    operations.assessment_save_and_complete(
        assessment=draft, request=request, actor=None, book=rulebook()
    )


@pytest.fixture
def people(transactional_db: None) -> dict[str, ServiceUser]:
    service = Service.objects.create(
        code="HOMECARE", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, cost_centre="ASC4210",
        subjective_code="52210",
    )  # fmt: skip
    found = {}
    ruth = [
        {"type": "new_state_pension", "weekly": "230.25"},
        {"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"},
    ]
    walter = [
        {"type": "new_state_pension", "weekly": "230.25"},
        {"type": "annuity", "weekly": "20.00"},
    ]
    for n, (forename, surname, reference, income) in enumerate(
        [("Ruth", "Ellison", "12345674", ruth), ("Walter", "Brook", "00000026", walter)]
    ):
        person = ServiceUser.objects.create(
            account_reference=reference, title="Mrs" if n == 0 else "Mr", forename=forename,
            surname=surname, date_of_birth=date(1941, 2, 14),
        )  # fmt: skip
        Address.objects.create(
            person=person, role=AddressRole.HOME, line_1=f"{n + 1} Mill Lane", town="Northfield",
            postcode="NF1 2AB",
        )  # fmt: skip
        package = CarePackage.objects.create(person=person, case_system_id=f"PKG{n}")
        ServiceLine.objects.create(
            package=package, case_system_id=f"L{n}", service=service,
            units_per_week=Decimal("10.5"), unit_cost_pence=1850, start_date=date(2025, 4, 7),
        )  # fmt: skip
        assessed(person, income)
        found[forename.lower()] = person
    return found


@pytest.fixture
def second_tab(browser: Any, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in_as(page: Page, username: str) -> Page:
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your work").wait_for()
    return page


def shot(page: Page, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_preview_download_approve_post_and_see_the_new_version(
    sign_in: Callable[[], Any],
    senior: Any,
    people: dict[str, ServiceUser],
    second_tab: Page,
    tmp_path: Path,
) -> None:
    page: Page = sign_in()
    page.get_by_role("link", name="Annual uprating: runs waiting for approval or posting").click()
    page.get_by_role("link", name="Start an uprating run").click()
    dates = page.get_by_role("group", name="The date the new figures take effect")
    dates.get_by_label("Day").fill("6")
    dates.get_by_label("Month").fill("4")
    dates.get_by_label("Year").fill("2026")
    shot(page, tmp_path, "uprating-start")
    page.get_by_role("button", name="Work out the preview").click()
    expect(page.locator("[data-state]")).to_have_text("Previewed")
    expect(page.locator("[data-count=ready]")).to_have_text("1")
    expect(page.locator("[data-count=manual-review]")).to_have_text("1")
    ruth = page.locator("[data-reference='12345674']")
    # 2025/26: £340.65 less the MIG £232.60 = £108.05; 2026/27: £355.90 less £241.45 = £114.45.
    expect(ruth.locator("[data-figure=old]")).to_have_text("£108.05")
    expect(ruth.locator("[data-figure=new]")).to_have_text("£114.45")
    expect(ruth.locator("[data-figure=difference]")).to_have_text("+£6.40")
    expect(page.locator("[data-reference='00000026']")).to_contain_text("Annuity (£20.00 a week)")
    expect(page.get_by_text("Waiting for approval by a senior officer")).to_be_visible()
    shot(page, tmp_path, "uprating-preview")
    page.locator("[data-reference='00000026']").get_by_role("link", name="Details").click()
    expect(page.locator("[data-reasons]")).to_contain_text("Annuity (£20.00 a week)")
    expect(page.locator("[data-table=steps]")).to_contain_text("New State Pension")
    shot(page, tmp_path, "uprating-item")
    page.get_by_role("link", name="Back to run").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Excel").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved)["Preview"]
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    assert rows["12345674"][4:8] == [108.05, 114.45, 6.4, "Ready to post"]
    assert rows["00000026"][7] == "Manual review"

    run = UpratingRun.objects.get()
    other = sign_in_as(second_tab, senior.username)
    other.goto(f"/uprating/{run.pk}/")
    other.get_by_role("button", name=f"Approve run {run.pk}").click()
    expect(other.locator(".govuk-notification-banner")).to_contain_text("is approved")
    expect(other.locator("[data-state]")).to_have_text("Approved")
    other.get_by_role("button", name="Post the new assessments").click()
    expect(other.locator("[data-state]")).to_have_text("Posted")
    expect(other.locator("[data-count=ready]")).to_have_text("1")
    expect(other.locator("[data-letters]")).to_have_text("Sent for every new assessment")
    shot(other, tmp_path, "uprating-posted")

    page.goto(f"/people/{people['ruth'].pk}/assessments/")
    versions = page.locator("[data-table=assessment-versions]")
    expect(versions.locator("[data-version='2']")).to_contain_text("Current")
    expect(versions.locator("[data-version='2']")).to_contain_text("£114.45")
    versions.get_by_role("link", name="Version 2").click()
    expect(page.locator("[data-figure=weekly-charge]")).to_have_text("£114.45")
    facts = page.locator(".govuk-summary-list")
    expect(facts).to_contain_text("Annual uprating from 06/04/2026")
    expect(facts).to_contain_text(re.compile(r"Takes effect\s*6 April 2026"))
