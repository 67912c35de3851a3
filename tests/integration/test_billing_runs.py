"""Billing runs as records of batch work: the command line, resuming after a crash, the fast
path for unchanged people, the second person's approval, and the ledger check."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from carecharge.apps.billing import operations, posting, work
from carecharge.apps.billing.models import (
    BillingRun,
    ChargeRecord,
    Invoice,
    PersonStatus,
    RunPerson,
)
from carecharge.apps.ledger import checks
from carecharge.apps.ledger.models import LedgerTransaction, Posting
from carecharge.apps.web.council import rulebook

from .billing_scenario import HOME_CARE, Scenario

pytestmark = pytest.mark.django_db


def _council(s: Scenario, n: int = 3) -> None:
    for i in range(n):
        name = f"p{i}"
        s.person(name)
        s.care(name, HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
        s.assess(name, f"{50 + i}.00", starts="2025-04-07")


def _ledger_ok() -> list[tuple[str, list[str]]]:
    return [(r.name, r.problems) for r in checks.run_all() if r.problems]


def test_the_command_runs_draft_to_posted_and_prints_the_summary() -> None:
    s = Scenario()
    _council(s)
    out = StringIO()
    call_command(
        "billing", "run", "--to", "2025-04-20", "--as", "charlie", "--approve-as", "sam",
        "--json", "--workers", "2", stdout=out,
    )  # fmt: skip
    summary = json.loads(out.getvalue())
    # Two weeks each at £50.00, £51.00 and £52.00: 2 x £153.00.
    assert summary["invoices"] == 3
    assert summary["lines_posted"] == 6
    assert summary["amount_posted"] == "306.00"
    assert summary["state"] == "posted"
    assert _ledger_ok() == []


def test_the_command_refuses_the_same_person_approving_and_changes_nothing() -> None:
    s = Scenario()
    _council(s, 1)
    with pytest.raises(CommandError, match="second, different person"):
        call_command("billing", "run", "--to", "2025-04-20", "--as", "charlie",
                     "--approve-as", "charlie")  # fmt: skip
    with pytest.raises(CommandError, match="does not have a role that may approve"):
        call_command("billing", "run", "--to", "2025-04-20", "--as", "sam",
                     "--approve-as", "charlie")  # fmt: skip
    assert Invoice.objects.count() == 0
    assert LedgerTransaction.objects.count() == 0


def test_a_bad_number_of_workers_is_refused_with_the_setting_or_option_named(
    settings: Any,
) -> None:
    Scenario()
    with pytest.raises(CommandError, match="--workers: '0' is not a number of processes from 1"):
        call_command("billing", "run", "--to", "2025-04-20", "--as", "charlie",
                     "--approve-as", "sam", "--workers", "0")  # fmt: skip
    settings.CARECHARGE_BILLING_WORKERS = "two"
    with pytest.raises(ImproperlyConfigured, match="CARECHARGE_BILLING_WORKERS: 'two' is not"):
        operations.configured_workers()
    settings.CARECHARGE_BILLING_WORKERS = "3"
    assert operations.configured_workers() == 3
    assert BillingRun.objects.count() == 0


def test_a_bad_date_is_refused_with_the_field_named() -> None:
    Scenario()
    with pytest.raises(CommandError, match="--to: '2025-13-01' is not a date"):
        call_command("billing", "run", "--to", "2025-13-01", "--as", "charlie",
                     "--approve-as", "sam")  # fmt: skip
    with pytest.raises(CommandError, match="through: billing in carecharge starts on 07/04/2025"):
        call_command("billing", "run", "--to", "2025-01-01", "--as", "charlie",
                     "--approve-as", "sam")  # fmt: skip


def test_a_crash_part_way_through_posting_is_resumed_without_posting_anyone_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = Scenario()
    _council(s, 3)
    run = operations.start_run(through=date(2025, 4, 20), actor=s.officer, source="command")
    run = operations.preview(run, actor=s.officer, source="command")
    run = operations.approve(run, actor=s.senior)
    real = posting.post_people
    calls = {"n": 0}

    def crash_on_the_second_chunk(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the machine was switched off")
        return real(*args, **kwargs)

    monkeypatch.setattr(operations, "post_people", crash_on_the_second_chunk)
    monkeypatch.setattr(operations, "CHUNK", 1)
    begun = operations.begin_post(run, actor=s.officer, book=rulebook(), source="command")
    with pytest.raises(RuntimeError) as crash:
        operations.post_ready(begun, actor=s.officer, book=rulebook(), chunk=1)
    operations.record_failure(begun, crash.value)  # as the command and the worker do
    # The first person is fully posted, the second not at all: no half-posted invoice.
    assert RunPerson.objects.filter(run=run, status=PersonStatus.POSTED).count() == 1
    assert Invoice.objects.count() == 1
    assert _ledger_ok() == []
    monkeypatch.setattr(operations, "post_people", real)
    done = operations.post(run, actor=s.officer, source="command")
    assert done.state == "posted"
    assert Invoice.objects.count() == 3
    assert ChargeRecord.objects.count() == 6
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "INV000001", "INV000002", "INV000003",
    ]  # fmt: skip
    assert _ledger_ok() == []


def test_unchanged_people_are_worked_out_from_the_last_run_with_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = Scenario()
    _council(s, 2)
    s.bill(to="2025-05-04")
    s.care("p1", HOME_CARE, units="1", cost="10.00", starts="2025-04-21")  # p1 changes
    ids = [s.people["p0"].pk, s.people["p1"].pk]
    book = rulebook()
    since = operations.billing_from()

    def lines(settled: bool) -> dict[int, list[Any]]:
        if not settled:
            monkeypatch.setattr(work, "last_settled", lambda _ids: {})
        inputs = work.gathered.gather(ids, through=date(2025, 5, 18), since=since, book=book,
                                      council="demo")  # fmt: skip
        found = work.work_out_people(inputs, through=date(2025, 5, 18), since=since, book=book,
                                     council="demo")  # fmt: skip
        return {pk: found[pk]["lines"] for pk in ids}

    fast = lines(settled=True)
    full = lines(settled=False)
    assert fast == full
    # p0 is unchanged: only weeks 5 and 6 are new. p1's extra care changed nothing she pays
    # (her care already cost more than her charge), so she too has only the new weeks.
    assert [line["week"][0] for line in fast[s.people["p0"].pk]] == ["2025-05-05", "2025-05-12"]


def test_the_ledger_check_finds_an_invoice_that_disagrees_with_its_postings() -> None:
    s = Scenario()
    _council(s, 1)
    s.bill(to="2025-04-13")
    invoice = Invoice.objects.get()
    debtor = invoice.account
    income = Posting.objects.filter(transaction=invoice.transaction).exclude(account=debtor).first()
    assert income is not None
    with connection.cursor() as cursor:  # a balanced pair slipped in behind the write path
        cursor.execute(
            "INSERT INTO ledger_posting (transaction_id, account_id, pence, memo) "
            "VALUES (%s, %s, 100, ''), (%s, %s, -100, '')",
            [invoice.transaction_id, debtor.pk, invoice.transaction_id, income.account_id],
        )
    out = StringIO()
    with pytest.raises(CommandError, match="ledger checks failed"):
        call_command("ledger", "check", "--json", stdout=out)
    report = json.loads(out.getvalue())
    failing = {c["name"]: c["problems"] for c in report["checks"] if not c["ok"]}
    assert failing == {
        "Every invoice and credit note equals its postings": [
            f"{invoice.number}: total 5000p but 5100p posted to the debtor account"
        ]
    }


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE billing_chargerecord SET amount_pence = 1",
        "DELETE FROM billing_chargerecord",
        "UPDATE billing_invoice SET total_pence = 1",
        "DELETE FROM billing_invoice",
    ],
)
def test_the_database_refuses_to_change_posted_charges_and_invoices(sql: str) -> None:
    from django.db import DatabaseError, transaction

    s = Scenario()
    _council(s, 1)
    s.bill(to="2025-04-13")
    with (
        pytest.raises(DatabaseError, match="never changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert list(ChargeRecord.objects.values_list("amount_pence", flat=True)) == [5000]
    assert list(Invoice.objects.values_list("total_pence", flat=True)) == [5000]


def test_an_invoice_number_cannot_be_changed_through_the_application_either() -> None:
    from django.db import DatabaseError, transaction

    s = Scenario()
    _council(s, 1)
    s.bill(to="2025-04-13")
    invoice = Invoice.objects.get()
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(number="INV999999")
    assert Invoice.objects.get().number == "INV000001"
