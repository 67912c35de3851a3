"""Planned units for a charging week and the tolerance check on a provider's actual units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.importing.actuals_plan import check_against_plan, days_running

TEN = Decimal(10)


@pytest.mark.parametrize(
    ("line_start", "line_end", "days"),
    [
        (date(2025, 4, 7), None, 7),  # runs all week
        (date(2025, 3, 1), date(2025, 4, 13), 7),  # ends on the Sunday
        (date(2025, 4, 10), None, 4),  # starts on the Thursday
        (date(2025, 3, 1), date(2025, 4, 8), 2),  # ends on the Tuesday
        (date(2025, 4, 9), date(2025, 4, 9), 1),  # one day
        (date(2025, 4, 14), None, 0),  # starts the next week
    ],
)
def test_days_the_line_runs_in_the_week(line_start: date, line_end: date | None, days: int) -> None:
    assert days_running(date(2025, 4, 7), line_start, line_end) == days


def test_exactly_on_the_plan() -> None:
    check = check_against_plan(TEN, units_per_week=TEN, days=7, tolerance_percent=TEN)
    assert (check.planned_units, check.variance_percent, check.within_tolerance) == (
        Decimal("10.00"),
        Decimal("0.00"),
        True,
    )


@pytest.mark.parametrize(
    ("units", "variance", "within"),
    [
        ("11", "10.00", True),  # exactly the tolerance over: accepted
        ("9", "-10.00", True),  # exactly the tolerance under: accepted
        ("11.01", "10.10", False),
        ("8.99", "-10.10", False),
        ("0", "-100.00", False),  # nothing delivered
        ("14", "40.00", False),
    ],
)
def test_either_way_more_than_the_tolerance_is_held(
    units: str, variance: str, within: bool
) -> None:
    check = check_against_plan(Decimal(units), units_per_week=TEN, days=7, tolerance_percent=TEN)
    assert (check.variance_percent, check.within_tolerance) == (Decimal(variance), within)


def test_a_part_week_is_planned_pro_rata_and_decided_exactly() -> None:
    # 10 a week over 3 days: 30/7 = 4.2857...; shown as 4.29.
    check = check_against_plan(Decimal("4.71"), units_per_week=TEN, days=3, tolerance_percent=TEN)
    assert check.planned_units == Decimal("4.29")
    # 4.71 is 9.9% over the exact plan: within, although 4.71 is 9.79% over the shown 4.29...
    assert check.within_tolerance
    assert check.variance_percent == Decimal("9.90")
    # ...and 4.72 is 10.13% over: held.
    held = check_against_plan(Decimal("4.72"), units_per_week=TEN, days=3, tolerance_percent=TEN)
    assert (held.variance_percent, held.within_tolerance) == (Decimal("10.13"), False)


def test_a_line_that_does_not_run_that_week_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 7 days"):
        check_against_plan(TEN, units_per_week=TEN, days=0, tolerance_percent=TEN)
    with pytest.raises(ValueError, match="more than 0"):
        check_against_plan(TEN, units_per_week=Decimal(0), days=7, tolerance_percent=TEN)


units = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)
plans = st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2, allow_nan=False)
tolerances = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)


@given(units, plans, st.integers(min_value=1, max_value=7), tolerances)
def test_held_exactly_when_the_exact_difference_is_over_the_tolerance(
    actual: Decimal, per_week: Decimal, days: int, tolerance: Decimal
) -> None:
    planned = Fraction(per_week) * days / 7
    exact_percent = abs(Fraction(actual) - planned) * 100 / planned
    check = check_against_plan(
        actual, units_per_week=per_week, days=days, tolerance_percent=tolerance
    )
    assert check.within_tolerance == (exact_percent <= Fraction(tolerance))
    # The shown figures are the exact ones rounded to the penny (half up), never more.
    assert abs(Fraction(check.planned_units) - planned) <= Fraction(1, 200)
    signed = (Fraction(actual) - planned) * 100 / planned
    assert abs(Fraction(check.variance_percent) - signed) <= Fraction(1, 200)
