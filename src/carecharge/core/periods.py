"""Whole-day date ranges, charging weeks, financial years and ages.

Every range here is **inclusive at both ends**: ``DateRange(date(2025, 4, 7), date(2025, 4, 13))``
is seven days, Monday to Sunday. Dates are passed in; nothing here reads the clock.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = ["DateRange", "age_on", "financial_year", "financial_year_label"]

_ONE_DAY = timedelta(days=1)


def _require_date(value: object, name: str) -> date:
    # datetime is a date subclass; letting a time of day into whole-day arithmetic hides bugs.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date (not a datetime), got {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True)
class DateRange:
    """The whole days from ``start`` to ``end``, both included. ``start`` may equal ``end``."""

    start: date
    end: date

    def __post_init__(self) -> None:
        _require_date(self.start, "start")
        _require_date(self.end, "end")
        if self.start > self.end:
            raise ValueError(
                f"a date range cannot end ({self.end}) before it starts ({self.start})"
            )

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    @property
    def days(self) -> int:
        """How many days the range covers, counting both ends (a one-day range is 1)."""
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        when = _require_date(day, "day")
        return self.start <= when <= self.end

    def overlaps(self, other: DateRange) -> bool:
        """Whether the two ranges share at least one day (ranges that merely touch do not)."""
        return self.start <= other.end and other.start <= self.end

    def intersection(self, other: DateRange) -> DateRange | None:
        """The days in both ranges, or ``None`` if they share none."""
        if not self.overlaps(other):
            return None
        return DateRange(max(self.start, other.start), min(self.end, other.end))

    def iter_days(self) -> Iterator[date]:
        """Each day in the range, in order."""
        day = self.start
        while day <= self.end:
            yield day
            day += _ONE_DAY

    def split_at(self, dates: Iterable[date]) -> list[DateRange]:
        """Cut the range so that each given date inside it starts a new piece.

        Dates outside the range, or equal to ``start`` (which already starts a piece), are ignored,
        as are duplicates; order does not matter. The pieces are in order, contiguous, and cover
        the range exactly.
        """
        cuts = sorted({_require_date(d, "split date") for d in dates})
        pieces: list[DateRange] = []
        start = self.start
        for cut in cuts:
            if start < cut <= self.end:
                pieces.append(DateRange(start, cut - _ONE_DAY))
                start = cut
        pieces.append(DateRange(start, self.end))
        return pieces

    def charging_weeks(self, week_start: int = 0) -> Iterator[DateRange]:
        """The range cut into charging weeks that begin on ``week_start`` (Monday 0 .. Sunday 6).

        The first and last pieces are partial weeks when the range does not start or end on a
        week boundary; every other piece is seven days.
        """
        if isinstance(week_start, bool) or week_start not in range(7):
            raise ValueError(f"week_start must be 0 (Monday) to 6 (Sunday), got {week_start!r}")
        start = self.start
        while start <= self.end:
            days_to_boundary = (week_start - start.weekday()) % 7 or 7
            end = min(self.end, start + timedelta(days=days_to_boundary - 1))
            yield DateRange(start, end)
            start = end + _ONE_DAY


def financial_year(d: date) -> DateRange:
    """The English local authority financial year containing ``d``: 1 April to 31 March."""
    day = _require_date(d, "d")
    first_year = day.year if day.month >= 4 else day.year - 1
    return DateRange(date(first_year, 4, 1), date(first_year + 1, 3, 31))


def financial_year_label(d: date) -> str:
    """The usual name of the financial year containing ``d``, e.g. ``"2025/26"``."""
    first_year = financial_year(d).start.year
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def age_on(date_of_birth: date, on: date) -> int:
    """A person's age in whole years on the date ``on``.

    Someone born on 29 February is treated as having their birthday on **28 February** in years
    that are not leap years, so they turn 18 (or reach pension age) on 28 February. This is a
    deliberate choice: no English statute plainly settles the point and published sources differ
    (some give 1 March), so where an outcome turns on that one day, an officer should confirm it.

    Raises ``ValueError`` if ``on`` is before the date of birth.
    """
    born = _require_date(date_of_birth, "date_of_birth")
    when = _require_date(on, "on")
    if when < born:
        raise ValueError(f"{when} is before the date of birth {born}")
    birthday_month, birthday_day = born.month, born.day
    if (birthday_month, birthday_day) == (2, 29) and not calendar.isleap(when.year):
        birthday_day = 28
    years = when.year - born.year
    if (when.month, when.day) < (birthday_month, birthday_day):
        years -= 1
    return years
