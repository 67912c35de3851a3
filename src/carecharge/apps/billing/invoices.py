"""Invoice and credit note documents: the frozen snapshot, issuing one, and issuing a run's.

An invoice (or credit note) is numbered and posted when its billing run posts; issuing it
renders its PDF from a snapshot of everything it shows and keeps it in the documents store
(`apps/documents`), stored with its hash and re-printable byte for byte. The snapshot is built
once, from the posted lines, the person, the addressee and the council's details in force on
the invoice's date; nothing is read again afterwards.

Issuing is idempotent: an invoice that already has its document is skipped, and the link from
the invoice to its document is set once, from empty, under a row lock, so two workers issuing
the same run can never give one invoice two documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from django.conf import settings
from django.db import transaction

from carecharge.apps.assessments.models import Assessment
from carecharge.apps.documents.models import Document, DocumentVariant
from carecharge.apps.documents.operations import DocumentError, render_document, store_document
from carecharge.apps.documents.outcome_letter import council_details
from carecharge.apps.web.council import rulebook
from carecharge.core.charging.types import PERSON
from carecharge.core.letters.wording import long_date, step_label
from carecharge.core.money import format_pounds
from carecharge.core.rules import RuleError

from .invoice_recipients import Addressee, NoRecipient, addressee
from .models import BillingRun, ChargeRecord, Invoice, InvoiceKind
from .wording import day_count, period_words, reason_words, units_words

# Bumped when the snapshot's shape changes, so a template can still read older snapshots.
SCHEMA: Final = 1
CHUNK: Final = 50
"""Invoices read from the database at a time by `issue_run` (each is rendered on its own)."""

TITLES: Final = {InvoiceKind.INVOICE: "Invoice", InvoiceKind.CREDIT_NOTE: "Credit note"}


class InvoiceError(ValueError):
    """An invoice cannot be issued; the message names the invoice and says what to record."""


def how_to_pay(on: date) -> list[str]:
    """The council's ways to pay in force on a date (``local.<council>.invoices.how_to_pay``)."""
    name = f"local.{settings.CARECHARGE_COUNCIL}.invoices.how_to_pay"
    text = rulebook().as_at(on).text(name)
    return [line.strip() for line in text.splitlines() if line.strip()]


def council_for_bills(on: date) -> dict[str, Any]:
    """The council's details for an invoice or statement dated ``on``."""
    return {**council_details(on), "how_to_pay": how_to_pay(on)}


def payment_reference(invoice: Invoice) -> str:
    """What the payer quotes with a payment: the debtor's payment reference (8 digits with a
    check digit, decision 0008). For the person's own bills it is their account reference; a
    top-up payer or an organisation is given theirs the first time it is needed."""
    if invoice.debtor == PERSON:
        return invoice.person.account_reference
    # Payments builds on billing; billing asks it only for this, when an invoice is issued.
    from carecharge.apps.payments.references import reference_for

    return reference_for(invoice.account)


def _revision_dates(records: list[ChargeRecord]) -> dict[int, date]:
    """For each revised line, the date the newer assessment it was worked out from takes
    effect (the latest of its sources)."""
    wanted: dict[int, list[int]] = {}
    for record in records:
        if record.reason != "assessment_revised":
            continue
        ids = []
        for source in (record.basis or {}).get("sources", []):
            kind, _, pk = str(source).partition(":")
            if kind == "assessment" and pk.isdigit():
                ids.append(int(pk))
        wanted[record.pk] = ids
    every = {pk for ids in wanted.values() for pk in ids}
    starts = dict(Assessment.objects.filter(pk__in=every).values_list("pk", "effective_from"))
    found: dict[int, date] = {}
    for record_pk, ids in wanted.items():
        dates = [starts[pk] for pk in ids if pk in starts]
        if dates:
            found[record_pk] = max(dates)
    return found


def _line(record: ChargeRecord, *, corrects: str, revised_from: date | None) -> dict[str, Any]:
    if record.days_start is not None and record.days_end is not None:
        period = period_words(record.days_start, record.days_end)
        days: int | None = day_count(record.days_start, record.days_end)
    else:
        # Nothing is chargeable in the week any more (a reversal): name the week itself.
        period = f"Week of {period_words(record.week_start, record.week_end)}"
        days = None
    return {
        "description": record.description,
        "period": period,
        "days": days,
        "units": units_words(record.units),
        "amount": format_pounds(abs(record.amount_pence)),
        "amount_pence": record.amount_pence,
        "reason_code": record.reason,
        "reason": reason_words(record.reason, revised_from=revised_from),
        "corrects": corrects,
        "trace": [
            {
                "label": step_label(str(step.get("label", ""))),
                "amount": (
                    format_pounds(int(step["amount_pence"]))
                    if step.get("amount_pence") is not None
                    else ""
                ),
            }
            for step in record.trace or []
        ],
    }


def workings(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How the charges were worked out, each different working shown once with the dates it
    applies to: a bill of twelve identical weeks explains the week once, not twelve times."""
    groups: dict[tuple[tuple[str, str], ...], dict[str, Any]] = {}
    for line in lines:
        if not line["trace"]:
            continue
        key = tuple((step["label"], step["amount"]) for step in line["trace"])
        group = groups.setdefault(key, {"periods": [], "steps": line["trace"]})
        group["periods"].append(line["period"])
    for group in groups.values():
        periods = group["periods"]
        group["for"] = (
            periods[0] if len(periods) == 1 else f"{', '.join(periods[:-1])} and {periods[-1]}"
        )
    return list(groups.values())


def invoice_snapshot(invoice: Invoice, *, to: Addressee, variant: str) -> dict[str, Any]:
    """Everything an invoice or credit note shows, as plain JSON values: amounts formatted (and
    in pence where a program may compare them), dates written out."""
    person = invoice.person
    records = list(ChargeRecord.objects.filter(invoice=invoice).order_by("week_start", "key", "pk"))
    corrected_ids = {r.corrects_id for r in records if r.corrects_id is not None}
    corrected = dict(
        ChargeRecord.objects.filter(pk__in=corrected_ids).values_list("pk", "invoice__number")
    )
    revised = _revision_dates(records)
    lines = [
        _line(
            record,
            corrects=(corrected.get(record.corrects_id) or "") if record.corrects_id else "",
            revised_from=revised.get(record.pk),
        )
        for record in records
    ]
    starts = [r.days_start or r.week_start for r in records]
    ends = [r.days_end or r.week_end for r in records]
    died = person.date_of_death
    return {
        "schema": SCHEMA,
        "kind": invoice.kind,
        "title": TITLES[InvoiceKind(invoice.kind)],
        "variant": variant,
        "large_print": variant == DocumentVariant.LARGE_PRINT,
        "number": invoice.number,
        "issued_on": invoice.issued_on.isoformat(),
        "date": long_date(invoice.issued_on),
        "due_on": invoice.due_on.isoformat(),
        "due_date": long_date(invoice.due_on),
        "council": council_for_bills(invoice.issued_on),
        "recipient": to.as_dict(),
        "debtor": {
            "kind": to.debtor_kind,
            "name": to.debtor_name,
            "account": invoice.account.code,
            "their_reference": to.their_reference,
        },
        "person": {
            "name": person.full_name,
            "account_reference": person.account_reference,
            "deceased": died is not None,
            "date_of_death": long_date(died) if died else "",
        },
        "payment_reference": payment_reference(invoice),
        "run": {"number": invoice.run_id, "through": long_date(invoice.run.through_date)},
        "period": period_words(min(starts), max(ends)) if records else "",
        "lines": lines,
        "workings": workings(lines),
        "corrections": any(line["reason"] for line in lines),
        "total": format_pounds(abs(invoice.total_pence)),
        "total_pence": invoice.total_pence,
    }


def default_variant(to: Addressee) -> str:
    return DocumentVariant.LARGE_PRINT if to.large_print else DocumentVariant.STANDARD


def _load(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_related("person", "account", "run").get(pk=invoice.pk)


def issue_invoice(
    invoice: Invoice, *, actor: Any, variant: str | None = None, source: str = "command"
) -> Document:
    """Render and store an invoice's (or credit note's) document and link it to the invoice.

    Without ``variant``: the one document the invoice is issued as (large print when the person
    asked for it), or the one already issued. With ``variant``: a copy in that print (say, a
    large-print copy on request) is issued even if the invoice has a document already; the
    invoice's link is only ever set once, to its first document.

    Raises `InvoiceError` (nothing stored) when the invoice cannot be addressed, the council's
    details are missing from the rules, or the variant is unknown.
    """
    if variant is not None and variant not in DocumentVariant.values:
        raise InvoiceError(f"variant: {variant!r} is not a kind of print (standard, large_print)")
    current = _load(invoice)
    if variant is None and current.document_id is not None:
        return Document.objects.get(pk=current.document_id)
    title = TITLES[InvoiceKind(current.kind)]
    try:
        to = addressee(current.person, current.debtor, on=current.issued_on)
        chosen = variant or default_variant(to)
        data = invoice_snapshot(current, to=to, variant=chosen)
        # Rendered before the transaction: no lock is held while WeasyPrint works.
        rendered = render_document(kind=current.kind, variant=chosen, snapshot_data=data)
    except (NoRecipient, RuleError, DocumentError) as error:
        raise InvoiceError(f"{title} {current.number}: {error}") from None
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=current.pk)
        if variant is None and locked.document_id is not None:
            return Document.objects.get(pk=locked.document_id)
        document = store_document(
            rendered=rendered,
            person=current.person,
            recipient=to.recipient,
            issued_on=current.issued_on,
            actor=actor,
            reason=f"{title} {current.number}"
            + ("" if locked.document_id is None else f" ({document_copy(chosen)})"),
            source=source,
        )
        if locked.document_id is None:
            # Set once from empty, never overwritten (the filter makes that certain).
            Invoice.objects.filter(pk=locked.pk, document__isnull=True).update(document=document)
    return document


def document_copy(variant: str) -> str:
    return f"{DocumentVariant(variant).label.lower()} copy"


@dataclass
class IssueOutcome:
    issued: int = 0
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(number, why) for each invoice that could not be issued this time."""


def _sharded(ids: list[int], shard: tuple[int, int] | None) -> list[int]:
    if shard is None:
        return ids
    index, count = shard
    if count < 1 or not 0 <= index < count:
        raise InvoiceError(f"shard: {index} of {count} is not a share of the work")
    return [pk for pk in ids if pk % count == index]


def issue_run(
    run: BillingRun,
    *,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
    shard: tuple[int, int] | None = None,
    chunk: int = CHUNK,
    source: str = "command",
) -> IssueOutcome:
    """Issue every invoice and credit note of a run that has no document yet.

    Resumable and idempotent: stopping part-way leaves every invoice either issued (with its
    document) or not, and running it again issues the rest. An invoice that cannot be issued
    (no address, say) is reported in `IssueOutcome.failed` and the others carry on. ``shard``
    ``(i, n)`` takes every n-th invoice so that n workers can share a large run.
    """
    outcome = IssueOutcome()
    everything = Invoice.objects.filter(run=run)
    outcome.already = everything.filter(document__isnull=False).count()
    ids = _sharded(
        list(everything.filter(document__isnull=True).order_by("pk").values_list("pk", flat=True)),
        shard,
    )
    done = 0
    for start in range(0, len(ids), chunk):
        invoices = Invoice.objects.select_related("person", "account", "run").filter(
            pk__in=ids[start : start + chunk]
        )
        for invoice in invoices.order_by("pk"):
            if invoice.document_id is not None:  # issued by another worker meanwhile
                outcome.already += 1
            else:
                try:
                    issue_invoice(invoice, actor=actor, source=source)
                    outcome.issued += 1
                except InvoiceError as error:
                    outcome.failed.append((invoice.number, str(error)))
            done += 1
        if progress is not None:
            progress(done, len(ids))
    return outcome


def unissued(run: BillingRun) -> list[str]:
    """The numbers of a run's invoices and credit notes not yet issued."""
    return list(
        Invoice.objects.filter(run=run, document__isnull=True)
        .order_by("number")
        .values_list("number", flat=True)
    )
