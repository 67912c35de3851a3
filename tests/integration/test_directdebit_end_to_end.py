"""Issue 5's end-to-end story, as far as Direct Debit goes: mandates set up and lodged, a
collection run whose Standard 18 file the validator accepts, the run settled into receipts, an
ARUDD with two returns and an ADDACS cancellation imported, a bank statement with matched,
unmatched, settlement, returned and (in a second download) duplicate lines imported; then the
ledger check passes, every balance is right to the penny and the reconciliation balances. On
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from carecharge.apps.directdebit import operations
from carecharge.apps.directdebit.models import (
    AuddisInstruction,
    CollectionItem,
    ItemReturn,
    MandateStatus,
    ReturnOutcome,
)
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments import importing, reconciliation
from carecharge.apps.payments.allocations import open_invoices
from carecharge.apps.payments.models import Receipt
from carecharge.core.bacs.calendar import england_and_wales_bank_holidays
from carecharge.core.bacs.standard18_check import check_standard18

from .test_directdebit_support import (
    BUILT_ON,
    COLLECT_ON,
    PROCESSED_ON,
    REPORTS_ON,
    DirectDebits,
    addacs,
    arudd,
    dd,
)

pytestmark = pytest.mark.django_db
__all__ = ["dd"]  # the fixture, imported for pytest to find


def test_mandates_collection_returns_and_cancellation_balance_to_the_penny(
    dd: DirectDebits,
) -> None:
    ada = dd.billed("ada", "50.00")  # one invoice of £200.00
    bea = dd.billed("bea", "25.00")  # £100.00
    cal = dd.billed("cal", "60.00")  # £240.00, paid by £30.00 instalments
    dee = dd.billed("dee", "10.00")  # £40.00
    dd.bill()
    assert [balance(a) for a in (ada, bea, cal, dee)] == [20_000, 10_000, 24_000, 4_000]

    # Mandates, lodged with Bacs in one AUDDIS file.
    mandates = [
        dd.mandate(ada, "Ada Tester"),
        dd.mandate(bea, "Bea Tester"),
        dd.mandate(cal, "Cal Tester", basis="instalment", instalment_pence=3_000, collection_day=1),
        dd.mandate(dee, "Dee Tester"),
    ]
    references = [m.reference for m in mandates]
    assert references == [f"NBC{a.person.account_reference}" for a in (ada, bea, cal, dee)]
    auddis_file = dd.lodge()
    auddis_report = check_standard18(auddis_file.text.encode("ascii"))
    assert [(i.transaction_code, i.reference, i.amount_pence) for i in auddis_report.items] == [
        ("0N", reference, 0) for reference in references
    ]
    assert (auddis_report.processing_day, auddis_report.debit_count) == (date(2026, 3, 3), 4)

    # The collection run for 1 April, built on 12 March when its advance notices go.
    result = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON)
    run = result.run
    assert run is not None
    assert [(n.mandate.reference, n.amount_pence, n.reason) for n in result.notices] == [
        (references[0], 20_000, "first collection"),
        (references[1], 10_000, "first collection"),
        (references[2], 3_000, "first collection"),
        (references[3], 4_000, "first collection"),
    ]
    assert result.skipped == ()
    checked = check_standard18(
        run.file.text.encode("ascii"),
        bank_holidays=england_and_wales_bank_holidays([2026]),
        submitted_on=BUILT_ON,
    )
    assert checked.sha256 == run.file.sha256
    assert checked.processing_day == PROCESSED_ON
    assert [(i.transaction_code, i.reference, i.amount_pence) for i in checked.items] == [
        ("01", references[0], 20_000),
        ("01", references[1], 10_000),
        ("01", references[2], 3_000),
        ("01", references[3], 4_000),
    ]
    assert (checked.contra_count, checked.contra_total_pence) == (1, 37_000)
    assert (checked.debit_total_pence, checked.credit_total_pence) == (37_000, 37_000)
    assert "Items:                  4 for £370.00" in run.file.control_report

    # Collected on 1 April: each item a receipt that pays its invoice.
    run, posted = operations.settle(run, actor=dd.finance, today=COLLECT_ON)
    assert posted == 4
    assert [balance(a) for a in (ada, bea, cal, dee)] == [0, 0, 21_000, 0]
    assert open_invoices(ada) == []

    # The banks report back: Ada's collection unpaid (refer to payer), Bea's instruction
    # cancelled, and Dee cancels her Direct Debit with her bank.
    returns = operations.import_report(
        arudd(
            (references[0], "01", "REFER TO PAYER", 20_000),
            (references[1], "01", "INSTRUCTION CANCELLED", 10_000),
        ),
        filename="arudd-0402.xml",
        actor=dd.finance,
        today=REPORTS_ON,
    )
    assert returns.report.counts == {
        "mandate_cancelled": 1,
        "represent": 1,
        "returned": 2,
    }
    cancelled = operations.import_report(
        addacs((references[3], "1")),
        filename="addacs-0402.xml",
        actor=dd.finance,
        today=REPORTS_ON,
    )
    assert [a.detail for a in cancelled.actions] == [
        "ADDACS 1 cancelled by payer: mandate cancelled"
    ]

    for mandate in mandates:
        mandate.refresh_from_db()
    assert [m.status for m in mandates] == [
        MandateStatus.LIVE,
        MandateStatus.CANCELLED,
        MandateStatus.LIVE,
        MandateStatus.CANCELLED,
    ]
    # The banks ended Bea's and Dee's instructions themselves: no 0C to send.
    assert not AuddisInstruction.objects.filter(code="0C").exists()
    assert [balance(a) for a in (ada, bea, cal, dee)] == [20_000, 10_000, 21_000, 0]
    assert balance("BANK") == 37_000 - 30_000
    assert [(i.item.reference, i.outcome) for i in ItemReturn.objects.order_by("pk")] == [
        (references[0], ReturnOutcome.REPRESENT),
        (references[1], ReturnOutcome.MANDATE_CANCELLED),
    ]
    assert Receipt.objects.filter(reversal__isnull=False).count() == 2

    # The next run presents Ada's collection again (code 18) after five working days' notice;
    # Cal has had April's instalment and Bea and Dee have no mandate.
    again = operations.build_run(date(2026, 4, 15), actor=dd.finance, today=REPORTS_ON)
    assert again.run is not None
    assert [
        (i.transaction_code, i.reference, i.amount_pence, i.represents_id)
        for i in CollectionItem.objects.filter(run=again.run)
    ] == [
        ("18", references[0], 20_000, ItemReturn.objects.get(item__reference=references[0]).item_id)
    ]
    assert [(n.amount_pence, n.earliest_collection) for n in again.notices] == [
        (20_000, date(2026, 4, 13))
    ]

    # The bank statement for 1 to 14 April: the collection arriving as one credit, the two
    # returns going out, Cal paying £30.00 by transfer with her reference, £12.50 from someone
    # nobody can place. A second download for 10 to 14 April repeats Cal's payment.
    cal_reference = cal.person.account_reference if cal.person else ""
    statement = (
        "Date,Description,Amount,Payer,Transaction ID\r\n"
        "01/04/2026,DIRECT DEBIT COLLECTION 999901,370.00,BACS,T1\r\n"
        "02/04/2026,UNPAID DIRECT DEBIT NBC,-200.00,,T2\r\n"
        "02/04/2026,UNPAID DIRECT DEBIT NBC,-100.00,,T3\r\n"
        f"10/04/2026,CARE {cal_reference},30.00,C TESTER,T4\r\n"
        "13/04/2026,FROM MR SMITH,12.50,J SMITH,T5\r\n"
        "Total,,112.50,,\r\n"
    ).encode()
    first = importing.import_payment_file(
        data=statement, filename="april-1.csv", kind="csv", actor=dd.finance,
        period=(date(2026, 4, 1), date(2026, 4, 14)),
    )  # fmt: skip
    assert (first.settlements, first.debits) == ([2], [3, 4])
    assert [(r.amount_pence, r.match_rule) for r in first.receipts] == [
        (3_000, "payment_reference"),
        (1_250, "none"),
    ]
    repeat = (
        "Date,Description,Amount,Payer,Transaction ID\r\n"
        f"10/04/2026,CARE {cal_reference},30.00,C TESTER,T4\r\n"
        "Total,,30.00,,\r\n"
    ).encode()
    second = importing.import_payment_file(
        data=repeat, filename="april-2.csv", kind="csv", actor=dd.finance,
        period=(date(2026, 4, 10), date(2026, 4, 14)),
    )  # fmt: skip
    assert second.duplicates == [2] and second.receipts == []
    assert balance(cal) == 21_000 - 3_000

    report = reconciliation.reconcile(date(2026, 4, 1), date(2026, 4, 14))
    assert report.differences == []
    assert [(x.channel, x.receipts_pence, x.settled_pence) for x in report.settlements] == [
        ("direct_debit", 37_000, 37_000)
    ]
    assert report.matched_out_pence == 30_000
    assert report.suspense_pence == report.queue_pence == 1_250
