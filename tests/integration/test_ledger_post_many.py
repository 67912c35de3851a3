"""Posting a billing run's transactions in bulk: all or nothing, once by key, in few queries,
never splitting a transaction's postings between two INSERT statements."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from carecharge.apps.ledger import operations, writer
from carecharge.apps.ledger.models import LedgerTransaction, Posting
from carecharge.apps.people.models import ServiceUser
from carecharge.core import ledger
from carecharge.core.identifiers import make_account_reference
from carecharge.core.ledger import LedgerError

pytestmark = pytest.mark.django_db
DAY = date(2026, 4, 6)
INCOME = ("I-ASC100/9001", "I-ASC200/9002")


@pytest.fixture
def debtors() -> list[str]:
    """Twenty people with debtor accounts, and two income accounts."""
    codes = []
    for number in range(1, 21):
        person = ServiceUser.objects.create(
            account_reference=make_account_reference(number),
            forename="Person",
            surname=f"Number {number}",
            date_of_birth=date(1940, 1, 1),
        )
        codes.append(operations.account_for_person(person).code)
    for code in INCOME:
        operations.income_account(code.removeprefix("I-"))
    return codes


def invoices(debtors: list[str], count: int, prefix: str = "invoice") -> list[ledger.Transaction]:
    """Invoices of three postings each: the debtor, and two income codes."""
    return [
        ledger.compound(
            f"{prefix}:{n}",
            effective_date=DAY,
            source="billing",
            source_id="run:1",
            description=f"Invoice {n}",
            debits=[(debtors[n % len(debtors)], 300 + n)],
            credits=[(INCOME[0], 200 + n, "Home care"), (INCOME[1], 100, "Day care")],
        )
        for n in range(count)
    ]


def test_every_transaction_is_written_with_its_postings(debtors: list[str]) -> None:
    batch = invoices(debtors, 50)
    assert operations.post_many(batch) == 50
    assert LedgerTransaction.objects.count() == 50
    assert Posting.objects.count() == 150
    stored = LedgerTransaction.objects.get(key="invoice:7")
    assert (stored.description, stored.effective_date, stored.source_id) == (
        "Invoice 7",
        DAY,
        "run:1",
    )
    assert sorted(stored.postings.values_list("account__code", "pence", "memo")) == [
        (debtors[7], 307, ""),
        ("I-ASC100/9001", -207, "Home care"),
        ("I-ASC200/9002", -100, "Day care"),
    ]
    debtor_total = sum(300 + n for n in range(50))
    assert sum(Posting.objects.filter(account__kind="debtor").values_list("pence", flat=True)) == (
        debtor_total
    )


def test_running_it_again_posts_nothing_and_adds_only_what_is_new(debtors: list[str]) -> None:
    assert operations.post_many(invoices(debtors, 30)) == 30
    assert operations.post_many(invoices(debtors, 30)) == 0
    assert operations.post_many(invoices(debtors, 45)) == 15
    assert LedgerTransaction.objects.count() == 45
    assert Posting.objects.count() == 135


def test_a_key_twice_in_one_batch_is_posted_once(debtors: list[str]) -> None:
    batch = invoices(debtors, 3)
    assert operations.post_many([*batch, batch[1]]) == 3
    assert LedgerTransaction.objects.count() == 3


def test_a_key_twice_with_different_money_is_refused(debtors: list[str]) -> None:
    batch = invoices(debtors, 3)
    other = invoices(debtors[1:], 3)[2]  # the same key, another debtor
    with pytest.raises(LedgerError, match="'invoice:2' appears twice in this batch"):
        operations.post_many([*batch, other])
    assert LedgerTransaction.objects.count() == 0


def test_a_posted_key_reused_for_different_money_refuses_the_whole_batch(
    debtors: list[str],
) -> None:
    operations.post_many(invoices(debtors, 5))
    changed = invoices(debtors[1:], 10)  # invoice:0 to :4 now charge other people
    with pytest.raises(LedgerError, match="'invoice:0' was already posted with different"):
        operations.post_many(changed)
    assert LedgerTransaction.objects.count() == 5


@pytest.mark.parametrize("bad", ["unbalanced", "unknown account"])
def test_one_bad_transaction_writes_none_of_them(debtors: list[str], bad: str) -> None:
    batch = invoices(debtors, 20)
    if bad == "unbalanced":
        batch[13] = ledger.Transaction(
            "invoice:13",
            DAY,
            "billing",
            "",
            "Invoice 13",
            (ledger.Posting(debtors[0], 500), ledger.Posting(INCOME[0], -499)),
        )
        message = "'invoice:13' does not balance: the debits are £0.01 more"
    else:
        batch[13] = ledger.transfer(
            "invoice:13",
            effective_date=DAY,
            source="billing",
            description="Invoice 13",
            debit="D-99999999",
            credit=INCOME[0],
            pence=500,
        )
        message = "No ledger account with code D-99999999"
    with pytest.raises(LedgerError, match=message):
        operations.post_many(batch)
    assert LedgerTransaction.objects.count() == 0
    assert Posting.objects.count() == 0


def test_a_refusal_leaves_the_callers_own_work_to_the_caller(debtors: list[str]) -> None:
    with transaction.atomic():
        operations.post_many(invoices(debtors, 4, prefix="earlier"))
        with pytest.raises(LedgerError):
            operations.post_many([*invoices(debtors, 3), invoices(debtors[1:], 3)[0]])
        assert operations.post_many(invoices(debtors, 2, prefix="later")) == 2
    assert sorted(LedgerTransaction.objects.values_list("key", flat=True)) == [
        "earlier:0",
        "earlier:1",
        "earlier:2",
        "earlier:3",
        "later:0",
        "later:1",
    ]


def test_nothing_to_post_is_zero() -> None:
    assert operations.post_many([]) == 0


def test_batches_never_split_a_transaction(
    debtors: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Five postings a statement: each three-posting invoice must go whole into one of them (on
    # PostgreSQL the balance trigger would refuse a statement holding half an invoice).
    monkeypatch.setattr(writer, "BATCH_POSTINGS", 5)
    assert [len(b) for b in writer.batches(invoices(debtors, 5))] == [1, 1, 1, 1, 1]
    monkeypatch.setattr(writer, "BATCH_POSTINGS", 7)
    assert [len(b) for b in writer.batches(invoices(debtors, 5))] == [2, 2, 1]
    monkeypatch.setattr(writer, "BATCH_POSTINGS", 2)  # smaller than one transaction
    assert [len(b) for b in writer.batches(invoices(debtors, 2))] == [1, 1]
    assert operations.post_many(invoices(debtors, 25)) == 25
    assert Posting.objects.count() == 75


def test_a_batch_bigger_than_one_statement_takes_few_queries(debtors: list[str]) -> None:
    batch = invoices(debtors, 1_500)  # 4,500 postings: three INSERT batches
    with CaptureQueriesContext(connection) as queries:
        assert operations.post_many(batch) == 1_500
    assert Posting.objects.count() == 4_500
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    if connection.vendor == "postgresql":
        assert len(inserts) == 6  # transactions and postings, three batches each
    # SQLite splits each batch further by its limit on parameters per statement.
    assert len(queries.captured_queries) < 80


def test_keys_posted_meanwhile_by_another_process_are_skipped(
    debtors: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    operations.post_many(invoices(debtors, 3))
    real = operations._posted
    looks: list[int] = []

    def not_yet_visible_the_first_time(keys: Any) -> Any:
        looks.append(len(keys))
        return {} if len(looks) == 1 else real(keys)

    monkeypatch.setattr(operations, "_posted", not_yet_visible_the_first_time)
    assert operations.post_many(invoices(debtors, 5)) == 2
    assert looks == [5, 5]
    assert LedgerTransaction.objects.count() == 5


def test_the_accounts_used_must_all_exist_and_are_named(debtors: list[str]) -> None:
    batch = [
        ledger.transfer(
            f"receipt:{n}",
            effective_date=DAY,
            source="receipt",
            description="Payment",
            debit=f"BANK{n}",
            credit=debtors[0],
            pence=100,
        )
        for n in range(7)
    ]
    with pytest.raises(
        LedgerError, match="code BANK0, BANK1, BANK2, BANK3, BANK4 and 2 more: open the account"
    ):
        operations.post_many(batch)
