"""The citizen's estimate: answers into contract requests (pure; no Django, no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carecharge.core.assessment import AssessmentInputError, parse_request
from carecharge.core.assessment.contract import Assessor
from carecharge.core.assessment.request import Setting
from carecharge.core.estimate import (
    UNKNOWN_COST,
    Amount,
    Answers,
    DisabilityBenefit,
    EstimateFigures,
    Frequency,
    HousingQuestion,
    IncomeQuestion,
    figures_from_rules,
    premiums,
    requests,
    to_request,
    weekly,
)
from carecharge.core.rules import RoundingDirection, RoundingRule, RuleBook, load_rules

RULES = Path(__file__).resolve().parents[3] / "rules"
DAY = date(2026, 6, 1)
HALF_UP = RoundingRule(base_pence=1, direction=RoundingDirection.HALF_UP)
FIGURES = EstimateFigures(
    benefit_rates={
        DisabilityBenefit.AA_HIGHER: 11460,
        DisabilityBenefit.AA_LOWER: 7670,
        DisabilityBenefit.DLA_CARE_HIGHEST: 11460,
        DisabilityBenefit.DLA_CARE_MIDDLE: 7670,
        DisabilityBenefit.DLA_CARE_LOWEST: 3030,
        DisabilityBenefit.PIP_DAILY_LIVING_ENHANCED: 11460,
        DisabilityBenefit.PIP_DAILY_LIVING_STANDARD: 7670,
    },
    weekly_rounding=HALF_UP,
)


@pytest.fixture(scope="module")
def real_rules() -> RuleBook:
    return load_rules(RULES)


PENSIONER = date(1950, 3, 1)  # 76 on DAY: at pension credit age
WORKING_AGE = date(1990, 5, 15)  # 36 on DAY


@pytest.mark.parametrize(
    ("pence", "per", "expected"),
    [
        (23025, Frequency.WEEK, 23025),
        (20000, Frequency.TWO_WEEKS, 10000),
        (20001, Frequency.TWO_WEEKS, 10001),  # 100.005 rounds half up
        (92100, Frequency.FOUR_WEEKS, 23025),
        (43333, Frequency.MONTH, 10000),  # 433.33 × 12 ÷ 52 = 99.9992
        (20000, Frequency.MONTH, 4615),  # 200 × 12 ÷ 52 = 46.1538
        (156000, Frequency.YEAR, 3000),
        (26, Frequency.YEAR, 1),  # half a penny rounds up
        (25, Frequency.YEAR, 0),
        (0, Frequency.MONTH, 0),
    ],
)
def test_weekly_amounts(pence: int, per: Frequency, expected: int) -> None:
    assert weekly(Amount(pence, per), HALF_UP) == expected


def test_a_rounding_rule_that_rounds_down_is_followed() -> None:
    down = RoundingRule(base_pence=1, direction=RoundingDirection.DOWN)
    assert weekly(Amount(43333, Frequency.MONTH), down) == 9999


def at_home(**given: object) -> Answers:
    return Answers(setting=Setting.NON_RESIDENTIAL, date_of_birth=WORKING_AGE, **given)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (at_home(), []),
        (at_home(disability_benefit=DisabilityBenefit.AA_LOWER), ["disability"]),
        (at_home(disability_benefit=DisabilityBenefit.DLA_CARE_MIDDLE), ["disability"]),
        (
            at_home(disability_benefit=DisabilityBenefit.DLA_CARE_HIGHEST),
            ["disability", "enhanced_disability"],
        ),
        (
            at_home(disability_benefit=DisabilityBenefit.PIP_DAILY_LIVING_ENHANCED),
            ["disability", "enhanced_disability"],
        ),
        (at_home(mobility_component=True), ["disability"]),
        (at_home(sight_impaired=True), ["disability"]),
        (at_home(income={IncomeQuestion.CARERS_ALLOWANCE: Amount(8390)}), ["carer"]),
        (at_home(income={IncomeQuestion.CARERS_ALLOWANCE: Amount(0)}), []),
    ],
)
def test_premiums_below_pension_age(answers: Answers, expected: list[str]) -> None:
    assert premiums(answers, pension_age=False) == expected


def test_no_premiums_at_pension_age() -> None:
    answers = at_home(
        disability_benefit=DisabilityBenefit.DLA_CARE_HIGHEST,
        sight_impaired=True,
        income={IncomeQuestion.CARERS_ALLOWANCE: Amount(8390)},
    )
    assert premiums(answers, pension_age=True) == []


def test_care_at_home_request() -> None:
    answers = Answers(
        setting=Setting.NON_RESIDENTIAL,
        date_of_birth=PENSIONER,
        income={
            IncomeQuestion.STATE_PENSION: Amount(23025),
            IncomeQuestion.PENSIONS: Amount(43333, Frequency.MONTH),
            IncomeQuestion.OTHER_BENEFITS: Amount(1000),
            IncomeQuestion.OTHER_INCOME: Amount(5200, Frequency.YEAR),
            IncomeQuestion.ESA: Amount(0),
        },
        disability_benefit=DisabilityBenefit.AA_HIGHER,
        night_care=True,
        savings=2_000_000,
        savings_joint=300_000,
        other_property=5_000_000,
        housing={
            HousingQuestion.COUNCIL_TAX: Amount(156000, Frequency.YEAR),
            HousingQuestion.RENT: Amount(0),
        },
        extra_costs=1500,
        care_cost=25000,
        # Not asked for care at home, so ignored.
        home_value=30_000_000,
        partner_at_home=True,
    )
    (only,) = requests(answers, as_at=DAY, figures=FIGURES)
    assert only.key == "estimate"
    assert only.request == {
        "as_at": "2026-06-01",
        "jurisdiction": "england",
        "setting": "non_residential",
        "person": {
            "has_partner": False,
            "date_of_birth": "1950-03-01",
            "dependent_children": 0,
            "lone_parent": False,
            "premiums": [],
            "night_care_provided": True,
        },
        "income": [
            {"type": "state_pension", "weekly": "230.25"},
            {"type": "other", "weekly": "10.00", "label": "other benefits", "treatment": "counted"},
            {
                "type": "occupational_pension",
                "weekly": "100.00",
                "label": "work and private pensions",
            },
            {"type": "other", "weekly": "1.00", "treatment": "counted"},
            {"type": "attendance_allowance", "rate": "higher", "weekly": "114.60"},
        ],
        "capital": [
            {"type": "savings", "amount": "20000.00"},
            {"type": "savings", "amount": "3000.00", "joint": True},
            {"type": "other_property", "amount": "50000.00"},
        ],
        "weekly_cost_of_care": "250.00",
        "expenses": {
            "housing": [{"type": "council_tax", "weekly": "30.00"}],
            "dre": [
                {"type": "the extra costs of your disability you told us about", "weekly": "15.00"}
            ],
        },
    }
    parse_request(only.request)


def test_a_lone_parent_below_pension_age_with_premiums_and_an_unknown_cost() -> None:
    answers = at_home(
        children=2,
        income={IncomeQuestion.CARERS_ALLOWANCE: Amount(8390)},
        disability_benefit=DisabilityBenefit.PIP_DAILY_LIVING_STANDARD,
    )
    request = to_request(answers, as_at=DAY, figures=FIGURES)
    assert request["person"] == {
        "has_partner": False,
        "date_of_birth": "1990-05-15",
        "dependent_children": 2,
        "lone_parent": True,
        "premiums": ["disability", "carer"],
        "night_care_provided": False,
    }
    assert request["weekly_cost_of_care"] == "10000000.00" == f"{UNKNOWN_COST // 100}.00"
    assert "expenses" not in request and request["capital"] == []
    parse_request(request)


def test_a_couple_is_never_a_lone_parent() -> None:
    request = to_request(at_home(children=1, has_partner=True), as_at=DAY, figures=FIGURES)
    assert request["person"]["lone_parent"] is False
    assert request["person"]["has_partner"] is True


def test_only_an_age() -> None:
    answers = Answers(setting=Setting.NON_RESIDENTIAL, age=80)
    request = to_request(answers, as_at=DAY, figures=FIGURES)
    assert request["person"]["age"] == 80 and "date_of_birth" not in request["person"]
    ambiguous = Answers(setting=Setting.NON_RESIDENTIAL, age=66)
    with pytest.raises(AssessmentInputError) as raised:
        to_request(ambiguous, as_at=DAY, figures=FIGURES)
    assert raised.value.field == "person.age"


def test_a_permanent_care_home_whose_home_counts_after_12_weeks() -> None:
    answers = Answers(
        setting=Setting.RESIDENTIAL_PERMANENT,
        date_of_birth=date(1940, 1, 10),
        income={IncomeQuestion.STATE_PENSION: Amount(18490)},
        disability_benefit=DisabilityBenefit.AA_LOWER,
        savings=1_000_000,
        home_value=18_000_000,
        housing={HousingQuestion.RENT: Amount(10000)},  # not asked in a care home: ignored
        extra_costs=1000,  # care at home only: ignored
        children=1,  # care at home only: ignored
        care_cost=90000,
    )
    first, after = requests(answers, as_at=DAY, figures=FIGURES)
    assert (first.key, after.key) == ("first_12_weeks", "after_12_weeks")
    assert first.request == {
        "as_at": "2026-06-01",
        "jurisdiction": "england",
        "setting": "residential_permanent",
        "person": {"has_partner": False, "date_of_birth": "1940-01-10", "partner_in_home": False},
        "income": [
            {"type": "state_pension", "weekly": "184.90"},
            {"type": "attendance_allowance", "rate": "lower", "weekly": "76.70"},
        ],
        "capital": [
            {"type": "savings", "amount": "10000.00"},
            {"type": "main_home", "amount": "180000.00"},
        ],
        "weekly_cost_of_care": "900.00",
        "property": {
            "first_permanent_admission": "2026-06-01",
            "occupied_by_qualifying_relative": False,
        },
    }
    assert after.request == {
        **first.request,
        "property": {"first_permanent_admission": None, "occupied_by_qualifying_relative": False},
    }
    for scenario in (first, after):
        parse_request(scenario.request)


@pytest.mark.parametrize(
    "given",
    [
        {"has_partner": True, "partner_at_home": True},
        {"relative_at_home": True},
        {"home_value": None},
        {"home_value": 0},
    ],
)
def test_one_request_when_the_home_never_counts(given: dict[str, object]) -> None:
    answers = Answers(
        setting=Setting.RESIDENTIAL_PERMANENT,
        date_of_birth=PENSIONER,
        **{"home_value": 25_000_000, "home_joint": True, **given},  # type: ignore[arg-type]
    )
    (only,) = requests(answers, as_at=DAY, figures=FIGURES)
    assert only.request["property"]["first_permanent_admission"] is None
    assert only.request["person"]["partner_in_home"] is bool(given.get("partner_at_home"))
    if given.get("home_value", 1):
        assert {"type": "main_home", "amount": "250000.00", "joint": True} in only.request[
            "capital"
        ]


def test_a_partner_at_home_needs_a_partner() -> None:
    answers = Answers(
        setting=Setting.RESIDENTIAL_PERMANENT,
        date_of_birth=PENSIONER,
        partner_at_home=True,
        home_value=10_000_000,
    )
    first, _ = requests(answers, as_at=DAY, figures=FIGURES)
    assert first.request["person"]["partner_in_home"] is False


def test_a_short_stay_keeps_housing_costs_and_never_counts_the_home() -> None:
    answers = Answers(
        setting=Setting.RESIDENTIAL_TEMPORARY,
        date_of_birth=PENSIONER,
        income={IncomeQuestion.PENSION_CREDIT_SAVINGS: Amount(1000)},
        housing={HousingQuestion.RENT: Amount(34667, Frequency.MONTH)},
        home_value=20_000_000,
        extra_costs=500,
    )
    request = to_request(answers, as_at=DAY, figures=FIGURES)
    assert request["person"] == {"has_partner": False, "date_of_birth": "1950-03-01"}
    assert request["income"] == [{"type": "pension_credit_savings_credit", "weekly": "10.00"}]
    assert request["capital"] == []
    assert request["expenses"] == {"housing": [{"type": "rent", "weekly": "80.00"}]}
    assert "property" not in request
    parse_request(request)


@pytest.mark.parametrize(
    "given",
    [
        {},  # neither a date of birth nor an age
        {"age": 17},
        {"age": 131},
        {"age": 70, "savings": -1},
        {"age": 70, "children": 21},
        {"age": 70, "income": {IncomeQuestion.STATE_PENSION: Amount(10_000_001)}},
        {"age": 70, "housing": {HousingQuestion.RENT: Amount(-1)}},
        {"age": 70, "home_value": 10_000_000_001},
        {"age": 70, "care_cost": 10_000_001},
    ],
)
def test_answers_the_questions_could_never_give_are_refused(given: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Answers(setting=Setting.NON_RESIDENTIAL, **given)  # type: ignore[arg-type]


def test_figures_come_from_the_rules_in_force(real_rules: RuleBook) -> None:
    figures = figures_from_rules(real_rules.as_at(DAY))
    assert set(figures.benefit_rates) == set(DisabilityBenefit) - {DisabilityBenefit.NONE}
    assert all(pence > 0 for pence in figures.benefit_rates.values())
    assert (
        figures.benefit_rates[DisabilityBenefit.AA_HIGHER]
        > figures.benefit_rates[DisabilityBenefit.AA_LOWER]
    )
    assert figures.weekly_rounding == HALF_UP


def test_the_largest_answers_stay_far_below_the_unknown_cost(real_rules: RuleBook) -> None:
    """Every income at its limit, with the cost unknown: the charge is the disposable income,
    never capped by the placeholder."""
    most = 10_000_000
    answers = Answers(
        setting=Setting.NON_RESIDENTIAL,
        date_of_birth=PENSIONER,
        income={question: Amount(most) for question in IncomeQuestion},
        disability_benefit=DisabilityBenefit.AA_HIGHER,
    )
    (only,) = requests(answers, as_at=DAY, figures=figures_from_rules(real_rules.as_at(DAY)))
    result = Assessor(real_rules, council="demo").assess_data(only.request)
    assert result["full_cost"] is False
    assert result["weekly_charge"] == result["disposable_income"]
    assert not any(step["label"].startswith("Limited to") for step in result["trace"])
