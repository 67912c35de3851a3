"""Exact amounts and the one rounding: agrees with the assessment's rounding on every Decimal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.assessment.figures import round_amount
from carecharge.core.charging.exact import exact, integer_weights, long_date, round_by, shown_units
from carecharge.core.rules import RoundingDirection, RoundingRule

PENNY_HALF_UP = RoundingRule(1, RoundingDirection.HALF_UP)


@given(
    amount=st.decimals(min_value=-(10**7), max_value=10**7, places=3, allow_nan=False),
    base=st.sampled_from([1, 5, 100, 25000]),
    direction=st.sampled_from(list(RoundingDirection)),
)
def test_round_by_matches_round_amount(
    amount: Decimal, base: int, direction: RoundingDirection
) -> None:
    rule = RoundingRule(base, direction)
    assert round_by(Fraction(amount), rule) == round_amount(amount, rule)


def test_sevenths_round_once() -> None:
    # £84.20 for 5 days: 42100/7 = 6014.2857p -> 6014p (not 5 x 1203p = 6015p).
    assert round_by(Fraction(8420 * 5, 7), PENNY_HALF_UP) == 6014
    assert round_by(Fraction(-8420 * 5, 7), PENNY_HALF_UP) == -6014
    assert round_by(Fraction(5, 2), RoundingRule(1, RoundingDirection.HALF_EVEN)) == 2
    assert round_by(Fraction(5, 2), PENNY_HALF_UP) == 3


def test_weights_keep_exact_proportions() -> None:
    assert integer_weights([Fraction(1, 3), Fraction(1, 6), Fraction(0)]) == [2, 1, 0]
    assert integer_weights([]) == []


def test_display_helpers() -> None:
    assert shown_units(Fraction(50, 7)) == Decimal("7.14")
    assert shown_units(Fraction(10)) == Decimal("10.00")
    assert long_date(date(2025, 4, 7)) == "7 April 2025"
    with pytest.raises(TypeError, match="float"):
        exact(1.5)  # type: ignore[arg-type]
