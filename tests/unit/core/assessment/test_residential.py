"""Care homes, permanent and temporary (England).

Test-tree PEA: £30.15 (2024/25), £30.65 (2025/26).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from carecharge.core.assessment.errors import AssessmentInputError

from .conftest import labels, step

Make = Callable[..., dict[str, Any]]
Assess = Callable[..., dict[str, Any]]

PENSIONS = [
    {"type": "state_pension", "weekly": "230.25"},
    {"type": "occupational_pension", "weekly": "40.00"},
    {"type": "private_pension", "weekly": "20.01"},
]


def resident(request_data: Make, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "setting": "residential_permanent",
        "person": {"age": 82},
        "income": PENSIONS,
        "weekly_cost_of_care": "850.00",
    }
    base.update(changes)
    return request_data(**base)


def test_permanent_resident(assess: Assess, request_data: Make) -> None:
    result = assess(resident(request_data))
    # 230.25 + 40.00 + 20.01 = 290.26, less PEA 30.65 = 259.61.
    assert result["total_income"] == "290.26"
    assert result["allowances"]["pea"] == "30.65"
    assert result["allowances"]["mig"] == "0.00"
    assert result["weekly_charge"] == "259.61"
    assert step(result, "Personal expenses allowance")["reference"].startswith(
        "england.charging.personal_expenses_allowance"
    )


def test_pea_is_the_one_in_force_on_the_date(assess: Assess, request_data: Make) -> None:
    result = assess(resident(request_data, as_at="2025-04-06"))
    assert result["allowances"]["pea"] == "30.15"
    result = assess(resident(request_data, as_at="2025-04-07"))
    assert result["allowances"]["pea"] == "30.65"


def test_half_the_pensions_go_to_a_partner_at_home(assess: Assess, request_data: Make) -> None:
    person = {"age": 82, "has_partner": True, "partner_in_home": True}
    result = assess(resident(request_data, person=person))
    # (40.00 + 20.01) / 2 = 30.005 -> 30.01 half up; 290.26 - 30.65 - 30.01 = 229.60.
    assert result["allowances"]["partner_pension_share"] == "30.01"
    assert result["weekly_charge"] == "229.60"
    # Not for a partner who does not live in the home, nor for a temporary resident.
    result = assess(resident(request_data, person={"age": 82, "has_partner": True}))
    assert result["allowances"]["partner_pension_share"] == "0.00"
    result = assess(resident(request_data, person=person, setting="residential_temporary"))
    assert result["allowances"]["partner_pension_share"] == "0.00"


def test_savings_credit_disregard_in_a_care_home(assess: Assess, request_data: Make) -> None:
    income = [*PENSIONS, {"type": "pension_credit_savings_credit", "weekly": "7.25"}]
    result = assess(resident(request_data, as_at="2024-06-03", income=income))
    # 2024/25: 297.51 considered; PEA 30.15; disregard 6.95 (of 7.25): 297.51 - 37.10 = 260.41.
    assert result["allowances"]["savings_credit_disregard"] == "6.95"
    assert result["weekly_charge"] == "260.41"


def test_the_home_fee_caps_the_charge(assess: Assess, request_data: Make) -> None:
    result = assess(resident(request_data, weekly_cost_of_care="200.00"))
    assert result["disposable_income"] == "259.61"
    assert result["weekly_charge"] == "200.00"
    assert result["full_cost"] is False


def test_the_fee_may_be_left_out_unless_the_full_cost_is_due(
    assess: Assess, request_data: Make
) -> None:
    result = assess(resident(request_data, weekly_cost_of_care=None))
    assert result["weekly_cost_of_care"] is None
    assert result["weekly_charge"] == "259.61"
    with pytest.raises(AssessmentInputError) as caught:
        assess(
            resident(
                request_data,
                weekly_cost_of_care=None,
                capital=[{"type": "savings", "amount": "40000.00"}],
            )
        )
    assert caught.value.field == "weekly_cost_of_care"


def test_full_cost(assess: Assess, request_data: Make) -> None:
    result = assess(resident(request_data, capital=[{"type": "savings", "amount": "40000.00"}]))
    assert result["full_cost"] is True
    assert result["weekly_charge"] == "850.00"


def test_a_pea_override_replaces_the_rule(assess: Assess, request_data: Make) -> None:
    result = assess(resident(request_data, overrides={"pea": "144.00"}))
    # 290.26 - 144.00 = 146.26
    assert result["allowances"]["pea"] == "144.00"
    assert result["weekly_charge"] == "146.26"


def test_housing_and_dre_are_not_deducted_for_a_permanent_resident(
    assess: Assess, request_data: Make
) -> None:
    expenses = {
        "housing": [{"type": "council_tax", "weekly": "19.80"}],
        "dre": [{"type": "laundry", "weekly": "4.00"}],
    }
    result = assess(resident(request_data, expenses=expenses))
    assert result["allowances"]["housing"] == "0.00"
    assert result["allowances"]["dre"] == "0.00"
    assert "Housing costs are not deducted for a permanent care-home resident" in labels(result)
    assert "Disability-related expenditure is not deducted in a care home" in labels(result)


def test_temporary_resident(assess: Assess, request_data: Make) -> None:
    result = assess(
        resident(
            request_data,
            setting="residential_temporary",
            capital=[{"type": "main_home", "amount": "230000.00"}],
            expenses={"housing": [{"type": "council_tax", "weekly": "19.80"}]},
            # Statutory for temporary residents, whatever the council's policy for care at home.
            policy={"housing_costs_allowed": False},
        )
    )
    # 290.26 - PEA 30.65 - council tax 19.80 = 239.81; the home is ignored.
    assert result["capital_counted"] == "0.00"
    assert result["allowances"]["housing"] == "19.80"
    assert result["weekly_charge"] == "239.81"
    assert "Annex F" in step(result, "Housing costs allowed")["reference"]


def test_temporary_stay_charged_as_care_at_home(assess: Assess, request_data: Make) -> None:
    result = assess(
        resident(
            request_data,
            setting="residential_temporary",
            person={"age": 76},
            capital=[{"type": "main_home", "amount": "230000.00"}],
            expenses={"housing": [{"type": "council_tax", "weekly": "19.80"}]},
            policy={"temporary_as_non_residential": True},
            overrides={"mig": "232.60"},
        )
    )
    # 290.26 - MIG 232.60 - 19.80 = 37.86; no PEA.
    assert result["allowances"]["pea"] == "0.00"
    assert result["allowances"]["mig"] == "232.60"
    assert result["weekly_charge"] == "37.86"
    assert (
        "reg 8" in step(result, "A temporary care-home stay charged as care at home")["reference"]
    )


def test_a_temporary_stay_as_care_at_home_needs_a_cost(assess: Assess, request_data: Make) -> None:
    with pytest.raises(AssessmentInputError) as caught:
        assess(
            resident(
                request_data,
                setting="residential_temporary",
                weekly_cost_of_care=None,
                policy={"temporary_as_non_residential": True},
            )
        )
    assert caught.value.field == "weekly_cost_of_care"
