"""Refunds of credit balances: asked for by one officer, approved by a second, paid by Bacs or
cheque; bank details modulus-checked; after a death, only to the executor; the refunded money
is not also set against a later invoice. The ledger check passes after every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.contrib.auth.models import Group, User

from carecharge.apps.accounts.roles import Role
from carecharge.apps.ledger import checks
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.ledger.operations import account_for_person
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments import allocations, receipts, refunds
from carecharge.apps.payments.models import Channel, MatchRule, RefundState

from .billing_scenario import HOME_CARE, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Iterator[Scenario]:
    scenario = Scenario()
    yield scenario
    failed = [(r.name, r.problems) for r in checks.run_all() if r.problems]
    assert failed == []


@pytest.fixture
def finance() -> User:
    made = User.objects.create(username="fiona")
    made.groups.set(Group.objects.filter(name=Role.FINANCE_OFFICER))
    return made


def _overpaid(s: Scenario) -> LedgerAccount:
    """Ada was invoiced £200.00 and paid £260.00: £60.00 in credit."""
    s.person("ada")
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "50.00", starts="2025-04-07")
    s.bill("2025-05-04")
    account = account_for_person(s.people["ada"])
    receipts.post_receipts(
        [
            receipts.NewReceipt(
                channel=Channel.BANK,
                received_on=date(2025, 5, 20),
                amount_pence=26_000,
                duplicate_key="bank:refund",
                account=account,
                match_rule=MatchRule.PAYMENT_REFERENCE,
            )
        ],
        actor=s.officer,
    )
    return account


def _ask(account: LedgerAccount, who: User, pence: int = 6_000, **details: str) -> refunds.Refund:
    fields = {
        "method": "bacs",
        "payee_name": "Ada Tester",
        "sort_code": "08-99-99",
        "account_number": "66374958",
        "reason": "Paid twice in May",
    } | details
    return refunds.request_refund(account=account, amount_pence=pence, actor=who, **fields)


def test_a_credit_is_refunded_after_a_second_person_approves_it(s: Scenario, finance: User) -> None:
    account = _overpaid(s)
    [found] = refunds.credit_balances()
    assert (found.account, found.credit_pence, found.available_pence) == (account, 6_000, 6_000)

    refund = _ask(account, finance)
    assert refund.number == "RF000001" and refund.sort_code == "089999"
    assert refunds.credit_balances()[0].available_pence == 0
    with pytest.raises(refunds.RefundError, match=r"is more than the £0\.00 in credit"):
        _ask(account, finance, pence=100)
    with pytest.raises(refunds.RefundError, match="a second person must decide it"):
        refunds.approve_refund(refund, actor=finance)
    with pytest.raises(refunds.RefundError, match="only an approved refund is paid"):
        refunds.mark_paid(refund, paid_on=date(2025, 5, 28), actor=finance)

    refunds.approve_refund(refund, actor=s.senior, note="Checked the bank statement")
    paid = refunds.mark_paid(refund, paid_on=date(2025, 5, 28), actor=finance)

    assert paid.state == RefundState.PAID
    assert balance(account) == 0
    assert refunds.credit_balances() == []
    # The £60.00 paid back is not left to pay the next invoice.
    [receipt] = list(account.receipts.all())
    assert allocations.unallocated_pence(receipt) == 0


def test_bank_details_that_fail_the_modulus_check_are_refused(s: Scenario, finance: User) -> None:
    account = _overpaid(s)
    with pytest.raises(refunds.RefundError) as refused:
        _ask(account, finance, account_number="66374959", reason=" ")
    assert str(refused.value) == (
        "reason: say why the money is refunded; account_number: check: MOD10 failed, remainder 1"
    )
    assert not refunds.Refund.objects.exists()


def test_after_a_death_the_refund_goes_only_to_the_executor(s: Scenario, finance: User) -> None:
    account = _overpaid(s)
    s.dies("ada", on="2025-05-25")
    with pytest.raises(refunds.RefundError, match="record the executor before refunding"):
        _ask(account, finance, pence=1_000)
    s.executor("ada")
    with pytest.raises(refunds.RefundError, match="paid to the executor, Eve Executor"):
        _ask(account, finance, pence=1_000)
    refund = _ask(account, finance, pence=1_000, payee_name="eve  executor", method="cheque")
    assert refund.payee_name == "eve executor"
    refunds.approve_refund(refund, actor=s.senior)
    with pytest.raises(refunds.RefundError, match="cheque_number: give the number"):
        refunds.mark_paid(refund, paid_on=date(2025, 6, 2), actor=finance)
    refunds.mark_paid(refund, paid_on=date(2025, 6, 2), actor=finance, cheque_number="000117")


def test_a_rejected_refund_leaves_the_credit_to_be_used(s: Scenario, finance: User) -> None:
    account = _overpaid(s)
    refund = _ask(account, finance)
    with pytest.raises(refunds.RefundError, match="say why the refund is rejected"):
        refunds.reject_refund(refund, actor=s.senior, note="")
    refunds.reject_refund(refund, actor=s.senior, note="The payer wants it kept for June")
    assert refunds.credit_balances()[0].available_pence == 6_000
    s.bill("2025-06-01")
    allocations.allocate_account(account)
    assert balance(account) == 14_000  # £200.00 for June less the £60.00 credit
    assert [i.outstanding_pence for i in allocations.open_invoices(account)] == [14_000]


def test_credit_promised_to_a_refund_is_not_spent_on_a_new_invoice(
    s: Scenario, finance: User
) -> None:
    account = _overpaid(s)  # £60.00 in credit
    first = _ask(account, finance, pence=5_000)
    second = _ask(account, finance, pence=1_000)
    refunds.approve_refund(first, actor=s.senior)
    refunds.approve_refund(second, actor=s.senior)
    s.bill("2025-06-01")  # a £200.00 invoice: the £60.00 is kept for the refunds
    assert allocations.allocate_account(account) == 0
    assert [i.outstanding_pence for i in allocations.open_invoices(account)] == [20_000]
    # The invoice means the account no longer has the credit: paying is refused.
    with pytest.raises(refunds.RefundError, match=r"no longer has £50\.00 of unallocated credit"):
        refunds.mark_paid(first, paid_on=date(2025, 6, 2), actor=finance)


def test_two_refunds_cannot_both_be_approved_from_one_credit(s: Scenario, finance: User) -> None:
    account = _overpaid(s)  # £60.00 in credit
    first = _ask(account, finance, pence=5_000)
    refunds.reject_refund(first, actor=s.senior, note="Asked for the wrong amount")
    again = _ask(account, finance, pence=5_000)
    other = _ask(account, finance, pence=1_000)
    refunds.approve_refund(again, actor=s.senior)
    refunds.approve_refund(other, actor=s.senior)
    assert refunds.committed_pence(account) == 6_000
    with pytest.raises(refunds.RefundError, match="in credit not already being refunded"):
        _ask(account, finance, pence=1)


def test_approved_bacs_refunds_are_paid_in_one_checked_standard_18_credit_file(
    s: Scenario, finance: User
) -> None:
    from django.utils import timezone

    from carecharge.core.bacs.calendar import add_processing_days, england_and_wales_bank_holidays
    from carecharge.core.bacs.standard18_check import check_standard18

    account = _overpaid(s)  # £60.00 in credit
    first = _ask(account, finance, pence=4_000)
    second = _ask(account, finance, pence=2_000, sort_code="20-29-59", account_number="63748472",
                  payee_name="Ada Tester")  # fmt: skip
    with pytest.raises(refunds.RefundError, match="RF000001, RF000002 are not approved"):
        refunds.pay_by_bacs([first, second], processing_day=date(2026, 12, 1), actor=finance)
    refunds.approve_refund(first, actor=s.senior)
    refunds.approve_refund(second, actor=s.senior)
    today = timezone.localdate()
    holidays = england_and_wales_bank_holidays(range(today.year, today.year + 2))
    processing = add_processing_days(today, 2, bank_holidays=holidays)

    made = refunds.pay_by_bacs([second, first], processing_day=processing, actor=finance)

    report = check_standard18(made.text.encode("ascii"), bank_holidays=holidays, submitted_on=today)
    assert [(i.transaction_code, i.reference.strip(), i.amount_pence) for i in report.items] == [
        ("99", "REFUND RF000001", 4_000),
        ("99", "REFUND RF000002", 2_000),
    ]
    assert (report.contra_count, report.contra_total_pence) == (1, 6_000)
    for refund in (first, second):
        refund.refresh_from_db()
        assert refund.state == RefundState.PAID and refund.bacs_file_sha256 == made.sha256
    assert balance(account) == 0
