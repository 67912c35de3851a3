"""A member of the public in a real browser: no sign-in, an estimate for care at home (with a slip
put right and the answers changed) and one for a permanent care home whose home counts after
12 weeks. The date is pinned to 1 June 2026, so the 2026/27 rules apply; the arithmetic is in
tests/integration/test_estimate.py, which runs the same answers."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CARECHARGE_SCREENSHOTS")
DAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # The live server runs in this process, so it sees the same date.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: DAY)


def shot(page: Page, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def answer(page: Page, question: str, choice: str) -> None:
    # Only the group's own options: a question revealed under "Yes" sits inside the group.
    own = page.get_by_role("group", name=question, exact=True).locator(
        ":scope > .govuk-radios > .govuk-radios__item"
    )
    own.get_by_label(choice, exact=True).check()


def amount(page: Page, question: str, pounds: str, how_often: str = "a week") -> None:
    group = page.get_by_role("group", name=question, exact=True)
    group.get_by_label("Amount").fill(pounds)
    group.get_by_label("How often").select_option(label=how_often)


def born(page: Page, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name="Date of birth")
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def begin(page: Page, where: str, tmp_path: Path) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Estimate what you might pay for care").click()
    expect(page.get_by_role("heading", name="Estimate what you might pay for care")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select where the care will be")
    shot(page, tmp_path, "estimate-start-error")
    page.get_by_label(where, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Tell us about your circumstances")).to_be_visible()


def test_an_estimate_for_care_at_home(page: Page, tmp_path: Path) -> None:
    begin(page, "At home", tmp_path)
    born(page, "1", "3", "1950")
    answer(page, "Do you have a partner?", "No")
    amount(page, "State Pension", "230.25")
    answer(
        page,
        "Do you get Attendance Allowance, or the care or daily living part of DLA or PIP?",
        "Attendance Allowance, higher rate (£114.60 a week)",
    )
    answer(page, "Do you get the mobility part of DLA or PIP?", "No")
    answer(page, "Are you registered blind or severely sight impaired?", "No")
    answer(page, "Will the council's care for you include care during the night?", "No")
    amount(page, "Work and private pensions", "433.333", "a month")  # a slip
    page.get_by_label("Savings and investments in your name only").fill("£20,000")
    page.get_by_label("Savings and investments you hold jointly with someone else").fill("3000")
    amount(page, "Council Tax", "1,560", "a year")
    page.get_by_label("Extra costs because of a disability or illness, a week").fill("15")
    page.get_by_label("How much will your care cost each week?").fill("250")
    page.get_by_role("button", name="Get your estimate").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Work and private pensions must have no more than 2 digits after the decimal point"
    )
    summary.get_by_role("link").first.click()
    pensions = page.get_by_role("group", name="Work and private pensions").get_by_label("Amount")
    expect(pensions).to_be_focused()
    expect(page.get_by_label("Savings and investments in your name only")).to_have_value("£20,000")
    shot(page, tmp_path, "estimate-error")
    pensions.fill("433.33")
    page.get_by_role("button", name="Get your estimate").click()

    expect(page.locator("[data-figure=charge-estimate]")).to_have_text(
        re.compile(r"^\s*£149\.50 a week\s*$")
    )
    steps = page.get_by_role("table", name="Every step of the calculation")
    expect(steps).to_contain_text("Housing cost: council tax")
    expect(page.get_by_text("This is an estimate, not a decision.")).to_be_visible()
    shot(page, tmp_path, "estimate-result-home")

    # Change an answer: everything else is still there.
    page.get_by_role("button", name="Change your answers").click()
    expect(page.get_by_role("group", name="State Pension").get_by_label("Amount")).to_have_value(
        "230.25"
    )
    page.get_by_label("How much will your care cost each week?").fill("")
    page.get_by_role("button", name="Get your estimate").click()
    expect(page.locator("[data-figure=charge-estimate]")).to_have_text(
        re.compile(r"^\s*up to £149\.50 a week\s*$")
    )
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]


def test_an_estimate_for_a_permanent_care_home(page: Page, tmp_path: Path) -> None:
    begin(page, "In a care home, permanently", tmp_path)
    care_home_answers(page)
    shot(page, tmp_path, "estimate-questions-care-home")
    page.get_by_role("button", name="Get your estimate").click()

    expect(page.locator("[data-figure=charge-first_12_weeks]")).to_contain_text("£199.25 a week")
    expect(page.locator("[data-figure=charge-after_12_weeks]")).to_contain_text(
        "the full cost of your care (£900.00 a week)"
    )
    expect(page.get_by_role("heading", name="Your home")).to_be_visible()
    expect(page.get_by_text("deferred payment agreement").first).to_be_visible()
    shot(page, tmp_path, "estimate-result-care-home")


def test_it_works_without_javascript(browser: Any, live_server: Any, tmp_path: Path) -> None:
    """The questions revealed under "Yes" are simply shown; every step is a plain form post."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        begin(page, "In a care home, permanently", tmp_path)
        expect(page.get_by_label("What is your home worth?")).to_be_visible()
        care_home_answers(page)
        page.get_by_role("button", name="Change where the care will be").click()
        expect(page.get_by_label("In a care home, permanently")).to_be_checked()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_label("What is your home worth?")).to_have_value("180,000")
        page.get_by_role("button", name="Get your estimate").click()
        expect(page.locator("[data-figure=charge-first_12_weeks]")).to_contain_text("£199.25")
    finally:
        context.close()


def care_home_answers(page: Page) -> None:
    born(page, "10", "1", "1940")
    answer(page, "Do you have a partner?", "No")
    amount(page, "State Pension", "184.90")
    answer(
        page,
        "Do you get Attendance Allowance, or the care or daily living part of DLA or PIP?",
        "No, none of these",
    )
    answer(page, "Do you get the mobility part of DLA or PIP?", "No")
    amount(page, "Work and private pensions", "200", "a month")
    page.get_by_label("Savings and investments in your name only").fill("10000")
    answer(page, "Do you own your home?", "Yes")
    page.get_by_label("What is your home worth?").fill("180,000")
    answer(page, "Do you own it with someone else?", "No")
    relative = (
        "Will a relative still live there who is aged 60 or over, or disabled, or a child under "
        "18 you support?"
    )
    answer(page, relative, "No")
    page.get_by_label("What is the care home's weekly fee?").fill("900")
