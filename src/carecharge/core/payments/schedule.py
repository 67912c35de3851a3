"""Expected income: when a standing order or a payment plan's instalments fall due, and which
were paid. A due instalment is paid by a receipt on the account dated from a few days before
it to a grace period after it, for at least its amount; each receipt pays one instalment, the
earliest it can. An instalment still unpaid after its grace period is missed."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from carecharge.core.money import format_pounds

__all__ = ["Frequency", "Instalment", "Schedule", "ScheduleError", "due_dates", "match_instalments"]

EARLY_DAYS = 3
"""A payment this many days before its due date still counts (banks pay early on holidays)."""


class ScheduleError(ValueError):
    pass


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class Schedule:
    amount_pence: int
    frequency: Frequency
    first_due: date
    last_due: date | None = None

    def __post_init__(self) -> None:
        if isinstance(self.amount_pence, bool) or not isinstance(self.amount_pence, int):
            raise ScheduleError("amount: a whole number of pence")
        if self.amount_pence <= 0:
            raise ScheduleError("amount: the instalment must be more than £0.00")
        if self.last_due is not None and self.last_due < self.first_due:
            raise ScheduleError("last_due: the last instalment is before the first")


def _add_months(day: date, months: int, anchor: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # The 31st in a shorter month falls on its last day; the next month goes back to the 31st.
    return date(year, month, min(anchor, calendar.monthrange(year, month)[1]))


def due_dates(schedule: Schedule, until: date) -> list[date]:
    """Every due date from the first to ``until`` (or the last, if sooner)."""
    end = min(until, schedule.last_due) if schedule.last_due else until
    found: list[date] = []
    step = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14, Frequency.FOUR_WEEKLY: 28}
    n = 0
    while True:
        if schedule.frequency == Frequency.MONTHLY:
            day = _add_months(schedule.first_due, n, schedule.first_due.day)
        else:
            day = schedule.first_due + timedelta(days=step[schedule.frequency] * n)
        if day > end:
            return found
        found.append(day)
        n += 1


@dataclass(frozen=True, slots=True)
class Instalment:
    due: date
    amount_pence: int
    paid_by: str | None
    """The receipt that paid it (its number), or None."""
    missed: bool
    note: str


def match_instalments(
    schedule: Schedule,
    receipts: Sequence[tuple[str, date, int]],
    *,
    as_at: date,
    grace_days: int,
) -> list[Instalment]:
    """Each instalment due by ``as_at`` with the receipt (number, date, pence) that paid it."""
    unused = sorted(receipts, key=lambda r: (r[1], r[0]))
    found: list[Instalment] = []
    for due in due_dates(schedule, as_at):
        window = (due - timedelta(days=EARLY_DAYS), due + timedelta(days=grace_days))
        paid = next(
            (r for r in unused if window[0] <= r[1] <= window[1] and r[2] >= schedule.amount_pence),
            None,
        )
        if paid is not None:
            unused.remove(paid)
            found.append(
                Instalment(
                    due,
                    schedule.amount_pence,
                    paid[0],
                    False,
                    f"Paid by {paid[0]} on {paid[1].isoformat()}",
                )
            )
            continue
        late = as_at > window[1]
        note = (
            f"{format_pounds(schedule.amount_pence)} due {due.isoformat()} not received by "
            f"{window[1].isoformat()}"
            if late
            else f"Due {due.isoformat()}: can still arrive by {window[1].isoformat()}"
        )
        found.append(Instalment(due, schedule.amount_pence, None, late, note))
    return found
