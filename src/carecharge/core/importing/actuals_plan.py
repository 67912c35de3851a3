"""Comparing a provider's actual units with what was planned for the week.

The planned units for a week are the line's units a week times the days the line runs in that
week, over 7. An actual further from the plan than the council's tolerance (either way) is held
for an officer. The comparison is exact (no rounding): the figures kept for display are
rounded separately and never feed back into the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

from carecharge.core.periods import DateRange

DAYS_IN_WEEK = 7
# Planned units and the variance are shown to two places; this is display only.
_SHOWN = Decimal("0.01")
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class PlanCheck:
    planned_units: Decimal
    """Rounded to 2 places, for display."""
    variance_percent: Decimal
    """(actual - planned) / planned x 100, rounded to 2 places, for display."""
    within_tolerance: bool
    """Decided on the exact figures."""


def days_running(week_start: date, line_start: date, line_end: date | None) -> int:
    """How many days of the charging week starting ``week_start`` the line runs."""
    week = DateRange(week_start, week_start + timedelta(days=DAYS_IN_WEEK - 1))
    line = DateRange(line_start, line_end or date.max)
    shared = week.intersection(line)
    return shared.days if shared is not None else 0


def check_against_plan(
    units: Decimal, *, units_per_week: Decimal, days: int, tolerance_percent: Decimal
) -> PlanCheck:
    """Whether ``units`` delivered is within ``tolerance_percent`` of the plan for ``days``.

    ``days`` (1 to 7) is how many days of the week the line runs; ``units_per_week`` is more
    than 0, so the plan is too.
    """
    if not 1 <= days <= DAYS_IN_WEEK:
        raise ValueError(f"a line runs 1 to 7 days of a week, not {days}")
    if units_per_week <= 0:
        raise ValueError("units_per_week must be more than 0")
    # Scaled by 7 so that everything stays exact: planned = units_per_week x days / 7.
    planned_x7 = units_per_week * days
    difference_x7 = units * DAYS_IN_WEEK - planned_x7
    within = abs(difference_x7) * _HUNDRED <= tolerance_percent * planned_x7
    with localcontext() as context:
        context.prec = 34
        planned = (planned_x7 / DAYS_IN_WEEK).quantize(_SHOWN, rounding=ROUND_HALF_UP)
        variance = (difference_x7 * _HUNDRED / planned_x7).quantize(_SHOWN, rounding=ROUND_HALF_UP)
    return PlanCheck(planned_units=planned, variance_percent=variance, within_tolerance=within)
