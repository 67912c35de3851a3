"""Capital under Annex B: shares, the main home, the limits and tariff income (England).

Limits in the test tree: lower £14,250, upper £23,250; £1 a week per £250 or part.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from carecharge.core.assessment.capital import disregard_period_start
from carecharge.core.assessment.contract import assess_json
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.rules import RuleBook

from .conftest import step

Make = Callable[..., dict[str, Any]]
Assess = Callable[..., dict[str, Any]]


def savings(amount: str, **extra: Any) -> dict[str, Any]:
    return {"type": "savings", "amount": amount, **extra}


@pytest.mark.parametrize(
    ("capital", "tariff", "full_cost"),
    [
        ("0.00", "0.00", False),
        ("14250.00", "0.00", False),  # at the lower limit: ignored
        ("14250.01", "1.00", False),  # a penny over: one part step
        ("15000.00", "3.00", False),  # 750 / 250 = 3 (Knowsley)
        ("16500.00", "9.00", False),  # 2,250 / 250 = 9 (Devon)
        ("17050.91", "12.00", False),  # 2,800.91 / 250 = 11.2, up to 12 (Knowsley)
        ("18000.00", "15.00", False),  # 3,750 / 250 = 15 (Bexley)
        ("18450.00", "17.00", False),  # 4,200 / 250 = 16.8, up to 17 (Care Aware)
        ("23250.00", "36.00", False),  # at the upper limit: 9,000 / 250 = 36 (Care Aware)
        ("23250.01", "0.00", True),  # a penny over the upper limit: the full cost
    ],
)
def test_tariff_income_and_the_limits(
    assess: Assess, request_data: Make, capital: str, tariff: str, full_cost: bool
) -> None:
    result = assess(request_data(capital=[savings(capital)]))
    assert result["capital_counted"] == capital
    assert result["tariff_income"] == tariff
    assert result["full_cost"] is full_cost


def test_the_tariff_step_cites_its_rules(assess: Assess, request_data: Make) -> None:
    result = assess(request_data(capital=[savings("18000.00")]))
    found = step(result, "Tariff income")
    assert found["amount"] == "15.00"
    assert "15 steps of £250.00" in found["label"]
    for name in ("tariff_income.step", "tariff_income.amount_per_step", "rounding.tariff_income"):
        assert f"england.charging.{name}" in found["reference"]


@pytest.mark.parametrize(
    ("item", "counted"),
    [
        (savings("50000.00", joint=True), "25000.00"),
        (savings("100.01", joint=True), "50.01"),  # 50.005, half up
        (savings("30000.00", share="0.5"), "15000.00"),
        (savings("100.01", share="0.333"), "33.30"),  # 33.30333
        (savings("100.00", share="1.0"), "100.00"),
        (savings("100.00", share="0"), "0.00"),
        ({"type": "notional", "amount": "5000.00"}, "5000.00"),
        # a quarter of 90,000.00 is 22,500.00, less 10% for the expenses of sale: 20,250.00
        ({"type": "other_property", "amount": "90000.00", "share": "0.25"}, "20250.00"),
    ],
)
def test_the_persons_share_is_counted(
    assess: Assess, request_data: Make, item: dict[str, Any], counted: str
) -> None:
    assert assess(request_data(capital=[item]))["capital_counted"] == counted


def test_notional_capital_cites_deprivation(assess: Assess, request_data: Make) -> None:
    result = assess(request_data(capital=[{"type": "notional", "amount": "5000.00"}]))
    assert "reg 22" in step(result, "Notional capital")["reference"]


HOME = {"type": "main_home", "amount": "240000.00", "share": "1.0"}


def permanent(request_data: Make, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "setting": "residential_permanent",
        "person": {"age": 80},
        "income": [{"type": "state_pension", "weekly": "176.45"}],
        "capital": [HOME],
        "weekly_cost_of_care": "900.00",
    }
    base.update(changes)
    return request_data(**base)


def test_the_home_is_ignored_for_care_at_home_and_temporary_stays(
    assess: Assess, request_data: Make
) -> None:
    for setting in ("non_residential", "residential_temporary"):
        result = assess(request_data(setting=setting, capital=[HOME]))
        assert result["capital_counted"] == "0.00"
        assert result["full_cost"] is False


def test_the_home_counts_for_a_permanent_resident_with_no_disregard(
    assess: Assess, request_data: Make
) -> None:
    result = assess(permanent(request_data))
    # 240,000.00 less 10% for the expenses of sale (reg 20) = 216,000.00
    assert result["capital_counted"] == "216000.00"
    assert result["full_cost"] is True
    assert result["weekly_charge"] == "900.00"
    assert "no first permanent admission date" in step(result, "Main home")["label"]


@pytest.mark.parametrize(
    ("person", "property_", "ignored"),
    [
        ({"age": 80, "has_partner": True, "partner_in_home": True}, {}, True),
        ({"age": 80}, {"occupied_by_qualifying_relative": True}, True),
        ({"age": 80, "has_partner": True}, {}, False),
    ],
)
def test_the_home_with_a_partner_or_relative_living_there(
    assess: Assess,
    request_data: Make,
    person: dict[str, Any],
    property_: dict[str, Any],
    ignored: bool,
) -> None:
    result = assess(permanent(request_data, person=person, property=property_))
    assert result["capital_counted"] == ("0.00" if ignored else "216000.00")  # less 10%


@pytest.mark.parametrize(
    ("as_at", "ignored"),
    [
        ("2025-03-10", True),  # the day of admission
        ("2025-06-01", True),  # the last of the 12 weeks: 10 March + 84 days - 1
        ("2025-06-02", False),  # week 13
    ],
)
def test_the_12_week_property_disregard(
    assess: Assess, request_data: Make, as_at: str, ignored: bool
) -> None:
    result = assess(
        permanent(request_data, as_at=as_at, property={"first_permanent_admission": "2025-03-10"})
    )
    assert result["capital_counted"] == ("0.00" if ignored else "216000.00")  # less 10%
    assert result["full_cost"] is not ignored
    found = step(result, "Main home")
    assert "england.charging.property_disregard_weeks" in found["reference"]
    assert ("2025-06-01" in found["label"]) is True


def test_readmission_within_52_weeks_keeps_only_the_unused_weeks(book: RuleBook) -> None:
    rules = book.as_at(date(2025, 6, 2))
    # First admitted 6 January, left 3 February (28 days used), back 2 June: the period is
    # taken to have started 28 days before 2 June, so 56 days of disregard remain.
    start = disregard_period_start(
        first_admission=date(2025, 1, 6),
        left=date(2025, 2, 3),
        readmitted=date(2025, 6, 2),
        rules=rules,
    )
    assert start == date(2025, 5, 5)
    # All 12 weeks used: nothing remains.
    start = disregard_period_start(
        first_admission=date(2024, 1, 1),
        left=date(2024, 6, 1),
        readmitted=date(2025, 1, 6),
        rules=book.as_at(date(2025, 1, 6)),
    )
    assert start == date(2025, 1, 6) - (date(2024, 3, 25) - date(2024, 1, 1))
    # Back after more than 52 weeks: a fresh 12 weeks.
    start = disregard_period_start(
        first_admission=date(2023, 1, 2),
        left=date(2023, 1, 30),
        readmitted=date(2024, 2, 5),
        rules=book.as_at(date(2024, 2, 5)),
    )
    assert start == date(2024, 2, 5)
    with pytest.raises(ValueError, match="expected"):
        disregard_period_start(
            first_admission=date(2025, 2, 1),
            left=date(2025, 1, 1),
            readmitted=date(2025, 3, 1),
            rules=rules,
        )


def test_council_capital_limits_apply_to_care_at_home_only(
    assess: Assess, request_data: Make
) -> None:
    policy = {"upper_capital_limit": "30000.00", "lower_capital_limit": "20000.00"}
    result = assess(request_data(capital=[savings("25000.00")], policy=policy))
    # 25,000 - 20,000 = 5,000 = 20 steps of 250.
    assert result["tariff_income"] == "20.00"
    assert result["full_cost"] is False
    assert step(result, "Tariff income")["label"].startswith("Tariff income: £5,000.00 above")
    result = assess(
        request_data(setting="residential_permanent", capital=[savings("25000.00")], policy=policy)
    )
    assert result["full_cost"] is True


def test_a_council_limit_below_the_statutory_one_is_refused(
    assess: Assess, request_data: Make
) -> None:
    with pytest.raises(AssessmentInputError) as caught:
        assess(request_data(policy={"upper_capital_limit": "20000.00"}))
    assert caught.value.field == "policy.upper_capital_limit"


def test_override_limits(assess: Assess, request_data: Make, book: RuleBook) -> None:
    result = assess(
        request_data(
            capital=[savings("12000.00")],
            overrides={"lower_capital_limit": "10000.00", "upper_capital_limit": "16000.00"},
        )
    )
    assert result["tariff_income"] == "8.00"  # 2,000 / 250 = 8
    assert step(result, "Tariff income")["label"].startswith("Tariff income: £2,000.00")
    with pytest.raises(AssessmentInputError) as caught:
        assess_json(
            request_data(overrides={"lower_capital_limit": "30000.00"}),
            book,
        )
    assert caught.value.field == "overrides.lower_capital_limit"


def test_property_is_valued_less_ten_per_cent_for_the_expenses_of_sale(
    assess: Assess, request_data: Make
) -> None:
    # 150,000.01 less 10% (15,000.001, rounded half up to 15,000.00) = 135,000.01; savings
    # are counted at face value.
    result = assess(
        request_data(
            capital=[
                {"type": "land", "amount": "150000.01"},
                {"type": "savings", "amount": "1000.00"},
            ]
        )
    )
    assert result["capital_counted"] == "136000.01"
    labels = [step["label"] for step in result["trace"]]
    assert "Land: less 10% for the expenses of selling it" in labels
