"""Postings and transactions, and the one check every transaction passes before it is posted.

A posting moves whole pence on one account: a debit is positive, a credit negative. A
transaction is a set of postings that sum to zero, with an idempotency key that makes posting it
a second time a no-op. Pure Python: no Django, no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from carecharge.core.money import format_pounds

__all__ = [
    "ACCOUNT_MAX",
    "DESCRIPTION_MAX",
    "KEY_MAX",
    "MEMO_MAX",
    "SOURCE_ID_MAX",
    "SOURCE_MAX",
    "LedgerError",
    "Posting",
    "Transaction",
    "check",
]

# The database columns are this wide; the check refuses anything longer so that a write never
# fails half-way with a database error instead of a message.
KEY_MAX = 200
ACCOUNT_MAX = 60
SOURCE_MAX = 40
SOURCE_ID_MAX = 100
DESCRIPTION_MAX = 300
MEMO_MAX = 200


class LedgerError(ValueError):
    """A transaction cannot be posted. The message is fit to show a council officer."""


def _require_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, got {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a transaction: ``pence`` on the account with code ``account``.

    Debit positive, credit negative. ``pence`` must be an ``int``: a ``bool`` or a ``float``
    is always a bug (a float loses pennies), so it is refused when the posting is made.
    """

    account: str
    pence: int
    memo: str = ""

    def __post_init__(self) -> None:
        _require_text(self.account, "account")
        _require_text(self.memo, "memo")
        if isinstance(self.pence, bool) or not isinstance(self.pence, int):
            raise TypeError(f"pence must be a whole number (int), got {type(self.pence).__name__}")
        if self.pence == 0:
            raise LedgerError(f"A posting to {self.account or 'an account'} is for £0.00")

    def reversed(self) -> Posting:
        """The same line the other way round (a debit becomes a credit)."""
        return Posting(self.account, -self.pence, self.memo)


@dataclass(frozen=True, slots=True)
class Transaction:
    """A balanced set of postings, identified by its idempotency ``key``.

    ``key`` is stable across runs (a billing run that is resumed or run twice builds the same
    key for the same money, so it is posted once); ``source`` says what made it (``"billing"``,
    ``"receipt"``, ``"write_off"``, ...) and ``source_id`` which record.
    """

    key: str
    effective_date: date
    source: str
    source_id: str
    description: str
    postings: tuple[Posting, ...]

    def __post_init__(self) -> None:
        for name in ("key", "source", "source_id", "description"):
            _require_text(getattr(self, name), name)
        # datetime is a date subclass; a time of day in an effective date hides a bug.
        if isinstance(self.effective_date, datetime) or not isinstance(self.effective_date, date):
            raise TypeError(
                f"effective_date must be a date, got {type(self.effective_date).__name__}"
            )
        postings = tuple(self.postings)
        for posting in postings:
            if not isinstance(posting, Posting):
                raise TypeError(f"postings must be Posting, got {type(posting).__name__}")
        object.__setattr__(self, "postings", postings)

    @property
    def total_pence(self) -> int:
        """The sum of the debits (equal to the credits' when it balances)."""
        return sum(p.pence for p in self.postings if p.pence > 0)

    @property
    def accounts(self) -> frozenset[str]:
        return frozenset(p.account for p in self.postings)


def _too_long(value: str, limit: int) -> bool:
    return len(value) > limit


def check(transaction: Transaction) -> None:
    """Refuse, with a message naming what is wrong, a transaction that must not be posted.

    A transaction passes when it has a key (at most 200 characters), a source and a
    description, at least two postings, none on an account without a code, and its postings sum
    to zero. (A posting of zero pence is refused when the `Posting` is made.)
    """
    if not isinstance(transaction, Transaction):
        raise TypeError(f"expected a Transaction, got {type(transaction).__name__}")
    key = transaction.key
    named = f"Transaction {key!r}" if key.strip() else "A transaction"
    if not key.strip():
        raise LedgerError("A transaction has no idempotency key")
    if _too_long(key, KEY_MAX):
        raise LedgerError(f"{named[:60]}...: the key is longer than {KEY_MAX} characters")
    if not transaction.source.strip():
        raise LedgerError(f"{named} has no source")
    if _too_long(transaction.source, SOURCE_MAX):
        raise LedgerError(f"{named}: the source is longer than {SOURCE_MAX} characters")
    if _too_long(transaction.source_id, SOURCE_ID_MAX):
        raise LedgerError(f"{named}: the source id is longer than {SOURCE_ID_MAX} characters")
    if not transaction.description.strip():
        raise LedgerError(f"{named} has no description")
    if _too_long(transaction.description, DESCRIPTION_MAX):
        raise LedgerError(f"{named}: the description is longer than {DESCRIPTION_MAX} characters")
    postings = transaction.postings
    if len(postings) < 2:
        raise LedgerError(f"{named} has {len(postings)} posting(s); it needs at least two")
    for number, posting in enumerate(postings, start=1):
        if not posting.account.strip():
            raise LedgerError(f"{named}, line {number}: no account code")
        if _too_long(posting.account, ACCOUNT_MAX):
            raise LedgerError(
                f"{named}, line {number}: the account code is longer than {ACCOUNT_MAX} characters"
            )
        if _too_long(posting.memo, MEMO_MAX):
            raise LedgerError(
                f"{named}, line {number}: the memo is longer than {MEMO_MAX} characters"
            )
    total = sum(p.pence for p in postings)
    if total:
        side = "debits" if total > 0 else "credits"
        raise LedgerError(
            f"{named} does not balance: the {side} are {format_pounds(abs(total))} more"
        )
