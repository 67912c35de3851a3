"""Income under Annex C: each type's treatment, joint items, war pensions, savings credit and
the night-care element.

Test-tree figures (2025/26, from 7 April 2025): MIG single 25+ £112.50; AA higher £110.40, lower
£73.90; savings credit disregard single £7.10 and couple £10.60 (both marked unverified).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from carecharge.core.assessment.income import TREATMENT, Kind
from carecharge.core.assessment.request import RATES, IncomeType

from .conftest import step

Make = Callable[..., dict[str, Any]]
Assess = Callable[..., dict[str, Any]]

DISREGARDED = {
    "dla_mobility",
    "pip_mobility",
    "adp_mobility",
    "armed_forces_independence_payment",
    "war_pension",
    "guaranteed_income_payment",
    "earnings",
    "self_employed_earnings",
    "housing_benefit",
    "council_tax_support",
    "child_benefit",
    "child_tax_credit",
    "winter_fuel_payment",
    "charitable_payment",
}


def test_the_vocabulary_is_the_contracts_and_every_type_has_a_treatment() -> None:
    assert set(TREATMENT) == set(IncomeType)
    assert {t.value for t, (_, kind, _) in TREATMENT.items() if kind is Kind.DISREGARDED} == (
        DISREGARDED
    )


@pytest.mark.parametrize("income_type", [t.value for t in IncomeType if t is not IncomeType.OTHER])
@pytest.mark.parametrize("setting", ["non_residential", "residential_permanent"])
def test_each_type_is_counted_or_disregarded(
    assess: Assess, request_data: Make, income_type: str, setting: str
) -> None:
    item: dict[str, Any] = {"type": income_type, "weekly": "25.00"}
    result = assess(request_data(setting=setting, income=[item]))
    assert result["total_income"] == "25.00"
    if income_type in DISREGARDED:
        assert result["disregarded_income"] == "25.00"
    elif income_type == "war_widows_pension":
        # The first £10.00 of £25.00 is disregarded; £15.00 counts.
        assert result["disregarded_income"] == "10.00"
    else:
        assert result["disregarded_income"] == "0.00"


def test_earnings_are_disregarded_in_a_care_home_too(assess: Assess, request_data: Make) -> None:
    result = assess(
        request_data(
            setting="residential_permanent",
            income=[
                {"type": "state_pension", "weekly": "176.45"},
                {"type": "earnings", "weekly": "50.00"},
            ],
            weekly_cost_of_care="900.00",
        )
    )
    # 176.45 + 50.00 = 226.45 considered; 50.00 disregarded; less PEA 30.65 = 145.80.
    assert result["total_income"] == "226.45"
    assert result["disregarded_income"] == "50.00"
    assert result["weekly_charge"] == "145.80"
    assert "reg 14" in step(result, "Earnings")["reference"]


def test_a_joint_item_counts_half_rounded_half_up(assess: Assess, request_data: Make) -> None:
    result = assess(
        request_data(income=[{"type": "occupational_pension", "weekly": "40.01", "joint": True}])
    )
    # 40.01 / 2 = 20.005, to the penny half up = 20.01.
    assert result["total_income"] == "20.01"
    found = step(result, "Occupational pension: half of the joint £40.01")
    assert found["amount"] == "20.01"
    assert "Annex C para 5" in found["reference"]


def test_war_widows_pension_below_ten_pounds_is_wholly_disregarded(
    assess: Assess, request_data: Make
) -> None:
    result = assess(request_data(income=[{"type": "war_widows_pension", "weekly": "6.00"}]))
    assert result["disregarded_income"] == "6.00"
    assert "england.charging.war_pension_disregard" in step(result, "War Widow")["reference"]


def test_other_income_takes_the_callers_treatment(assess: Assess, request_data: Make) -> None:
    result = assess(
        request_data(
            income=[
                {"type": "other", "treatment": "counted", "weekly": "15.00", "label": "trust"},
                {"type": "other", "treatment": "disregarded", "weekly": "8.00"},
            ]
        )
    )
    assert result["total_income"] == "23.00"
    assert result["disregarded_income"] == "8.00"
    assert step(result, "Other income, trust counted")["amount"] == "15.00"


@pytest.mark.parametrize(
    ("received", "partner", "expected", "label_end"),
    [
        ("12.00", False, "7.10", "(figure not yet verified)"),  # capped at the single £7.10
        ("5.00", False, "5.00", "(figure not yet verified)"),  # less than the cap: all of it
        ("12.00", True, "10.60", "(figure not yet verified)"),  # the couple cap £10.60
    ],
)
@pytest.mark.parametrize("setting", ["non_residential", "residential_permanent"])
def test_savings_credit_disregard_in_every_setting(
    assess: Assess,
    request_data: Make,
    received: str,
    partner: bool,
    expected: str,
    label_end: str,
    setting: str,
) -> None:
    result = assess(
        request_data(
            setting=setting,
            person={"age": 70, "has_partner": partner},
            income=[{"type": "pension_credit_savings_credit", "weekly": received}],
        )
    )
    assert result["allowances"]["savings_credit_disregard"] == expected
    # Not in disregarded_income: it is an allowance, so it is not deducted twice.
    assert result["disregarded_income"] == "0.00"
    assert step(result, "Savings credit disregard")["label"].endswith(label_end)


def test_savings_credit_disregard_override(assess: Assess, request_data: Make) -> None:
    result = assess(
        request_data(
            income=[{"type": "pension_credit_savings_credit", "weekly": "12.00"}],
            overrides={"savings_credit_disregard": "6.95"},
        )
    )
    assert result["allowances"]["savings_credit_disregard"] == "6.95"
    assert step(result, "Savings credit disregard")["reference"].startswith("given as an override")


NIGHT = {"disregard_night_care_element": True}


@pytest.mark.parametrize(
    ("item", "night_care_provided", "policy", "element"),
    [
        # AA higher 110.40 - lower 73.90 = 36.50.
        (
            {"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"},
            False,
            NIGHT,
            "36.50",
        ),
        ({"type": "dla_care", "rate": "highest", "weekly": "110.40"}, False, NIGHT, "36.50"),
        (
            {"type": "pip_daily_living", "rate": "enhanced", "weekly": "110.40"},
            False,
            NIGHT,
            "36.50",
        ),
        (
            {"type": "constant_attendance_allowance", "rate": "higher", "weekly": "90.00"},
            False,
            NIGHT,
            "36.50",
        ),
        (
            {"type": "adp_daily_living", "rate": "enhanced", "weekly": "110.40"},
            False,
            NIGHT,
            "36.50",
        ),
        # Not the top rate, care provided at night, or no such policy: nothing.
        ({"type": "attendance_allowance", "rate": "lower", "weekly": "73.90"}, False, NIGHT, None),
        ({"type": "pip_daily_living", "rate": "standard", "weekly": "73.90"}, False, NIGHT, None),
        ({"type": "attendance_allowance", "weekly": "110.40"}, False, NIGHT, None),
        ({"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"}, True, NIGHT, None),
        ({"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"}, False, {}, None),
        # Never more than the person's share of the benefit: half of 40.00 joint = 20.00.
        (
            {"type": "attendance_allowance", "rate": "higher", "weekly": "40.00", "joint": True},
            False,
            NIGHT,
            "20.00",
        ),
    ],
)
def test_night_care_element(
    assess: Assess,
    request_data: Make,
    item: dict[str, Any],
    night_care_provided: bool,
    policy: dict[str, Any],
    element: str | None,
) -> None:
    result = assess(
        request_data(
            person={"age": 70, "night_care_provided": night_care_provided},
            income=[item],
            policy=policy,
        )
    )
    assert result["disregarded_income"] == (element or "0.00")
    if element:
        found = step(result, "Night-care element")
        assert found["amount"] == element
        assert "england.benefits.attendance_allowance.higher" in found["reference"]


def test_no_night_care_element_in_a_care_home(assess: Assess, request_data: Make) -> None:
    result = assess(
        request_data(
            setting="residential_permanent",
            income=[{"type": "attendance_allowance", "rate": "higher", "weekly": "110.40"}],
            policy=NIGHT,
        )
    )
    assert result["disregarded_income"] == "0.00"


def test_every_rated_benefit_accepts_its_rates(assess: Assess, request_data: Make) -> None:
    for income_type, rates in RATES.items():
        for rate in rates:
            item = {"type": income_type.value, "rate": rate.value, "weekly": "10.00"}
            assert assess(request_data(income=[item]))["total_income"] == "10.00"
