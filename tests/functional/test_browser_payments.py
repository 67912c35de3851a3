"""An income officer in a real browser: finds a payment nobody could place in the unallocated
queue, puts it on the right account by its payment reference, then takes a cheque at the
counter and sees it on the day's banking sheet."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from carecharge.apps.accounts.roles import Role
from carecharge.apps.payments import receipts
from carecharge.apps.payments.models import Channel

from ..integration.billing_scenario import HOME_CARE, Scenario
from .conftest import PASSWORD, staff

pytestmark = pytest.mark.browser


@pytest.fixture
def council(transactional_db: None) -> dict[str, Any]:
    finance = staff("fran.finance", Role.FINANCE_OFFICER, "Fran")
    for role in Role:  # earlier browser tests' flushes removed the groups the migration made
        Group.objects.get_or_create(name=role)
    s = Scenario()  # after the staff: their roles' groups exist again after earlier flushes
    ada = s.person("ada", born="1940-01-01")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "50.00", starts="2025-04-07")
    s.bill("2025-05-04")
    unplaced = receipts.post_receipts(
        [
            receipts.NewReceipt(
                channel=Channel.BANK,
                received_on=date(2025, 5, 12),
                amount_pence=15_000,
                duplicate_key="bank:browser",
                payer_name="MRS J TESTER",
                reference_text="FOR MUM",
            )
        ],
        actor=s.officer,
    )[0]
    return {"finance": finance, "ada": ada, "receipt": unplaced}


def test_clear_the_unallocated_queue_and_take_a_cheque(page: Page, council: dict[str, Any]) -> None:
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", council["finance"].username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your work").wait_for()

    page.get_by_role("link", name="Payments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receipts")
    page.get_by_role("link", name="Unallocated queue").first.click()
    expect(page.locator("[data-figure=queue]")).to_have_text("1 receipt, £150.00")
    number = council["receipt"].number
    page.get_by_role("link", name=number).click()

    reference = council["ada"].account_reference
    page.get_by_label("Whose payment is it? Payment reference").fill(
        reference[:7] + "0" if reference[7] != "0" else reference[:7] + "1"
    )
    page.get_by_label("How do you know?").fill("Her daughter rang and gave the reference")
    page.get_by_role("button", name="Put it on this account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is not a payment reference")

    page.get_by_label("Whose payment is it? Payment reference").fill(reference)
    page.get_by_role("button", name="Put it on this account").click()
    expect(page.locator("[data-status]")).to_have_text("On account")
    expect(page.locator("[data-figure=account]")).to_have_text(f"Ada Tester ({reference})")
    expect(page.locator("[data-figure=free]")).to_have_text("£0.00")
    expect(page.locator("[data-table=allocations] tbody tr")).to_have_count(1)

    page.goto("/payments/in-person/")
    page.get_by_label("Cheque", exact=True).check()
    page.get_by_label("Payment reference").fill(reference)
    page.get_by_label("Amount").fill("50.00")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Cheque number").fill("100234")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("[data-figure=amount]")).to_have_text("£50.00")
    # The £200.00 invoice had £50.00 left to pay after the £150.00: the cheque pays it.
    expect(page.locator("[data-figure=free]")).to_have_text("£0.00")
    expect(page.locator("[data-table=allocations] tbody tr")).to_have_count(1)

    page.goto("/payments/banking/?date=2025-05-14")
    expect(page.locator("[data-figure=cheques]")).to_have_text("£50.00")
    expect(page.locator("[data-figure=paying-in]")).to_have_text("£50.00")
