"""Deductions shared by more than one setting: savings credit, a partner's pension share, housing.

Each returns the weekly amount in pence and adds its trace steps. They are reported under the
result's ``allowances`` (never in ``disregarded_income``), so nothing is deducted twice.
"""

from __future__ import annotations

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.figures import Figures, half_of
from carecharge.core.assessment.income import PARTNER_SHARE_TYPES, Income
from carecharge.core.assessment.policy import Effective
from carecharge.core.assessment.request import AssessmentRequest, IncomeType
from carecharge.core.assessment.trace import Trace, pounds
from carecharge.core.rules.schema import RoundingRule

_SAVINGS_CREDIT = frozenset({IncomeType.PENSION_CREDIT_SAVINGS_CREDIT})


def savings_credit_disregard(
    request: AssessmentRequest, income: Income, figures: Figures, trace: Trace
) -> int:
    """The savings credit received, up to the disregard (single or couple), in any setting."""
    received = income.own_share(_SAVINGS_CREDIT)
    if not received:
        return 0
    household = "couple" if request.person.has_partner else "single"
    override = request.overrides.savings_credit_disregard
    if override is not None:
        allowed = min(received, override)
        trace.add(
            f"Savings credit disregard: up to {pounds(override)} a week ({household}), "
            "given as an override",
            allowed,
            ref.OVERRIDE,
        )
        return allowed
    name = figures.jurisdiction_rule(
        request.jurisdiction.value, f"savings_credit_disregard.{household}"
    )
    limit, entry = figures.pence(name)
    allowed = min(received, limit)
    trace.rule(
        f"Savings credit disregard: the savings credit of {pounds(received)}, "
        f"up to {pounds(limit)} a week ({household})",
        allowed,
        entry,
    )
    return allowed


def partner_pension_share(
    request: AssessmentRequest, income: Income, trace: Trace, rounding: RoundingRule
) -> int:
    """Half of the resident's occupational and private pensions and annuities, for a partner
    still living in the former home (permanent residents only)."""
    if not request.person.partner_in_home:
        return 0
    pensions = income.own_share(PARTNER_SHARE_TYPES)
    if not pensions:
        return 0
    share = half_of(pensions, rounding)
    trace.add(
        f"Half of the occupational and private pensions ({pounds(pensions)}) "
        "passed to the partner at home",
        share,
        ref.PARTNER_SHARE,
    )
    return share


def housing_costs(
    request: AssessmentRequest, policy: Effective | None, trace: Trace, reference: str
) -> int:
    """Weekly housing costs not met by benefits; ``policy`` None means allowed by law."""
    if not request.housing:
        return 0
    if policy is not None and not policy.flag("housing_costs_allowed"):
        trace.add(
            "Housing costs not allowed under the council's policy",
            None,
            policy.source("housing_costs_allowed"),
        )
        return 0
    total = 0
    for cost in request.housing:
        total += cost.weekly
        label = cost.type.value.replace("_", " ")
        trace.add(f"Housing cost: {label}", cost.weekly, reference)
    trace.add("Housing costs allowed", total, reference)
    return total
