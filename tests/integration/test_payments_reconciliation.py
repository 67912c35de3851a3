"""Month-end reconciliation: the ledger's bank account against imported statements (receipts,
other channels' settlements, money out), the suspense account against the unallocated queue,
the trial balance, and every posted billing run's finance export; prepared and signed off by
two people."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from carecharge.apps.billing.export import export_run
from carecharge.apps.billing.invoices import issue_run
from carecharge.apps.ledger import checks
from carecharge.apps.ledger.operations import account_for_person
from carecharge.apps.payments import importing, receipts, reconciliation, refunds
from carecharge.apps.payments.models import Channel

from .billing_scenario import HOME_CARE, Scenario

pytestmark = pytest.mark.django_db
# May and June 2025: the run to 4 May is exported; a run to 1 June, when there is one, is not.
MAY = (date(2025, 5, 1), date(2025, 6, 30))


@pytest.fixture
def s(tmp_path: Path) -> Iterator[Scenario]:
    scenario = Scenario()
    for name in ("ada", "bea"):
        scenario.person(name)
        scenario.care(name, HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
        scenario.assess(name, "50.00", starts="2025-04-07")
    run = scenario.bill("2025-05-04")
    issue_run(run, actor=None)
    export_run(run, tmp_path / "export", actor=scenario.officer)
    yield scenario
    failed = [(r.name, r.problems) for r in checks.run_all() if r.problems]
    assert failed == []


def _statement(*rows: str) -> bytes:
    total = sum(round(float(row.split(",")[2]) * 100) for row in rows)
    body = "".join(f"{row}\r\n" for row in rows)
    sign = "-" if total < 0 else ""
    pounds, pence = divmod(abs(total), 100)
    return (
        "Date,Description,Amount,Payer,Transaction ID\r\n"
        + body
        + f"Total,,{sign}{pounds}.{pence:02d},,\r\n"
    ).encode()


def _month(s: Scenario) -> None:
    """Ada pays £260.00 by bank transfer (£60.00 too much, refunded by Bacs); Bea pays £150.00
    at a PayPoint and £50.00 in cash at the office; the bank shows the PayPoint settlement, the
    cash paid in and the refund going out."""
    ada, bea = (s.people[n].account_reference for n in ("ada", "bea"))
    counter = f"D,{bea},150.00,2025-05-14,PP1\r\nT,1,150.00\r\n".encode()
    importing.import_payment_file(
        data=counter, filename="pp.csv", kind="counter", actor=s.officer, scheme="paypoint"
    )
    receipts.record_in_person(
        channel=Channel.CASH, account=account_for_person(s.people["bea"]), amount_pence=5_000,
        received_on=date(2025, 5, 15), actor=s.officer,
    )  # fmt: skip
    statement = _statement(
        f"12/05/2025,CARE {ada},260.00,A TESTER,TX1",
        "15/05/2025,PAYPOINT SETTLEMENT 14 MAY,150.00,PAYPOINT,TX2",
        "16/05/2025,CASH AND CHEQUES PAID IN,50.00,,TX3",
        "28/05/2025,BACS REFUND A TESTER,-60.00,,TX4",
    )
    importing.import_payment_file(
        data=statement, filename="may.csv", kind="csv", actor=s.officer, period=MAY
    )
    refund = refunds.request_refund(
        account=account_for_person(s.people["ada"]), amount_pence=6_000, method="bacs",
        payee_name="Ada Tester", sort_code="089999", account_number="66374958",
        reason="Paid too much", actor=s.officer,
    )  # fmt: skip
    refunds.approve_refund(refund, actor=s.senior)
    refunds.mark_paid(refund, paid_on=date(2025, 5, 28), actor=s.officer)


def test_a_month_that_agrees_everywhere_balances(s: Scenario) -> None:
    _month(s)
    report = reconciliation.reconcile(*MAY)
    assert report.differences == []
    assert report.balanced
    assert (report.bank_in_pence, report.bank_out_pence) == (46_000, 6_000)
    assert report.statement_receipts_pence == 26_000
    assert [(x.channel, x.receipts_pence, x.settled_pence) for x in report.settlements] == [
        ("counter", 15_000, 15_000),
        ("cash_and_cheques", 5_000, 5_000),
    ]
    assert report.matched_out_pence == 6_000
    assert report.suspense_pence == report.queue_pence == 0
    assert [e.exported and e.reproducible for e in report.exports] == [True]


def test_every_difference_is_named(s: Scenario) -> None:
    _month(s)
    # A payment nobody can place, and a second run posted but never exported.
    receipts.post_receipts(
        [
            receipts.NewReceipt(
                channel=Channel.COUNTER, received_on=date(2025, 5, 20), amount_pence=1_234,
                duplicate_key="counter:x",
            )
        ],
        actor=s.officer,
    )  # fmt: skip
    s.bill("2025-06-01")
    report = reconciliation.reconcile(*MAY)
    assert report.queue_pence == report.suspense_pence == 1_234
    assert [b.count for b in report.ageing] == [0, 0, 1, 0, 0]  # waiting since 20 May
    assert report.differences == [
        "Counter and card schemes: £162.34 of receipts, £150.00 reached the bank "
        "(difference -£12.34)",
        f"Billing run {s.runs[-1].pk} to 01/06/2025 is posted but its journal has not been "
        "exported to the finance system",
    ]


def test_prepared_by_one_person_and_signed_off_by_another(s: Scenario) -> None:
    _month(s)
    kept = reconciliation.prepare(*MAY, actor=s.officer)
    assert kept.balanced and len(kept.sha256) == 64
    assert kept.figures["bank_in_pence"] == 46_000
    with pytest.raises(reconciliation.ReconciliationError, match="you prepared this one"):
        reconciliation.sign_off(kept, actor=s.officer, note="")
    signed = reconciliation.sign_off(kept, actor=s.senior, note="")
    assert signed.signed_off_by == s.senior
    with pytest.raises(reconciliation.ReconciliationError, match="already signed off"):
        reconciliation.sign_off(kept, actor=s.senior, note="")


def test_a_report_with_differences_needs_a_note_to_be_signed_off(s: Scenario) -> None:
    s.bill("2025-06-01")  # posted, never exported
    kept = reconciliation.prepare(date(2025, 1, 1), date(2025, 12, 31), actor=s.officer)
    assert not kept.balanced
    with pytest.raises(reconciliation.ReconciliationError, match="explain them"):
        reconciliation.sign_off(kept, actor=s.senior, note=" ")
    reconciliation.sign_off(kept, actor=s.senior, note="Run exported on 2 June: timing")


def test_the_screens_show_prepare_and_sign_off_a_reconciliation(s: Scenario) -> None:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from carecharge.apps.accounts.roles import Role
    from carecharge.apps.payments.models import MonthEndReconciliation

    _month(s)

    def signed_in(username: str, role: str) -> Client:
        user = User.objects.create(username=username)
        user.groups.set(Group.objects.filter(name=role))
        client = Client()
        client.force_login(user)
        return client

    finance = signed_in("fiona", Role.FINANCE_OFFICER)
    start, end = MAY
    query = {
        "start_day": start.day, "start_month": start.month, "start_year": start.year,
        "end_day": end.day, "end_month": end.month, "end_year": end.year,
    }  # fmt: skip
    shown = finance.get("/payments/reconciliation/", query).content.decode()
    assert 'data-outcome="balanced"' in shown
    assert 'data-figure="bank-in">£460.00<' in shown
    assert finance.get("/payments/reconciliation/", query | {"end_year": "2024"}).status_code == 400

    kept = finance.post("/payments/reconciliation/", query)
    assert kept.status_code == 302
    report = MonthEndReconciliation.objects.get()
    assert finance.post(kept["Location"], {"note": ""}).status_code == 403  # not a senior
    senior = signed_in("sue", Role.SENIOR_OFFICER)
    assert senior.post(kept["Location"], {"note": "Agreed to statements"}).status_code == 302
    report.refresh_from_db()
    assert report.signed_off_by is not None and report.sign_off_note == "Agreed to statements"
    assert "Signed off by sue" in senior.get(kept["Location"]).content.decode()
    assert (
        signed_in("cora", Role.CHARGING_OFFICER).get("/payments/reconciliation/").status_code == 403
    )


def test_the_command_reconciles_and_exits_1_on_a_difference(
    s: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    _month(s)
    start, end = (day.isoformat() for day in MAY)
    call_command("payments", "reconcile", "--from", start, "--to", end, "--keep", "--as", "charlie")
    out = capsys.readouterr().out
    assert "It reconciles: no differences." in out and "Kept as reconciliation" in out
    s.bill("2025-06-01")
    with pytest.raises(SystemExit) as failed:
        call_command("payments", "reconcile", "--from", start, "--to", end)
    assert failed.value.code == 1
    assert "DIFFERENCE: Billing run" in capsys.readouterr().out


def test_a_day_no_statement_covers_is_a_difference(s: Scenario) -> None:
    _month(s)
    report = reconciliation.reconcile(date(2025, 4, 20), date(2025, 7, 10))
    assert [d for d in report.differences if "no statement covers" in d] == [
        "Bank account Council collection account: no statement covers 20/04/2025 to 30/04/2025",
        "Bank account Council collection account: no statement covers 01/07/2025 to 10/07/2025",
    ]
