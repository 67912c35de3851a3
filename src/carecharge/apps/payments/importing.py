"""Importing payment files: bank statements (CSV, camt.053, MT940, BAI2) and counter schemes'
daily files. The whole file is read and checked first; a file with any problem is refused with
every problem named and nothing posted. Each credit line is matched to a debtor (by payment
reference, then account reference, then the exact amount of a single open invoice) and posted;
anything else goes to the unallocated queue. The same file, or the same bank transaction in
another file, is never posted twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from carecharge.apps.billing.models import Invoice, InvoiceKind
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.ledger.operations import account_for_person
from carecharge.apps.people.models import ServiceUser
from carecharge.core.receipts import matching
from carecharge.core.receipts.bai2 import read_bai2
from carecharge.core.receipts.camt053 import read_camt053
from carecharge.core.receipts.counter import CounterLayout, Span, read_counter_file
from carecharge.core.receipts.csv_statement import CsvLayout, read_csv_statement
from carecharge.core.receipts.mt940 import read_mt940
from carecharge.core.receipts.types import Channel as LineChannel
from carecharge.core.receipts.types import Statement, StatementError, StatementLine

from .models import Channel, FileKind, MatchRule, PaymentFile, PaymentReference, Receipt
from .receipts import NewReceipt, post_receipts

DEFAULT_LAYOUTS = Path(__file__).with_name("payment_layouts.yaml")
RULES = {
    matching.Rule.PAYMENT_REFERENCE: MatchRule.PAYMENT_REFERENCE,
    matching.Rule.REFERENCE_WITHOUT_CHECK_DIGIT: MatchRule.ACCOUNT_REFERENCE,
    matching.Rule.INVOICE_AMOUNT: MatchRule.SINGLE_INVOICE,
    matching.Rule.UNALLOCATED: MatchRule.NONE,
}


class PaymentFileRefused(ValueError):
    """The file was not imported; the message lists every problem."""


@dataclass(slots=True)
class ImportOutcome:
    file: PaymentFile | None
    duplicate_of: PaymentFile | None = None
    receipts: list[Receipt] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    """Line numbers of transactions already posted from an earlier file."""
    debits: list[int] = field(default_factory=list)
    """Line numbers of money going out (not receipts): returned Direct Debits, refunds..."""
    settlements: list[int] = field(default_factory=list)
    """Line numbers of other channels' money arriving in bulk (see `settlement_channel`)."""


def layouts() -> dict[str, Any]:
    path = Path(getattr(settings, "CARECHARGE_PAYMENT_LAYOUTS", "") or DEFAULT_LAYOUTS)
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise PaymentFileRefused(f"{path.name}: the payment layouts file is not a mapping")
    return loaded


def _span(value: Any) -> Span | None:
    if value is None:
        return None
    return Span(*value)


def counter_layout(scheme: str) -> CounterLayout:
    found = (layouts().get("counter") or {}).get(scheme)
    if found is None:
        known = ", ".join(sorted((layouts().get("counter") or {}).keys())) or "none"
        raise PaymentFileRefused(f"scheme: no counter layout named {scheme!r} (known: {known})")
    spans = {"record_type", "reference", "amount", "date", "trailer_count", "trailer_total",
             "transaction_id", "channel"}  # fmt: skip
    kwargs: dict[str, Any] = {k: (_span(v) if k in spans else v) for k, v in found.items()}
    if "channel_codes" in kwargs:
        kwargs["channel_codes"] = {k: LineChannel(v) for k, v in kwargs["channel_codes"].items()}
    return CounterLayout(**kwargs)


def csv_layout() -> tuple[CsvLayout, str]:
    found = dict(layouts().get("bank_csv") or {})
    account = str(found.pop("account", "") or "Bank account")
    return CsvLayout(**found), account


def read(kind: str, data: bytes, *, scheme: str = "") -> Statement:
    """The file read and checked whole, or `PaymentFileRefused` with every problem."""
    try:
        if kind == FileKind.CSV:
            layout, account = csv_layout()
            return read_csv_statement(data, layout, account=account)
        if kind == FileKind.CAMT053:
            return read_camt053(data)
        if kind == FileKind.MT940:
            return read_mt940(data)
        if kind == FileKind.BAI2:
            return read_bai2(data)
        if kind == FileKind.COUNTER:
            return read_counter_file(data, counter_layout(scheme))
    except StatementError as error:
        raise PaymentFileRefused(str(error)) from None
    except (TypeError, ValueError) as error:
        raise PaymentFileRefused(f"layout: {error}") from None
    raise PaymentFileRefused(f"kind: {kind!r} is not a payment file carecharge reads")


SETTLEMENT_CHANNELS = ("counter", "direct_debit", "cash_and_cheques")


def settlement_patterns() -> list[tuple[str, str]]:
    """(text, channel) pairs: a statement credit containing the text is that channel's money
    arriving in bulk, not a payer's own payment."""
    found = []
    for n, item in enumerate(layouts().get("settlements") or [], 1):
        pattern = str((item or {}).get("pattern", "")).strip().upper()
        channel = str((item or {}).get("channel", ""))
        if not pattern or channel not in SETTLEMENT_CHANNELS:
            raise PaymentFileRefused(
                f"settlements item {n}: needs a pattern and a channel "
                f"({', '.join(SETTLEMENT_CHANNELS)})"
            )
        found.append((pattern, channel))
    return found


def settlement_channel(line: StatementLine, patterns: list[tuple[str, str]]) -> str | None:
    text = line.narrative.upper()
    return next((channel for pattern, channel in patterns if pattern in text), None)


def _other(line: StatementLine, kind: str, channel: str = "") -> dict[str, Any]:
    return {
        "line": line.line,
        "date": line.booking_date.isoformat(),
        "pence": line.amount,
        "narrative": line.narrative[:200],
        "kind": kind,
        "channel": channel,
        "key": matching.duplicate_key(line),
    }


def _covered(statement: Statement, period: tuple[date, date] | None) -> tuple[date, date] | None:
    """The dates the file covers: as given (every line must fall in them), else as the file
    says, else its first and last lines' dates."""
    days = [line.booking_date for line in statement.lines]
    if period is not None:
        if period[1] < period[0]:
            raise PaymentFileRefused("period: the end is before the start")
        if days and (min(days) < period[0] or max(days) > period[1]):
            raise PaymentFileRefused(
                f"period: the file has lines from {min(days)} to {max(days)}, outside "
                f"{period[0]} to {period[1]}"
            )
        return period
    if statement.period_start is not None and statement.period_end is not None:
        return statement.period_start, statement.period_end
    return (min(days), max(days)) if days else None


def _debtors() -> tuple[dict[str, matching.DebtorRef], dict[str, int]]:
    """Every debtor by payment reference, for matching, and each one's ledger account id
    where it has one (a service user's is opened when first paid)."""
    refs: dict[str, matching.DebtorRef] = {}
    for pk, reference, surname in ServiceUser.objects.values_list(
        "pk", "account_reference", "surname"
    ):
        refs[reference] = matching.DebtorRef(f"person:{pk}", reference, surname)
    accounts: dict[str, int] = {}
    for reference, account_id, name, person_id in PaymentReference.objects.values_list(
        "reference", "account_id", "account__name", "account__person_id"
    ):
        if person_id is None:
            refs[reference] = matching.DebtorRef(f"account:{account_id}", reference, name)
        accounts[reference] = account_id
    return refs, accounts


def _open_invoices() -> list[matching.OpenInvoice]:
    rows = (
        Invoice.objects.filter(kind=InvoiceKind.INVOICE)
        .annotate(allocated=Coalesce(Sum("allocations__amount_pence"), 0))
        .values_list("number", "person__account_reference", "account__payment_reference__reference",
                     "account__person_id", "total_pence", "allocated")
    )  # fmt: skip
    found = []
    for number, person_ref, own_ref, person_id, total, allocated in rows:
        if total - allocated <= 0:
            continue
        reference = person_ref if person_id is not None else own_ref
        if reference:
            found.append(matching.OpenInvoice(number, reference, total - allocated))
    return found


def _account(debtor: matching.DebtorRef) -> LedgerAccount:
    kind, _, pk = debtor.debtor_id.partition(":")
    if kind == "person":
        return account_for_person(ServiceUser.objects.get(pk=int(pk)))
    return LedgerAccount.objects.get(pk=int(pk))


def _channel(line: StatementLine) -> str:
    return Channel.BANK if line.channel == LineChannel.BANK else Channel.COUNTER


def import_payment_file(
    *,
    data: bytes,
    filename: str,
    kind: str,
    actor: Any,
    scheme: str = "",
    period: tuple[date, date] | None = None,
) -> ImportOutcome:
    """Read, check, match and post a payment file (see the module's description).

    ``period``: the dates a statement covers, for a format that does not say (a CSV export is
    downloaded for dates the officer chose); otherwise its first and last lines' dates.
    Reconciliation needs statements to cover every day of the period reconciled."""
    digest = hashlib.sha256(data).hexdigest()
    earlier = PaymentFile.objects.filter(sha256=digest).first()
    if earlier is not None:
        return ImportOutcome(file=None, duplicate_of=earlier)
    statement = read(kind, data, scheme=scheme)
    covered = _covered(statement, period)
    patterns = settlement_patterns() if kind != FileKind.COUNTER else []
    references, _ = _debtors()
    invoices = matching.index_open_invoices(_open_invoices())
    outcome = ImportOutcome(file=None)
    keys = {matching.duplicate_key(line): line for line in statement.lines}
    posted_before = set(
        Receipt.objects.filter(duplicate_key__in=list(keys)).values_list("duplicate_key", flat=True)
    )
    new: list[NewReceipt] = []
    debtors: list[matching.DebtorRef | None] = []
    others: list[dict[str, Any]] = []
    for line in statement.lines:
        if line.amount <= 0:
            outcome.debits.append(line.line)
            others.append(_other(line, "debit"))
            continue
        channel = settlement_channel(line, patterns)
        if channel is not None:
            outcome.settlements.append(line.line)
            others.append(_other(line, "settlement", channel))
            continue
        key = matching.duplicate_key(line)
        if key in posted_before:
            outcome.duplicates.append(line.line)
            continue
        found = matching.match_receipt(line, references=references, open_invoices=invoices)
        debtors.append(found.debtor)
        new.append(
            NewReceipt(
                channel=_channel(line),
                received_on=line.booking_date,
                amount_pence=line.amount,
                duplicate_key=key,
                payer_name=line.payer,
                reference_text=line.narrative,
                account=None,  # the debtor's account is opened below, with the receipts
                match_rule=RULES[found.rule],
                match_trace=(*(step.finding for step in found.trace), found.reason),
                named_invoice=found.invoice.number if found.invoice is not None else "",
                line_number=line.line,
            )
        )
    with transaction.atomic():
        # Accounts are opened (a service user's first payment) in the same transaction as
        # the receipts: a refusal, or another import of the same file racing this one,
        # leaves nothing behind.
        new = [
            replace(r, account=_account(debtor)) if debtor is not None else r
            for r, debtor in zip(new, debtors, strict=True)
        ]
        outcome.file = PaymentFile.objects.create(
            kind=kind,
            filename=filename[:200],
            sha256=digest,
            size_bytes=len(data),
            content=data,
            received_at=timezone.now(),
            received_by=actor if getattr(actor, "is_authenticated", False) else None,
            statement_account=statement.account[:60],
            period_start=covered[0] if covered else None,
            period_end=covered[1] if covered else None,
            opening_pence=statement.opening_balance,
            closing_pence=statement.closing_balance,
            counts={
                "lines": len(statement.lines),
                "receipts": len(new),
                "matched": sum(1 for r in new if r.account is not None),
                "unallocated": sum(1 for r in new if r.account is None),
                "duplicates": len(outcome.duplicates),
                "debits": len(outcome.debits),
                "settlements": len(outcome.settlements),
                "received_pence": sum(r.amount_pence for r in new),
            },
            other_lines=others,
        )
        outcome.receipts = post_receipts(new, actor=actor, file=outcome.file)
    return outcome
