"""The Bacs processing calendar: which days Bacs works, the 3-day cycle and advance notice.

A Bacs processing day is a Monday to Friday that is not an England & Wales bank holiday. The
bank holidays are data, never code: every function here takes them as a ``frozenset[date]``
(``bank_holidays``) so the answers are deterministic and testable, and
:func:`england_and_wales_bank_holidays` builds that set from the ``holidays`` package. Bacs
publishes its own annual calendar; one-off closures it announces can be added to the set.

The set must cover every year a calculation can reach (this year and next is the safe choice):
a missing year silently counts its bank holidays as processing days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = [
    "ADVANCE_NOTICE_DAYS",
    "BacsCalendarError",
    "BacsCycle",
    "add_processing_days",
    "cycle_for_collection",
    "cycle_for_processing_day",
    "earliest_collection_date",
    "england_and_wales_bank_holidays",
    "is_processing_day",
    "next_processing_day",
    "previous_processing_day",
    "processing_days_between",
]

ADVANCE_NOTICE_DAYS = 10
"""The Direct Debit Guarantee's default advance notice, in working days, unless the sponsoring
bank has agreed a shorter period with the council."""

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class BacsCalendarError(ValueError):
    """A calendar question asked with a date or count the Bacs calendar cannot answer."""


@dataclass(frozen=True, slots=True)
class BacsCycle:
    """The three Bacs days behind one collection.

    ``input_day`` (day 1) is the last day the file can be submitted; ``processing_day`` (day 2)
    is the date written in the Standard 18 file (UHL1); ``entry_day`` (day 3) is when the payer's
    account is debited, the collection date the advance notice promises.
    """

    input_day: date
    processing_day: date
    entry_day: date


def england_and_wales_bank_holidays(years: Iterable[int]) -> frozenset[date]:
    """England & Wales bank holidays for ``years``, from the ``holidays`` package.

    Includes substitute days ("Boxing Day (observed)"). Weekend dates it lists are harmless.
    """
    wanted = sorted(set(years))
    if not wanted:
        raise BacsCalendarError("years: give at least one year of bank holidays")
    # Imported here so the pure calendar functions work without the package installed.
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=wanted)
    return frozenset(found.keys())


def is_processing_day(day: date, *, bank_holidays: frozenset[date]) -> bool:
    """Whether Bacs processes on ``day``: a weekday that is not a bank holiday."""
    _require_date(day, "day")
    return day.weekday() < _SATURDAY and day not in bank_holidays


def next_processing_day(day: date, *, bank_holidays: frozenset[date]) -> date:
    """The first processing day strictly after ``day``."""
    return add_processing_days(day, 1, bank_holidays=bank_holidays)


def previous_processing_day(day: date, *, bank_holidays: frozenset[date]) -> date:
    """The last processing day strictly before ``day``."""
    return add_processing_days(day, -1, bank_holidays=bank_holidays)


def add_processing_days(day: date, n: int, *, bank_holidays: frozenset[date]) -> date:
    """The ``n``-th processing day after ``day`` (before it when ``n`` is negative).

    ``n == 0`` gives ``day`` itself, processing day or not. ``day`` need not be a processing
    day: Saturday plus one is the Monday (or the Tuesday after a bank holiday Monday).
    """
    _require_date(day, "day")
    if isinstance(n, bool) or not isinstance(n, int):
        raise BacsCalendarError(f"n must be a whole number of days, got {n!r}")
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    current = day
    while remaining:
        current += step
        if is_processing_day(current, bank_holidays=bank_holidays):
            remaining -= 1
    return current


def processing_days_between(start: date, end: date, *, bank_holidays: frozenset[date]) -> int:
    """How many processing days fall after ``start`` up to and including ``end``.

    The count that :func:`add_processing_days` moves by: for a processing day ``end``,
    ``add_processing_days(start, processing_days_between(start, end)) == end``. Negative when
    ``end`` is before ``start``.
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end < start:
        # Mirror image: the days after end up to and including start, counted backwards.
        return -_count(end, start, bank_holidays)
    return _count(start, end, bank_holidays)


def earliest_collection_date(
    notice_sent: date,
    notice_days: int = ADVANCE_NOTICE_DAYS,
    *,
    bank_holidays: frozenset[date],
) -> date:
    """The first day a collection may be taken after advance notice sent on ``notice_sent``.

    The Direct Debit Guarantee needs the notice at least ``notice_days`` working days before the
    collection, so the answer is the ``notice_days``-th processing day after the notice went. The
    day the notice is sent does not count; days in the post are the caller's to add (post on
    Monday, allow for delivery, then count from the day it arrives).
    """
    if isinstance(notice_days, bool) or not isinstance(notice_days, int) or notice_days < 1:
        raise BacsCalendarError(
            f"notice_days must be a whole number of working days of at least 1, got {notice_days!r}"
        )
    return add_processing_days(notice_sent, notice_days, bank_holidays=bank_holidays)


def cycle_for_collection(collection: date, *, bank_holidays: frozenset[date]) -> BacsCycle:
    """The input and processing days that make a collection land on ``collection``.

    Refuses a collection date that is not a processing day: no money moves on it.
    """
    _require_date(collection, "collection")
    if not is_processing_day(collection, bank_holidays=bank_holidays):
        raise BacsCalendarError(
            f"collection date {_show(collection)} is not a Bacs processing day "
            f"(weekend or bank holiday)"
        )
    processing = previous_processing_day(collection, bank_holidays=bank_holidays)
    return BacsCycle(
        input_day=previous_processing_day(processing, bank_holidays=bank_holidays),
        processing_day=processing,
        entry_day=collection,
    )


def cycle_for_processing_day(processing: date, *, bank_holidays: frozenset[date]) -> BacsCycle:
    """The cycle around a processing day, such as the one read from a Standard 18 file."""
    _require_date(processing, "processing day")
    if not is_processing_day(processing, bank_holidays=bank_holidays):
        raise BacsCalendarError(
            f"processing day {_show(processing)} is not a Bacs processing day "
            f"(weekend or bank holiday)"
        )
    return BacsCycle(
        input_day=previous_processing_day(processing, bank_holidays=bank_holidays),
        processing_day=processing,
        entry_day=next_processing_day(processing, bank_holidays=bank_holidays),
    )


def _count(start: date, end: date, bank_holidays: frozenset[date]) -> int:
    days = (end - start).days
    return sum(
        is_processing_day(start + timedelta(days=offset), bank_holidays=bank_holidays)
        for offset in range(1, days + 1)
    )


def _require_date(value: object, name: str) -> None:
    # A datetime is a date subclass; letting one through would compare unequal to bank holidays.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise BacsCalendarError(f"{name} must be a date, got {type(value).__name__}")


def _show(day: date) -> str:
    return day.strftime("%a %d %b %Y")
