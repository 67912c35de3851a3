"""A billing run in a real browser: a charging officer starts a run to 4 May 2025 for a small
council, reads the pre-flight warnings and the preview, opens a person's lines and downloads the
preview as Excel; a senior officer (a different user) approves it; the officer posts it and the
run shows the invoices, which the person's Account tab then lists.

The council is seeded with the billing scenario helper; the background work (the preview and the
posting) runs straight away under the tests' immediate task backend.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from carecharge.apps.assessments.models import Assessment
from carecharge.apps.billing.models import BillingRun, Invoice
from carecharge.apps.people.models import Address, ServiceUser

from ..integration.billing_scenario import CARE_HOME, HOME_CARE, Scenario
from .conftest import PASSWORD, staff

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CARECHARGE_SCREENSHOTS")


@pytest.fixture
def senior(transactional_db: None) -> Any:
    from carecharge.apps.accounts.roles import Role

    return staff("sam.senior", Role.SENIOR_OFFICER, "Sam")


@pytest.fixture
def people(officer: Any, senior: Any) -> dict[str, ServiceUser]:
    """Ada at home (£84.20 a week; her review is overdue: a warning), Bert at home with no
    address (a blocker: kept out of the run) and Cara in a care home paid gross (£150.00)."""
    s = Scenario()  # after the staff: their roles' groups exist again after earlier flushes
    ada = s.person("ada", born="1940-01-01")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    first = s.assess("ada", "84.20", starts="2025-04-07")
    Assessment.objects.filter(pk=first.pk).update(next_review_date=date(2025, 4, 30))
    bert = s.person("bert", born="1941-01-01")
    s.care("bert", HOME_CARE, units="5", cost="22.50", starts="2025-04-07")
    s.assess("bert", "50.00", starts="2025-04-07")
    Address.objects.filter(person=bert).delete()
    cara = s.person("cara", born="1942-01-01")
    s.care("cara", CARE_HOME, units="1", cost="800.00", starts="2025-04-07")
    s.assess("cara", "150.00", starts="2025-04-07", setting="residential_permanent")
    return {"ada": ada, "bert": bert, "cara": cara}


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


def test_start_check_preview_approve_post_and_see_the_invoices(
    sign_in: Callable[[], Any],
    senior: Any,
    people: dict[str, ServiceUser],
    second_tab: Page,
    tmp_path: Path,
) -> None:
    ada, bert = people["ada"].account_reference, people["bert"].account_reference
    page: Page = sign_in()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Billing runs").click()
    page.get_by_role("link", name="Start a billing run").click()
    dates = page.get_by_role("group", name="Bill up to")
    dates.get_by_label("Day").fill("4")
    dates.get_by_label("Month").fill("5")
    dates.get_by_label("Year").fill("2025")
    shot(page, tmp_path, "billing-start")
    page.get_by_role("button", name="Run the checks and work out the preview").click()

    expect(page.locator("[data-state]")).to_have_text("Previewed")
    # The pre-flight results come first: Bert is kept out, Ada's review is overdue.
    expect(page.locator("[data-figure=preflight]")).to_contain_text(
        "1 blocker (1 person kept out of this run), 1 warning"
    )
    blocker = page.locator("[data-check=no_billing_address]")
    expect(blocker).to_contain_text("No billing address: 1")
    expect(blocker.locator(f"[data-reference='{bert}']")).to_contain_text("Bert Tester")
    expect(page.locator("[data-check=review_overdue]")).to_contain_text(
        "The financial assessment was due for review on 30/04/2025."
    )
    # Four weeks of Ada at £84.20 and of Cara at £150.00.
    expect(page.locator("[data-figure=to-invoice]")).to_have_text("£936.80")
    expect(page.locator("[data-count=changed]")).to_have_text("2")
    expect(page.locator("[data-count=excluded]")).to_have_text("1")
    table = page.locator("[data-table=people]")
    expect(table.locator(f"[data-reference='{ada}'] [data-figure=this-run]")).to_have_text(
        "+£336.80"
    )
    expect(table.locator(f"[data-reference='{bert}'] [data-status]")).to_have_text(
        "Excluded by a pre-flight check"
    )
    expect(page.get_by_text("Waiting for approval by a senior officer")).to_be_visible()
    shot(page, tmp_path, "billing-preview")

    table.locator(f"[data-reference='{ada}']").get_by_role("link", name="4 lines").click()
    lines = page.locator("[data-table=lines] > tbody")
    expect(lines).to_have_count(4)
    expect(lines.first).to_contain_text("7 to 13 April 2025")
    expect(lines.first.locator("[data-figure=amount]")).to_have_text("£84.20")
    expect(lines.first.locator("[data-reason]")).to_have_text("New charge")
    lines.first.get_by_text("How it was worked out").click()
    expect(lines.first.locator("[data-table=trace]")).to_be_visible()
    shot(page, tmp_path, "billing-person")
    page.get_by_role("link", name="Back to run").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as Excel").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    book = openpyxl.load_workbook(saved)
    rows = {r[0].value: [c.value for c in r] for r in book["People"].iter_rows(min_row=2)}
    assert rows[ada][1:4] == ["Ada Tester", "Ready to post", 336.8]
    assert rows[bert][2] == "Excluded by a pre-flight check"
    assert [r[0].value for r in book["Pre-flight problems"].iter_rows(min_row=2)] == [
        "Blocker",
        "Warning",
    ]

    run = BillingRun.objects.get()
    other = sign_in_as(second_tab, senior.username)
    other.goto(f"/billing/{run.pk}/")
    other.get_by_role("button", name=f"Approve run {run.pk}").click()
    expect(other.locator(".govuk-notification-banner")).to_contain_text("is approved")
    expect(other.locator("[data-state]")).to_have_text("Approved")

    page.reload()
    expect(page.locator("[data-approved-by]")).to_contain_text("by Sam")
    page.get_by_role("button", name="Post the charges and number the invoices").click()
    expect(page.locator("[data-state]")).to_have_text("Posted")
    expect(page.locator("[data-figure=invoices]")).to_contain_text(
        "2 invoices and 0 credit notes, 8 lines, £936.80"
    )
    invoice = Invoice.objects.get(person=people["ada"])
    expect(
        page.locator(f"[data-table=people] [data-reference='{ada}'] [data-invoices]")
    ).to_contain_text(f"{invoice.number} £336.80")
    shot(page, tmp_path, "billing-posted")

    page.goto(f"/people/{people['ada'].pk}/account/")
    charges = page.locator(f"[data-table=charges] [data-invoice='{invoice.number}']")
    expect(charges).to_contain_text("£336.80")
    expect(charges).to_contain_text(invoice.due_on.strftime("%d/%m/%Y"))
    charges.get_by_role("link", name="Lines").click()
    expect(page.locator("[data-status]").first).to_have_text("Posted")
    expect(page.locator("[data-table=invoices]")).to_contain_text(
        re.compile(rf"Invoice\s+{invoice.number}")
    )
