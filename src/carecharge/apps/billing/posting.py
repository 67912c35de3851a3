"""Posting one chunk of a billing run: invoices and credit notes numbered without gaps, their
ledger transactions, and the charge records that remember what was charged.

Per debtor, the lines that add to what is owed go on an invoice and the lines that take away
go on a credit note, so a backdated reduction is always shown as a credit (never netted
silently into a smaller invoice). Lines the provider collects, or that are deducted from a
direct payment, are recorded but not invoiced or posted to the ledger.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, models
from django.utils import timezone

from carecharge.apps.ledger import operations as ledger
from carecharge.apps.ledger.models import AccountKind, LedgerAccount, LedgerTransaction
from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer
from carecharge.core import ledger as core_ledger
from carecharge.core.charging.types import PERSON
from carecharge.core.ledger import Posting, Transaction
from carecharge.core.rules import RuleBook

from .fields import DeflatedJSONField, pack
from .models import (
    BillingRun,
    ChargeRecord,
    Invoice,
    InvoiceKind,
    RunPerson,
)
from .numbers import take_numbers

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
    name, prefix = SEQUENCES[InvoiceKind(kind)]
    prefix, first = take_numbers(name, count, prefix=prefix)
    return [f"{prefix}{n:06d}" for n in range(first, first + count)]


class _Accounts:
    """Ledger accounts looked up once per chunk."""

    def __init__(self, people: Sequence[ServiceUser] = (), payers: Iterable[str] = ()) -> None:
        self._cache: dict[tuple[int, str], LedgerAccount] = {}
        # A top-up payer's or an organisation's account is the same whoever's care it is for.
        self._parties: dict[str, LedgerAccount] = {}
        self._income: dict[str, LedgerAccount] = {}
        # Everyone's own account in a few queries, not one (or two) per person.
        for pk, account in ledger.accounts_for_people(people).items():
            self._cache[(pk, PERSON)] = account
        codes = {
            core_ledger.payer_code(int(debtor.split(":", 1)[1])): debtor
            for debtor in set(payers)
            if debtor.startswith("third_party:")
        }
        for account in LedgerAccount.objects.filter(code__in=list(codes)):
            debtor = codes[account.code]
            # Only an account that is this payer's own is used; anything else is left to
            # `account_for_payer`, which refuses it with a clear message.
            if account.kind == AccountKind.DEBTOR and account.payer_id == int(debtor[12:]):
                self._parties[debtor] = account

    def debtor(self, person: ServiceUser, debtor: str) -> LedgerAccount:
        cached = self._cache.get((person.pk, debtor)) or self._parties.get(debtor)
        if cached is not None:
            return cached
        if debtor == PERSON:
            account = ledger.account_for_person(person)
            self._cache[(person.pk, debtor)] = account
            return account
        if debtor.startswith("third_party:"):
            payer = ThirdPartyPayer.objects.get(pk=int(debtor.split(":", 1)[1]))
            account = ledger.account_for_payer(payer)
        elif debtor.startswith("organisation:"):
            org = Organisation.objects.get(code=debtor.split(":", 1)[1])
            account = ledger.account_for_organisation(org)
        else:
            raise PostingError(f"{person.account_reference}: unknown debtor {debtor!r}")
        self._parties[debtor] = account
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


@dataclass
class _PersonPlan:
    """One person's documents and charge records, worked out before anything is written."""

    documents: list[_Document]
    leftovers: list[dict[str, Any]]
    # Each record's values as written (adapted), but for its invoice and created_at.
    records: list[list[Any]]
    # The line of each record, to find the invoice it went on.
    lines: list[dict[str, Any]]


def plan_people(rows: Sequence[RunPerson]) -> dict[int, _PersonPlan]:
    """What posting each row will write, without writing it (reads nothing either): the
    encoding of every charge record is done here, so the transaction that numbers and writes
    them, which one process at a time can hold, is as short as it can be."""
    found = _columns(ChargeRecord, RECORD_FIELDS)
    prepare = [_adapter(f) for f in found]
    plans: dict[int, _PersonPlan] = {}
    for row in rows:
        documents, leftovers = documents_for(row.lines)
        records = []
        for line in row.lines:
            days = line["days"]
            values = (
                None,  # run
                row.person_id,
                line["key"],
                line["kind"],
                line["debtor"],
                date.fromisoformat(line["week"][0]),
                date.fromisoformat(line["week"][1]),
                date.fromisoformat(days[0]) if days else None,
                date.fromisoformat(days[1]) if days else None,
                line["amount_pence"],
                line["income"],
                line["invoiced"],
                line["reason"],
                int(line["corrects"]) if line["corrects"] else None,
                line["backdated"],
                line["description"][:200],
                Decimal(line["units"]) if line["units"] is not None else None,
                line["basis"] or {},
                line["trace"],
                None,  # invoice
                None,  # created_at
            )
            records.append([adapt(value) for adapt, value in zip(prepare, values, strict=True)])
        plans[row.pk] = _PersonPlan(documents, leftovers, records, list(row.lines))
    return plans


RUN_COLUMN = 0
INVOICE_COLUMN = 19
CREATED_COLUMN = 20


def post_people(
    run: BillingRun,
    rows: Sequence[RunPerson],
    *,
    book: RuleBook,
    council: str,
    actor: Any,
    today: date,
    plans: dict[int, _PersonPlan] | None = None,
) -> tuple[int, int, int, int]:
    """Post the rows' lines (inside the caller's transaction), from ``plans`` (`plan_people`,
    made here if not given). Returns (invoices, credit notes, lines posted, amount posted to
    debtors)."""
    plans = plans if plans is not None else plan_people(rows)
    terms = timedelta(days=payment_terms(book, council, today))
    planned: list[tuple[RunPerson, _Document]] = []
    journals: list[tuple[RunPerson, list[dict[str, Any]]]] = []
    for row in rows:
        plan = plans[row.pk]
        planned.extend((row, doc) for doc in plan.documents)
        if plan.leftovers:
            journals.append((row, plan.leftovers))
    billed = {row.person_id: row.person for row, doc in planned if doc.debtor == PERSON}
    accounts = _Accounts(list(billed.values()), (doc.debtor for _, doc in planned))
    numbers = {
        kind: iter(_take_numbers(kind, sum(1 for _, d in planned if d.kind == kind)))
        for kind in SEQUENCES
        if any(d.kind == kind for _, d in planned)
    }
    transactions: list[Transaction] = []
    invoices: list[tuple[RunPerson, _Document, str, LedgerAccount, str]] = []
    for row, doc in planned:
        number = next(numbers[InvoiceKind(doc.kind)])
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
        moved = tuple(_income_postings(lines, accounts, sign=-1))
        if not moved:
            # The moves cancel out code by code: the lines are recorded, the ledger is untouched.
            continue
        key = f"billing:{run.pk}:{row.person.account_reference}:income-moved"
        transactions.append(
            Transaction(
                key=key,
                effective_date=today,
                source="billing_run",
                source_id=str(run.pk),
                description=f"Income moved between codes for {row.person.account_reference}",
                postings=moved,
            )
        )
    ledger.post_many(transactions, actor=actor)
    by_key: dict[str, int] = {}
    keys = [t.key for t in transactions]
    for start in range(0, len(keys), LOOKUP):
        by_key.update(
            LedgerTransaction.objects.filter(key__in=keys[start : start + LOOKUP]).values_list(
                "key", "pk"
            )
        )
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
                transaction_id=by_key[key],
                created_at=now,
            )
            for row, doc, number, account, key in invoices
        ],
        batch_size=LOOKUP,
    )
    # A key may have two lines in one run (a reversal, then the charge to a new debtor), so
    # lines are matched to their invoice by identity, not by key.
    line_invoice: dict[int, int] = {}
    for invoice, (_, doc, _, _, _) in zip(created, invoices, strict=True):
        for line in doc.lines:
            line_invoice[id(line)] = invoice.pk
    stamp = _adapter(ChargeRecord._meta.get_field("created_at"))(now)
    records = []
    amount_posted = 0
    for row in rows:
        plan = plans[row.pk]
        for line, record in zip(plan.lines, plan.records, strict=True):
            invoice_id = line_invoice.get(id(line))
            if invoice_id is not None:
                amount_posted += line["amount_pence"]
            record[RUN_COLUMN] = run.pk
            record[INVOICE_COLUMN] = invoice_id
            record[CREATED_COLUMN] = stamp
            records.append(record)
    insert_rows(ChargeRecord, RECORD_FIELDS, records, adapted=True)
    n_invoices = sum(1 for _, d in planned if d.kind == InvoiceKind.INVOICE)
    return n_invoices, len(planned) - n_invoices, len(records), amount_posted


LOOKUP = 2_000
"""Rows per statement (SQLite limits the parameters of one statement)."""
RECORD_FIELDS = (
    "run",
    "person",
    "key",
    "kind",
    "debtor",
    "week_start",
    "week_end",
    "days_start",
    "days_end",
    "amount_pence",
    "income",
    "invoiced",
    "reason",
    "corrects",
    "backdated",
    "description",
    "units",
    "basis",
    "trace",
    "invoice",
    "created_at",
)


def _same(value: Any) -> Any:
    return value


def _adapter(found: Any) -> Callable[[Any], Any]:
    """How one column's values are written, as the field itself would write them (the common
    field types directly: their general path costs more per value than the database does)."""
    ops = connection.ops
    if isinstance(found, models.JSONField):
        return json.dumps
    if isinstance(found, DeflatedJSONField):
        return pack
    if isinstance(found, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(found, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(found, models.DecimalField):
        return partial(
            ops.adapt_decimalfield_value,
            max_digits=found.max_digits,
            decimal_places=found.decimal_places,
        )
    if isinstance(found, models.CharField | models.IntegerField | models.BooleanField):
        return _same
    if isinstance(found, models.ForeignKey) and isinstance(found.target_field, models.IntegerField):
        return _same
    return partial(found.get_db_prep_save, connection=connection)


def _columns(model: type[models.Model], names: Sequence[str]) -> list[Any]:
    return [model._meta.get_field(name) for name in names]


def _prepared(found: Sequence[Any], rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    prepare = [_adapter(f) for f in found]
    return [[adapt(value) for adapt, value in zip(prepare, row, strict=True)] for row in rows]


def _copy(
    cursor: Any, table: str, columns: str, found: Sequence[Any], rows: Any, *, adapted: bool = False
) -> None:
    """PostgreSQL: stream the rows with COPY, several times faster than INSERTs for the same
    rows (values as the fields adapt them; JSON goes as its text)."""
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows if adapted else _prepared(found, rows):
            copy.write_row(row)


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    adapted: bool = False,
) -> None:
    """Insert plain values (foreign keys as ids), without building a model instance per row.

    A run writes several charge records for every person; building a model instance for each
    and the SQL for each batch costs more than the database does. Values are adapted as the
    model's own fields adapt them (JSON written as Django writes it), unless ``adapted`` says
    they already are; the SQL is made from the model's table and column names, never from
    input. Nothing is returned (use ``bulk_create`` where the new ids are needed).
    """
    if not rows:
        return
    found = _columns(model, names)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in found)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            _copy(cursor, table, columns, found, rows, adapted=adapted)
            return
        marks = ", ".join(["%s"] * len(found))
        for start in range(0, len(rows), LOOKUP):
            batch = rows[start : start + LOOKUP]
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                batch if adapted else _prepared(found, batch),
            )


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set ``names`` of each row, by primary key (the last value of each row), without the CASE
    expression with a branch per row for every field that ``bulk_update`` builds.

    On PostgreSQL the new values are copied into a temporary table and set from it in one
    statement; on SQLite one prepared UPDATE runs for every row.
    """
    if not rows:
        return
    found = _columns(model, names)
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    assert meta.pk is not None and meta.pk.column is not None
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            shape = hashlib.sha256(" ".join(names).encode()).hexdigest()[:12]
            changes = quote(f"{meta.db_table}_changes_{shape}")
            kinds = ", ".join(
                f"c{n} {f.db_type(connection)}" for n, f in enumerate([*found, meta.pk])
            )
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {changes} ({kinds})")
            cursor.execute(f"TRUNCATE {changes}")
            values = ", ".join(f"c{n}" for n in range(len(found) + 1))
            _copy(cursor, changes, values, [*found, meta.pk], rows)
            # Its size, so the planner looks each row up by its key rather than reading the table.
            cursor.execute(f"ANALYZE {changes}")
            assignments = ", ".join(f"{quote(f.column)} = c{n}" for n, f in enumerate(found))
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {changes} "  # noqa: S608
                f"WHERE {table}.{pk} = {changes}.c{len(found)}"
            )
            return
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in found)
        for start in range(0, len(rows), LOOKUP):
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                _prepared([*found, meta.pk], rows[start : start + LOOKUP]),
            )
