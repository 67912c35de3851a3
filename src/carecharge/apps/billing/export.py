"""The finance export of a posted billing run: a balanced journal file for the council's general
ledger and an accounts-receivable invoice file, laid out as `export_layout` says.

Both files are the same bytes every time the same run is exported: rows come in a fixed order,
dates are the run's own dates (never the moment of export), and the invoice file reads names
and addresses from the issued documents' frozen snapshots, so a later change of address does not
change an export already sent. Every export is recorded in the audit trail with the file's hash.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone

from carecharge.apps.audit.operations import record_event
from carecharge.apps.ledger.models import AccountKind, Posting
from carecharge.core.money import to_decimal_string
from carecharge.core.periods import financial_year_label

from .export_layout import FileLayout, Layout, LayoutError, load_layout
from .invoices import TITLES
from .models import BillingRun, Invoice, InvoiceKind, RunState

# What posting.py records as the source of a billing run's ledger transactions.
BILLING_SOURCE: Final = "billing_run"
TYPE_CODES: Final = {InvoiceKind.INVOICE: "INV", InvoiceKind.CREDIT_NOTE: "CRN"}
ADDRESS_FIELDS: Final = 5


class ExportError(ValueError):
    """The run cannot be exported (yet); the message says why and what to do."""


@dataclass(frozen=True)
class ExportFile:
    name: str
    content: bytes
    rows: int
    debit_pence: int = 0
    credit_pence: int = 0

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def configured_layout() -> Layout:
    """The council's layout (`settings.CARECHARGE_FINANCE_EXPORT_LAYOUT`), else the default."""
    path = getattr(settings, "CARECHARGE_FINANCE_EXPORT_LAYOUT", "") or ""
    return load_layout(Path(path) if path else None)


def _posted(run: BillingRun) -> None:
    if run.state != RunState.POSTED:
        raise ExportError(
            f"run {run.pk} is {run.get_state_display().lower()}: only a posted run is exported "
            "(its ledger transactions are then final)"
        )


def _write(layout: FileLayout, rows: Iterable[dict[str, str]]) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator=layout.line_ending)
    if layout.header:
        writer.writerow([column.header for column in layout.columns])
    count = 0
    for row in rows:
        writer.writerow([row[column.field] for column in layout.columns])
        count += 1
    return buffer.getvalue().encode(layout.encoding), count


def _money(pence: int, layout: FileLayout) -> str:
    return "" if pence == 0 and layout.blank_zero else to_decimal_string(pence)


def _day(value: date | None, layout: FileLayout) -> str:
    return value.strftime(layout.date_format) if value is not None else ""


def _period(day: date) -> str:
    return str((day.month - 4) % 12 + 1)


def debtor_reference(
    *, kind: str, person_reference: str | None, payer_id: int | None, organisation: str | None
) -> str:
    """The debtor's reference in the council's finance system."""
    if kind != AccountKind.DEBTOR:
        return ""
    if person_reference:
        return person_reference
    if payer_id is not None:
        return f"TP{payer_id}"
    return organisation or ""


# ---- the journal -----------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalPosting:
    """One ledger posting of a run, with what the journal needs to know about its account."""

    key: str
    effective: date
    posted: date
    description: str
    code: str
    name: str
    kind: str
    income_code: str
    debtor: str
    pence: int


def _postings(run: BillingRun) -> list[JournalPosting]:
    rows = (
        Posting.objects.filter(
            transaction__source=BILLING_SOURCE, transaction__source_id=str(run.pk)
        )
        .order_by("transaction__effective_date", "transaction__key", "pk")
        .values(
            "pence",
            key=F("transaction__key"),
            effective=F("transaction__effective_date"),
            posted_at=F("transaction__posted_at"),
            description=F("transaction__description"),
            code=F("account__code"),
            name=F("account__name"),
            kind=F("account__kind"),
            income_code=F("account__income_code"),
            person=F("account__person__account_reference"),
            payer=F("account__payer_id"),
            organisation=F("account__organisation__code"),
        )
    )
    found = []
    for row in rows:
        debtor = debtor_reference(
            kind=row["kind"],
            person_reference=row["person"],
            payer_id=row["payer"],
            organisation=row["organisation"],
        )
        found.append(
            JournalPosting(
                key=row["key"],
                effective=row["effective"],
                posted=timezone.localdate(row["posted_at"]),
                description=row["description"],
                code=row["code"],
                name=row["name"],
                kind=row["kind"],
                income_code=row["income_code"],
                debtor=debtor,
                pence=row["pence"],
            )
        )
    return found


def _codes(posted: JournalPosting, layout: Layout) -> tuple[str, str]:
    if posted.kind == AccountKind.INCOME:
        cost_centre, _, subjective = posted.income_code.partition("/")
        return cost_centre, subjective
    codes = layout.journal.control_codes.get(posted.kind)
    if codes is None:
        raise ExportError(
            f"journal: run postings go to {posted.code} ({posted.kind}), but the layout's "
            f"control_codes has no {posted.kind}: add its cost centre and subjective"
        )
    return codes


def _summarised(postings: Sequence[JournalPosting], run_pk: int) -> list[JournalPosting]:
    totals: dict[tuple[date, str], int] = defaultdict(int)
    first: dict[tuple[date, str], JournalPosting] = {}
    for posted in postings:
        group = (posted.effective, posted.code)
        totals[group] += posted.pence
        first.setdefault(group, posted)
    found = []
    for group, pence in sorted(totals.items()):
        if not pence:
            continue
        sample = first[group]
        found.append(
            replace(
                sample,
                key="",
                description=f"Billing run {run_pk}: {sample.name}",
                pence=pence,
            )
        )
    return found


def journal_rows(
    postings: Sequence[JournalPosting],
    *,
    run_pk: int,
    numbers: Mapping[str, str],
    layout: Layout,
) -> tuple[list[dict[str, str]], int, int]:
    """The journal's rows (every field, by name) and its total debits and credits in pence.

    ``numbers`` maps a transaction key to its invoice or credit note number.
    """
    file = layout.journal.file
    summarise = layout.journal.granularity == "account_per_date"
    debit = credit = 0
    rows: list[dict[str, str]] = []
    for line, posted in enumerate(_summarised(postings, run_pk) if summarise else postings, 1):
        cost_centre, subjective = _codes(posted, layout)
        debit += max(posted.pence, 0)
        credit += max(-posted.pence, 0)
        rows.append(
            {
                "journal_reference": f"{layout.journal.reference_prefix}{run_pk}",
                "run": str(run_pk),
                "line": str(line),
                "transaction_date": _day(posted.effective, file),
                "posted_date": _day(posted.posted, file),
                "financial_year": financial_year_label(posted.effective),
                "period": _period(posted.effective),
                "transaction_reference": posted.key,
                "account_code": posted.code,
                "account_name": posted.name,
                "account_kind": posted.kind,
                "cost_centre": cost_centre,
                "subjective": subjective,
                "debtor_reference": posted.debtor,
                "document_number": numbers.get(posted.key, "") if posted.key else "",
                "description": posted.description,
                "debit": _money(max(posted.pence, 0), file),
                "credit": _money(max(-posted.pence, 0), file),
                "amount": to_decimal_string(posted.pence),
            }
        )
    return rows, debit, credit


def journal_file(run: BillingRun, layout: Layout) -> ExportFile:
    """The run's journal: every posting of its ledger transactions (or one row per account per
    date), debits and credits in separate columns, balancing to zero."""
    _posted(run)
    numbers = dict(Invoice.objects.filter(run=run).values_list("transaction__key", "number"))
    rows, debit, credit = journal_rows(
        _postings(run), run_pk=run.pk, numbers=numbers, layout=layout
    )
    if debit != credit:
        # The ledger refuses unbalanced transactions, so this is a fault to report, not export.
        raise ExportError(
            f"journal: run {run.pk}'s postings do not balance (debits {to_decimal_string(debit)}, "
            f"credits {to_decimal_string(credit)}); run carecharge ledger check"
        )
    file = layout.journal.file
    content, count = _write(file, rows)
    return ExportFile(
        file.name_for(run=run.pk, through=run.through_date), content, count, debit, credit
    )


# ---- the accounts-receivable invoice file ----------------------------------------------------


def _address(snapshot: dict[str, Any]) -> tuple[list[str], str]:
    recipient = snapshot.get("recipient", {})
    lines = [str(line) for line in recipient.get("address_lines", [])]
    postcode = str(recipient.get("postcode", ""))
    if lines and postcode and lines[-1] == postcode:
        lines = lines[:-1]
    return lines, postcode


def invoice_file(run: BillingRun, layout: Layout) -> ExportFile:
    """One row per invoice and credit note of the run, in number order, addressed as issued."""
    _posted(run)
    invoices = list(
        Invoice.objects.filter(run=run)
        .select_related("person", "account__person", "account__organisation", "document")
        .defer("document__pdf")
        .annotate(line_count=Count("lines"))
        .order_by("number")
    )
    missing = [i.number for i in invoices if i.document_id is None]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise ExportError(
            f"invoices: {len(missing)} of run {run.pk}'s invoices and credit notes "
            f"{'is' if len(missing) == 1 else 'are'} not issued "
            f"yet ({shown}); the file gives the names and addresses they were sent to, so issue "
            f"them first (carecharge invoices issue {run.pk})"
        )
    file = layout.invoices
    total = 0
    rows: list[dict[str, str]] = []
    for line, invoice in enumerate(invoices, start=1):
        snapshot = invoice.document.snapshot if invoice.document else {}
        address, postcode = _address(snapshot)
        address += [""] * (ADDRESS_FIELDS - len(address))
        debtor = snapshot.get("debtor", {})
        account = invoice.account
        total += invoice.total_pence
        row = {
            "run": str(run.pk),
            "line": str(line),
            "type": TITLES[InvoiceKind(invoice.kind)],
            "type_code": TYPE_CODES[InvoiceKind(invoice.kind)],
            "number": invoice.number,
            "issue_date": _day(invoice.issued_on, file),
            "due_date": _day(invoice.due_on, file),
            "debtor_reference": debtor_reference(
                kind=account.kind,
                person_reference=account.person.account_reference if account.person else None,
                payer_id=account.payer_id,
                organisation=account.organisation.code if account.organisation else None,
            ),
            "debtor_account": account.code,
            "debtor_name": str(debtor.get("name", "")),
            "recipient_name": str(snapshot.get("recipient", {}).get("name", "")),
            "postcode": postcode,
            "customer_reference": str(debtor.get("their_reference", "")),
            "person_reference": invoice.person.account_reference,
            # From the frozen snapshot, like the address: a later change of name must not
            # change a re-export of this run.
            "person_name": str(snapshot.get("person", {}).get("name", "")),
            "payment_reference": str(snapshot.get("payment_reference", "")),
            "description": f"Care charges {snapshot['period']}" if snapshot.get("period") else "",
            "amount": to_decimal_string(invoice.total_pence),
            "gross": to_decimal_string(abs(invoice.total_pence)),
            "lines": str(invoice.line_count),
        }
        # More address lines than columns: the rest join the last one, so nothing is lost.
        for index in range(ADDRESS_FIELDS):
            row[f"address_{index + 1}"] = (
                ", ".join(part for part in address[index:] if part)
                if index == ADDRESS_FIELDS - 1
                else address[index]
            )
        rows.append(row)
    content, count = _write(file, rows)
    debit = sum(i.total_pence for i in invoices if i.total_pence > 0)
    return ExportFile(
        file.name_for(run=run.pk, through=run.through_date), content, count, debit, debit - total
    )


# ---- writing and auditing --------------------------------------------------------------------


def record_export(
    run: BillingRun, exported: ExportFile, *, what: str, actor: Any, source: str
) -> None:
    record_event(
        actor=actor,
        action="billing.exported",
        instance=run,
        changes={},
        reason=(
            f"{what} {exported.name} exported: {exported.rows} rows, SHA-256 {exported.sha256[:16]}"
        ),
        source=source,
    )


def export_run(
    run: BillingRun, out: Path, *, actor: Any, layout: Layout | None = None, source: str = "command"
) -> list[tuple[Path, ExportFile]]:
    """Write the run's journal and invoice files into the folder ``out``; audit each.

    Both files are worked out before either is written, so a refusal writes nothing.
    """
    try:
        chosen = layout or configured_layout()
    except LayoutError as error:
        raise ExportError(str(error)) from None
    files = [
        ("Journal file", journal_file(run, chosen)),
        ("Invoice file", invoice_file(run, chosen)),
    ]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for what, exported in files:
        path = out / exported.name
        path.write_bytes(exported.content)
        record_export(run, exported, what=what, actor=actor, source=source)
        written.append((path, exported))
    return written
