"""Posting one chunk of a billing run: invoices and credit notes numbered without gaps, their
ledger transactions, and the charge records that remember what was charged.

Per debtor, the lines that add to what is owed go on an invoice and the lines that take away
go on a credit note, so a backdated reduction is always shown as a credit (never netted
silently into a smaller invoice). Lines the provider collects, or that are deducted from a
direct payment, are recorded but not invoiced or posted to the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone

from carecharge.apps.ledger import operations as ledger
from carecharge.apps.ledger.models import LedgerAccount, LedgerTransaction
from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer
from carecharge.core.charging.types import PERSON
from carecharge.core.ledger import Posting, Transaction
from carecharge.core.rules import RuleBook

from .models import (
    BillingRun,
    ChargeRecord,
    Invoice,
    InvoiceKind,
    NumberSequence,
    RunPerson,
)

SEQUENCES = {
    InvoiceKind.INVOICE: ("invoice", "INV"),
    InvoiceKind.CREDIT_NOTE: ("credit_note", "CRN"),
}


class PostingError(ValueError):
    """A line cannot be posted; the message names the person and the line."""


@dataclass
class _Document:
    kind: str
    debtor: str
    lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line["amount_pence"] for line in self.lines)


def payment_terms(book: RuleBook, council: str, on: date) -> int:
    return book.as_at(on).number(f"local.{council}.billing.payment_terms_days")


def documents_for(lines: Sequence[dict[str, Any]]) -> tuple[list[_Document], list[dict[str, Any]]]:
    """Group a person's invoiced lines into invoices and credit notes per debtor; the lines left
    over only move income between codes (they change nobody's balance)."""
    by_debtor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        if line["invoiced"]:
            by_debtor[line["debtor"]].append(line)
    found: list[_Document] = []
    leftovers: list[dict[str, Any]] = []
    for debtor in sorted(by_debtor):
        invoice = _Document(InvoiceKind.INVOICE, debtor)
        credit = _Document(InvoiceKind.CREDIT_NOTE, debtor)
        zero: list[dict[str, Any]] = []
        for line in by_debtor[debtor]:
            amount = line["amount_pence"]
            if amount > 0:
                invoice.lines.append(line)
            elif amount < 0:
                credit.lines.append(line)
            else:
                zero.append(line)
        if invoice.lines:
            invoice.lines.extend(zero)
        elif credit.lines:
            credit.lines.extend(zero)
        else:
            leftovers.extend(zero)
        found.extend(d for d in (invoice, credit) if d.lines)
    return found, leftovers


def _take_numbers(kind: str, count: int) -> list[str]:
    name, prefix = SEQUENCES[kind]
    NumberSequence.objects.get_or_create(name=name, defaults={"prefix": prefix})
    sequence = NumberSequence.objects.select_for_update().get(name=name)
    first = sequence.next_number
    NumberSequence.objects.filter(pk=sequence.pk).update(next_number=F("next_number") + count)
    return [f"{sequence.prefix}{n:06d}" for n in range(first, first + count)]


class _Accounts:
    """Ledger accounts looked up once per chunk."""

    def __init__(self, people: Sequence[ServiceUser] = ()) -> None:
        self._cache: dict[tuple[int, str], LedgerAccount] = {}
        self._income: dict[str, LedgerAccount] = {}
        # Everyone's own account in a few queries, not one (or two) per person.
        for pk, account in ledger.accounts_for_people(people).items():
            self._cache[(pk, PERSON)] = account

    def debtor(self, person: ServiceUser, debtor: str) -> LedgerAccount:
        cached = self._cache.get((person.pk, debtor))
        if cached is not None:
            return cached
        if debtor == PERSON:
            account = ledger.account_for_person(person)
        elif debtor.startswith("third_party:"):
            payer = ThirdPartyPayer.objects.get(pk=int(debtor.split(":", 1)[1]))
            account = ledger.account_for_payer(payer)
        elif debtor.startswith("organisation:"):
            org = Organisation.objects.get(code=debtor.split(":", 1)[1])
            account = ledger.account_for_organisation(org)
        else:
            raise PostingError(f"{person.account_reference}: unknown debtor {debtor!r}")
        self._cache[(person.pk, debtor)] = account
        return account

    def income(self, code: str) -> LedgerAccount:
        if code not in self._income:
            self._income[code] = ledger.income_account(code)
        return self._income[code]


def _income_postings(
    lines: Sequence[dict[str, Any]], accounts: _Accounts, *, sign: int
) -> list[Posting]:
    per_code: dict[str, int] = defaultdict(int)
    for line in lines:
        for code, pence in line["income"]:
            per_code[code] += pence
    return [
        Posting(accounts.income(code).code, sign * pence, memo="income")
        for code, pence in sorted(per_code.items())
        if pence
    ]


def post_people(
    run: BillingRun,
    rows: Sequence[RunPerson],
    *,
    book: RuleBook,
    council: str,
    actor: Any,
    today: date,
) -> tuple[int, int, int, int]:
    """Post the rows' lines (inside the caller's transaction). Returns (invoices, credit notes,
    lines posted, amount posted to debtors)."""
    terms = timedelta(days=payment_terms(book, council, today))
    planned: list[tuple[RunPerson, _Document]] = []
    journals: list[tuple[RunPerson, list[dict[str, Any]]]] = []
    for row in rows:
        docs, leftovers = documents_for(row.lines)
        planned.extend((row, doc) for doc in docs)
        if leftovers:
            journals.append((row, leftovers))
    billed = {row.person_id: row.person for row, doc in planned if doc.debtor == PERSON}
    accounts = _Accounts(list(billed.values()))
    numbers = {
        kind: iter(_take_numbers(kind, sum(1 for _, d in planned if d.kind == kind)))
        for kind in SEQUENCES
        if any(d.kind == kind for _, d in planned)
    }
    transactions: list[Transaction] = []
    invoices: list[tuple[RunPerson, _Document, str, LedgerAccount, str]] = []
    for row, doc in planned:
        number = next(numbers[doc.kind])
        account = accounts.debtor(row.person, doc.debtor)
        key = f"billing:{run.pk}:{number}"
        words = "Invoice" if doc.kind == InvoiceKind.INVOICE else "Credit note"
        transactions.append(
            Transaction(
                key=key,
                effective_date=today,
                source="billing_run",
                source_id=str(run.pk),
                description=f"{words} {number} for {row.person.account_reference}",
                postings=(
                    Posting(account.code, doc.total, memo=number),
                    *_income_postings(doc.lines, accounts, sign=-1),
                ),
            )
        )
        invoices.append((row, doc, number, account, key))
    for row, lines in journals:
        key = f"billing:{run.pk}:{row.person.account_reference}:income-moved"
        transactions.append(
            Transaction(
                key=key,
                effective_date=today,
                source="billing_run",
                source_id=str(run.pk),
                description=f"Income moved between codes for {row.person.account_reference}",
                postings=tuple(_income_postings(lines, accounts, sign=-1)),
            )
        )
    ledger.post_many(transactions, actor=actor)
    by_key = {
        t.key: t for t in LedgerTransaction.objects.filter(key__in=[t.key for t in transactions])
    }
    now = timezone.now()
    created = Invoice.objects.bulk_create(
        [
            Invoice(
                number=number,
                kind=doc.kind,
                run=run,
                person=row.person,
                account=account,
                debtor=doc.debtor,
                issued_on=today,
                due_on=today + terms,
                total_pence=doc.total,
                transaction=by_key[key],
                created_at=now,
            )
            for row, doc, number, account, key in invoices
        ]
    )
    # A key may have two lines in one run (a reversal, then the charge to a new debtor), so
    # lines are matched to their invoice by identity, not by key.
    line_invoice: dict[int, Invoice] = {}
    for invoice, (_, doc, _, _, _) in zip(created, invoices, strict=True):
        for line in doc.lines:
            line_invoice[id(line)] = invoice
    records = []
    amount_posted = 0
    for row in rows:
        for line in row.lines:
            invoice = line_invoice.get(id(line))
            if invoice is not None:
                amount_posted += line["amount_pence"]
            records.append(
                ChargeRecord(
                    run=run,
                    person=row.person,
                    key=line["key"],
                    kind=line["kind"],
                    debtor=line["debtor"],
                    week_start=date.fromisoformat(line["week"][0]),
                    week_end=date.fromisoformat(line["week"][1]),
                    days_start=date.fromisoformat(line["days"][0]) if line["days"] else None,
                    days_end=date.fromisoformat(line["days"][1]) if line["days"] else None,
                    amount_pence=line["amount_pence"],
                    income=line["income"],
                    invoiced=line["invoiced"],
                    reason=line["reason"],
                    corrects_id=int(line["corrects"]) if line["corrects"] else None,
                    backdated=line["backdated"],
                    description=line["description"][:200],
                    units=Decimal(line["units"]) if line["units"] is not None else None,
                    basis=line["basis"] or {},
                    trace=line["trace"],
                    invoice=invoice,
                    created_at=now,
                )
            )
    ChargeRecord.objects.bulk_create(records, batch_size=2000)
    n_invoices = sum(1 for _, d in planned if d.kind == InvoiceKind.INVOICE)
    return n_invoices, len(planned) - n_invoices, len(records), amount_posted
