"""The engine's integer rounding agrees exactly with money.round_decimal for every rule shape."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from carecharge.core.assessment.figures import (
    fraction_of,
    half_of,
    round_amount,
    round_with_money,
)
from carecharge.core.rules import RoundingDirection, RoundingRule

RULES = st.builds(
    RoundingRule,
    base_pence=st.sampled_from([1, 5, 100, 25000, 3]),
    direction=st.sampled_from(list(RoundingDirection)),
)


@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    rule=RULES,
)
def test_round_amount_matches_money(amount: Decimal, rule: RoundingRule) -> None:
    assert round_amount(amount, rule) == round_with_money(amount, rule)


HALF_UP = RoundingRule(base_pence=1, direction=RoundingDirection.HALF_UP)
TARIFF = RoundingRule(base_pence=25000, direction=RoundingDirection.UP)


def test_examples() -> None:
    assert round_amount(Decimal("280091"), TARIFF) == 300000  # £2,800.91 -> £3,000 (12 steps)
    assert round_amount(Decimal("275000"), TARIFF) == 275000  # a whole step stays
    assert half_of(4001, HALF_UP) == 2001  # 20.005 -> 20.01
    assert half_of(4000, HALF_UP) == 2000
    assert fraction_of(8755, Decimal("90"), HALF_UP) == 7880  # 78.795 -> 78.80
    assert fraction_of(11250, Decimal("2.5"), HALF_UP) == 281  # 2.8125 -> 2.81
    assert round_amount(Decimal("-2.5"), HALF_UP) == -3  # ties away from zero
    even = RoundingRule(base_pence=1, direction=RoundingDirection.HALF_EVEN)
    assert round_amount(Decimal("2.5"), even) == 2
    assert round_amount(Decimal("3.5"), even) == 4
