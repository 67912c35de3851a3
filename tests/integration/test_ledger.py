"""The ledger's write path and its guards, on SQLite and PostgreSQL: opening accounts, posting
once by key, refusing unbalanced or unknown-account transactions, and the database refusing
any change to what is posted."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, connection, transaction

from carecharge.apps.ledger import operations, writer
from carecharge.apps.ledger.models import AccountKind, LedgerAccount, LedgerTransaction, Posting
from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer
from carecharge.core import ledger
from carecharge.core.ledger import LedgerError

pytestmark = pytest.mark.django_db
DAY = date(2026, 4, 6)
OPENED = "2026-04-06T09:00:00Z"
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def person() -> ServiceUser:
    return ServiceUser.objects.create(
        account_reference="00000018",
        forename="Ada",
        surname="Lovelace",
        date_of_birth=date(1940, 12, 10),
    )


@pytest.fixture
def accounts(person: ServiceUser) -> dict[str, LedgerAccount]:
    return {
        "debtor": operations.account_for_person(person),
        "income": operations.income_account("ASC100/9001", "Home care charges"),
        "bank": operations.system_account("bank"),
    }


def invoice(key: str = "invoice:INV-1", pence: int = 4500, **fields: Any) -> ledger.Transaction:
    values: dict[str, Any] = {
        "effective_date": DAY,
        "source": "billing",
        "source_id": "run:1",
        "description": "Invoice INV-1",
        "debit": "D-00000018",
        "credit": "I-ASC100/9001",
    }
    values.update(fields)
    return ledger.transfer(key, pence=pence, **values)


# --- Accounts -------------------------------------------------------------------------------


def test_accounts_are_opened_with_their_codes_and_kinds(person: ServiceUser) -> None:
    payer = ThirdPartyPayer.objects.create(
        person=person,
        name="Ben Lovelace",
        line_1="1 High Street",
        postcode="NB1 1AA",
        start_date=DAY,
    )
    icb = Organisation.objects.create(code="QWE", name="North ICB", kind="icb")
    opened = [
        operations.account_for_person(person),
        operations.account_for_payer(payer),
        operations.account_for_organisation(icb),
        operations.income_account("ASC100/9001"),
        operations.system_account("bank"),
        operations.system_account("suspense"),
        operations.system_account("write_off"),
    ]
    assert [(a.code, a.kind, a.name) for a in opened] == [
        ("D-00000018", "debtor", "Service user 00000018"),
        (f"D-TP{payer.pk}", "debtor", f"Top-up payer {payer.pk} for service user 00000018"),
        ("D-ORG-QWE", "debtor", "North ICB"),
        ("I-ASC100/9001", "income", "Income ASC100/9001"),
        ("BANK", "bank", "Bank"),
        ("SUSPENSE", "suspense", "Suspense (receipts not yet matched)"),
        ("WRITEOFF", "write_off", "Debts written off"),
    ]
    assert (opened[0].person, opened[1].payer, opened[2].organisation) == (person, payer, icb)
    assert opened[3].income_code == "ASC100/9001"


def test_opening_an_account_twice_gives_the_same_row(person: ServiceUser) -> None:
    first = operations.account_for_person(person)
    assert operations.account_for_person(person) == first
    assert operations.income_account("ASC100/9001", "a new name") == operations.income_account(
        "ASC100/9001"
    )
    assert LedgerAccount.objects.count() == 2
    assert LedgerAccount.objects.get(code="I-ASC100/9001").name == "a new name"


def test_two_processes_opening_the_same_account_end_with_one(
    person: ServiceUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_filter = LedgerAccount.objects.filter
    calls = []

    def another_process_opens_it_just_after_our_look_up(**lookup: Any) -> Any:
        calls.append(lookup)
        if len(calls) > 1:
            return real_filter(**lookup)
        LedgerAccount.objects.create(
            code="D-00000018",
            name="Service user 00000018",
            kind="debtor",
            person=person,
            opened_at=OPENED,
        )
        return LedgerAccount.objects.none()

    monkeypatch.setattr(
        LedgerAccount.objects, "filter", another_process_opens_it_just_after_our_look_up
    )
    account = operations.account_for_person(person)
    assert account.code == "D-00000018"
    assert len(calls) == 2  # looked, lost the race on insert, looked again
    assert real_filter(code="D-00000018").count() == 1


def test_there_is_no_single_account_of_a_per_party_kind() -> None:
    with pytest.raises(LedgerError, match="There is no single 'debtor' account"):
        operations.system_account("debtor")
    with pytest.raises(LedgerError, match="There is no single 'cash' account"):
        operations.system_account("cash")


def test_an_income_code_too_long_or_blank_is_refused() -> None:
    with pytest.raises(LedgerError, match="is too long for the ledger"):
        operations.income_account("A" * 51)
    with pytest.raises(LedgerError, match="the income code is needed"):
        operations.income_account(" ")
    assert LedgerAccount.objects.count() == 0


def test_a_code_already_used_by_another_kind_is_not_handed_out() -> None:
    LedgerAccount.objects.create(code="BANK", name="Imported", kind="suspense", opened_at=OPENED)
    with pytest.raises(LedgerError, match="Ledger account BANK already exists for something"):
        operations.system_account("bank")


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": AccountKind.DEBTOR},  # a debtor with no party
        {"kind": AccountKind.INCOME},  # income with no income code
        {"kind": AccountKind.BANK, "income_code": "ASC100/9001"},
        {"kind": "cash"},
    ],
    ids=["debtor-without-party", "income-without-code", "bank-with-code", "unknown-kind"],
)
def test_the_database_refuses_an_account_that_breaks_its_kind(fields: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(code="X", name="X", opened_at=OPENED, **fields)


def test_a_debtor_account_belongs_to_exactly_one_party(person: ServiceUser) -> None:
    icb = Organisation.objects.create(code="QWE", name="North ICB", kind="icb")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(
            code="D-X", name="X", kind="debtor", person=person, organisation=icb, opened_at=OPENED
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(
            code="I-X", name="X", kind="income", income_code="X", person=person, opened_at=OPENED
        )


# --- Posting --------------------------------------------------------------------------------


def test_a_transaction_is_posted_with_its_postings(accounts: dict[str, LedgerAccount]) -> None:
    officer = User.objects.create_user("asha.patel")
    posted = operations.post(invoice(memo="Home care w/c 06/04/2026"), actor=officer)
    stored = LedgerTransaction.objects.get(key="invoice:INV-1")
    assert stored == posted
    assert (stored.effective_date, stored.source, stored.source_id, stored.description) == (
        DAY,
        "billing",
        "run:1",
        "Invoice INV-1",
    )
    assert stored.posted_by == officer
    assert stored.posted_at is not None
    assert sorted(stored.postings.values_list("account__code", "pence", "memo")) == [
        ("D-00000018", 4500, "Home care w/c 06/04/2026"),
        ("I-ASC100/9001", -4500, "Home care w/c 06/04/2026"),
    ]


def test_an_unauthenticated_actor_is_not_recorded(accounts: dict[str, LedgerAccount]) -> None:
    assert operations.post(invoice(), actor="billing run 4").posted_by is None


def test_posting_the_same_key_again_returns_what_was_posted(
    accounts: dict[str, LedgerAccount],
) -> None:
    first = operations.post(invoice())
    # A later release may word it differently: the money is what identifies it.
    again = operations.post(invoice(description="Invoice INV-1 (reprinted)", memo="other"))
    assert again == first
    assert LedgerTransaction.objects.count() == 1
    assert Posting.objects.count() == 2
    assert LedgerTransaction.objects.get().description == "Invoice INV-1"


@pytest.mark.parametrize(
    "changed",
    [{"pence": 4600}, {"effective_date": date(2026, 4, 13)}, {"credit": "BANK"}],
    ids=["amount", "date", "account"],
)
def test_a_key_reused_for_different_money_is_refused(
    accounts: dict[str, LedgerAccount], changed: dict[str, Any]
) -> None:
    operations.post(invoice())
    with pytest.raises(LedgerError, match="'invoice:INV-1' was already posted with different"):
        operations.post(invoice(**changed))
    assert Posting.objects.count() == 2


def test_an_unbalanced_transaction_is_refused_and_nothing_is_written(
    accounts: dict[str, LedgerAccount],
) -> None:
    lopsided = ledger.Transaction(
        "invoice:INV-9",
        DAY,
        "billing",
        "",
        "Invoice INV-9",
        (ledger.Posting("D-00000018", 4505), ledger.Posting("I-ASC100/9001", -4500)),
    )
    with pytest.raises(LedgerError, match=r"does not balance: the debits are £0\.05 more"):
        operations.post(lopsided)
    assert LedgerTransaction.objects.count() == 0
    assert Posting.objects.count() == 0


def test_an_account_that_does_not_exist_is_named(accounts: dict[str, LedgerAccount]) -> None:
    with pytest.raises(LedgerError, match="No ledger account with code D-99999999: open the"):
        operations.post(invoice(debit="D-99999999"))
    assert LedgerTransaction.objects.count() == 0


def test_a_key_posted_meanwhile_by_another_process_is_returned(
    accounts: dict[str, LedgerAccount], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = operations._account_ids

    def another_process_posts_first(codes: Any) -> dict[str, int]:
        found = real(codes)
        writer.write([invoice()], found, None, _now())
        return found

    monkeypatch.setattr(operations, "_account_ids", another_process_posts_first)
    posted = operations.post(invoice())
    assert posted.key == "invoice:INV-1"
    assert LedgerTransaction.objects.count() == 1
    assert Posting.objects.count() == 2


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()


def test_a_posted_transaction_passes_the_commit_time_check(
    accounts: dict[str, LedgerAccount],
) -> None:
    operations.post(invoice())
    with connection.cursor() as cursor:
        if POSTGRES:  # fire the deferred "has postings" trigger now rather than at commit
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT COUNT(*) FROM ledger_posting")
        assert cursor.fetchone() == (2,)


# --- The database refuses changes -------------------------------------------------------------


@pytest.fixture
def posted(accounts: dict[str, LedgerAccount]) -> LedgerTransaction:
    return operations.post(invoice())


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_posting SET pence = pence * 2",
        "UPDATE ledger_posting SET memo = 'rewritten'",
        "UPDATE ledger_ledgertransaction SET effective_date = '2020-01-01'",
        "DELETE FROM ledger_posting",
        "DELETE FROM ledger_ledgertransaction",
    ],
)
def test_raw_sql_changes_are_refused(posted: LedgerTransaction, sql: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert sorted(Posting.objects.values_list("pence", "memo")) == [(-4500, ""), (4500, "")]
    assert LedgerTransaction.objects.get().effective_date == DAY


def test_orm_updates_and_deletes_are_refused(posted: LedgerTransaction) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Posting.objects.filter(transaction=posted).update(pence=1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        posted.description = "rewritten"
        posted.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Posting.objects.all().delete()
    assert Posting.objects.count() == 2
    assert LedgerTransaction.objects.get().description == "Invoice INV-1"


def test_a_zero_posting_is_refused_by_the_database(posted: LedgerTransaction) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.create(
            transaction=posted,
            account_id=posted.postings.first().account_id,  # type: ignore[union-attr]
            pence=0,
        )


def _raw_unbalanced(posted: LedgerTransaction) -> None:
    """Two postings that do not sum to zero, in one statement, bypassing the write path."""
    debtor = LedgerAccount.objects.get(code="D-00000018").pk
    bank = LedgerAccount.objects.get(code="BANK").pk
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_ledgertransaction "
            "(key, effective_date, posted_at, source, source_id, description) "
            "VALUES ('receipt:1', %s, %s, 'receipt', '', 'Payment')",
            [DAY, _now()],
        )
        cursor.execute("SELECT id FROM ledger_ledgertransaction WHERE key = 'receipt:1'")
        (new,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO ledger_posting (transaction_id, account_id, pence, memo) "
            "VALUES (%s, %s, 2000, ''), (%s, %s, -1999, '')",
            [new, bank, new, debtor],
        )


@pytest.mark.skipif(not POSTGRES, reason="the balance trigger is PostgreSQL's")
def test_postgresql_refuses_an_unbalanced_raw_insert(posted: LedgerTransaction) -> None:
    with (
        pytest.raises(
            DatabaseError, match=r"receipt:1 does not balance: its postings sum to 1 pence"
        ),
        transaction.atomic(),
    ):
        _raw_unbalanced(posted)
    assert LedgerTransaction.objects.count() == 1


@pytest.mark.skipif(not POSTGRES, reason="the balance trigger is PostgreSQL's")
def test_postgresql_refuses_a_later_statement_that_unbalances_a_posted_transaction(
    posted: LedgerTransaction,
) -> None:
    bank = LedgerAccount.objects.get(code="BANK")
    with pytest.raises(DatabaseError, match="invoice:INV-1 does not balance"), transaction.atomic():
        Posting.objects.create(transaction=posted, account=bank, pence=100)
    assert Posting.objects.count() == 2


@pytest.mark.skipif(not POSTGRES, reason="deferred constraint triggers are PostgreSQL's")
def test_postgresql_refuses_a_transaction_without_postings_at_commit(
    accounts: dict[str, LedgerAccount],
) -> None:
    with (
        pytest.raises(DatabaseError, match="ledger transaction empty:1 has no postings"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        LedgerTransaction.objects.create(
            key="empty:1",
            effective_date=DAY,
            posted_at=_now(),
            source="manual",
            description="Nothing",
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would do
    assert LedgerTransaction.objects.count() == 0


@pytest.mark.skipif(not POSTGRES, reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_truncate(posted: LedgerTransaction) -> None:
    with connection.cursor() as cursor:
        # Settle the deferred checks first: TRUNCATE refuses tables with pending ones anyway.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in ("ledger_posting", "ledger_ledgertransaction"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert Posting.objects.count() == 2


@pytest.mark.skipif(POSTGRES, reason="on PostgreSQL the database itself refuses it (above)")
def test_sqlite_leaves_the_balance_to_the_single_write_path(posted: LedgerTransaction) -> None:
    # SQLite has no statement-level triggers: a raw insert gets in, so nothing but the write
    # path may write (which refuses the same money: see the unbalanced test above), and
    # `carecharge ledger check` finds anything that got round it (test_ledger_reports).
    _raw_unbalanced(posted)
    with pytest.raises(LedgerError, match="does not balance"):
        operations.post(
            ledger.Transaction(
                "receipt:2",
                DAY,
                "receipt",
                "",
                "Payment",
                (ledger.Posting("BANK", 2000), ledger.Posting("D-00000018", -1999)),
            )
        )
    assert LedgerTransaction.objects.filter(key="receipt:2").count() == 0
