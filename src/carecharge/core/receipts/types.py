"""What every reader returns: a statement of lines in pence, or one error naming what is wrong.

A line's identity matters more than anything else on it: the same bank transaction must never
be posted twice, however many files it arrives in. Where the bank gives a transaction id, that
is the identity. Where it does not, the identity is a hash of what the line says plus how many
identical lines came before it in the same file, so that a file imported twice gives the same
ids, and two genuine payments of the same amount with the same reference on the same day stay
two payments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

__all__ = [
    "Channel",
    "Statement",
    "StatementError",
    "StatementLine",
    "finish_lines",
    "located",
]


class StatementError(ValueError):
    """A file is refused as a whole. ``problems`` holds one message per fault found.

    Each message starts with where the fault is (``"line 12 (amount): ..."``) unless it is about
    the file as a whole. ``str(error)`` is the messages one to a line, fit to show an officer.
    """

    def __init__(self, *problems: str) -> None:
        if not problems:
            raise ValueError("a StatementError needs at least one problem")
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def located(line: int | None, field: str | None, message: str) -> str:
    """``"line 4 (amount): message"``; either part is left out when it is ``None``."""
    where = [] if line is None else [f"line {line}"]
    if field is not None:
        where.append(f"({field})")
    return f"{' '.join(where)}: {message}" if where else message


class Channel(StrEnum):
    """How the money reached the council."""

    BANK = "bank"
    """A line on the council's own bank statement (transfer, standing order, Bacs credit...)."""
    POST_OFFICE = "post_office"
    PAYPOINT = "paypoint"
    PAYZONE = "payzone"
    COUNTER = "counter"
    """A counter or cash payment whose outlet the file does not say."""


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One transaction on a statement or counter file.

    ``amount`` is pence, credits (money in) positive, debits negative. ``bank_transaction_id``
    is the id the bank or payment scheme gave the transaction, or ``None`` when the format has
    none; :attr:`transaction_id` is then a stable hash. ``occurrence`` counts identical earlier
    lines without a bank id in the same file (0 for the first). ``line`` is where the
    transaction starts in the file, for messages and the audit trail.
    """

    account: str
    booking_date: date
    value_date: date
    amount: int
    payer: str
    narrative: str
    channel: Channel
    line: int
    bank_transaction_id: str | None = None
    occurrence: int = 0

    @property
    def transaction_id(self) -> str:
        """The bank's id, or ``"h:"`` and a hash of account, date, amount, text and occurrence."""
        if self.bank_transaction_id is not None:
            return self.bank_transaction_id
        fields = (
            self.account,
            self.booking_date.isoformat(),
            str(self.amount),
            self.narrative,
            str(self.occurrence),
        )
        # The unit separator cannot appear in any field read from a file (readers collapse
        # control characters), so two different lines can never join into the same text.
        digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()
        return "h:" + digest[:32]

    def _repeat_key(self) -> tuple[str, date, int, str]:
        return (self.account, self.booking_date, self.amount, self.narrative)


@dataclass(frozen=True, slots=True)
class Statement:
    """A whole file, checked: the account, the period, the balances where given, the lines.

    ``account`` is the bank account as the file names it (or, for a counter file, the
    scheme's client name from the layout). ``opening_balance`` and ``closing_balance`` are
    pence, ``None`` when the format has no balances (CSV without one, counter files).
    """

    format: str
    account: str
    period_start: date | None
    period_end: date | None
    opening_balance: int | None
    closing_balance: int | None
    lines: tuple[StatementLine, ...]

    @property
    def credits(self) -> int:
        """The pence paid in."""
        return sum(line.amount for line in self.lines if line.amount > 0)

    @property
    def debits(self) -> int:
        """The pence paid out, as a positive number."""
        return -sum(line.amount for line in self.lines if line.amount < 0)


def finish_lines(lines: Iterable[StatementLine]) -> tuple[StatementLine, ...]:
    """Number repeated lines and refuse a bank id used twice in one file.

    Readers call this last. A bank id that appears twice would make the second transaction
    look like a re-import of the first and be dropped, so the file is refused instead.
    """
    seen_ids: dict[str, int] = {}
    repeats: dict[tuple[str, date, int, str], int] = {}
    problems: list[str] = []
    finished: list[StatementLine] = []
    for line in lines:
        if line.bank_transaction_id is not None:
            first = seen_ids.get(line.bank_transaction_id)
            seen_ids.setdefault(line.bank_transaction_id, line.line)
            if first is not None:
                problems.append(
                    located(
                        line.line,
                        "transaction id",
                        f"{line.bank_transaction_id} is also the id of the transaction on "
                        f"line {first}; a bank never gives two transactions the same id, so "
                        "the file is damaged or two files were joined",
                    )
                )
            finished.append(line)
            continue
        key = line._repeat_key()
        count = repeats.get(key, 0)
        repeats[key] = count + 1
        finished.append(replace(line, occurrence=count))
    if problems:
        raise StatementError(*problems)
    return tuple(finished)
