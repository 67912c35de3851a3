"""Wales: one capital limit, minimum income amounts and the maximum charge for care at home.

Test tree: residential limit £50,000, non-residential £24,000, maximum charge £100, care-home MIA
£44.65 (2025/26), non-residential buffer 35%, Pension Credit standard minimum guarantee £227.05
single and £346.65 couple (2025/26).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from carecharge.core.assessment.errors import AssessmentInputError

from .conftest import step

Make = Callable[..., dict[str, Any]]
Assess = Callable[..., dict[str, Any]]


def welsh(request_data: Make, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"jurisdiction": "wales", "person": {"age": 75}}
    base.update(changes)
    return request_data(**base)


def test_minimum_income_amount_at_home(assess: Assess, request_data: Make) -> None:
    result = assess(welsh(request_data, income=[{"type": "state_pension", "weekly": "400.00"}]))
    # 227.05 + 35% (79.4675 -> 79.47) = 306.52; 400.00 - 306.52 = 93.48, under the £100 cap.
    assert result["allowances"]["mig"] == "306.52"
    assert result["weekly_charge"] == "93.48"
    assert (
        "wales.charging.minimum_income_amount_non_residential_buffer"
        in step(result, "Minimum income amount (Wales)")["reference"]
    )


def test_couple_minimum_income_amount(assess: Assess, request_data: Make) -> None:
    result = assess(
        welsh(
            request_data,
            person={"age": 75, "has_partner": True},
            income=[{"type": "state_pension", "weekly": "300.00"}],
        )
    )
    # 346.65 / 2 = 173.325 -> 173.33; + 35% (60.6655 -> 60.67) = 234.00.
    assert result["allowances"]["mig"] == "234.00"


def test_the_maximum_weekly_charge(assess: Assess, request_data: Make) -> None:
    result = assess(welsh(request_data, income=[{"type": "state_pension", "weekly": "500.00"}]))
    assert result["disposable_income"] == "193.48"
    assert result["weekly_charge"] == "100.00"
    assert step(result, "Limited to the statutory maximum")["reference"].startswith(
        "wales.charging.maximum_weekly_charge_non_residential"
    )


@pytest.mark.parametrize(
    ("amount", "full_cost", "charge"),
    [("24000.00", False, "0.00"), ("24000.01", True, "100.00")],
)
def test_single_capital_limit_at_home(
    assess: Assess, request_data: Make, amount: str, full_cost: bool, charge: str
) -> None:
    result = assess(welsh(request_data, capital=[{"type": "savings", "amount": amount}]))
    assert result["full_cost"] is full_cost
    assert result["tariff_income"] == "0.00"  # no tariff band in Wales
    # Even at the full cost, the charge for care at home is capped at £100.
    assert result["weekly_charge"] == charge


def test_care_home_in_wales(assess: Assess, request_data: Make) -> None:
    result = assess(
        welsh(
            request_data,
            setting="residential_permanent",
            income=[{"type": "state_pension", "weekly": "230.25"}],
            capital=[{"type": "savings", "amount": "45000.00"}],
            weekly_cost_of_care="900.00",
        )
    )
    # 45,000 is under the £50,000 residential limit; 230.25 - MIA 44.65 = 185.60.
    assert result["full_cost"] is False
    assert result["allowances"]["pea"] == "44.65"
    assert result["weekly_charge"] == "185.60"


@pytest.mark.parametrize(
    ("person", "words"),
    [
        ({"age": 40}, "below pension credit age"),
        ({"age": 75, "premiums": ["disability"]}, "with premiums"),
        ({"age": 75, "dependent_children": 1}, "with dependent children"),
    ],
)
def test_gaps_in_the_welsh_rules_ask_for_an_override(
    assess: Assess, request_data: Make, person: dict[str, Any], words: str
) -> None:
    with pytest.raises(AssessmentInputError) as caught:
        assess(welsh(request_data, person=person))
    assert caught.value.field == "overrides.mig"
    assert words in caught.value.message
    result = assess(welsh(request_data, person=person, overrides={"mig": "150.00"}))
    assert result["allowances"]["mig"] == "150.00"


def test_wales_has_no_lower_capital_limit(assess: Assess, request_data: Make) -> None:
    with pytest.raises(AssessmentInputError) as caught:
        assess(welsh(request_data, overrides={"lower_capital_limit": "10000.00"}))
    assert caught.value.field == "overrides.lower_capital_limit"
    with pytest.raises(AssessmentInputError) as caught:
        assess(welsh(request_data, policy={"lower_capital_limit": "10000.00"}))
    assert caught.value.field == "policy.lower_capital_limit"
    result = assess(
        welsh(
            request_data,
            capital=[{"type": "savings", "amount": "26000.00"}],
            policy={"upper_capital_limit": "30000.00"},
        )
    )
    assert result["full_cost"] is False
