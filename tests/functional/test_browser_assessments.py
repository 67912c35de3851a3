"""An assessment officer in a real browser: a non-residential assessment, then a move into a care
home, a revision from an earlier date, and the two versions compared.

The council's figures are fixed on each draft (request-level `policy` and `overrides`, as the
integration tests do) so the amounts on screen follow from what is typed, not from rule values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from carecharge.apps.assessments import operations
from carecharge.apps.assessments.models import Assessment, CapitalItem, IncomeItem
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
# Where the screenshots go; set CARECHARGE_SCREENSHOTS to keep them.
SHOTS = os.environ.get("CARECHARGE_SCREENSHOTS")
POLICY = {
    "dre_mode": "itemised",
    "minimum_weekly_charge": "0.00",
    "taper_percent": "100",
    "disregard_night_care_element": False,
    "housing_costs_allowed": True,
}


@pytest.fixture
def officer(assessment_officer: Any) -> Any:
    """This module's user is a financial assessment officer."""
    return assessment_officer


@pytest.fixture
def ruth(transactional_db: None) -> ServiceUser:
    person = ServiceUser.objects.create(
        account_reference="12345674", title="Mrs", forename="Ruth", surname="Ellison",
        date_of_birth=date(1941, 2, 14),
    )  # fmt: skip
    IncomeItem.objects.create(
        person=person, type="new_state_pension", weekly_pence=23025, start_date=date(2025, 4, 7)
    )
    IncomeItem.objects.create(
        person=person, type="pip_mobility", rate="standard", weekly_pence=2920,
        start_date=date(2025, 4, 7),
    )  # fmt: skip
    CapitalItem.objects.create(
        person=person, type="savings", amount_pence=600_000, valued_on=date(2025, 5, 1)
    )
    service = Service.objects.create(
        code="HOMECARE", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, cost_centre="ASC4210",
        subjective_code="52210",
    )  # fmt: skip
    package = CarePackage.objects.create(person=person, case_system_id="PKG1")
    ServiceLine.objects.create(
        package=package, case_system_id="L001", service=service, units_per_week=Decimal("10.5"),
        unit_cost_pence=1850, start_date=date(2025, 4, 7),
    )  # fmt: skip
    return person


def shot(page: Page, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def council_figures(page: Page, *, setting: str) -> None:
    """Fix the council's figures on the draft the page shows, then reload it."""
    pk = int(re.search(r"/assessments/(\d+)/edit/", page.url).group(1))  # type: ignore[union-attr]
    draft = Assessment.objects.get(pk=pk)
    assert draft.setting == setting
    request = {**draft.request, "policy": POLICY, "overrides": {"mig": "200.00", "pea": "30.65"}}
    operations.assessment_save_draft(assessment=draft, request=request, actor=None)
    page.reload()


def start(
    page: Page, kind: str, day: str, month: str, year: str, reason: str = "", copy: bool = True
) -> None:
    page.get_by_role("link", name="Start a new assessment").click()
    page.get_by_label(kind).check()
    dates = page.get_by_role("group", name="The date it takes effect")
    dates.get_by_label("Day").fill(day)
    dates.get_by_label("Month").fill(month)
    dates.get_by_label("Year").fill(year)
    if reason:
        page.get_by_label("Why is it being revised?").fill(reason)
    if not copy:
        page.get_by_label("The income and capital recorded for the person").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Complete the assessment")).to_be_visible()


def test_assess_at_home_move_into_a_care_home_revise_and_compare(
    sign_in: Callable[[], Any], ruth: ServiceUser, tmp_path: Path
) -> None:
    page: Page = sign_in()
    page.goto(f"/people/{ruth.pk}/assessments/")
    expect(page.get_by_text("No financial assessment has been completed yet")).to_be_visible()

    # 1. Care at home from 2 June 2025, filled in on the screen.
    start(page, "Care at home and in the community", "2", "6", "2025")
    council_figures(page, setting="non_residential")
    expect(page.get_by_label("Weekly cost of care")).to_have_value("194.25")  # 10.5 h × £18.50
    expect(page.get_by_label("Weekly amount, income row 1")).to_have_value("230.25")
    page.get_by_role("button", name="Add another row of income").click()
    page.get_by_label("Type of income, income row 5").select_option("occupational_pension")
    page.get_by_label("Weekly amount, income row 5").fill("£40")
    page.get_by_label("Disability premium", exact=True).check()
    page.get_by_label("Housing cost, housing costs row 1").select_option("council_tax")
    page.get_by_label("Weekly amount, housing costs row 1").fill("6.00")
    page.get_by_label("What it is for, disability-related expenditure row 1").fill("Laundry")
    page.get_by_label("Weekly amount, disability-related expenditure row 1").fill("4")
    page.get_by_label("Evidence seen, disability-related expenditure row 1").fill("Receipts")
    # A slip is caught, named and nothing is saved; the rest of what was typed stays.
    page.get_by_label("Weekly amount, income row 2").fill("29.2O")
    page.get_by_role("button", name="Complete the assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Income row 2: Weekly amount must be an amount in pounds")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Weekly amount, income row 2")).to_be_focused()
    shot(page, tmp_path, "assessment-edit-error")
    page.keyboard.press("Control+a")
    page.keyboard.type("29.20")
    page.get_by_role("button", name="Complete the assessment").click()
    # 230.25 + 40.00 counted, PIP mobility disregarded, £6,000 savings below the lower limit;
    # less MIG 200.00, Council Tax 6.00 and DRE 4.00: 60.25 a week.
    expect(page.locator("[data-figure=weekly-charge]")).to_have_text("£60.25")
    expect(page.locator("[data-figure=full-cost]")).to_contain_text("£194.25 a week")
    trace = page.locator("[data-table=trace]")
    expect(trace).to_contain_text("200.00")
    shot(page, tmp_path, "assessment-detail-home")

    # 2. Into a care home from 1 September 2025, from the income recorded for her.
    page.get_by_role("link", name="Back to assessments").click()
    start(page, "Care home (permanent)", "1", "9", "2025", "Moved into Elm Lodge", copy=False)
    council_figures(page, setting="residential_permanent")
    page.get_by_label("Weekly fee of the care home").fill("850.00")
    page.keyboard.press("Enter")  # Enter saves the draft; it does not add a row
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The draft was saved")
    expect(page.get_by_label("Weekly fee of the care home")).to_have_value("850.00")
    page.get_by_role("button", name="Complete the assessment").click()
    # 230.25 counted, PIP mobility disregarded, less the personal expenses allowance 30.65.
    expect(page.locator("[data-figure=weekly-charge]")).to_have_text("£199.60")

    # 3. She moved in earlier than we were told, with a private pension nobody knew of:
    # a revision from 18 August 2025, copied from version 2.
    page.get_by_role("link", name="Back to assessments").click()
    page.get_by_role("link", name="Start a new assessment").click()
    shot(page, tmp_path, "assessment-start-revision")
    page.go_back()
    start(page, "Care home (permanent)", "18", "8", "2025", reason="Moved in on 18 August")
    page.get_by_label("Type of income, income row 3").select_option("private_pension")
    page.get_by_label("Weekly amount, income row 3").fill("25.00")
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.locator("[data-figure=weekly-charge]")).to_have_text("£224.60")
    shot(page, tmp_path, "assessment-detail-care-home")

    page.get_by_role("link", name="Back to assessments").click()
    versions = page.locator("[data-table=assessment-versions]")
    expect(versions.locator("[data-version='3']")).to_contain_text("Current")
    expect(versions.locator("[data-version='2']")).to_contain_text("Never applied")
    expect(versions.locator("[data-version='1']")).to_contain_text("17 Aug 2025")
    expect(versions.locator("[data-version='1']")).to_contain_text("£60.25")
    shot(page, tmp_path, "assessment-versions")

    # 4. Version 3 against version 2, side by side.
    versions.get_by_role("link", name="Version 3").click()
    page.get_by_role("link", name="Compare with version 2").click()
    table = page.locator("[data-table=compare]")
    charge = table.get_by_role("row", name=re.compile("^Weekly charge"))
    expect(charge).to_contain_text("£199.60")
    expect(charge).to_contain_text("£224.60")
    expect(charge).to_contain_text("Changed")
    fee = table.get_by_role("row", name=re.compile("^Weekly cost of care"))
    expect(fee).not_to_contain_text("Changed")
    shot(page, tmp_path, "assessment-compare")
