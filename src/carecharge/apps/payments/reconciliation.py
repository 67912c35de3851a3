"""Month-end reconciliation: the ledger against the bank statements against the finance export.

For a period it sets out, with every difference named:

- **the bank**: money into and out of the ledger's bank account beside the statements. Receipts
  imported from a statement are on both. Money that reached the bank another way (counter
  schemes, Direct Debit, cash and cheques paid in) arrives on the statement as one settlement
  line a day; each channel's settlements are set against its receipts. Money out on the
  statement is set against refunds paid and receipts reversed in the ledger, amount by amount.
  Consecutive statements must follow on (each opening balance the last closing balance);
- **the unallocated queue**: the suspense account's balance must equal the receipts waiting in
  the queue at the end of the period, which are aged;
- **the ledger**: the trial balance sums to zero;
- **the finance export**: every billing run posted in the period has been exported, and its
  journal file, made again now, is byte for byte the file that was exported.

Differences are often only timing (a settlement that reaches the bank the next working day);
the report lists them so a finance manager can say so when signing it off.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.audit.operations import record_create, record_event
from carecharge.apps.billing.models import BillingRun, RunState
from carecharge.apps.ledger.models import Posting
from carecharge.apps.ledger.queries import balance, trial_balance
from carecharge.core.money import format_pounds

from .models import (
    Channel,
    FileKind,
    MonthEndReconciliation,
    PaymentFile,
    Receipt,
    ReceiptReversal,
    SuspenseClearance,
)

BANK_FILES = (FileKind.CSV, FileKind.CAMT053, FileKind.MT940, FileKind.BAI2)
SETTLED_BY = {
    "counter": (Channel.COUNTER,),
    "direct_debit": (Channel.DIRECT_DEBIT,),
    "cash_and_cheques": (Channel.CASH, Channel.CHEQUE),
}
SETTLEMENT_NAMES = {
    "counter": "Counter and card schemes",
    "direct_debit": "Direct Debit collections",
    "cash_and_cheques": "Cash and cheques paid in",
}
AGE_BANDS = ((0, 7, "0 to 7 days"), (8, 30, "8 to 30 days"), (31, 60, "31 to 60 days"),
             (61, 90, "61 to 90 days"), (91, None, "over 90 days"))  # fmt: skip
_SHA = re.compile(r"Journal file \S+ exported: \d+ rows, SHA-256 ([0-9a-f]{16})")


class ReconciliationError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Item:
    on: str
    what: str
    pence: int


@dataclass(frozen=True, slots=True)
class Settlement:
    channel: str
    name: str
    receipts_pence: int
    settled_pence: int

    @property
    def difference_pence(self) -> int:
        return self.settled_pence - self.receipts_pence


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    count: int
    pence: int


@dataclass(frozen=True, slots=True)
class ExportCheck:
    run: int
    through: str
    posted_on: str
    exported: bool
    reproducible: bool | None


@dataclass(slots=True)
class Reconciliation:
    start: date
    end: date
    bank_in_pence: int = 0
    bank_out_pence: int = 0
    statement_receipts_pence: int = 0
    statements: list[dict[str, Any]] = field(default_factory=list)
    settlements: list[Settlement] = field(default_factory=list)
    unmatched_statement_out: list[Item] = field(default_factory=list)
    unmatched_ledger_out: list[Item] = field(default_factory=list)
    matched_out_pence: int = 0
    other_bank_pence: int = 0
    suspense_pence: int = 0
    queue_pence: int = 0
    ageing: list[Band] = field(default_factory=list)
    trial_balance_pence: int = 0
    exports: list[ExportCheck] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.differences

    def as_json(self) -> dict[str, Any]:
        found = asdict(self)
        found["start"], found["end"] = self.start.isoformat(), self.end.isoformat()
        found["balanced"] = self.balanced
        return found


def _in_period(start: date, end: date) -> Q:
    return Q(transaction__effective_date__gte=start, transaction__effective_date__lte=end)


def _bank(report: Reconciliation) -> None:
    postings = Posting.objects.filter(_in_period(report.start, report.end), account__code="BANK")
    report.bank_in_pence = int(
        postings.filter(pence__gt=0).aggregate(t=Coalesce(Sum("pence"), 0))["t"]
    )
    report.bank_out_pence = -int(
        postings.filter(pence__lt=0).aggregate(t=Coalesce(Sum("pence"), 0))["t"]
    )
    receipts = Receipt.objects.filter(received_on__gte=report.start, received_on__lte=report.end)
    from_statements = receipts.filter(file__kind__in=BANK_FILES)
    report.statement_receipts_pence = int(
        from_statements.aggregate(t=Coalesce(Sum("amount_pence"), 0))["t"]
    )
    files = list(PaymentFile.objects.filter(kind__in=BANK_FILES).order_by("period_start", "pk"))
    seen: set[str] = set()
    settled: dict[str, int] = defaultdict(int)
    statement_out: list[Item] = []
    for found in files:
        for other in found.other_lines:
            day = date.fromisoformat(other["date"])
            if not report.start <= day <= report.end or other["key"] in seen:
                continue
            seen.add(other["key"])
            if other["kind"] == "settlement":
                settled[other["channel"]] += int(other["pence"])
            else:
                statement_out.append(Item(other["date"], other["narrative"], -int(other["pence"])))
    for channel, name in SETTLEMENT_NAMES.items():
        posted = int(
            receipts.filter(channel__in=SETTLED_BY[channel]).aggregate(
                t=Coalesce(Sum("amount_pence"), 0)
            )["t"]
        )
        if posted or settled[channel]:
            report.settlements.append(Settlement(channel, name, posted, settled[channel]))
    _money_out(report, statement_out)
    _statement_chain(report, files)
    explained = (
        report.statement_receipts_pence
        + sum(s.receipts_pence for s in report.settlements)
        - report.matched_out_pence
        - sum(i.pence for i in report.unmatched_ledger_out)
    )
    report.other_bank_pence = report.bank_in_pence - report.bank_out_pence - explained


def _money_out(report: Reconciliation, statement_out: list[Item]) -> None:
    """Money out on the statements against refunds paid and receipts reversed, by amount."""
    ledger_out: list[Item] = []
    credits = (
        Posting.objects.filter(
            _in_period(report.start, report.end), account__code="BANK", pence__lt=0
        )
        .select_related("transaction")
        .order_by("transaction__effective_date", "pk")
    )
    for posting in credits:
        ledger_out.append(
            Item(
                posting.transaction.effective_date.isoformat(),
                posting.transaction.description,
                -posting.pence,
            )
        )
    waiting = list(ledger_out)
    for item in statement_out:
        partner = next((o for o in waiting if o.pence == item.pence), None)
        if partner is None:
            report.unmatched_statement_out.append(item)
        else:
            waiting.remove(partner)
            report.matched_out_pence += item.pence
    report.unmatched_ledger_out = waiting


def _statement_chain(report: Reconciliation, files: list[PaymentFile]) -> None:
    by_account: dict[str, list[PaymentFile]] = defaultdict(list)
    for found in files:
        if found.period_end is None or found.period_start is None:
            continue
        if found.period_end < report.start or found.period_start > report.end:
            continue
        by_account[found.statement_account].append(found)
        report.statements.append(
            {
                "file": found.filename,
                "account": found.statement_account,
                "from": found.period_start.isoformat(),
                "to": found.period_end.isoformat(),
                "opening": found.opening_pence,
                "closing": found.closing_pence,
            }
        )
    if not by_account and (report.bank_in_pence or report.bank_out_pence):
        report.differences.append(
            f"No bank statement covers {report.start:%d/%m/%Y} to {report.end:%d/%m/%Y}: "
            "import the statements before reconciling"
        )
    for account, chain in by_account.items():
        for gap_from, gap_to in _gaps(chain, report.start, report.end):
            report.differences.append(
                f"Bank account {account}: no statement covers {gap_from:%d/%m/%Y} to "
                f"{gap_to:%d/%m/%Y}"
            )
        for earlier, later in itertools.pairwise(chain):
            if earlier.closing_pence is None or later.opening_pence is None:
                continue
            if later.opening_pence != earlier.closing_pence:
                report.differences.append(
                    f"Bank account {account}: {later.filename} opens at "
                    f"{format_pounds(later.opening_pence)} but {earlier.filename} closed at "
                    f"{format_pounds(earlier.closing_pence)}: a statement is missing or wrong"
                )


def _gaps(chain: list[PaymentFile], start: date, end: date) -> list[tuple[date, date]]:
    """The days of start..end no statement in ``chain`` covers, as ranges."""
    gaps = []
    day = start
    for found in sorted(chain, key=lambda f: (f.period_start, f.period_end)):
        assert found.period_start is not None and found.period_end is not None
        if found.period_start > day:
            gaps.append((day, min(found.period_start - timedelta(days=1), end)))
        day = max(day, found.period_end + timedelta(days=1))
        if day > end:
            break
    if day <= end:
        gaps.append((day, end))
    return gaps


def _queue(report: Reconciliation) -> None:
    """The suspense account's balance beside the receipts waiting in the queue at the end."""
    report.suspense_pence = -balance("SUSPENSE", on=report.end) if _has("SUSPENSE") else 0
    waiting = Receipt.objects.filter(account__isnull=True, received_on__lte=report.end).exclude(
        pk__in=SuspenseClearance.objects.filter(transaction__effective_date__lte=report.end).values(
            "receipt_id"
        )
    )
    waiting = waiting.exclude(
        pk__in=ReceiptReversal.objects.filter(effective_date__lte=report.end).values("receipt_id")
    )
    bands: dict[str, list[int]] = {label: [0, 0] for _, _, label in AGE_BANDS}
    for received, pence in waiting.values_list("received_on", "amount_pence"):
        age = (report.end - received).days
        label = next(
            name for low, high, name in AGE_BANDS if age >= low and (high is None or age <= high)
        )
        bands[label][0] += 1
        bands[label][1] += pence
        report.queue_pence += pence
    report.ageing = [Band(label, *bands[label]) for _, _, label in AGE_BANDS]
    if report.suspense_pence != report.queue_pence:
        report.differences.append(
            f"The suspense account holds {format_pounds(report.suspense_pence)} but the "
            f"unallocated queue {format_pounds(report.queue_pence)}"
        )


def _has(code: str) -> bool:
    from carecharge.apps.ledger.models import LedgerAccount

    return LedgerAccount.objects.filter(code=code).exists()


def _exports(report: Reconciliation) -> None:
    from carecharge.apps.billing.export import ExportError, configured_layout, journal_file

    # A month's runs are those billing to a date in it (the May run), whenever posted.
    runs = BillingRun.objects.filter(
        state=RunState.POSTED,
        through_date__gte=report.start,
        through_date__lte=report.end,
    ).order_by("pk")
    for run in runs:
        events = AuditEvent.objects.filter(
            action="billing.exported", object_type="billing.billingrun", object_id=str(run.pk)
        ).order_by("-occurred_at")
        recorded = next((m.group(1) for e in events if (m := _SHA.search(e.reason))), None)
        reproducible: bool | None = None
        if recorded is not None:
            try:
                again = journal_file(run, configured_layout()).sha256[:16]
            except ExportError:
                again = ""
            reproducible = again == recorded
        assert run.posted_at is not None
        report.exports.append(
            ExportCheck(
                run.pk,
                run.through_date.isoformat(),
                run.posted_at.date().isoformat(),
                recorded is not None,
                reproducible,
            )
        )
        if recorded is None:
            report.differences.append(
                f"Billing run {run.pk} to {run.through_date:%d/%m/%Y} is posted but its journal "
                "has not been exported to the finance system"
            )
        elif not reproducible:
            report.differences.append(
                f"Billing run {run.pk}'s journal made again differs from the file exported: "
                "the ledger for that run has changed since"
            )


def reconcile(start: date, end: date) -> Reconciliation:
    if end < start:
        raise ReconciliationError("to: the end of the period is before its start")
    report = Reconciliation(start, end)
    _bank(report)
    for settlement in report.settlements:
        if settlement.difference_pence:
            report.differences.append(
                f"{settlement.name}: {format_pounds(settlement.receipts_pence)} of receipts, "
                f"{format_pounds(settlement.settled_pence)} reached the bank "
                f"(difference {format_pounds(settlement.difference_pence)})"
            )
    for item in report.unmatched_statement_out:
        report.differences.append(
            f"Money out on the statement on {item.on} not in the ledger: "
            f"{format_pounds(item.pence)} ({item.what})"
        )
    for item in report.unmatched_ledger_out:
        report.differences.append(
            f"Money out in the ledger on {item.on} not on a statement: "
            f"{format_pounds(item.pence)} ({item.what})"
        )
    if report.other_bank_pence:
        report.differences.append(
            f"{format_pounds(report.other_bank_pence)} moved through the bank account in the "
            "ledger that is neither a receipt, a refund nor a reversal"
        )
    _queue(report)
    report.trial_balance_pence = sum(row.pence for row in trial_balance(on=end))
    if report.trial_balance_pence:
        report.differences.append(
            f"The trial balance sums to {format_pounds(report.trial_balance_pence)}, not £0.00"
        )
    _exports(report)
    return report


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def prepare(start: date, end: date, *, actor: Any) -> MonthEndReconciliation:
    """Keep the report as it is now, to be signed off."""
    report = reconcile(start, end)
    figures = report.as_json()
    text = json.dumps(figures, sort_keys=True, separators=(",", ":"))
    with transaction.atomic():
        return _keep(start, end, report, figures, text, actor)


def _keep(
    start: date, end: date, report: Reconciliation, figures: dict[str, Any], text: str, actor: Any
) -> MonthEndReconciliation:
    made = MonthEndReconciliation.objects.create(
        period_start=start,
        period_end=end,
        figures=figures,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        balanced=report.balanced,
        prepared_at=timezone.now(),
        prepared_by=actor,
    )
    record_create(actor=actor, instance=made, source="payments")
    return made


def sign_off(kept: MonthEndReconciliation, *, actor: Any, note: str) -> MonthEndReconciliation:
    """A finance manager's sign-off: not by whoever prepared it, and with a note explaining
    any differences (timing, say) when it does not balance."""
    with transaction.atomic():
        locked = MonthEndReconciliation.objects.select_for_update().get(pk=kept.pk)
        if locked.signed_off_at is not None:
            raise ReconciliationError("This reconciliation is already signed off")
        if locked.prepared_by_id == getattr(actor, "pk", None):
            raise ReconciliationError(
                "A second person signs off a reconciliation: you prepared this one"
            )
        if not locked.balanced and not note.strip():
            raise ReconciliationError(
                "note: the reconciliation has differences: explain them before signing off"
            )
        locked.signed_off_at = timezone.now()
        locked.signed_off_by = actor
        locked.sign_off_note = note.strip()
        locked.save(update_fields=["signed_off_at", "signed_off_by", "sign_off_note"])
        record_event(
            actor=actor, action="reconciliation.signed_off", instance=locked,
            changes={}, reason=note.strip(), source="payments",
        )  # fmt: skip
    return locked
