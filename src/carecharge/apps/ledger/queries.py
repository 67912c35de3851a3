"""Reading the ledger: balances, the trial balance, the receivables control total, statements.

A balance is always the sum of postings; nothing is stored as a running total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from .models import AccountKind, LedgerAccount, LedgerTransaction, Posting


class TrialBalanceRow(NamedTuple):
    code: str
    name: str
    kind: str
    pence: int
    """Debit positive, credit negative."""


@dataclass(frozen=True, slots=True)
class StatementRow:
    effective_date: date
    posted_at: datetime
    description: str
    source: str
    source_id: str
    memo: str
    debit_pence: int | None
    credit_pence: int | None
    """Shown as a positive amount (the money credited)."""
    balance_pence: int
    """The running balance after this row."""


@dataclass(frozen=True, slots=True)
class Statement:
    account: LedgerAccount
    start: date
    end: date
    opening_pence: int
    """The balance at the end of the day before ``start``."""
    rows: tuple[StatementRow, ...]
    closing_pence: int


def _account(account: LedgerAccount | str) -> LedgerAccount:
    return (
        account if isinstance(account, LedgerAccount) else LedgerAccount.objects.get(code=account)
    )


def _postings(account: LedgerAccount | str) -> QuerySet[Posting]:
    if isinstance(account, LedgerAccount):
        return Posting.objects.filter(account=account)
    return Posting.objects.filter(account__code=account)


def _sum(postings: QuerySet[Posting]) -> int:
    return int(postings.aggregate(total=Sum("pence"))["total"] or 0)


def balance(account: LedgerAccount | str, *, on: date | None = None) -> int:
    """The account's balance in pence (debit positive): every posting, or only those effective
    on or before ``on``. ``account`` is the account or its code."""
    postings = _postings(account)
    if on is not None:
        postings = postings.filter(transaction__effective_date__lte=on)
    return _sum(postings)


def trial_balance(*, on: date | None = None) -> list[TrialBalanceRow]:
    """Every account with its balance, in code order. The balances always sum to zero."""
    effective = Q() if on is None else Q(postings__transaction__effective_date__lte=on)
    rows = (
        LedgerAccount.objects.annotate(pence=Coalesce(Sum("postings__pence", filter=effective), 0))
        .order_by("code")
        .values_list("code", "name", "kind", "pence")
    )
    return [TrialBalanceRow(code, name, kind, int(pence)) for code, name, kind, pence in rows]


def control_total(*, on: date | None = None) -> int:
    """The receivables control total: the sum of every debtor account (what is owed to the
    council). It is reported, never posted to separately."""
    postings = Posting.objects.filter(account__kind=AccountKind.DEBTOR)
    if on is not None:
        postings = postings.filter(transaction__effective_date__lte=on)
    return _sum(postings)


def counts() -> tuple[int, int]:
    """How many transactions and postings the ledger holds."""
    return LedgerTransaction.objects.count(), Posting.objects.count()


def statement(account: LedgerAccount | str, start: date, end: date) -> Statement:
    """The account's movements with effective dates from ``start`` to ``end`` (both included),
    in date order (then the order they were posted), with the opening, running and closing
    balances."""
    if start > end:
        raise ValueError(f"a statement cannot end ({end}) before it starts ({start})")
    found = _account(account)
    opening = balance(found, on=start - timedelta(days=1))
    postings = (
        Posting.objects.filter(
            account=found,
            transaction__effective_date__gte=start,
            transaction__effective_date__lte=end,
        )
        .order_by("transaction__effective_date", "transaction__posted_at", "transaction_id", "pk")
        .values_list(
            "transaction__effective_date",
            "transaction__posted_at",
            "transaction__description",
            "transaction__source",
            "transaction__source_id",
            "memo",
            "pence",
        )
    )
    running = opening
    rows = []
    for effective, posted_at, description, source, source_id, memo, pence in postings:
        running += pence
        rows.append(
            StatementRow(
                effective_date=effective,
                posted_at=posted_at,
                description=description,
                source=source,
                source_id=source_id,
                memo=memo,
                debit_pence=pence if pence > 0 else None,
                credit_pence=-pence if pence < 0 else None,
                balance_pence=running,
            )
        )
    return Statement(found, start, end, opening, tuple(rows), running)
