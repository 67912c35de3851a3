"""An income officer's Direct Debit month in a real browser: sets up a payer's mandate (a
mistyped account number is refused by the modulus check), makes the AUDDIS file, builds the
collection run for 1 April 2026 when the advance notices go, settles it on the day, then
uploads the ARUDD that returns the collection unpaid and sees its receipt reversed.

The business date moves through the month: ``timezone.localdate`` is patched, and the live
server runs in another thread of this process, so it sees the same date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from carecharge.apps.accounts.roles import Role

from ..integration.billing_scenario import HOME_CARE, Scenario
from ..integration.test_directdebit_support import (
    BILLED_ON,
    BUILT_ON,
    COLLECT_ON,
    FAILS_MODULUS,
    REPORTS_ON,
    arudd,
)
from .conftest import PASSWORD, staff

pytestmark = pytest.mark.browser


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, date]:
    today = {"today": BILLED_ON}
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today["today"])
    return today


@pytest.fixture
def council(transactional_db: None, clock: dict[str, date]) -> dict[str, Any]:
    finance = staff("fran.finance", Role.FINANCE_OFFICER, "Fran")
    for role in Role:  # earlier browser tests' flushes removed the groups the migration made
        Group.objects.get_or_create(name=role)
    s = Scenario()
    ada = s.person("ada", born="1940-01-01")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "50.00", starts="2025-04-07")
    s.bill("2025-05-04")  # £200.00, invoiced on 2 March 2026 and due on 30 March
    return {"finance": finance, "ada": ada}


def test_mandate_auddis_collection_settlement_and_a_return(
    page: Page, council: dict[str, Any], clock: dict[str, date], tmp_path: Path
) -> None:
    reference = council["ada"].account_reference
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", council["finance"].username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your work").wait_for()

    # The payer's signed instruction, keyed with a wrong account number first.
    page.get_by_role("link", name="Payments").click()
    page.get_by_role("link", name="Direct Debit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mandates")
    page.get_by_role("link", name="Set up a mandate").click()
    page.get_by_label("Payment reference of the account to collect for").fill(reference)
    page.get_by_label("Account holder's name").fill("Ada Tester")
    page.get_by_label("Sort code").fill(FAILS_MODULUS[0])
    page.get_by_label("Account number", exact=True).fill(FAILS_MODULUS[1])
    page.get_by_role("button", name="Set up the mandate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Sort code 40-00-00 and account number 12345678 fail the UK modulus check"
    )
    expect(page.locator("#id_account_number")).to_have_class(
        "govuk-input govuk-input--width-10 govuk-input--error"
    )
    page.get_by_label("Account number", exact=True).fill("10000299")
    page.get_by_role("button", name="Set up the mandate").click()
    expect(page.locator("[data-status]")).to_have_text(
        "New: instruction waiting to be sent to Bacs"
    )
    expect(page.locator("[data-figure=bank]")).to_have_text("40-00-00, ****0299")
    mandate_url = page.url

    # The 0N goes to the payer's bank in the AUDDIS file.
    page.goto("/direct-debit/auddis/")
    expect(page.locator("[data-table=waiting] tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Make the AUDDIS file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AUDDIS instructions file 000001")
    expect(page.locator("[data-control-report]")).to_contain_text("Submission serial:      000001")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file (auddis-000001.txt)").click()
    assert download.value.suggested_filename == "auddis-000001.txt"

    # 12 March: the run for 1 April is built and the advance notice recorded.
    clock["today"] = BUILT_ON
    page.goto("/direct-debit/runs/")
    page.get_by_role("link", name="Build a run").first.click()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Build the run").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Collecting on Wednesday 1 April 2026"
    )
    expect(page.locator("[data-figure=total]")).to_have_text("1 for £200.00")
    expect(page.locator("[data-item] [data-code]")).to_contain_text("01")
    expect(page.locator("[data-table=notices] tbody tr")).to_have_count(1)
    expect(page.locator("[data-table=notices]")).to_contain_text("first collection")
    expect(page.locator("[data-settle-waits]")).to_be_visible()
    run_url = page.url

    # 1 April: collected; settling posts the receipt that pays the invoice.
    clock["today"] = COLLECT_ON
    page.goto(run_url)
    page.get_by_role("button", name="Settle the run").click()
    expect(page.locator("[data-status]")).to_have_text("Collected: receipts posted")
    receipt_link = page.locator("[data-item] a[href^='/payments/receipts/']")
    expect(receipt_link).to_have_count(1)
    receipt = receipt_link.inner_text()

    # 2 April: the payer's bank returns it unpaid.
    clock["today"] = REPORTS_ON
    report = tmp_path / "arudd-0402.xml"
    report.write_bytes(arudd((f"NBC{reference}", "01", "REFER TO PAYER", 20_000)))
    page.goto("/direct-debit/reports/")
    page.get_by_role("link", name="Import a Bacs report").first.click()
    page.get_by_label("Bacs report (XML)").set_input_files(str(report))
    page.get_by_role("button", name="Check and import the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("arudd-0402.xml")
    expect(page.locator("[data-action=returned]")).to_contain_text(
        "£200.00 collected 01/04/2026 returned: REFER TO PAYER; receipt reversed"
    )
    expect(page.locator("[data-action=represent]")).to_contain_text(
        "to be presented again (code 18) in the next run"
    )
    page.locator("[data-action=returned]").get_by_role("link", name=receipt).click()
    expect(page.locator("[data-status]")).to_have_text("Reversed")
    expect(page.locator("[data-history]")).to_contain_text("Direct Debit returned unpaid")

    page.goto(mandate_url)
    expect(page.locator("[data-status]")).to_have_text("Live")
    expect(page.locator("[data-table=collections]")).to_contain_text("Returned unpaid (ARUDD)")
