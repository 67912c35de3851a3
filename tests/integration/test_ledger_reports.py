"""Reading the ledger: balances, the trial balance, the receivables control total, statements;
the checks and `carecharge ledger check` (passing, and finding a deliberately broken ledger on
both engines); and the read-only ledger page."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.ledger import checks, operations, queries
from carecharge.apps.ledger.models import LedgerAccount, LedgerTransaction
from carecharge.apps.people.models import Organisation, ServiceUser
from carecharge.core import ledger

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"
APRIL_6, APRIL_13, MAY_1 = date(2026, 4, 6), date(2026, 4, 13), date(2026, 5, 1)


def move(key: str, on: date, debit: str, credit: str, pence: int, what: str) -> None:
    operations.post(
        ledger.transfer(
            key,
            effective_date=on,
            source=key.split(":")[0],
            source_id=key.split(":")[1],
            description=what,
            debit=debit,
            credit=credit,
            pence=pence,
        )
    )


@pytest.fixture
def books() -> dict[str, LedgerAccount]:
    """Two people invoiced, one pays part, an ICB is recharged, a small debt is written off."""
    ada = ServiceUser.objects.create(
        account_reference="00000018",
        forename="Ada",
        surname="Lovelace",
        date_of_birth=date(1940, 12, 10),
    )
    ben = ServiceUser.objects.create(
        account_reference="00000026",
        forename="Ben",
        surname="Babbage",
        date_of_birth=date(1941, 1, 1),
    )
    icb = Organisation.objects.create(code="QWE", name="North ICB", kind="icb")
    found = {
        "ada": operations.account_for_person(ada),
        "ben": operations.account_for_person(ben),
        "icb": operations.account_for_organisation(icb),
        "income": operations.income_account("ASC100/9001", "Home care charges"),
        "bank": operations.system_account("bank"),
        "write_off": operations.system_account("write_off"),
    }
    move("invoice:1", APRIL_6, "D-00000018", "I-ASC100/9001", 4500, "Invoice INV-1")
    move("invoice:2", APRIL_6, "D-00000026", "I-ASC100/9001", 3000, "Invoice INV-2")
    move("receipt:1", APRIL_13, "BANK", "D-00000018", 2000, "Payment, thank you")
    move("invoice:3", APRIL_13, "D-00000018", "I-ASC100/9001", 4500, "Invoice INV-3")
    move("invoice:4", APRIL_13, "D-ORG-QWE", "I-ASC100/9001", 12000, "CHC recharge")
    move("writeoff:1", MAY_1, "WRITEOFF", "D-00000026", 500, "Small balance written off")
    return found


def test_balances_are_sums_of_postings(books: dict[str, LedgerAccount]) -> None:
    assert queries.balance(books["ada"]) == 4500 - 2000 + 4500
    assert queries.balance("D-00000018") == 7000
    assert queries.balance(books["ada"], on=APRIL_6) == 4500
    assert queries.balance(books["ada"], on=date(2026, 4, 5)) == 0
    assert queries.balance(books["income"]) == -(4500 + 3000 + 4500 + 12000)
    assert queries.balance(books["ben"], on=date(2026, 4, 30)) == 3000
    assert queries.balance(books["ben"]) == 2500


def test_the_trial_balance_lists_every_account_and_sums_to_zero(
    books: dict[str, LedgerAccount],
) -> None:
    rows = queries.trial_balance()
    assert rows == [
        ("BANK", "Bank", "bank", 2000),
        ("D-00000018", "Service user 00000018", "debtor", 7000),
        ("D-00000026", "Service user 00000026", "debtor", 2500),
        ("D-ORG-QWE", "North ICB", "debtor", 12000),
        ("I-ASC100/9001", "Home care charges", "income", -24000),
        ("WRITEOFF", "Debts written off", "write_off", 500),
    ]
    assert sum(row.pence for row in rows) == 0
    as_at = {row.code: row.pence for row in queries.trial_balance(on=APRIL_6)}
    assert as_at == {
        "BANK": 0,
        "D-00000018": 4500,
        "D-00000026": 3000,
        "D-ORG-QWE": 0,
        "I-ASC100/9001": -7500,
        "WRITEOFF": 0,
    }


def test_the_control_total_is_the_sum_of_the_debtor_accounts(
    books: dict[str, LedgerAccount],
) -> None:
    assert queries.control_total() == 7000 + 2500 + 12000
    assert queries.control_total(on=APRIL_6) == 7500
    assert queries.counts() == (6, 12)


def test_a_statement_has_opening_running_and_closing_balances(
    books: dict[str, LedgerAccount],
) -> None:
    found = queries.statement(books["ada"], APRIL_13, date(2026, 4, 30))
    assert found.opening_pence == 4500
    assert [
        (r.effective_date, r.description, r.source, r.debit_pence, r.credit_pence, r.balance_pence)
        for r in found.rows
    ] == [
        (APRIL_13, "Payment, thank you", "receipt", None, 2000, 2500),
        (APRIL_13, "Invoice INV-3", "invoice", 4500, None, 7000),
    ]
    assert found.closing_pence == 7000 == queries.balance(books["ada"], on=date(2026, 4, 30))
    assert found.rows[0].posted_at <= found.rows[1].posted_at
    empty = queries.statement("D-00000026", date(2026, 6, 1), date(2026, 6, 30))
    assert (empty.opening_pence, empty.rows, empty.closing_pence) == (2500, (), 2500)
    with pytest.raises(ValueError, match="cannot end"):
        queries.statement(books["ada"], MAY_1, APRIL_6)


# --- Checks and the command -----------------------------------------------------------------


OWN_CHECKS = (
    "Every transaction balances",
    "Every transaction has at least two postings",
    "The trial balance sums to zero",
)


@pytest.fixture(autouse=True)
def only_the_ledgers_own_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other apps (billing) register checks of their own; these tests are about the ledger's."""
    own = {name: check for name, check in checks.registered() if name in OWN_CHECKS}
    assert list(own) == list(OWN_CHECKS)
    monkeypatch.setattr(checks, "_registry", own)


def run_check(*args: str) -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        call_command("ledger", "check", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


def test_a_whole_ledger_passes_every_check(books: dict[str, LedgerAccount]) -> None:
    text, failure = run_check()
    assert failure is None
    assert text.splitlines() == [
        "OK      Every transaction balances",
        "OK      Every transaction has at least two postings",
        "OK      The trial balance sums to zero",
        "Transactions: 6",
        "Postings: 12",
        "Receivables control total (all debtor accounts): £215.00",
    ]
    document, failure = run_check("--json")
    assert failure is None
    assert json.loads(document) == {
        "ok": True,
        "checks": [
            {"name": "Every transaction balances", "ok": True, "problems": []},
            {"name": "Every transaction has at least two postings", "ok": True, "problems": []},
            {"name": "The trial balance sums to zero", "ok": True, "problems": []},
        ],
        "transactions": 6,
        "postings": 12,
        "control_total": "215.00",
    }


def test_an_empty_ledger_passes() -> None:
    document, failure = run_check("--json")
    assert failure is None
    assert json.loads(document)["control_total"] == "0.00"


@pytest.fixture
def broken(books: dict[str, LedgerAccount]) -> None:
    """A posting slipped in round the write path and a transaction with no postings at all.

    On PostgreSQL the triggers that would refuse both are switched off first. ALTER TABLE is
    transactional there, so the test's rollback switches them back on."""
    with connection.cursor() as cursor:
        if POSTGRES:
            # ALTER TABLE refuses a table with checks still pending: settle them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_balanced")
            cursor.execute(
                "ALTER TABLE ledger_ledgertransaction "
                "DISABLE TRIGGER ledger_transaction_has_postings"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "INSERT INTO ledger_posting (transaction_id, account_id, pence, memo) "
            "VALUES (%s, %s, 5, 'slipped in')",
            [LedgerTransaction.objects.get(key="invoice:2").pk, books["ben"].pk],
        )
    LedgerTransaction.objects.create(
        key="empty:1",
        effective_date=MAY_1,
        posted_at=timezone.now(),
        source="manual",
        description="Nothing",
    )


def test_a_broken_ledger_fails_its_checks_and_says_where(broken: None) -> None:
    text, failure = run_check()
    assert failure == (
        "3 of 3 ledger checks failed: Every transaction balances; Every transaction has at "
        "least two postings; The trial balance sums to zero"
    )
    assert text.splitlines() == [
        "FAILED  Every transaction balances",
        "        - Transaction 'invoice:2' (effective 06/04/2026) does not balance: its "
        "postings sum to £0.05",
        "FAILED  Every transaction has at least two postings",
        "        - Transaction 'empty:1' has no postings",
        "FAILED  The trial balance sums to zero",
        "        - The trial balance sums to £0.05, not £0.00",
        "Transactions: 7",
        "Postings: 13",
        "Receivables control total (all debtor accounts): £215.05",
    ]
    document, failure = run_check("--json")
    assert failure is not None
    result = json.loads(document)
    assert result["ok"] is False
    assert [(c["name"], c["ok"], len(c["problems"])) for c in result["checks"]] == [
        ("Every transaction balances", False, 1),
        ("Every transaction has at least two postings", False, 1),
        ("The trial balance sums to zero", False, 1),
    ]
    assert result["control_total"] == "215.05"


def test_an_app_registers_its_own_check(books: dict[str, LedgerAccount]) -> None:
    checks.register("Every invoice equals its postings", lambda: ["Invoice INV-2 is £1.00 out"])
    checks.register("Every invoice equals its postings", lambda: ["Invoice INV-2 is £2.00 out"])

    def broken_check() -> list[str]:
        raise ZeroDivisionError("division by zero")

    checks.register("A check with a bug", broken_check)
    results = {r.name: r.problems for r in checks.run_all()}
    assert results["Every invoice equals its postings"] == ("Invoice INV-2 is £2.00 out",)
    assert results["A check with a bug"] == (
        "The check could not run: ZeroDivisionError: division by zero",
    )
    assert results["Every transaction balances"] == ()
    assert len(results) == 5
    _, failure = run_check()
    assert failure is not None
    assert failure.startswith("2 of 5 ledger checks failed: Every invoice equals its postings")


def test_long_lists_of_problems_are_cut_and_counted() -> None:
    shown = checks.limited((f"problem {n}" for n in range(60)), 60)
    assert len(shown) == 51
    assert shown[-2:] == ["problem 49", "... and 10 more"]
    assert checks.limited(["one"], 1) == ["one"]
    with pytest.raises(ValueError, match="needs a name"):
        checks.register(" ", lambda: [])


# --- The ledger page ------------------------------------------------------------------------


def test_the_ledger_page_shows_the_trial_balance_with_debtors_as_the_control_line(
    books: dict[str, LedgerAccount], client_for: Any
) -> None:
    response = client_for(Role.FINANCE_OFFICER).get("/ledger/")
    assert response.status_code == 200
    page = response.context["page"]
    assert [(line.code, line.name, line.debit, line.credit) for line in page.lines] == [
        ("D-*", "Receivables control (3 debtor accounts)", "£215.00", ""),
        ("BANK", "Bank", "£20.00", ""),
        ("I-ASC100/9001", "Home care charges", "", "£240.00"),
        ("WRITEOFF", "Debts written off", "£5.00", ""),
    ]
    assert (page.total_debit, page.total_credit, page.balanced) == ("£240.00", "£240.00", True)
    html = response.content.decode()
    assert '<dd class="govuk-summary-list__value" data-figure="control-total">£215.00' in html
    assert 'data-figure="transactions">6<' in html
    assert "does not sum to zero" not in html
    assert "Lovelace" not in html  # debtor accounts carry references, not names


def test_the_ledger_page_warns_when_the_trial_balance_is_out(broken: None, client_for: Any) -> None:
    response = client_for(Role.AUDITOR).get("/ledger/")
    assert response.status_code == 200
    assert response.context["page"].balanced is False
    assert "The trial balance does not sum to zero" in response.content.decode()


def test_an_empty_ledger_page(client_for: Any) -> None:
    response = client_for(Role.SENIOR_OFFICER).get("/ledger/")
    assert "Nothing has been posted to the ledger yet." in response.content.decode()


def test_the_ledger_page_is_for_those_who_answer_for_the_accounts(client_for: Any) -> None:
    assert client_for(Role.CHARGING_OFFICER).get("/ledger/").status_code == 403
    assert Client().get("/ledger/").status_code == 302
