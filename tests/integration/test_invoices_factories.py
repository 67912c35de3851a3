"""Small factories for the billing documents' tests: people, a posted run, invoices and credit
notes written as posting does (numbered, with their ledger transaction and charge lines), and
receipts. No tests here; the test modules import these.

Building the rows directly keeps every figure in the tests chosen by hand; the end-to-end test
(`test_invoices_run.py`) goes through a real billing run instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import weasyprint

from carecharge.apps.billing.models import BillingRun, ChargeRecord, Invoice, InvoiceKind, RunState
from carecharge.apps.documents.models import Document
from carecharge.apps.documents.rendering import render_html
from carecharge.apps.ledger import operations as ledger
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.people.models import (
    Address,
    Organisation,
    ServiceUser,
    ThirdPartyPayer,
)
from carecharge.core import ledger as core

NOW = datetime(2025, 5, 12, 9, 0, tzinfo=UTC)
BILL_DATE = date(2025, 5, 12)
WEEK = timedelta(days=6)


def make_person(
    reference: str = "00000018",
    *,
    title: str = "Mrs",
    forename: str = "Edith",
    surname: str = "Cavell",
    home: tuple[str, ...] | None = ("12 Orchard Way", "Northfield", "NF2 3BB"),
    **extra: Any,
) -> ServiceUser:
    person = ServiceUser.objects.create(
        account_reference=reference,
        title=title,
        forename=forename,
        surname=surname,
        date_of_birth=date(1945, 12, 4),
        **extra,
    )
    if home is not None:
        add_address(person, "home", *home)
    return person


def add_address(person: ServiceUser, role: str, line_1: str, town: str, postcode: str) -> Address:
    return Address.objects.create(
        person=person, role=role, line_1=line_1, town=town, postcode=postcode
    )


def make_run(through: date = date(2025, 5, 4), *, state: str = RunState.POSTED) -> BillingRun:
    return BillingRun.objects.create(
        through_date=through,
        state=state,
        created_at=NOW,
        posted_at=NOW if state == RunState.POSTED else None,
    )


@dataclass
class Line:
    """One charge line to put on a bill."""

    week_start: date
    amount_pence: int
    description: str = "Contribution towards your care"
    days: tuple[date, date] | str | None = "week"
    units: Decimal | None = Decimal("10.00")
    reason: str = "new"
    corrects: ChargeRecord | None = None
    sources: Sequence[str] = ()
    trace: list[dict[str, Any]] = field(default_factory=list)
    income_code: str = "ASC100/9001"
    kind: str = "contribution"


def _debtor_account(person: ServiceUser, debtor: str) -> LedgerAccount:
    if debtor == "person":
        return ledger.account_for_person(person)
    kind, _, ref = debtor.partition(":")
    if kind == "third_party":
        return ledger.account_for_payer(ThirdPartyPayer.objects.get(pk=int(ref)))
    return ledger.account_for_organisation(Organisation.objects.get(code=ref))


def _next_number(kind: str) -> str:
    prefix = "INV" if kind == InvoiceKind.INVOICE else "CRN"
    return f"{prefix}{Invoice.objects.filter(kind=kind).count() + 1:06d}"


def make_bill(
    run: BillingRun,
    person: ServiceUser,
    lines: Sequence[Line],
    *,
    debtor: str = "person",
    issued_on: date = BILL_DATE,
    due_days: int = 28,
) -> Invoice:
    """An invoice (lines adding up to more than nothing) or a credit note, posted to the ledger
    as posting.py posts one: the debtor's account moves by the total, income the opposite."""
    total = sum(line.amount_pence for line in lines)
    kind = InvoiceKind.INVOICE if total > 0 else InvoiceKind.CREDIT_NOTE
    number = _next_number(kind)
    account = _debtor_account(person, debtor)
    income: dict[str, int] = defaultdict(int)
    for line in lines:
        income[line.income_code] += line.amount_pence
    postings = [core.Posting(account.code, total, memo=number)]
    for code, pence in sorted(income.items()):
        postings.append(core.Posting(ledger.income_account(code).code, -pence, memo="income"))
    words = "Invoice" if kind == InvoiceKind.INVOICE else "Credit note"
    transaction = ledger.post(
        core.Transaction(
            key=f"billing:{run.pk}:{number}",
            effective_date=issued_on,
            source="billing_run",
            source_id=str(run.pk),
            description=f"{words} {number} for {person.account_reference}",
            postings=tuple(postings),
        )
    )
    invoice = Invoice.objects.create(
        number=number,
        kind=kind,
        run=run,
        person=person,
        account=account,
        debtor=debtor,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=due_days),
        total_pence=total,
        transaction=transaction,
        created_at=NOW,
    )
    for line in lines:
        days = (line.week_start, line.week_start + WEEK) if line.days == "week" else line.days
        assert not isinstance(days, str)
        ChargeRecord.objects.create(
            run=run,
            person=person,
            key=f"{line.kind}:{debtor}:{line.week_start.isoformat()}",
            kind=line.kind,
            debtor=debtor,
            week_start=line.week_start,
            week_end=line.week_start + WEEK,
            days_start=days[0] if days else None,
            days_end=days[1] if days else None,
            amount_pence=line.amount_pence,
            income=[[line.income_code, line.amount_pence]],
            invoiced=True,
            reason=line.reason,
            corrects=line.corrects,
            backdated=line.corrects is not None,
            description=line.description,
            units=line.units,
            basis={"sources": list(line.sources)},
            trace=line.trace,
            invoice=invoice,
            created_at=NOW,
        )
    return invoice


def receipt(account: LedgerAccount, pence: int, on: date, key: str) -> None:
    """A payment received (bank debited, the debtor credited)."""
    ledger.system_account("bank")
    ledger.post(
        core.transfer(
            key,
            effective_date=on,
            source="receipt",
            source_id=key,
            description="Payment received, thank you",
            debit=core.BANK,
            credit=account.code,
            pence=pence,
        )
    )


def pages_text(document: Document) -> list[str]:
    """The words on each laid-out page of a document: what WeasyPrint draws into the PDF,
    footers included (no PDF text extractor is installed)."""
    html = render_html(document.template, document.snapshot)
    laid_out = weasyprint.HTML(string=html).render()
    return [" ".join(_texts(page._page_box)) for page in laid_out.pages]


def _texts(box: Any) -> Iterator[str]:
    if hasattr(box, "text"):
        yield box.text
    for child in getattr(box, "children", []):
        yield from _texts(child)
