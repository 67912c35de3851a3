"""Collection runs: what each mandate collects, the advance notices and the items they hold
back, transaction codes, the Standard 18 file, settling into receipts, and the dates refused.
On SQLite and PostgreSQL, with the ledger check passing after every test."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, transaction

from carecharge.apps.directdebit import operations
from carecharge.apps.directdebit.models import (
    AdvanceNotice,
    AuddisInstruction,
    CollectionItem,
    CollectionRun,
    Mandate,
    MandateStatus,
    RunState,
)
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments.allocations import open_invoices
from carecharge.apps.payments.models import Receipt
from carecharge.core.bacs.standard18_check import check_standard18

from .test_directdebit_support import (
    BUILT_ON,
    COLLECT_ON,
    DirectDebits,
    dd,
)

pytestmark = pytest.mark.django_db
__all__ = ["dd"]  # the fixture, imported for pytest to find


def _live(dd: DirectDebits, *people: tuple[str, str]) -> list[Mandate]:
    """People billed (one invoice each, due 30/03/2026) with a live balance mandate each."""
    accounts = [dd.billed(name, weekly) for name, weekly in people]
    dd.bill()
    mandates = [
        dd.mandate(account, f"{name.title()} Tester")
        for account, (name, _) in zip(accounts, people, strict=True)
    ]
    dd.lodge()
    return mandates


def _items(run: CollectionRun | None) -> list[tuple[str, str, int]]:
    assert run is not None
    return [
        (i.transaction_code, i.mandate.bacs_name, i.amount_pence)
        for i in CollectionItem.objects.filter(run=run).select_related("mandate")
    ]


def test_a_run_collects_the_balance_due_and_settles_into_receipts(dd: DirectDebits) -> None:
    ada, bea = _live(dd, ("ada", "50.00"), ("bea", "12.34"))

    result = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON)

    run = result.run
    assert run is not None
    assert (run.collection_date, run.processing_day, run.input_day, run.state) == (
        COLLECT_ON,
        date(2026, 3, 31),
        date(2026, 3, 30),
        RunState.BUILT,
    )
    assert _items(run) == [("01", "ADA TESTER", 20_000), ("01", "BEA TESTER", 4_936)]
    assert (run.item_count, run.total_pence, run.notices_count) == (2, 24_936, 2)
    report = check_standard18(run.file.text.encode("ascii"))
    assert (report.sha256, report.serial_number, report.item_total_pence) == (
        run.file.sha256,
        "000002",
        24_936,
    )
    assert run.file.control_report == report.as_text()
    ada.refresh_from_db()
    assert ada.status == MandateStatus.LIVE  # lodged on 03/03, live from 04/03

    with pytest.raises(operations.DirectDebitError) as early:
        operations.settle(run, actor=dd.finance, today=date(2026, 3, 31))
    assert str(early.value) == (
        f"Run {run.pk} collects on 01/04/2026: it cannot be settled before then (today is "
        "31/03/2026)"
    )
    run, posted = operations.settle(run, actor=dd.finance, today=COLLECT_ON)

    assert (posted, run.state) == (2, RunState.SETTLED)
    receipts = list(Receipt.objects.order_by("number"))
    items = list(CollectionItem.objects.filter(run=run).order_by("pk"))
    assert [
        (r.channel, r.received_on, r.amount_pence, r.duplicate_key, r.reference_text)
        for r in receipts
    ] == [
        ("direct_debit", COLLECT_ON, 20_000, f"dd:{run.pk}:{items[0].pk}", ada.reference),
        ("direct_debit", COLLECT_ON, 4_936, f"dd:{run.pk}:{items[1].pk}", bea.reference),
    ]
    assert [i.receipt_id for i in items] == [r.pk for r in receipts]
    assert [balance(m.account) for m in (ada, bea)] == [0, 0]
    assert open_invoices(ada.account) == []
    assert operations.settle(run, actor=dd.finance, today=COLLECT_ON) == (run, 0)
    assert Receipt.objects.count() == 2


def test_advance_notice_holds_back_a_collection_until_ten_working_days_have_passed(
    dd: DirectDebits,
) -> None:
    [ada] = _live(dd, ("ada", "50.00"))

    late = operations.build_run(COLLECT_ON, actor=dd.finance, today=date(2026, 3, 20))

    # Easter: Good Friday and Easter Monday are not Bacs days.
    assert late.run is None
    assert [s.as_json() for s in late.skipped] == [
        {
            "reference": ada.reference,
            "account": ada.account.code,
            "amount_pence": 20_000,
            "reason": "advance notice sent on 20/03/2026: the earliest it may be collected is "
            "07/04/2026",
        }
    ]
    [notice] = late.notices
    assert (notice.collection_date, notice.sent_on, notice.earliest_collection) == (
        COLLECT_ON,
        date(2026, 3, 20),
        date(2026, 4, 7),
    )
    assert notice.text.splitlines() == [
        "Dear Ada Tester,",
        "",
        f"Direct Debit reference: {ada.reference}",
        "Northfield Borough Council will collect £200.00 on 1 April 2026 from your bank account "
        "under your Direct Debit Instruction.",
        "If this is not right, please call us on 01632 960 000 straight away.",
        "Your payments are protected by the Direct Debit Guarantee.",
    ]
    assert not CollectionRun.objects.exists()

    # Notices sent ahead for 8 April, then the run built later uses them: no new letter.
    ahead = operations.send_notices(date(2026, 4, 8), actor=dd.finance, today=date(2026, 3, 23))
    assert [(n.amount_pence, n.reason, n.earliest_collection) for n in ahead.notices] == [
        (20_000, "date changed from 01/04/2026 to 08/04/2026", date(2026, 4, 8))
    ]
    built = operations.build_run(date(2026, 4, 8), actor=dd.finance, today=date(2026, 4, 2))
    assert (built.notices, _items(built.run)) == ((), [("01", "ADA TESTER", 20_000)])
    assert AdvanceNotice.objects.count() == 2


def test_instalments_are_taken_once_a_month_from_their_day(dd: DirectDebits) -> None:
    account = dd.billed("cal", "60.00")
    dd.bill()
    mandate = dd.mandate(
        account, "Cal Tester", basis="instalment", instalment_pence=10_000, collection_day=10
    )
    dd.lodge()

    before_the_day = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON)
    assert (before_the_day.run, before_the_day.notices, before_the_day.skipped) == (None, (), ())

    april = operations.build_run(date(2026, 4, 10), actor=dd.finance, today=BUILT_ON)
    assert _items(april.run) == [("01", "CAL TESTER", 10_000)]
    assert [(n.schedule, n.reason) for n in april.notices] == [
        ("£100.00 monthly, on or after day 10", "first collection")
    ]
    assert april.run is not None
    operations.settle(april.run, actor=dd.finance, today=date(2026, 4, 10))
    again = operations.build_run(date(2026, 4, 20), actor=dd.finance, today=date(2026, 4, 10))
    assert again.run is None  # April's instalment is taken

    # The standing notice covers May; only £40.00 is left to pay by June.
    may = operations.build_run(date(2026, 5, 11), actor=dd.finance, today=date(2026, 4, 20))
    assert (may.notices, _items(may.run)) == ((), [("17", "CAL TESTER", 10_000)])
    assert may.run is not None
    operations.settle(may.run, actor=dd.finance, today=date(2026, 5, 11))
    june = operations.build_run(date(2026, 6, 10), actor=dd.finance, today=date(2026, 5, 20))
    assert [(n.amount_pence, n.reason) for n in june.notices] == [
        (4_000, "amount changed from £100.00 to £40.00")
    ]
    assert _items(june.run) == [("17", "CAL TESTER", 4_000)]
    assert balance(mandate.account) == 4_000


def test_money_already_on_its_way_is_not_collected_twice(dd: DirectDebits) -> None:
    _live(dd, ("ada", "50.00"))
    first = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON)
    assert first.run is not None

    second = operations.build_run(date(2026, 4, 2), actor=dd.finance, today=BUILT_ON)
    assert (second.run, second.notices) == (None, ())

    operations.cancel_run(first.run, reason="File never sent", actor=dd.finance)
    third = operations.build_run(date(2026, 4, 2), actor=dd.finance, today=BUILT_ON)
    # A cancelled run collected nothing, so this is still the first collection.
    assert _items(third.run) == [("01", "ADA TESTER", 20_000)]
    with pytest.raises(operations.DirectDebitError, match="only a run not yet settled"):
        operations.cancel_run(first.run, reason="again", actor=dd.finance)
    with pytest.raises(operations.DirectDebitError, match="was cancelled: it collected nothing"):
        operations.settle(first.run, actor=dd.finance, today=COLLECT_ON)


def test_a_final_collection_ends_the_mandate_without_a_0c(dd: DirectDebits) -> None:
    [ada] = _live(dd, ("ada", "50.00"))
    operations.request_final_collection(ada, reason="Moving to a care home", actor=dd.s.officer)
    result = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON)
    assert _items(result.run) == [("19", "ADA TESTER", 20_000)]
    assert result.run is not None

    operations.settle(result.run, actor=dd.finance, today=COLLECT_ON)

    ada.refresh_from_db()
    assert (ada.status, ada.end_reason, ada.final_collection) == (
        MandateStatus.CANCELLED,
        "Final collection (code 19) taken on 01/04/2026",
        False,
    )
    assert not AuddisInstruction.objects.filter(code="0C").exists()


def test_nothing_is_collected_for_a_service_user_who_has_died(dd: DirectDebits) -> None:
    ada, _ = _live(dd, ("ada", "50.00"), ("bea", "50.00"))
    dd.s.dies("ada", "2026-03-10")

    result = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON)

    assert _items(result.run) == [("01", "BEA TESTER", 20_000)]
    assert [s.reason for s in result.skipped] == [
        "the service user died on 10/03/2026: mandate cancelled, nothing collected"
    ]
    assert [m.reference for m in result.ended_for_death] == [ada.reference]
    ada.refresh_from_db()
    assert (ada.status, ada.end_reason) == ("cancelled", "Service user died on 10/03/2026")
    assert [(i.code, i.mandate_id) for i in AuddisInstruction.objects.filter(file=None)] == [
        ("0C", ada.pk)
    ]


@pytest.mark.parametrize(
    ("collect_on", "today", "message"),
    [
        (
            date(2026, 4, 4),
            BUILT_ON,
            "collection date: collection date Sat 04 Apr 2026 is not a Bacs processing day "
            "(weekend or bank holiday)",
        ),
        (
            date(2026, 4, 6),
            BUILT_ON,
            "collection date: collection date Mon 06 Apr 2026 is not a Bacs processing day "
            "(weekend or bank holiday)",
        ),
        (
            COLLECT_ON,
            date(2026, 3, 31),
            "collection date: too late for 01/04/2026; its file had to be sent to Bacs by "
            "30/03/2026 (processing day 31/03/2026)",
        ),
        (
            date(2026, 5, 1),
            BUILT_ON,
            "collection date: too early for 01/05/2026; Bacs takes a file at most 30 days "
            "before its processing day (30/04/2026), so build the run from 31/03/2026 (send "
            "the advance notices now with `directdebit notices`)",
        ),
    ],
)
def test_dates_bacs_cannot_take_are_refused(
    dd: DirectDebits, collect_on: date, today: date, message: str
) -> None:
    _live(dd, ("ada", "50.00"))
    with pytest.raises(operations.DirectDebitError) as refused:
        operations.build_run(collect_on, actor=dd.finance, today=today)
    assert str(refused.value) == message
    assert (CollectionRun.objects.count(), AdvanceNotice.objects.count()) == (0, 0)


def test_one_run_per_date_and_only_banking_roles_run_them(dd: DirectDebits) -> None:
    _live(dd, ("ada", "50.00"))
    with pytest.raises(operations.DirectDebitError) as refused:
        operations.build_run(COLLECT_ON, actor=dd.s.officer, today=BUILT_ON)
    assert str(refused.value) == (
        "charlie does not have a role that may run Direct Debit collections"
    )
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    with pytest.raises(operations.DirectDebitError) as again:
        operations.build_run(COLLECT_ON, actor=dd.s.senior, today=BUILT_ON)
    assert str(again.value) == (
        f"collection date: run {run.pk} already collects on 01/04/2026 (file made: to be sent "
        "to bacs); cancel it first or choose another date"
    )


def test_a_changed_balance_is_notified_again(dd: DirectDebits) -> None:
    [ada] = _live(dd, ("ada", "50.00"))
    notices = operations.send_notices(COLLECT_ON, actor=dd.finance, today=BUILT_ON)
    assert [n.amount_pence for n in notices.notices] == [20_000]
    # A later bill adds £200.00 due by 1 April (issued 2 March, like the first).
    dd.s.bill("2025-06-01")
    assert balance(ada.account) == 40_000

    result = operations.build_run(COLLECT_ON, actor=dd.finance, today=date(2026, 3, 13))

    assert [(n.amount_pence, n.reason) for n in result.notices] == [
        (40_000, "amount changed from £200.00 to £400.00")
    ]
    # Sent 13 March, so 27 March is the earliest: in time for 1 April.
    assert (_items(result.run), result.skipped) == ([("01", "ADA TESTER", 40_000)], ())


def test_a_collected_item_keeps_its_receipt_and_amount(dd: DirectDebits) -> None:
    _live(dd, ("ada", "50.00"))
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    operations.settle(run, actor=dd.finance, today=COLLECT_ON)
    item = CollectionItem.objects.get(run=run)
    for change in ({"receipt": None}, {"amount_pence": 1}):
        with pytest.raises(DatabaseError), transaction.atomic():
            CollectionItem.objects.filter(pk=item.pk).update(**change)
    with pytest.raises(DatabaseError), transaction.atomic():
        CollectionItem.objects.filter(pk=item.pk).delete()
    item.refresh_from_db()
    assert (item.amount_pence, item.receipt.amount_pence) == (20_000, 20_000)
