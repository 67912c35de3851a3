"""Defects a review found in Direct Debit, each shown fixed: a run cancelled after its file may
have gone to Bacs, a re-presentation of money no longer owed, a rejected AUDDIS file setting up
a cancelled mandate again, a return for a receipt already reversed by hand, and a new account
number shown in full."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carecharge.apps.directdebit import operations
from carecharge.apps.directdebit.mandates import waiting_instructions
from carecharge.apps.directdebit.models import CollectionItem, ItemReturn, Mandate
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments import receipts as pay
from carecharge.apps.payments.models import Channel, ReceiptReversal

from .test_directdebit_support import (
    BUILT_ON,
    COLLECT_ON,
    REPORTS_ON,
    DirectDebits,
    addacs,
    arudd,
    audacc,
    dd,
)

pytestmark = pytest.mark.django_db
__all__ = ["dd"]


def _collected(dd: DirectDebits) -> tuple[Mandate, Any]:
    account = dd.billed("ada", "50.00")
    dd.bill()
    ada = dd.mandate(account, "Ada Tester")
    dd.lodge()
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    return ada, run


def test_a_run_past_its_input_day_cannot_be_cancelled(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, run = _collected(dd)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 4, 2))
    with pytest.raises(operations.DirectDebitError, match="it may have been sent"):
        operations.cancel_run(run, reason="oops", actor=dd.finance)


def test_a_return_is_not_presented_again_once_the_payer_has_paid(dd: DirectDebits) -> None:
    ada, run = _collected(dd)
    operations.settle(run, actor=dd.finance, today=COLLECT_ON)
    operations.import_report(
        arudd((ada.reference, "01", "REFER TO PAYER", 20_000)),
        filename="a.xml", actor=dd.finance, today=REPORTS_ON,
    )  # fmt: skip
    pay.record_in_person(
        channel=Channel.CASH, account=ada.account, amount_pence=20_000,
        received_on=REPORTS_ON, actor=dd.finance,
    )  # fmt: skip
    assert balance(ada.account) == 0
    again = operations.build_run(date(2026, 4, 15), actor=dd.finance, today=REPORTS_ON)
    codes = [i.transaction_code for i in CollectionItem.objects.filter(run=again.run)]
    assert "18" not in codes
    assert any("not presented again: only £0.00 is owed now" in s.reason for s in again.skipped)


def test_a_rejected_auddis_file_does_not_set_up_a_cancelled_mandate_again(
    dd: DirectDebits,
) -> None:
    account = dd.billed("ada", "50.00")
    dd.bill()
    mandate = dd.mandate(account, "Ada Tester")
    lodged = dd.lodge()
    operations.cancel_mandate(
        mandate, reason="payer asked", actor=dd.finance, today=date(2026, 3, 3)
    )
    operations.import_report(
        audacc(lodged.serial_number, accepted=False), filename="acc.xml", actor=dd.finance,
        today=date(2026, 3, 4),
    )  # fmt: skip
    assert [i.code for i in waiting_instructions()] == ["0C"]


def test_a_return_for_a_receipt_reversed_by_hand_is_recorded_once(dd: DirectDebits) -> None:
    ada, run = _collected(dd)
    operations.settle(run, actor=dd.finance, today=COLLECT_ON)
    item = run.items.get()
    pay.reverse_receipt(
        item.receipt, reason="Bank says unpaid", effective_date=REPORTS_ON, actor=dd.finance
    )
    operations.import_report(
        arudd((ada.reference, "01", "REFER TO PAYER", 20_000)),
        filename="a.xml", actor=dd.finance, today=REPORTS_ON,
    )  # fmt: skip
    assert ReceiptReversal.objects.count() == 1
    assert ItemReturn.objects.get().reversal == ReceiptReversal.objects.get()
    assert balance(ada.account) == 20_000


def test_a_new_account_number_from_addacs_is_not_shown_in_full(dd: DirectDebits) -> None:
    ada, run = _collected(dd)
    operations.settle(run, actor=dd.finance, today=COLLECT_ON)
    done = operations.import_report(
        addacs((ada.reference, "3", "600000", "12345679")),
        filename="ad.xml", actor=dd.finance, today=REPORTS_ON,
    )  # fmt: skip
    details = " ".join(a.detail for a in done.actions)
    assert "12345679" not in details and "account ending 5679" in details
