"""Bacs reports applied to the mandates and the ledger: ARUDD returns (re-presented, left for
recovery, or ending the mandate), ADDACS changes, DDICA claims and their withdrawal; and every
refusal: the same report twice, unknown reasons and references, collections carecharge never
made, runs not yet settled, another SUN. On SQLite and PostgreSQL, with the ledger check
passing after every test."""

from __future__ import annotations

from datetime import date

import pytest

from carecharge.apps.directdebit import operations
from carecharge.apps.directdebit.models import (
    AuddisInstruction,
    BacsReportImport,
    CollectionItem,
    ItemReturn,
    Mandate,
    MandateStatus,
    ReportAction,
)
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments.models import Receipt, ReceiptReversal

from .test_directdebit_support import (
    BUILT_ON,
    COLLECT_ON,
    REPORTS_ON,
    DirectDebits,
    addacs,
    arudd,
    dd,
    ddica,
)

pytestmark = pytest.mark.django_db
__all__ = ["dd"]  # the fixture, imported for pytest to find


def _collected(dd: DirectDebits, *people: tuple[str, str]) -> list[Mandate]:
    """People billed, with live mandates, collected on 1 April 2026 (run settled)."""
    accounts = [dd.billed(name, weekly) for name, weekly in people]
    dd.bill()
    mandates = [
        dd.mandate(account, f"{name.title()} Tester")
        for account, (name, _) in zip(accounts, people, strict=True)
    ]
    dd.lodge()
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    operations.settle(run, actor=dd.finance, today=COLLECT_ON)
    return mandates


def _import(dd: DirectDebits, data: bytes, name: str = "report.xml") -> operations.ReportResult:
    return operations.import_report(data, filename=name, actor=dd.finance, today=REPORTS_ON)


def _refused(dd: DirectDebits, data: bytes, name: str = "report.xml") -> str:
    before = (
        Receipt.objects.count(),
        ReceiptReversal.objects.count(),
        list(Mandate.objects.values_list("status", flat=True).order_by("pk")),
    )
    with pytest.raises(operations.DirectDebitError) as refused:
        _import(dd, data, name)
    after = (
        Receipt.objects.count(),
        ReceiptReversal.objects.count(),
        list(Mandate.objects.values_list("status", flat=True).order_by("pk")),
    )
    assert after == before
    assert not BacsReportImport.objects.filter(filename=name).exists()
    return str(refused.value)


def test_the_same_report_twice_changes_nothing_the_second_time(dd: DirectDebits) -> None:
    [ada] = _collected(dd, ("ada", "50.00"))
    report = arudd((ada.reference, "01", "REFER TO PAYER", 20_000))

    first = _import(dd, report, "arudd.xml")
    second = _import(dd, report, "arudd-again.xml")

    assert (first.duplicate, second.duplicate) == (False, True)
    assert second.report.pk == first.report.pk
    assert [a.pk for a in second.actions] == [a.pk for a in first.actions]
    assert (ReceiptReversal.objects.count(), balance(ada.account)) == (1, 20_000)
    assert first.report.content == report
    assert first.report.sha256 == second.report.sha256


def test_refer_to_payer_is_presented_once_more_then_left_for_recovery(dd: DirectDebits) -> None:
    [ada] = _collected(dd, ("ada", "50.00"))
    _import(dd, arudd((ada.reference, "01", "REFER TO PAYER", 20_000)))
    again = operations.build_run(date(2026, 4, 15), actor=dd.finance, today=REPORTS_ON)
    assert again.run is not None
    [item] = CollectionItem.objects.filter(run=again.run)
    assert (item.transaction_code, item.amount_pence) == ("18", 20_000)
    assert [n.text.splitlines()[4] for n in again.notices] == [
        "This is the collection of 1 April 2026, which your bank returned unpaid, presented again."
    ]
    operations.settle(again.run, actor=dd.finance, today=date(2026, 4, 15))

    result = operations.import_report(
        arudd(
            (ada.reference, "18", "REFER TO PAYER", 20_000),
            processing="2026-04-16",
            original="2026-04-14",
        ),
        filename="arudd2.xml",
        actor=dd.finance,
        today=date(2026, 4, 16),
    )

    assert [(a.action, a.detail) for a in result.actions] == [
        (
            "returned",
            "£200.00 collected 15/04/2026 returned: REFER TO PAYER; receipt reversed",
        ),
        ("recovery", "left for recovery"),
    ]
    ada.refresh_from_db()
    assert (ada.status, balance(ada.account)) == (MandateStatus.LIVE, 20_000)


def test_a_return_is_not_presented_after_a_month(dd: DirectDebits) -> None:
    [ada] = _collected(dd, ("ada", "50.00"))
    _import(dd, arudd((ada.reference, "01", "REFER TO PAYER", 20_000)))
    # Processed 31/03, so it may be presented again up to processing day 30/04; 5 May is
    # processed on 1 May (4 May is a bank holiday).
    late = operations.build_run(date(2026, 5, 5), actor=dd.finance, today=date(2026, 4, 10))
    assert [s.reason for s in late.skipped] == [
        "too late to present the collection of 01/04/2026 again (by 30/04/2026): left for recovery"
    ]
    # On a balance mandate the amount is still owed, so the regular collection takes it, with
    # its own advance notice.
    assert late.run is not None
    assert [
        (i.transaction_code, i.amount_pence, i.represents_id)
        for i in CollectionItem.objects.filter(run=late.run)
    ] == [("17", 20_000, None)]
    assert [(n.reason, n.earliest_collection) for n in late.notices] == [
        ("date changed from 01/04/2026 to 05/05/2026", date(2026, 4, 24))
    ]
    assert ada.reference == late.notices[0].mandate.reference


def test_returns_that_end_the_instruction_cancel_the_mandate(dd: DirectDebits) -> None:
    ada, bea = _collected(dd, ("ada", "50.00"), ("bea", "25.00"))
    result = _import(
        dd,
        arudd(
            (ada.reference, "01", "PAYER DECEASED", 20_000),
            (bea.reference, "01", "ADVANCE NOTICE DISPUTED", 10_000),
        ),
    )
    assert [(a.reference, a.action) for a in result.actions] == [
        (ada.reference, "returned"),
        (ada.reference, "mandate_cancelled"),
        (bea.reference, "returned"),
        (bea.reference, "recovery"),
    ]
    ada.refresh_from_db()
    bea.refresh_from_db()
    assert (ada.status, ada.end_reason) == (MandateStatus.CANCELLED, "ARUDD: payer deceased")
    assert bea.status == MandateStatus.LIVE
    reversal = ReceiptReversal.objects.get(receipt__reference_text=ada.reference)
    assert (reversal.reason, reversal.effective_date) == (
        "Direct Debit returned unpaid: PAYER DECEASED (ARUDD 02/04/2026)",
        REPORTS_ON,
    )


def test_reports_that_cannot_be_applied_are_refused_whole(dd: DirectDebits) -> None:
    ada, bea = _collected(dd, ("ada", "50.00"), ("bea", "25.00"))
    good = (ada.reference, "01", "REFER TO PAYER", 20_000)

    assert _refused(dd, arudd(good, (bea.reference, "01", "WIBBLE", 10_000)), "a.xml") == (
        f"a.xml: ARUDD line 1, ReturnedDebitItem (reference '{bea.reference}'): "
        "returnDescription 'WIBBLE' is not a known ARUDD reason; add it to the ARUDD reason map "
        "once its meaning is confirmed with the bank"
    )
    assert _refused(dd, arudd(good, ("NBC99999999", "17", "REFER TO PAYER", 500)), "b.xml") == (
        "b.xml: the report was not applied; nothing was changed:\n"
        "line 1 (ReturnedDebitItem): reference 'NBC99999999' is not a mandate carecharge knows"
    )
    assert _refused(dd, arudd(good, (bea.reference, "01", "REFER TO PAYER", 999)), "c.xml") == (
        "c.xml: the report was not applied; nothing was changed:\n"
        f"line 1 (ReturnedDebitItem): reference '{bea.reference}', £9.99 processed on "
        "31/03/2026: carecharge made no such collection"
    )
    assert _refused(dd, arudd(good, good), "d.xml") == (
        "d.xml: the report was not applied; nothing was changed:\n"
        f"line 1 (ReturnedDebitItem): reference '{ada.reference}', £200.00 processed on "
        "31/03/2026: appears more than once in the report"
    )
    assert _refused(dd, arudd(good, sun="123456"), "e.xml") == (
        "e.xml: the report was not applied; nothing was changed:\n"
        "the report is for Service User Number 123456, not the council's 999901"
    )
    assert _refused(dd, addacs(("NBC99999999", "1")), "f.xml") == (
        "f.xml: the report was not applied; nothing was changed:\n"
        "line 1 (MessagingAdvice): reference 'NBC99999999' is not a mandate carecharge knows"
    )
    assert _refused(dd, addacs((ada.reference, "Z")), "g.xml") == (
        f"g.xml: ADDACS line 1, MessagingAdvice (reference '{ada.reference}'): reason-code 'Z' "
        "is not a known ADDACS reason code"
    )
    truncated = arudd(good)[:-40]
    assert _refused(dd, truncated, "h.xml") == (
        f"h.xml: Bacs report: not well-formed XML at line 1, column {len(truncated) + 1}: no "
        "element found"
    )
    _import(dd, arudd(good), "first.xml")
    assert _refused(dd, arudd(good, code="0026"), "i.xml") == (
        "i.xml: the report was not applied; nothing was changed:\n"
        f"line 1 (ReturnedDebitItem): reference '{ada.reference}', £200.00 processed on "
        "31/03/2026: already returned unpaid (arudd) in first.xml (02/04/2026)"
    )


def test_returns_for_a_run_not_yet_settled_are_refused(dd: DirectDebits) -> None:
    account = dd.billed("ada", "50.00")
    dd.bill()
    ada = dd.mandate(account, "Ada Tester")
    dd.lodge()
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    assert _refused(dd, arudd((ada.reference, "01", "REFER TO PAYER", 20_000))) == (
        "report.xml: the report was not applied; nothing was changed:\n"
        f"line 1 (ReturnedDebitItem): reference '{ada.reference}', £200.00 processed on "
        f"31/03/2026: run {run.pk} is not settled yet; settle it before importing returns for it"
    )


def test_addacs_changes_bank_details_reinstates_and_notes(dd: DirectDebits) -> None:
    ada, bea, cal = _collected(dd, ("ada", "50.00"), ("bea", "25.00"), ("cal", "10.00"))
    result = _import(
        dd,
        addacs(
            (ada.reference, "3", "600000", "12345679"),
            (bea.reference, "2"),
            (cal.reference, "D"),
        ),
    )
    assert [(a.reference, a.action, a.detail) for a in result.actions] == [
        (
            ada.reference,
            "details_changed",
            "ADDACS 3 account transferred: collections now from sort code 600000, account "
            "ending 5679 (modulus check passed)",
        ),
        (
            bea.reference,
            "mandate_cancelled",
            "ADDACS 2 payer deceased: mandate cancelled; tell the team that deals with deaths "
            "and estates",
        ),
        (
            cal.reference,
            "noted",
            "ADDACS D advance notice disputed: check the mandate and the advance notices sent; "
            "nothing changed",
        ),
    ]
    ada.refresh_from_db()
    assert (ada.sort_code, ada.account_number, ada.status) == ("600000", "12345679", "live")
    assert not AuddisInstruction.objects.filter(code="0C").exists()

    reinstated = operations.import_report(
        addacs((bea.reference, "R"), on="2026-04-03"),
        filename="addacs2.xml",
        actor=dd.finance,
        today=date(2026, 4, 3),
    )
    bea.refresh_from_db()
    assert (bea.status, bea.ended_on, bea.end_reason) == (MandateStatus.LIVE, None, "")
    assert [a.detail for a in reinstated.actions] == [
        "ADDACS R instruction reinstated: mandate live again"
    ]


def test_an_indemnity_claim_reverses_the_receipt_and_cancels_the_mandate(
    dd: DirectDebits,
) -> None:
    ada, bea = _collected(dd, ("ada", "50.00"), ("bea", "25.00"))

    result = _import(dd, ddica((ada.reference, "1", [("2026-04-01", 20_000)])))

    assert [(a.action, a.detail) for a in result.actions] == [
        (
            "claimed",
            "£200.00 collected 01/04/2026 claimed back under the Direct Debit Guarantee "
            "(DDIC000000000401): amount or date differs; receipt reversed",
        ),
        ("mandate_cancelled", "mandate cancelled after the indemnity claim"),
    ]
    ada.refresh_from_db()
    assert (ada.status, balance(ada.account)) == (MandateStatus.CANCELLED, 20_000)
    [claim] = ItemReturn.objects.all()
    assert (claim.kind, claim.reason, claim.reason_code, claim.reversal.effective_date) == (
        "ddica",
        "amount_or_date_differs",
        "1",
        date(2026, 4, 20),
    )
    assert [i.code for i in AuddisInstruction.objects.filter(file=None)] == ["0C"]

    assert _refused(dd, ddica((bea.reference, "2", [("2026-03-02", 10_000)])), "x.xml") == (
        "x.xml: the report was not applied; nothing was changed:\n"
        f"line 1 (DDICAdvice): reference '{bea.reference}', £100.00 collected on 02/03/2026: "
        "carecharge made no such collection"
    )

    # The paying bank withdraws the claim: the money is ours again.
    withdrawn = _import(
        dd,
        ddica(withdrawn=((ada.reference, "1", [("2026-04-01", 20_000)]),), debit="2026-04-27"),
        "ddica2.xml",
    )
    [receipt] = Receipt.objects.filter(duplicate_key__startswith="dd-claim-withdrawn:")
    assert [a.detail for a in withdrawn.actions] == [
        f"indemnity claim DDIC000000000401 withdrawn: £200.00 received again as receipt "
        f"{receipt.number}"
    ]
    assert (receipt.received_on, balance(ada.account)) == (date(2026, 4, 27), 0)
    assert ReportAction.objects.filter(action="claim_withdrawn").count() == 1
