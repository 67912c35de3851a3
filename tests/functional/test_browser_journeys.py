"""Journeys through a real browser: signing in, finding a person, importing, the keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.people.models import Address, AddressRole, ServiceUser

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
TABS = ["Details", "Care", "Assessments", "Account", "Letters", "History"]


@pytest.fixture
def margaret(transactional_db: None) -> ServiceUser:
    person = ServiceUser.objects.create(
        account_reference="12345674", title="Mrs", forename="Margaret", surname="Oakhampton",
        date_of_birth=date(1938, 3, 12), nhs_number="9434765919", ni_number="AB123456C",
        phone="0113 496 0000",
    )  # fmt: skip
    Address.objects.create(
        person=person, role=AddressRole.HOME, line_1="12 Station Road", town="Northfield",
        postcode="NR2 4PT",
    )  # fmt: skip
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


def test_sign_in_find_a_person_and_open_every_tab(
    sign_in: Callable[[], Any], margaret: ServiceUser, tmp_path: Path
) -> None:
    page = sign_in()
    page.get_by_role("link", name="Service users").click()
    page.get_by_label("Name, account reference, NHS number, postcode or date of birth").fill(
        "oakhampton"
    )
    page.keyboard.press("Enter")
    results = page.locator("#results")
    expect(results).to_contain_text("1 person found")
    expect(results).to_contain_text("943 476 5919")
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    page.get_by_role("link", name="Mrs Margaret Oakhampton").click()

    bar = page.locator(".moj-identity-bar")
    expect(bar).to_contain_text("Mrs Margaret Oakhampton")
    expect(bar).to_contain_text("Account reference 12345674")
    expect(bar).to_contain_text("Born 12 March 1938")
    expect(bar).to_contain_text("NHS number 943 476 5919")
    expect(page.locator("[data-field=ni-number]")).to_contain_text("XX XX XX 56 C")
    expect(page.locator("body")).not_to_contain_text("AB123456C")
    # GOV.UK Frontend's stylesheet is loaded: the header has the council's colours and name.
    header = page.locator("header.govuk-header")
    expect(header).to_contain_text("Northfield Borough Council")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 58, 95)"
    page.screenshot(path=str(tmp_path / "person.png"), full_page=True)

    nav = page.get_by_role("navigation", name="Parts of this person's record")
    for tab in TABS:
        nav.get_by_role("link", name=tab, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(tab)
        expect(nav.locator("[aria-current=page]")).to_have_text(tab)
        expect(page.locator(".moj-identity-bar")).to_contain_text("Mrs Margaret Oakhampton")
        if tab == "Care":
            expect(page.locator("main")).to_contain_text("£194.25")
            page.screenshot(path=str(tmp_path / "care.png"), full_page=True)


@pytest.fixture
def domcare(transactional_db: None) -> Service:
    return Service.objects.create(
        code="DOMCARE", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, cost_centre="ASC4210",
        subjective_code="52210",
    )  # fmt: skip


def test_a_bad_import_file_lists_its_problems_in_the_error_summary(
    sign_in: Callable[[], Any], domcare: Service, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"
    page = sign_in()
    page.get_by_role("link", name="Import care data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import care data")
    page.get_by_label("Care data file (CSV)").set_input_files(FIXTURES / "care_ten_problems.csv")
    page.get_by_role("button", name="Check and import the file").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(summary).to_contain_text("10 problems in care_ten_problems.csv")
    links = summary.locator(".govuk-error-summary__list a")
    expect(links).to_have_count(10)
    expect(links.first).to_have_text(
        "Line 3, date of birth: 31/02/1950 is not a real date: February 1950 has 28 days"
    )
    expect(page.locator("#problems tbody tr")).to_have_count(10)
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)
    links.nth(6).click()
    expect(page).to_have_url(re.compile(r"#problem-7$"))


def test_empty_upload_shows_the_error_summary(sign_in: Callable[[], Any]) -> None:
    page = sign_in()
    page.goto("/care/import/")
    page.get_by_role("button", name="Check and import the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a CSV file to import")


def test_the_skip_link_is_the_first_tab_stop(sign_in: Callable[[], Any]) -> None:
    page = sign_in()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_search_by_keyboard_alone(sign_in: Callable[[], Any], margaret: ServiceUser) -> None:
    page = sign_in()
    page.goto("/people/")
    page.keyboard.press("Tab")  # skip link
    search_box = page.locator("#q")
    for _ in range(20):
        if search_box.evaluate("e => e === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(search_box).to_be_focused()
    page.keyboard.type("12345674")
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="Mrs Margaret Oakhampton")
    expect(link).to_be_visible()
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Details")


def test_a_mistake_on_the_edit_form_is_explained_and_its_link_focuses_the_field(
    sign_in: Callable[[], Any], margaret: ServiceUser, tmp_path: Path
) -> None:
    page = sign_in()
    page.goto(f"/people/{margaret.pk}/")
    page.get_by_role("link", name="Change name and contact details").click()
    page.get_by_label("Last name").fill("")
    page.get_by_label("Email address (optional)").fill("margaret.example.org")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the last name")
    expect(summary).to_contain_text("Enter the reason for the change")
    expect(summary).to_contain_text("Enter an email address in the correct format")
    page.screenshot(path=str(tmp_path / "edit.png"), full_page=True)
    summary.get_by_role("link", name="Enter the last name").click()
    expect(page.get_by_label("Last name")).to_be_focused()

    page.get_by_label("Last name").fill("Oakhampton-Reid")
    page.get_by_label("Email address (optional)").fill("")
    page.get_by_label("Reason for the change").fill("Married; letter from her son")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Details saved")
    expect(page.locator(".moj-identity-bar")).to_contain_text("Mrs Margaret Oakhampton-Reid")
    page.get_by_role("link", name="History", exact=True).click()
    expect(page.locator(".moj-timeline")).to_contain_text("Married; letter from her son")
