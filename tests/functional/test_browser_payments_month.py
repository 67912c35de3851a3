"""An income officer's month in a real browser: imports the bank statement, asks for a refund
of an overpayment that a senior officer approves in another session, then keeps the month's
reconciliation, which the senior officer signs off."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from carecharge.apps.accounts.roles import Role

from ..integration.billing_scenario import HOME_CARE, Scenario
from .conftest import PASSWORD, staff

pytestmark = pytest.mark.browser


@pytest.fixture
def council(transactional_db: None) -> dict[str, Any]:
    finance = staff("fran.finance", Role.FINANCE_OFFICER, "Fran")
    senior = staff("sid.senior", Role.SENIOR_OFFICER, "Sid")
    for role in Role:  # earlier browser tests' flushes removed the groups the migration made
        Group.objects.get_or_create(name=role)
    s = Scenario()
    ada = s.person("ada", born="1940-01-01")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "50.00", starts="2025-04-07")
    s.bill("2025-05-04")  # £200.00 owed
    return {"finance": finance, "senior": senior, "ada": ada}


@pytest.fixture
def other(browser: Any, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _sign_in(page: Page, username: str) -> Page:
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your work").wait_for()
    return page


def test_import_refund_and_reconcile_the_month(
    page: Page, other: Page, council: dict[str, Any], tmp_path: Path
) -> None:
    reference = council["ada"].account_reference
    statement = tmp_path / "may.csv"
    statement.write_text(
        "Date,Description,Amount,Payer,Transaction ID\r\n"
        f"12/05/2025,CARE {reference},230.00,A TESTER,TX1\r\n"
        "13/05/2025,DONATION,15.00,UNKNOWN,TX2\r\n"
        "Total,,245.00,,\r\n",
        encoding="utf-8",
    )
    _sign_in(page, council["finance"].username)
    page.goto("/payments/import/")
    page.get_by_label("Payment file").set_input_files(str(statement))
    page.get_by_label("Bank statement (CSV)").check()
    page.get_by_label("The statement covers from").fill("01/05/2025")
    page.get_by_label("to", exact=True).fill("31/05/2025")
    page.get_by_role("button", name="Check and import the file").click()
    expect(page.locator("[data-field=summary]")).to_contain_text(
        "2 receipts totalling £245.00: 1 matched and posted to accounts, 1 put in the "
        "unallocated queue."
    )

    page.goto("/payments/refunds/")
    row = page.locator(f"[data-account='{reference}']")
    expect(row).to_contain_text("£30.00")
    row.get_by_role("link", name="Refund").click()
    page.get_by_label("Cheque").check()
    page.get_by_label("Who is paid?").fill("Ada Tester")
    page.get_by_label("Why is it refunded?").fill("Paid £30.00 more than the May invoice")
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.locator("[data-state]")).to_have_text("Waiting for approval")
    refund_url = page.url

    _sign_in(other, council["senior"].username)
    other.goto(refund_url)
    other.get_by_label("Approve the refund").check()
    other.get_by_role("button", name="Record the decision").click()
    expect(other.locator("[data-state]")).to_have_text("Approved: to be paid")

    page.reload()
    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Cheque number").fill("000321")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("[data-figure=paid]")).to_have_text("20 May 2025, cheque 000321")

    page.goto("/payments/reconciliation/?start_day=1&start_month=5&start_year=2025"
              "&end_day=31&end_month=5&end_year=2025")  # fmt: skip
    expect(page.locator("[data-figure=queue]")).to_have_text("£15.00")
    expect(page.locator("[data-figure=suspense]")).to_have_text("£15.00")
    # The cheque refund is in the ledger but not yet on a bank statement, and the May run's
    # journal has not gone to the finance system: the two differences, each named.
    differences = page.locator("[data-differences] li")
    expect(differences).to_have_count(2)
    expect(differences.nth(0)).to_contain_text(
        "Money out in the ledger on 2025-05-20 not on a statement: £30.00"
    )
    expect(differences.nth(1)).to_contain_text("journal has not been exported")
    page.get_by_role("button", name="Keep this report for sign-off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Reconciliation 1 May 2025 to 31 May 2025"
    )
    kept_url = page.url

    other.goto(kept_url)
    other.get_by_role("button", name="Sign off the reconciliation").click()
    expect(other.locator(".govuk-error-summary")).to_contain_text("explain them")
    other.get_by_label("Note").fill("Cheque 000321 cleared on 3 June; May journal sent 2 June")
    other.get_by_role("button", name="Sign off the reconciliation").click()
    expect(other.locator("[data-signed]")).to_contain_text("Signed off by sid.senior")
