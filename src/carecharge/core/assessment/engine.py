"""``assess(request, rules)``: the means test from start to finish, in the order of the trace.

1. Age and pension credit age.  2. Which rules apply (setting, jurisdiction).  3. Income, item by
item (Annex C), then the night-care element.  4. Capital (Annex B), the limits and tariff income.
5. Allowances: MIG or PEA, housing costs, DRE, savings credit disregard, the partner's pension
share.  6. Disposable income.  7. The weekly charge.  docs/assessment-engine.md explains each one.
"""

from __future__ import annotations

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.allowances import (
    housing_costs,
    partner_pension_share,
    savings_credit_disregard,
)
from carecharge.core.assessment.capital import counted_capital, england_limits
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.figures import ROUND_WEEKLY, Figures
from carecharge.core.assessment.income import assess_income
from carecharge.core.assessment.non_residential import (
    disability_related_expenditure,
    england_mig,
    night_care_element,
    weekly_charge,
)
from carecharge.core.assessment.pension_age import (
    pension_credit_qualifying_date,
    reached_from_age,
)
from carecharge.core.assessment.policy import CouncilPolicy, resolve
from carecharge.core.assessment.request import AssessmentRequest, Jurisdiction, Setting
from carecharge.core.assessment.residential import care_home_charge, personal_expenses_allowance
from carecharge.core.assessment.result import Allowances, AssessmentResult
from carecharge.core.assessment.trace import Trace, pounds
from carecharge.core.assessment.wales import (
    wales_capital,
    wales_maximum_charge,
    wales_minimum_income_amount,
)
from carecharge.core.rules import RuleSet

_SETTINGS = {
    Setting.NON_RESIDENTIAL: "care at home (non-residential)",
    Setting.RESIDENTIAL_PERMANENT: "a permanent care-home placement",
    Setting.RESIDENTIAL_TEMPORARY: "a temporary care-home stay",
}


def _pension_age(request: AssessmentRequest, trace: Trace) -> bool:
    person = request.person
    if person.pension_credit_age is not None:
        reached = person.pension_credit_age
        how = "as given"
    elif person.date_of_birth is not None:
        on = pension_credit_qualifying_date(person.date_of_birth)
        reached = on <= request.as_at
        how = f"reached on {on.isoformat()}" if reached else f"reaches it on {on.isoformat()}"
    else:
        reached = reached_from_age(person.age, request.as_at)
        how = "settled by the age alone"
    state = "at" if reached else "below"
    trace.add(
        f"Age {person.age} on {request.as_at.isoformat()}: {state} pension credit age ({how})",
        None,
        ref.PENSION_AGE,
    )
    return reached


def assess(
    request: AssessmentRequest, rules: RuleSet, *, council: CouncilPolicy | None = None
) -> AssessmentResult:
    """Assess ``request`` with the rules in force on its ``as_at`` (``rules = book.as_at(...)``).

    ``council`` holds the council's own policy (``council_policy_from_rules``); the request's
    ``policy`` overrides it key by key. Raises :class:`AssessmentInputError` naming the field
    when the request cannot be assessed, :class:`AssessmentRulesError` when the rules tree
    lacks a rule.
    """
    if rules.as_at != request.as_at:
        raise ValueError(f"rules are as at {rules.as_at}, the request as at {request.as_at}")
    figures = Figures.of(rules)
    trace = Trace()
    policy = resolve(request.policy, council)
    rounding, _ = figures.rounding(ROUND_WEEKLY)
    wales = request.jurisdiction is Jurisdiction.WALES
    pension_age = _pension_age(request, trace)

    residential = request.setting is not Setting.NON_RESIDENTIAL
    if request.setting is Setting.RESIDENTIAL_TEMPORARY and policy.flag(
        "temporary_as_non_residential"
    ):
        residential = False
        trace.add(
            "A temporary care-home stay charged as care at home (council policy)",
            None,
            f"{ref.SHORT_TERM}; {policy.source('temporary_as_non_residential')}",
        )
    else:
        where = "Wales" if wales else "England"
        trace.add(
            f"Assessed under {where}'s rules for {_SETTINGS[request.setting]}", None, ref.CARE_ACT
        )
    if not residential and request.weekly_cost_of_care is None:
        raise AssessmentInputError("weekly_cost_of_care", "is required for care at home")

    income = assess_income(request, figures, trace, rounding)
    if not residential:
        income.disregarded += night_care_element(request, income, policy, figures, trace)
    trace.add("Total income considered", income.total, ref.INCOME)
    trace.add("Income disregarded", income.disregarded, ref.INCOME)

    permanent = residential and request.setting is Setting.RESIDENTIAL_PERMANENT
    counted = counted_capital(request, permanent, figures, trace, rounding)
    limits = wales_capital if wales else england_limits
    capital = limits(
        request, counted, residential=residential, policy=policy, figures=figures, trace=trace
    )

    if residential:
        allowances = Allowances(
            pea=personal_expenses_allowance(request, figures, trace),
            housing=(
                housing_costs(request, None, trace, ref.TEMPORARY)
                if not permanent
                else _no_housing(request, trace)
            ),
            savings_credit_disregard=savings_credit_disregard(request, income, figures, trace),
            partner_pension_share=(
                partner_pension_share(request, income, trace, rounding) if permanent else 0
            ),
        )
        if request.dre:
            trace.add(
                "Disability-related expenditure is not deducted in a care home", None, ref.DRE
            )
    else:
        mig_rule = wales_minimum_income_amount if wales else england_mig
        allowances = Allowances(
            mig=mig_rule(request, pension_age, policy, figures, trace, rounding),
            housing=housing_costs(request, policy, trace, ref.HOUSING),
            dre=disability_related_expenditure(request, policy, trace),
            savings_credit_disregard=savings_credit_disregard(request, income, figures, trace),
        )

    disposable = max(0, income.total - income.disregarded + capital.tariff - allowances.total)
    trace.add(
        "Disposable income: income counted plus tariff income, less allowances (not below nil)",
        disposable,
        ref.CARE_ACT,
    )
    if residential:
        charge = care_home_charge(request, disposable, capital.full_cost, trace)
    else:
        maximum = wales_maximum_charge(figures) if wales else None
        charge = weekly_charge(
            request, disposable, capital.full_cost, policy, figures, trace, maximum
        )
    trace.add(f"Weekly charge: {pounds(charge)}", charge, ref.CARE_ACT)
    return AssessmentResult(
        weekly_charge=charge,
        full_cost=capital.full_cost,
        light_touch=capital.full_cost and not request.income,
        weekly_cost_of_care=request.weekly_cost_of_care,
        total_income=income.total,
        disregarded_income=income.disregarded,
        tariff_income=capital.tariff,
        capital_counted=capital.counted,
        allowances=allowances,
        disposable_income=disposable,
        trace=tuple(trace.steps),
        rules_as_at=request.as_at,
        rules_hash=rules.content_hash,
    )


def _no_housing(request: AssessmentRequest, trace: Trace) -> int:
    if request.housing:
        trace.add(
            "Housing costs are not deducted for a permanent care-home resident", None, ref.TEMPORARY
        )
    return 0
