"""Answers into assessment requests (the JSON contract), with the choices an officer would make.

* Amounts paid every 2 or 4 weeks, a month or a year become weekly (÷2, ÷4, ×12÷52, ÷52), each
  rounded once by the rule ``england.charging.rounding.monthly_to_weekly``.
* A disability benefit's weekly amount is the DWP rate in the rules on the estimate's date.
* The MIG premiums are the officer's decision in an assessment; here they follow from the
  answers (:func:`premiums`), for people under pension credit age only.
* Savings held jointly count half (the contract's ``joint``), as does a home owned jointly.
* A permanent care-home resident whose home will count gets two requests: the first 12 weeks
  (the property disregard, starting on the estimate's date) and after them.
* When the cost of care is not known, the request carries :data:`UNKNOWN_COST`, far above any
  charge the answers could produce, so the result is the most the person would pay; the page
  says "up to" and that the charge is never more than the care costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from carecharge.core.assessment.figures import round_amount
from carecharge.core.assessment.pension_age import has_reached, reached_from_age
from carecharge.core.assessment.request import (
    CapitalType,
    IncomeType,
    Premium,
    Setting,
    Treatment,
)
from carecharge.core.estimate.answers import (
    BENEFIT_ITEMS,
    HOUSING_ITEMS,
    INCOME_ITEMS,
    TOP_RATES,
    WEEKLY_FRACTION,
    Amount,
    Answers,
    DisabilityBenefit,
    IncomeQuestion,
)
from carecharge.core.money import to_decimal_string
from carecharge.core.rules import RuleSet
from carecharge.core.rules.schema import RoundingRule

MONTHLY_TO_WEEKLY: Final = "england.charging.rounding.monthly_to_weekly"

#: The weekly cost given when the person does not know it: £10,000,000.00. ``Answers`` refuses
#: any income above £100,000 per period (``MAX_PER_PERIOD``), and there are nine income
#: questions and one benefit, so no charge comes near it: it never caps a charge, and the page
#: never shows it as a figure.
UNKNOWN_COST: Final = 1_000_000_000

#: What the DRE item is called in the explanation.
EXTRA_COSTS_LABEL: Final = "the extra costs of your disability you told us about"


@dataclass(frozen=True, slots=True)
class EstimateFigures:
    """The figures the translation needs from the rules in force on the estimate's date."""

    benefit_rates: dict[DisabilityBenefit, int]
    weekly_rounding: RoundingRule


def figures_from_rules(rules: RuleSet) -> EstimateFigures:
    return EstimateFigures(
        benefit_rates={
            benefit: rules.pence(rule) for benefit, (_, _, rule) in BENEFIT_ITEMS.items()
        },
        weekly_rounding=rules.rounding(MONTHLY_TO_WEEKLY),
    )


def weekly(amount: Amount, rounding: RoundingRule) -> int:
    """The weekly equivalent of an amount, in pence, rounded once by ``rounding``."""
    numerator, denominator = WEEKLY_FRACTION[amount.per]
    if denominator == 1:
        return amount.pence * numerator
    exact = Decimal(amount.pence * numerator) / Decimal(denominator)
    return round_amount(exact, rounding)


def pension_credit_age(answers: Answers, as_at: date) -> bool:
    """Whether the person is at pension credit age on ``as_at``. With only an age that cannot
    settle it, raises the engine's ``AssessmentInputError`` on ``person.age``."""
    if answers.date_of_birth is not None:
        return has_reached(answers.date_of_birth, as_at)
    if answers.age is None:
        raise ValueError("answers need a date of birth or an age")
    return reached_from_age(answers.age, as_at)


def premiums(answers: Answers, *, pension_age: bool) -> list[str]:
    """The MIG premiums that follow from the answers (reg 7(5)-(7) of SI 2014/2672, which reads
    across the Income Support premiums).

    Income Support, and so its premiums, stops at pension credit age, so none applies then.
    Below it: the disability premium for anyone getting a disability benefit (care or mobility)
    or registered blind; the enhanced disability premium on top for DLA care at the highest rate
    or PIP daily living at the enhanced rate; the carer premium for anyone getting Carer's
    Allowance. An officer may find others apply (for example after a year's incapacity for
    work); the page says so.
    """
    if pension_age:
        return []
    found: list[str] = []
    disabled = answers.disability_benefit is not DisabilityBenefit.NONE
    if disabled or answers.mobility_component or answers.sight_impaired:
        found.append(Premium.DISABILITY.value)
    if answers.disability_benefit in TOP_RATES:
        found.append(Premium.ENHANCED_DISABILITY.value)
    carers = answers.income.get(IncomeQuestion.CARERS_ALLOWANCE)
    if carers is not None and carers.pence > 0:
        found.append(Premium.CARER.value)
    return found


def _money(pence: int) -> str:
    return to_decimal_string(pence)


def _income(answers: Answers, figures: EstimateFigures) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for question, (income_type, label) in INCOME_ITEMS.items():
        amount = answers.income.get(question)
        if amount is None or amount.pence == 0:
            continue
        item: dict[str, Any] = {
            "type": income_type.value,
            "weekly": _money(weekly(amount, figures.weekly_rounding)),
        }
        if label is not None:
            item["label"] = label
        if income_type is IncomeType.OTHER:
            item["treatment"] = Treatment.COUNTED.value
        items.append(item)
    if answers.disability_benefit is not DisabilityBenefit.NONE:
        income_type, rate, _ = BENEFIT_ITEMS[answers.disability_benefit]
        items.append(
            {
                "type": income_type.value,
                "rate": rate.value,
                "weekly": _money(figures.benefit_rates[answers.disability_benefit]),
            }
        )
    return items


def _capital(answers: Answers) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if answers.savings:
        items.append({"type": CapitalType.SAVINGS.value, "amount": _money(answers.savings)})
    if answers.savings_joint:
        items.append(
            {
                "type": CapitalType.SAVINGS.value,
                "amount": _money(answers.savings_joint),
                "joint": True,
            }
        )
    if answers.other_property:
        items.append(
            {"type": CapitalType.OTHER_PROPERTY.value, "amount": _money(answers.other_property)}
        )
    if answers.setting is Setting.RESIDENTIAL_PERMANENT and answers.home_value:
        home: dict[str, Any] = {
            "type": CapitalType.MAIN_HOME.value,
            "amount": _money(answers.home_value),
        }
        if answers.home_joint:
            home["joint"] = True
        items.append(home)
    return items


def home_counts_later(answers: Answers) -> bool:
    """Whether the home of a permanent resident is ignored only for the first 12 weeks."""
    return (
        answers.setting is Setting.RESIDENTIAL_PERMANENT
        and bool(answers.home_value)
        and not (answers.has_partner and answers.partner_at_home)
        and not answers.relative_at_home
    )


def to_request(
    answers: Answers,
    *,
    as_at: date,
    figures: EstimateFigures,
    first_permanent_admission: date | None = None,
) -> dict[str, Any]:
    """One contract request. ``first_permanent_admission`` starts the 12-week property
    disregard (permanent care homes only)."""
    at_home = answers.setting is Setting.NON_RESIDENTIAL
    permanent = answers.setting is Setting.RESIDENTIAL_PERMANENT
    person: dict[str, Any] = {"has_partner": answers.has_partner}
    if answers.date_of_birth is not None:
        person["date_of_birth"] = answers.date_of_birth.isoformat()
    else:
        person["age"] = answers.age
    if permanent:
        person["partner_in_home"] = answers.has_partner and answers.partner_at_home
    if at_home:
        person["dependent_children"] = answers.children
        person["lone_parent"] = answers.children > 0 and not answers.has_partner
        person["premiums"] = premiums(answers, pension_age=pension_credit_age(answers, as_at))
        person["night_care_provided"] = answers.night_care
    request: dict[str, Any] = {
        "as_at": as_at.isoformat(),
        "jurisdiction": "england",
        "setting": answers.setting.value,
        "person": person,
        "income": _income(answers, figures),
        "capital": _capital(answers),
        "weekly_cost_of_care": _money(
            UNKNOWN_COST if answers.care_cost is None else answers.care_cost
        ),
    }
    if permanent:
        request["property"] = {
            "first_permanent_admission": (
                first_permanent_admission.isoformat() if first_permanent_admission else None
            ),
            "occupied_by_qualifying_relative": answers.relative_at_home,
        }
    expenses: dict[str, Any] = {}
    if not permanent:
        housing = [
            {"type": HOUSING_ITEMS[q].value, "weekly": _money(weekly(a, figures.weekly_rounding))}
            for q, a in answers.housing.items()
            if a.pence > 0
        ]
        if housing:
            expenses["housing"] = housing
    if at_home and answers.extra_costs:
        expenses["dre"] = [{"type": EXTRA_COSTS_LABEL, "weekly": _money(answers.extra_costs)}]
    if expenses:
        request["expenses"] = expenses
    return request


@dataclass(frozen=True, slots=True)
class Scenario:
    """One request to run: ``key`` is ``estimate``, or ``first_12_weeks`` and
    ``after_12_weeks`` when the home counts only after the property disregard."""

    key: str
    request: dict[str, Any]


def requests(answers: Answers, *, as_at: date, figures: EstimateFigures) -> tuple[Scenario, ...]:
    """The requests an estimate runs, in the order the page shows them."""
    if home_counts_later(answers):
        return (
            Scenario(
                "first_12_weeks",
                to_request(answers, as_at=as_at, figures=figures, first_permanent_admission=as_at),
            ),
            Scenario("after_12_weeks", to_request(answers, as_at=as_at, figures=figures)),
        )
    return (Scenario("estimate", to_request(answers, as_at=as_at, figures=figures)),)
