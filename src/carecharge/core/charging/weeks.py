"""Charging weeks: the council's weeks that overlap a billing window.

A week begins on the weekday the council's ``week_start`` rule gives, read as at that week's
first day. A change to the rule takes effect on its own date: the week running then ends the
day before, and a new week starts on the change date and runs to the next new start day. So
weeks never overlap, cover every day, and the first day of each names its key.
"""

from __future__ import annotations

from datetime import date, timedelta

from carecharge.core.charging.policy import CouncilRules
from carecharge.core.periods import DateRange

_ONE_DAY = timedelta(days=1)


def charging_weeks(rules: CouncilRules, since: date, through: date) -> list[DateRange]:
    """Every whole charging week that has at least one day in ``since..through``."""
    changes = rules.week_start_changes()
    first_day = since - timedelta(days=(since.weekday() - rules.week_start(since)) % 7)
    latest_change = max((day for day in changes if day <= since), default=None)
    if latest_change is not None and latest_change > first_day:
        first_day = latest_change
    weeks: list[DateRange] = []
    start = first_day
    while start <= through:
        to_next_start = (rules.week_start(start) - start.weekday()) % 7 or 7
        end = start + timedelta(days=to_next_start - 1)
        cut = min((day for day in changes if start < day <= end), default=None)
        if cut is not None:
            end = cut - _ONE_DAY
        weeks.append(DateRange(start, end))
        start = end + _ONE_DAY
    return weeks
