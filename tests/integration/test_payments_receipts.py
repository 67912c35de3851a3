"""Receipts posted to the bank and a debtor's account (or to suspense), allocated to invoices,
cleared from the unallocated queue and moved between accounts; on both databases, with the
ledger check passing after every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from carecharge.apps.billing.models import Invoice
from carecharge.apps.ledger import checks
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.ledger.operations import account_for_person
from carecharge.apps.ledger.queries import balance as balance_of
from carecharge.apps.payments import allocations, receipts, references
from carecharge.apps.payments.models import Allocation, Channel, MatchRule, PaymentFile, Receipt
from carecharge.core.payments.allocation import AllocationError

from .billing_scenario import HOME_CARE, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Iterator[Scenario]:
    scenario = Scenario()
    yield scenario
    failed = [(r.name, r.problems) for r in checks.run_all() if r.problems]
    assert failed == []


def _billed_twice(s: Scenario) -> LedgerAccount:
    """Ada pays £50.00 a week for home care: two four-weekly invoices of £200.00."""
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "50.00", starts="2025-04-07")
    s.bill("2025-05-04")
    s.bill("2025-06-01")
    return account_for_person(s.people["ada"])


def _owed(account: LedgerAccount) -> list[tuple[str, int]]:
    return [(i.number, i.outstanding_pence) for i in allocations.open_invoices(account)]


def _bank(
    pence: int, *, key: str, account: LedgerAccount | None = None, named: str = ""
) -> receipts.NewReceipt:
    return receipts.NewReceipt(
        channel=Channel.BANK,
        received_on=date(2025, 6, 10),
        amount_pence=pence,
        duplicate_key=key,
        payer_name="A TESTER",
        reference_text="CARE CHARGES",
        account=account,
        match_rule=MatchRule.PAYMENT_REFERENCE if account else MatchRule.NONE,
        named_invoice=named,
    )


def test_a_receipt_pays_the_oldest_invoice_first_and_leaves_the_rest_owed(s: Scenario) -> None:
    account = _billed_twice(s)
    first, second = (i.number for i in Invoice.objects.filter(account=account).order_by("number"))
    assert _owed(account) == [(first, 20_000), (second, 20_000)]

    [receipt] = receipts.post_receipts(
        [_bank(25_000, key="bank:1", account=account)], actor=s.officer
    )

    assert receipt.number == "RC000001"
    assert _owed(account) == [(second, 15_000)]
    assert balance_of(account) == 40_000 - 25_000
    assert [(a.invoice.number, a.amount_pence) for a in receipt.allocations.all()] == [
        (first, 20_000),
        (second, 5_000),
    ]


def test_money_with_no_known_debtor_waits_in_suspense_until_an_officer_clears_it(
    s: Scenario,
) -> None:
    account = _billed_twice(s)
    [receipt] = receipts.post_receipts([_bank(20_000, key="bank:2")], actor=s.officer)
    suspense = LedgerAccount.objects.get(code="SUSPENSE")
    assert receipt.match_rule == MatchRule.NONE
    assert allocations.current_account_id(receipt) is None
    assert balance_of(suspense) == -20_000

    with pytest.raises(receipts.ReceiptError, match="reason: say how you know"):
        receipts.clear_from_suspense(receipt, account=account, reason=" ", actor=s.officer)
    receipts.clear_from_suspense(
        receipt, account=account, reason="Daughter rang: paid for her mother", actor=s.officer
    )

    assert balance_of(suspense) == 0
    assert balance_of(account) == 20_000
    assert allocations.current_account_id(receipt) == account.pk
    assert len(_owed(account)) == 1
    with pytest.raises(receipts.ReceiptError, match="is not in the unallocated queue"):
        receipts.clear_from_suspense(receipt, account=account, reason="again", actor=s.officer)


def test_a_receipt_on_the_wrong_account_is_moved_with_its_allocations(s: Scenario) -> None:
    ada = _billed_twice(s)
    bea = account_for_person(s.person("bea"))
    [receipt] = receipts.post_receipts([_bank(20_000, key="bank:3", account=bea)], actor=s.officer)
    assert receipt.allocations.count() == 0  # Bea owes nothing: a credit on her account

    receipts.move_receipt(
        receipt, to=ada, reason="Paid with Bea's reference by mistake", actor=s.officer
    )

    assert balance_of(bea) == 0
    assert balance_of(ada) == 20_000
    assert allocations.unallocated_pence(receipt) == 0
    assert len(_owed(ada)) == 1

    receipts.move_receipt(
        receipt, to=bea, reason="Moved back: it was Bea's after all", actor=s.officer
    )
    # The allocation to Ada's invoice is reversed, not deleted.
    assert sorted(receipt.allocations.values_list("amount_pence", flat=True)) == [-20_000, 20_000]
    assert len(_owed(ada)) == 2
    assert balance_of(ada) == 40_000


def test_a_credit_waiting_on_the_account_pays_the_next_invoice(s: Scenario) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "50.00", starts="2025-04-07")
    account = account_for_person(s.people["ada"])
    receipts.post_receipts([_bank(30_000, key="bank:4", account=account)], actor=s.officer)
    s.bill("2025-05-04")
    assert _owed(account) == [(Invoice.objects.get(account=account).number, 20_000)]

    assert allocations.allocate_account(account) == 20_000
    assert _owed(account) == []
    assert allocations.allocate_account(account) == 0  # running it again changes nothing


def test_a_credit_note_is_set_against_the_invoice_it_reduces(s: Scenario) -> None:
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "50.00", starts="2025-04-07")
    s.bill("2025-05-04")
    s.assess("ada", "40.00", starts="2025-04-07")
    s.bill("2025-06-01")
    account = account_for_person(s.people["ada"])
    assert s.invoices("ada") == ["invoice £160.00", "credit note -£40.00"]

    allocations.allocate_account(account)

    owed = dict(_owed(account))
    assert sorted(owed.values()) == [16_000, 16_000]


def test_a_manual_split_replaces_the_automatic_one_and_is_checked_whole(s: Scenario) -> None:
    account = _billed_twice(s)
    first, second = (i.number for i in Invoice.objects.filter(account=account).order_by("number"))
    [receipt] = receipts.post_receipts(
        [_bank(10_000, key="bank:5", account=account)], actor=s.officer
    )
    assert _owed(account) == [(first, 10_000), (second, 20_000)]

    with pytest.raises(AllocationError, match=r"is more than the £200\.00 it owes"):
        allocations.allocate_manually(
            receipt, {second: 30_000}, reason="Payer asked", actor=s.officer
        )
    assert _owed(account) == [(first, 10_000), (second, 20_000)]  # nothing changed

    allocations.allocate_manually(
        receipt, {second: 6_000}, reason="Payer asked for the June invoice", actor=s.officer
    )
    assert _owed(account) == [(first, 20_000), (second, 14_000)]
    assert allocations.unallocated_pence(receipt) == 4_000


def test_cash_taken_in_person_gets_a_receipt_number_and_cheques_need_theirs(
    s: Scenario,
) -> None:
    account = _billed_twice(s)
    with pytest.raises(receipts.ReceiptError, match="cheque_number"):
        receipts.record_in_person(
            channel=Channel.CHEQUE,
            account=account,
            amount_pence=5_000,
            received_on=date(2025, 6, 12),
            actor=s.officer,
        )
    cash = receipts.record_in_person(
        channel=Channel.CASH,
        account=account,
        amount_pence=5_000,
        received_on=date(2025, 6, 12),
        actor=s.officer,
        payer_name="Ada Tester",
    )
    assert cash.number == "RC000001"
    assert cash.match_rule == MatchRule.OFFICER
    assert balance_of(account) == 35_000


def test_the_same_bank_transaction_is_never_posted_twice(s: Scenario) -> None:
    account = _billed_twice(s)
    receipts.post_receipts([_bank(1_000, key="bank:6", account=account)], actor=s.officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        receipts.post_receipts([_bank(1_000, key="bank:6", account=account)], actor=s.officer)
    assert Receipt.objects.count() == 1
    assert balance_of(account) == 39_000


def test_receipts_and_allocations_are_never_changed(s: Scenario) -> None:
    account = _billed_twice(s)
    [receipt] = receipts.post_receipts(
        [_bank(1_000, key="bank:7", account=account)], actor=s.officer
    )
    PaymentFile.objects.create(
        kind="csv", filename="x.csv", sha256="2" * 64, size_bytes=1, received_at=receipt.created_at
    )
    for sql in (
        "UPDATE payments_receipt SET amount_pence = 1",
        "DELETE FROM payments_allocation",
        "UPDATE payments_paymentfile SET filename = 'y.csv'",
        "DELETE FROM payments_paymentfile",
    ):
        with (
            pytest.raises(Exception, match="payment records are never changed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert Receipt.objects.get(pk=receipt.pk).amount_pence == 1_000
    assert Allocation.objects.count() == 1


def test_payment_references_for_service_users_and_other_debtors(s: Scenario) -> None:
    s.person("ada")
    ada = account_for_person(s.people["ada"])
    assert references.reference_for(ada) == s.people["ada"].account_reference
    icb_account = LedgerAccount.objects.create(
        code="D-ORG-ICB1",
        name="An ICB",
        kind="debtor",
        organisation=s.icb(),
        opened_at=ada.opened_at,
    )
    assert references.reference_for(icb_account) == "90000001"
    assert references.reference_for(icb_account) == "90000001"  # given once, kept
    assert references.account_for_reference("90000001") == icb_account
    assert references.account_for_reference(s.people["ada"].account_reference) == ada
    assert references.account_for_reference("12345678") is None


def test_a_reversed_receipt_leaves_its_invoices_owed_again(s: Scenario) -> None:
    account = _billed_twice(s)
    [receipt] = receipts.post_receipts(
        [_bank(20_000, key="bank:8", account=account)], actor=s.officer
    )
    assert len(_owed(account)) == 1

    receipts.reverse_receipt(
        receipt,
        reason="Direct Debit returned: refer to payer",
        effective_date=date(2025, 6, 14),
        actor=s.officer,
    )

    assert len(_owed(account)) == 2
    assert balance_of(account) == 40_000
    assert allocations.unallocated_pence(receipt) == 0
    with pytest.raises(receipts.ReceiptError, match="is already reversed"):
        receipts.reverse_receipt(receipt, reason="again", effective_date=date(2025, 6, 14))
    other = account_for_person(s.person("bea"))
    with pytest.raises(receipts.ReceiptError, match="is already reversed"):
        receipts.move_receipt(receipt, to=other, reason="wrong account", actor=s.officer)


def test_a_reversed_receipt_cannot_be_allocated_by_hand(s: Scenario) -> None:
    account = _billed_twice(s)
    [receipt] = receipts.post_receipts(
        [_bank(20_000, key="bank:9", account=account)], actor=s.officer
    )
    receipts.reverse_receipt(receipt, reason="Bounced", effective_date=date(2025, 6, 14))
    first = Invoice.objects.filter(account=account).order_by("number").first()
    assert first is not None
    with pytest.raises(ValueError, match="is reversed: it paid nothing"):
        allocations.allocate_manually(
            receipt, {first.number: 100}, reason="Payer asked", actor=s.officer
        )
    assert len(_owed(account)) == 2
