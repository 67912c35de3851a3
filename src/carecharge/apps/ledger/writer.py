"""The INSERT statements behind `operations.post` and `post_many`, without the ORM.

A billing run posts hundreds of thousands of postings; building a Django model instance for
each costs more than the database does. These statements write plain values instead, and
every posting of one transaction goes into the same statement, because on PostgreSQL the
balance trigger checks each INSERT statement as a whole.

Only `operations` calls this, after `core.ledger.check` has passed and the accounts and keys
have been looked up. The SQL is put together from the models' own table and column names
(never from input), and every value goes in as a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Field

from carecharge.core import ledger as core

from .models import LedgerTransaction, Posting

BATCH_POSTINGS = 2_000
"""Postings per INSERT statement; a transaction is never split between two."""
SQLITE_LOOKUP = 500
"""Keys per look-up on SQLite (it limits the parameters in one query)."""


def _table(model: type[LedgerTransaction] | type[Posting]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[LedgerTransaction] | type[Posting], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise LookupError(f"{model.__name__}.{name} is not a column")
    return connection.ops.quote_name(field.column)


def _columns(model: type[LedgerTransaction] | type[Posting], names: Sequence[str]) -> str:
    return ", ".join(_column(model, name) for name in names)


TRANSACTION_FIELDS = (
    "key", "effective_date", "posted_at", "source", "source_id", "description", "posted_by",
)  # fmt: skip
POSTING_FIELDS = ("transaction", "account", "pence", "memo")


def batches(entries: Sequence[core.Transaction]) -> list[list[core.Transaction]]:
    """Whole transactions, grouped so that each group has about `BATCH_POSTINGS` postings."""
    groups: list[list[core.Transaction]] = []
    size = 0
    for entry in entries:
        if not groups or size + len(entry.postings) > BATCH_POSTINGS:
            groups.append([])
            size = 0
        groups[-1].append(entry)
        size += len(entry.postings)
    return groups


def write(
    entries: Sequence[core.Transaction],
    accounts: dict[str, int],
    posted_by_id: int | None,
    posted_at: datetime,
) -> dict[str, int]:
    """Insert the transactions and their postings; return each key's new transaction id."""
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        for batch in batches(entries):
            if connection.vendor == "postgresql":
                new = _postgres_transactions(cursor, batch, posted_by_id, posted_at)
            else:
                new = _sqlite_transactions(cursor, batch, posted_by_id, posted_at)
            rows = [
                (new[entry.key], accounts[line.account], line.pence, line.memo)
                for entry in batch
                for line in entry.postings
            ]
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {_table(Posting)} ({_columns(Posting, POSTING_FIELDS)}) "  # noqa: S608
                    "SELECT * FROM UNNEST(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[])",
                    [list(column) for column in zip(*rows, strict=True)],
                )
            else:
                placeholders = ", ".join(["%s"] * len(POSTING_FIELDS))
                cursor.executemany(
                    f"INSERT INTO {_table(Posting)} ({_columns(Posting, POSTING_FIELDS)}) "  # noqa: S608
                    f"VALUES ({placeholders})",
                    rows,
                )
            ids.update(new)
    return ids


def _postgres_transactions(
    cursor: CursorWrapper,
    batch: list[core.Transaction],
    posted_by_id: int | None,
    posted_at: datetime,
) -> dict[str, int]:
    # Arrays as parameters: one statement and a handful of parameters for the whole batch.
    cursor.execute(
        f"INSERT INTO {_table(LedgerTransaction)} "  # noqa: S608
        f"({_columns(LedgerTransaction, TRANSACTION_FIELDS)}) "
        "SELECT u.k, u.d, %s::timestamptz, u.s, u.i, u.t, %s::bigint "
        "FROM UNNEST(%s::text[], %s::date[], %s::text[], %s::text[], %s::text[]) "
        "AS u(k, d, s, i, t) "
        f"RETURNING {_columns(LedgerTransaction, ['key', 'id'])}",
        [
            posted_at,
            posted_by_id,
            [e.key for e in batch],
            [e.effective_date for e in batch],
            [e.source for e in batch],
            [e.source_id for e in batch],
            [e.description for e in batch],
        ],
    )
    return dict(cursor.fetchall())


def _sqlite_transactions(
    cursor: CursorWrapper,
    batch: list[core.Transaction],
    posted_by_id: int | None,
    posted_at: datetime,
) -> dict[str, int]:
    ops = connection.ops
    when = ops.adapt_datetimefield_value(posted_at)
    placeholders = ", ".join(["%s"] * len(TRANSACTION_FIELDS))
    cursor.executemany(
        f"INSERT INTO {_table(LedgerTransaction)} "  # noqa: S608
        f"({_columns(LedgerTransaction, TRANSACTION_FIELDS)}) VALUES ({placeholders})",
        [
            (
                e.key,
                ops.adapt_datefield_value(e.effective_date),
                when,
                e.source,
                e.source_id,
                e.description,
                posted_by_id,
            )
            for e in batch
        ],
    )
    ids: dict[str, int] = {}
    keys = [e.key for e in batch]
    for start in range(0, len(keys), SQLITE_LOOKUP):
        ids.update(
            LedgerTransaction.objects.filter(key__in=keys[start : start + SQLITE_LOOKUP])
            .values_list("key", "pk")
            .iterator()
        )
    return ids
