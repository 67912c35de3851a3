"""Care at home: the MIG, housing, DRE, taper, minimum, maximum and the cost of care.

Test-tree MIG from 7 April 2025 (pence a week): single 18-24 8915, single 25+ 11250, single at
pension credit age 23260 (unverified), lone parent 11250 (u), couple member 8840 (u), couple
member at pension credit age 17760 (u), child 10300 (u), disability premium single 4965,
couple member 3540 (u), enhanced disability premium single 2425, carer premium 4590 (u).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from carecharge.core.assessment.errors import AssessmentInputError

from .conftest import labels, step

Make = Callable[..., dict[str, Any]]
Assess = Callable[..., dict[str, Any]]
ESA = {"type": "esa", "weekly": "200.00"}


@pytest.mark.parametrize(
    ("person", "mig", "first_label"),
    [
        ({"age": 40}, "112.50", "Minimum Income Guarantee: single person aged 25 to"),
        ({"age": 24}, "89.15", "Minimum Income Guarantee: single person aged 18 to 24"),
        ({"age": 25}, "112.50", "Minimum Income Guarantee: single person aged 25 to"),
        ({"age": 70}, "232.60", "Minimum Income Guarantee: single person at pension credit age"),
        ({"age": 64, "pension_credit_age": True}, "232.60", "Minimum Income Guarantee: single"),
        ({"age": 70, "pension_credit_age": False}, "112.50", "Minimum Income Guarantee: single"),
        # 112.50 + 2 x 103.00 = 318.50
        (
            {"age": 30, "lone_parent": True, "dependent_children": 2},
            "318.50",
            "Minimum Income Guarantee: lone parent",
        ),
        ({"age": 40, "has_partner": True}, "88.40", "Minimum Income Guarantee: member of a couple"),
        (
            {"age": 70, "has_partner": True},
            "177.60",
            "Minimum Income Guarantee: member of a couple at",
        ),
        # 112.50 + 49.65 + 24.25 + 45.90 = 232.30
        (
            {"age": 40, "premiums": ["carer", "enhanced_disability", "disability"]},
            "232.30",
            "Minimum Income Guarantee: single person aged 25",
        ),
        # 88.40 + 35.40 = 123.80
        ({"age": 40, "has_partner": True, "premiums": ["disability"]}, "123.80", "Minimum Income"),
        # From the date of birth: 1 January 1960 reaches pension credit age on its 66th
        # birthday, 1 January 2026, after 2 June 2025.
        (
            {"date_of_birth": "1960-01-01"},
            "112.50",
            "Minimum Income Guarantee: single person aged 25",
        ),
        ({"date_of_birth": "1959-01-01"}, "232.60", "Minimum Income Guarantee: single person at"),
    ],
)
def test_mig(
    assess: Assess, request_data: Make, person: dict[str, Any], mig: str, first_label: str
) -> None:
    result = assess(request_data(person=person, income=[ESA]))
    assert result["allowances"]["mig"] == mig
    assert labels(result)[0].startswith("Age ")
    assert any(label.startswith(first_label) for label in labels(result))
    assert step(result, "Minimum Income Guarantee")["reference"].startswith(
        "england.charging.minimum_income_guarantee."
    )


def test_unverified_figures_are_marked(assess: Assess, request_data: Make) -> None:
    result = assess(request_data(person={"age": 70}))
    found = step(result, "Minimum Income Guarantee: single person at pension credit age")
    assert found["label"].endswith(" (figure not yet verified)")
    found = step(assess(request_data()), "Minimum Income Guarantee: single person aged 25")
    assert not found["label"].endswith("(figure not yet verified)")


@pytest.mark.parametrize(
    ("policy", "mig"),
    [
        ({"mig_uplift_percent": "10"}, "123.75"),  # 112.50 + 11.25
        ({"mig_uplift_percent": "2.5"}, "115.31"),  # 112.50 + 2.8125 -> 2.81
        ({"mig_uplift_weekly": "5.00"}, "117.50"),
        ({"mig_uplift_percent": "10", "mig_uplift_weekly": "5.00"}, "128.75"),  # % first
    ],
)
def test_council_mig_uplifts(
    assess: Assess, request_data: Make, policy: dict[str, Any], mig: str
) -> None:
    result = assess(request_data(income=[ESA], policy=policy))
    assert result["allowances"]["mig"] == mig
    assert step(result, "Minimum Income Guarantee")["amount"] == "112.50"


def test_a_mig_override_replaces_the_rules_and_the_uplifts(
    assess: Assess, request_data: Make
) -> None:
    result = assess(
        request_data(income=[ESA], overrides={"mig": "160.30"}, policy={"mig_uplift_percent": "10"})
    )
    assert result["allowances"]["mig"] == "160.30"
    found = step(result, "Minimum Income Guarantee given as an override")
    assert found["reference"] == "given as an override with the request"


DRE = {"dre": [{"type": "laundry", "weekly": "6.42"}, {"type": "heating", "weekly": "6.18"}]}


@pytest.mark.parametrize(
    ("policy", "dre"),
    [
        ({}, "12.60"),  # itemised by default: 6.42 + 6.18
        ({"dre_mode": "flat", "dre_flat_weekly": "10.85"}, "10.85"),
        ({"dre_mode": "greater_of", "dre_flat_weekly": "10.85"}, "12.60"),
        ({"dre_mode": "greater_of", "dre_flat_weekly": "17.00"}, "17.00"),
    ],
)
def test_dre_modes(assess: Assess, request_data: Make, policy: dict[str, Any], dre: str) -> None:
    result = assess(request_data(income=[ESA], expenses=DRE, policy=policy))
    assert result["allowances"]["dre"] == dre


def test_a_flat_dre_needs_the_flat_amount(assess: Assess, request_data: Make) -> None:
    with pytest.raises(AssessmentInputError) as caught:
        assess(request_data(policy={"dre_mode": "flat"}))
    assert caught.value.field == "policy.dre_flat_weekly"


HOUSING = {
    "housing": [{"type": "rent", "weekly": "10.00"}, {"type": "council_tax", "weekly": "6.00"}]
}


def test_housing_costs(assess: Assess, request_data: Make) -> None:
    result = assess(request_data(income=[ESA], expenses=HOUSING))
    # 200.00 - 112.50 - 16.00 = 71.50
    assert result["allowances"]["housing"] == "16.00"
    assert result["weekly_charge"] == "71.50"
    result = assess(
        request_data(income=[ESA], expenses=HOUSING, policy={"housing_costs_allowed": False})
    )
    assert result["allowances"]["housing"] == "0.00"
    assert result["weekly_charge"] == "87.50"
    assert "Housing costs not allowed under the council's policy" in labels(result)


@pytest.mark.parametrize(
    ("policy", "weekly", "charge"),
    [
        ({}, "200.00", "87.50"),  # 200.00 - 112.50
        ({"taper_percent": "90"}, "200.05", "78.80"),  # 87.55 x 0.9 = 78.795 -> 78.80 half up
        ({"taper_percent": "0"}, "200.00", "0.00"),
        ({"minimum_weekly_charge": "5.00"}, "117.49", "0.00"),  # 4.99 is below the minimum
        ({"minimum_weekly_charge": "5.00"}, "117.50", "5.00"),  # 5.00 is not below it
        ({"maximum_weekly_charge": "50.00"}, "200.00", "50.00"),
        ({"maximum_weekly_charge": "0.00"}, "200.00", "87.50"),  # 0 means no maximum
        ({}, "100.00", "0.00"),  # below the MIG: disposable income is nil, not negative
        ({}, "500.00", "300.00"),  # 387.50 is more than the cost of care, 300.00
    ],
)
def test_the_charge(
    assess: Assess, request_data: Make, policy: dict[str, Any], weekly: str, charge: str
) -> None:
    result = assess(request_data(income=[{"type": "esa", "weekly": weekly}], policy=policy))
    assert result["weekly_charge"] == charge
    assert result["trace"][-1]["amount"] == charge
    assert result["trace"][-1]["label"].startswith("Weekly charge")


def test_disposable_income_is_never_negative(assess: Assess, request_data: Make) -> None:
    result = assess(request_data(income=[{"type": "esa", "weekly": "50.00"}]))
    assert result["disposable_income"] == "0.00"


def test_minimum_above_maximum_is_refused(assess: Assess, request_data: Make) -> None:
    with pytest.raises(AssessmentInputError) as caught:
        assess(
            request_data(
                policy={"minimum_weekly_charge": "20.00", "maximum_weekly_charge": "10.00"}
            )
        )
    assert caught.value.field == "policy.minimum_weekly_charge"


def test_full_cost_above_the_upper_limit(assess: Assess, request_data: Make) -> None:
    result = assess(
        request_data(
            income=[ESA],
            capital=[{"type": "savings", "amount": "30000.00"}],
            policy={"maximum_weekly_charge": "50.00"},
        )
    )
    assert result["full_cost"] is True
    assert result["light_touch"] is False  # income was itemised
    assert result["weekly_charge"] == "300.00"
    result = assess(request_data(capital=[{"type": "savings", "amount": "30000.00"}]))
    assert result["light_touch"] is True  # the full cost reached by capital alone


def test_knowsley_client_a_2024_25(assess: Assess, request_data: Make) -> None:
    """knowsley-nonres-1: 352.26 - 0 - 12.60 - 111.65 - 160.30 = 67.71."""
    result = assess(
        request_data(
            as_at="2024-06-03",
            person={"age": 22, "premiums": ["disability", "enhanced_disability"]},
            income=[
                {"type": "universal_credit", "weekly": "167.96"},
                {"type": "pip_daily_living", "rate": "enhanced", "weekly": "108.55"},
                {"type": "pip_mobility", "rate": "enhanced", "weekly": "75.75"},
            ],
            expenses={
                "dre": [
                    {"type": "laundry and bedding", "weekly": "6.42"},
                    {"type": "clothing and footwear", "weekly": "6.18"},
                ]
            },
            weekly_cost_of_care="391.95",
            policy={"disregard_night_care_element": True},
            overrides={"mig": "160.30"},
        )
    )
    assert result["total_income"] == "352.26"
    # The night-care element 35.90 = AA higher 108.55 - lower 72.65 (2024/25) + PIP mobility.
    assert step(result, "Night-care element")["amount"] == "35.90"
    assert result["disregarded_income"] == "111.65"
    assert result["allowances"]["dre"] == "12.60"
    assert result["disposable_income"] == "67.71"
    assert result["weekly_charge"] == "67.71"


def test_devon_example_1_2023_24(assess: Assess, request_data: Make) -> None:
    """devon-nonres-1: 354.10 - 26.90 - 17.27 - 28.08 - 171.75 = 110.10."""
    result = assess(
        request_data(
            as_at="2023-06-05",
            person={"age": 37},
            income=[
                {"type": "esa", "weekly": "225.45"},
                {"type": "pip_daily_living", "rate": "enhanced", "weekly": "101.75"},
                {"type": "pip_mobility", "rate": "standard", "weekly": "26.90"},
            ],
            expenses={
                "housing": [
                    {"type": "rent", "weekly": "10.00"},
                    {"type": "council_tax", "weekly": "6.00"},
                    {"type": "insurance", "weekly": "1.27"},
                ],
                "dre": [
                    {"type": "cleaner", "weekly": "20.00"},
                    {"type": "mobile phone", "weekly": "2.31"},
                    {"type": "broadband", "weekly": "5.77"},
                ],
            },
            weekly_cost_of_care="454.00",
            overrides={"mig": "171.75"},
        )
    )
    assert result["total_income"] == "354.10"
    assert result["disregarded_income"] == "26.90"
    assert result["allowances"]["housing"] == "17.27"
    assert result["allowances"]["dre"] == "28.08"
    assert result["weekly_charge"] == "110.10"


def test_the_result_has_every_contract_key(assess: Assess, request_data: Make) -> None:
    result = assess(request_data(income=[ESA]))
    assert list(result) == [
        "weekly_charge",
        "full_cost",
        "light_touch",
        "weekly_cost_of_care",
        "total_income",
        "disregarded_income",
        "tariff_income",
        "capital_counted",
        "allowances",
        "disposable_income",
        "trace",
        "rules",
    ]
    assert result["rules"]["as_at"] == "2025-06-02"
    assert len(result["rules"]["hash"]) == 64
