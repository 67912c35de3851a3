"""Capital under Annex B: the person's share of each item, the main home, the limits, tariff income.

* A joint item counts half (reg 24); an item with a ``share`` counts that fraction.
* Notional capital (deprivation, reg 22 and Annex E) counts as the person's own.
* The main home is ignored for care at home and for temporary residents. For a permanent
  care-home resident it is ignored while a partner or qualifying relative lives there, and for
  the first 12 weeks (``england.charging.property_disregard_weeks``) from
  ``property.first_permanent_admission``, the day the current disregard period started (see
  :func:`disregard_period_start` for a re-admission).
* England: capital over the upper limit means the full cost; between the limits, each step of
  £250 or part (``england.charging.rounding.tariff_income``) is £1 a week of tariff income.
* Wales: one capital limit (residential or non-residential); at or below it capital is ignored,
  above it the person pays the full cost; there is no tariff band.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.figures import (
    ENGLAND,
    ROUND_TARIFF,
    Figures,
    fraction_of,
    round_amount,
)
from carecharge.core.assessment.policy import Effective
from carecharge.core.assessment.request import AssessmentRequest, CapitalItem, CapitalType
from carecharge.core.assessment.trace import Trace, pounds
from carecharge.core.rules import RuleSet
from carecharge.core.rules.schema import RoundingRule

_NAMES = {
    CapitalType.SAVINGS: "Savings",
    CapitalType.INVESTMENTS: "Investments",
    CapitalType.PREMIUM_BONDS: "Premium Bonds",
    CapitalType.SHARES: "Shares",
    CapitalType.MAIN_HOME: "Main home",
    CapitalType.OTHER_PROPERTY: "Other property",
    CapitalType.LAND: "Land",
    CapitalType.NOTIONAL: "Notional capital (deprivation of assets)",
    CapitalType.OTHER: "Other capital",
}


@dataclass(frozen=True, slots=True)
class Capital:
    counted: int
    tariff: int
    full_cost: bool


def disregard_period_start(
    *, first_admission: date, left: date, readmitted: date, rules: RuleSet
) -> date:
    """The ``first_permanent_admission`` to give for someone who became a permanent resident
    again on ``readmitted`` after ceasing to be one on ``left``.

    Within ``england.charging.property_readmission_weeks`` (52) weeks, only the unused balance
    of the 12 weeks applies (Schedule 2 para 2), so the period is taken to have started as many
    days before ``readmitted`` as were used from ``first_admission`` to ``left``; after that, a
    fresh 12 weeks start on ``readmitted``.
    """
    figures = Figures(rules)
    readmission_weeks, _ = figures.number(f"{ENGLAND}.property_readmission_weeks")
    disregard_weeks, _ = figures.number(f"{ENGLAND}.property_disregard_weeks")
    if not first_admission <= left <= readmitted:
        raise ValueError("expected first_admission <= left <= readmitted")
    if readmitted - left > timedelta(weeks=readmission_weeks):
        return readmitted
    used = min(left - first_admission, timedelta(weeks=disregard_weeks))
    return readmitted - used


def _share(item: CapitalItem, rounding: RoundingRule) -> tuple[int, str]:
    noun = _NAMES[item.type]
    if item.joint:
        exact = Decimal(item.amount) / 2
        return round_amount(exact, rounding), f"{noun}: half of the joint {pounds(item.amount)}"
    if item.share is not None and item.share != 1:
        share = round_amount(Decimal(item.amount) * item.share, rounding)
        return share, f"{noun}: a {item.share.normalize():f} share of {pounds(item.amount)}"
    return item.amount, noun


def _home_ignored(
    request: AssessmentRequest, residential_permanent: bool, figures: Figures
) -> tuple[bool, str, str, bool]:
    """Whether the main home is ignored: (ignored, why, reference, unverified figure used)."""
    if not residential_permanent:
        if request.setting.value == "residential_temporary":
            return True, "a temporary resident's home", ref.HOME_TEMPORARY, False
        return True, "the person lives there (care is not in a care home)", ref.HOME_AT_HOME, False
    if request.person.partner_in_home:
        return True, "the partner still lives there", ref.HOME_RELATIVE, False
    if request.property.occupied_by_qualifying_relative:
        return True, "a qualifying relative lives there", ref.HOME_RELATIVE, False
    admitted = request.property.first_permanent_admission
    if admitted is None:
        return (
            False,
            "no 12-week disregard (no first permanent admission date)",
            ref.HOME_12_WEEKS,
            False,
        )
    weeks, entry = figures.number(
        figures.jurisdiction_rule(request.jurisdiction.value, "property_disregard_weeks")
    )
    last_day = admitted + timedelta(weeks=weeks) - timedelta(days=1)
    reference = f"{ref.HOME_12_WEEKS}; {ref.rule_reference(entry)}"
    if request.as_at <= last_day:
        why = f"within the {weeks} weeks from {admitted.isoformat()} (to {last_day.isoformat()})"
        return True, why, reference, entry.unverified
    why = f"the {weeks}-week property disregard ended on {last_day.isoformat()}"
    return False, why, reference, entry.unverified


# Assets valued at market value less the expenses of selling them (reg 20(a)(i)).
_SOLD_WITH_EXPENSES = frozenset({CapitalType.OTHER_PROPERTY, CapitalType.LAND})


def _less_sale_expenses(
    amount: int,
    what: str,
    request: AssessmentRequest,
    figures: Figures,
    trace: Trace,
    rounding: RoundingRule,
) -> int:
    """The value counted after deducting the expenses of sale (10%), with its trace step."""
    name = figures.jurisdiction_rule(request.jurisdiction.value, "capital.sale_expenses_percent")
    percent, entry = figures.percent(name)
    deduction = fraction_of(amount, percent, rounding)
    trace.add(
        f"{what}: less {percent.normalize():f}% for the expenses of selling it",
        deduction,
        ref.rule_reference(entry),
        unverified=entry.unverified,
    )
    return amount - deduction


def counted_capital(
    request: AssessmentRequest,
    residential_permanent: bool,
    figures: Figures,
    trace: Trace,
    rounding: RoundingRule,
) -> int:
    """The person's capital after shares and disregards, with a step per item."""
    total = 0
    for item in request.capital:
        amount, what = _share(item, rounding)
        if item.type is CapitalType.MAIN_HOME:
            ignored, why, reference, unverified = _home_ignored(
                request, residential_permanent, figures
            )
            verb = "disregarded" if ignored else "counted"
            trace.add(f"{what} {verb}: {why}", amount, reference, unverified=unverified)
            if not ignored:
                total += _less_sale_expenses(amount, what, request, figures, trace, rounding)
            continue
        if item.type in _SOLD_WITH_EXPENSES:
            amount = _less_sale_expenses(amount, what, request, figures, trace, rounding)
        reference = ref.CAPITAL
        if item.type is CapitalType.NOTIONAL:
            reference = ref.NOTIONAL_CAPITAL
        if item.joint:
            reference = f"{ref.JOINT_CAPITAL}; {reference}"
        total += amount
        trace.add(f"{what} counted", amount, reference)
    trace.add("Capital counted", total, ref.CAPITAL)
    return total


def _limit(
    name: str,
    figures: Figures,
    override: int | None,
    policy_value: int | None,
    policy_source: str,
    field: str,
) -> tuple[int, str, bool, str]:
    """A capital limit: (pence, reference, unverified, how it was set, for the label)."""
    if override is not None:
        return override, ref.OVERRIDE, False, " (given as an override)"
    value, entry = figures.pence(name)
    if policy_value is not None:
        if policy_value < value:
            raise AssessmentInputError(
                field, f"is below the statutory {pounds(value)}; a council may only set it higher"
            )
        return policy_value, policy_source, False, " (the council's policy)"
    return value, ref.rule_reference(entry), entry.unverified, ""


def england_limits(
    request: AssessmentRequest,
    counted: int,
    *,
    residential: bool,
    policy: Effective,
    figures: Figures,
    trace: Trace,
) -> Capital:
    """England: the capital limits (override > council policy for care at home > rules) and
    tariff income."""
    overrides = request.overrides
    use_policy = not residential
    lower, lower_ref, lower_unverified, lower_how = _limit(
        f"{ENGLAND}.capital.lower_limit",
        figures,
        overrides.lower_capital_limit,
        policy.pence("lower_capital_limit") if use_policy else None,
        policy.source("lower_capital_limit"),
        "policy.lower_capital_limit",
    )
    upper, upper_ref, upper_unverified, upper_how = _limit(
        f"{ENGLAND}.capital.upper_limit",
        figures,
        overrides.upper_capital_limit,
        policy.pence("upper_capital_limit") if use_policy else None,
        policy.source("upper_capital_limit"),
        "policy.upper_capital_limit",
    )
    if lower > upper:
        field = "overrides" if overrides.lower_capital_limit is not None else "policy"
        raise AssessmentInputError(
            f"{field}.lower_capital_limit", "is above the upper capital limit"
        )
    if counted > upper:
        trace.add(
            f"Capital of {pounds(counted)} is over the upper limit of {pounds(upper)}"
            f"{upper_how}: the person pays the full cost",
            upper,
            upper_ref,
            unverified=upper_unverified,
        )
        return Capital(counted, 0, True)
    if counted <= lower:
        trace.add(
            f"Capital at or below the lower limit of {pounds(lower)}{lower_how} is ignored",
            0,
            lower_ref,
            unverified=lower_unverified,
        )
        return Capital(counted, 0, False)
    tariff = _tariff(counted - lower, lower, lower_how, figures, trace)
    return Capital(counted, tariff, False)


def _tariff(excess: int, lower: int, how: str, figures: Figures, trace: Trace) -> int:
    step, step_entry = figures.pence(f"{ENGLAND}.tariff_income.step")
    per_step, per_step_entry = figures.pence(f"{ENGLAND}.tariff_income.amount_per_step")
    rule, rule_entry = figures.rounding(ROUND_TARIFF)
    rounded = round_amount(Decimal(excess), rule)
    steps = Decimal(rounded) / Decimal(step)
    weekly, _ = figures.rounding(f"{ENGLAND}.rounding.weekly_charge")
    tariff = round_amount(steps * per_step, weekly)
    trace.rule(
        f"Tariff income: {pounds(excess)} above the lower limit of {pounds(lower)}{how} "
        f"makes {steps.normalize():f} steps of {pounds(step)} (a part step counts in full), "
        f"{pounds(per_step)} a week each",
        tariff,
        step_entry,
        per_step_entry,
        rule_entry,
    )
    return tariff
