"""Building transactions the way the billing, payments and recovery code need them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from carecharge.core.ledger.entries import LedgerError, Posting, Transaction

__all__ = ["Line", "balances", "compound", "reversal", "transfer"]

Line = tuple[str, int] | tuple[str, int, str]
"""``(account, pence)`` or ``(account, pence, memo)`` with ``pence`` positive."""


def _positive(pence: object, what: str) -> int:
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise TypeError(f"{what} must be a whole number of pence (int), got {type(pence).__name__}")
    if pence <= 0:
        raise LedgerError(f"{what} must be more than £0.00")
    return pence


def _posting(line: Line, sign: int, what: str) -> Posting:
    account, pence = line[0], line[1]
    memo = line[2] if len(line) == 3 else ""
    return Posting(account, sign * _positive(pence, f"{what} to {account}"), memo)


def compound(
    key: str,
    *,
    effective_date: date,
    source: str,
    source_id: str = "",
    description: str,
    debits: Sequence[Line],
    credits: Sequence[Line],
) -> Transaction:
    """A transaction from its debit and credit lines, every amount given as a positive number.

    An invoice is one debit to the debtor and a credit to each income code it is earned in::

        compound("invoice:INV-000123", effective_date=date(2026, 4, 12), source="billing",
                 source_id="run:7", description="Invoice INV-000123",
                 debits=[("D-00000018", 4500)], credits=[("I-ASC100/9001", 4500)])

    The result is not checked: pass it to :func:`~carecharge.core.ledger.check` (posting does).
    """
    postings = [_posting(line, 1, "a debit") for line in debits]
    postings += [_posting(line, -1, "a credit") for line in credits]
    return Transaction(key, effective_date, source, source_id, description, tuple(postings))


def transfer(
    key: str,
    *,
    effective_date: date,
    source: str,
    source_id: str = "",
    description: str,
    debit: str,
    credit: str,
    pence: int,
    memo: str = "",
) -> Transaction:
    """A two-line transaction moving ``pence`` (positive) from ``credit`` to ``debit``.

    A receipt is ``transfer(..., debit="BANK", credit="D-00000018", pence=2000)``.
    """
    if debit == credit:
        raise LedgerError(f"A transfer from {debit} to itself moves nothing")
    return compound(
        key,
        effective_date=effective_date,
        source=source,
        source_id=source_id,
        description=description,
        debits=[(debit, pence, memo)],
        credits=[(credit, pence, memo)],
    )


def reversal(
    original: Transaction,
    *,
    key: str,
    effective_date: date,
    source: str | None = None,
    source_id: str | None = None,
    description: str,
) -> Transaction:
    """The transaction that undoes ``original``: every posting negated, under a new key.

    Posted transactions are never changed; a mistake is corrected by posting its reversal (and
    then the right transaction). The reversal keeps the original's source unless told otherwise.
    """
    if key == original.key:
        raise LedgerError(f"A reversal needs its own key, not {key!r} again")
    return Transaction(
        key,
        effective_date,
        original.source if source is None else source,
        original.source_id if source_id is None else source_id,
        description,
        tuple(p.reversed() for p in original.postings),
    )


def balances(postings: Iterable[Posting]) -> dict[str, int]:
    """The balance of every account the postings touch (debit positive), in first-seen order.

    An account whose postings cancel out is kept with a balance of 0: it was touched.
    """
    totals: dict[str, int] = {}
    for posting in postings:
        totals[posting.account] = totals.get(posting.account, 0) + posting.pence
    return totals
