"""Wales, as far as the rules allow: one capital limit, the minimum income amounts, the cap.

* Capital: a single limit (``wales.charging.capital.limit_residential`` or
  ``.limit_non_residential``); at or below it capital is ignored, above it the person pays the
  full cost. There is no tariff band (charging-rules.md §1).
* Care at home: the minimum income amount is the basic benefit level plus a buffer
  (``wales.charging.minimum_income_amount_non_residential_buffer``, 35%). Only the pension-age
  level is in the rules (Pension Credit standard minimum guarantee), so below pension credit
  age, or with premiums or children, the amount must be given as ``overrides.mig``.
* The charge for care at home never exceeds
  ``wales.charging.maximum_weekly_charge_non_residential``.
* Care homes: the minimum income amount for residents replaces the PEA (see residential.py).
"""

from __future__ import annotations

from typing import Final

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.capital import Capital
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.figures import Figures, fraction_of, half_of
from carecharge.core.assessment.non_residential import council_uplifts
from carecharge.core.assessment.policy import Effective
from carecharge.core.assessment.request import AssessmentRequest
from carecharge.core.assessment.trace import Trace, pounds
from carecharge.core.rules import RuleEntry
from carecharge.core.rules.schema import RoundingRule

W: Final = "wales.charging"
SMG: Final = "england.benefits.pension_credit.standard_minimum_guarantee"


def wales_capital(
    request: AssessmentRequest,
    counted: int,
    *,
    residential: bool,
    policy: Effective,
    figures: Figures,
    trace: Trace,
) -> Capital:
    """The single Welsh capital limit: ignored at or below it, the full cost above it."""
    if request.overrides.lower_capital_limit is not None:
        raise AssessmentInputError(
            "overrides.lower_capital_limit",
            "Wales has a single capital limit; give overrides.upper_capital_limit",
        )
    if not residential and policy.pence("lower_capital_limit") is not None:
        raise AssessmentInputError(
            "policy.lower_capital_limit",
            "Wales has a single capital limit; give policy.upper_capital_limit",
        )
    which = "residential" if residential else "non_residential"
    limit, entry = figures.pence(f"{W}.capital.limit_{which}")
    reference, unverified = ref.rule_reference(entry), entry.unverified
    chosen = policy.pence("upper_capital_limit") if not residential else None
    if request.overrides.upper_capital_limit is not None:
        limit, reference, unverified = request.overrides.upper_capital_limit, ref.OVERRIDE, False
    elif chosen is not None:
        if chosen < limit:
            raise AssessmentInputError(
                "policy.upper_capital_limit",
                f"is below the statutory {pounds(limit)}; a council may only set it higher",
            )
        limit, reference, unverified = chosen, policy.source("upper_capital_limit"), False
    if counted > limit:
        trace.add(
            f"Capital of {pounds(counted)} is over the capital limit of {pounds(limit)}: "
            "the person pays the full cost",
            limit,
            reference,
            unverified=unverified,
        )
        return Capital(counted, 0, True)
    trace.add(
        f"Capital at or below the capital limit of {pounds(limit)} is ignored (no tariff income "
        "in Wales)",
        0,
        reference,
        unverified=unverified,
    )
    return Capital(counted, 0, False)


def wales_minimum_income_amount(
    request: AssessmentRequest,
    pension_age: bool,
    policy: Effective,
    figures: Figures,
    trace: Trace,
    rounding: RoundingRule,
) -> int:
    """Care at home in Wales: Pension Credit standard minimum guarantee plus the buffer."""
    if request.overrides.mig is not None:
        trace.add("Minimum income amount given as an override", request.overrides.mig, ref.OVERRIDE)
        return request.overrides.mig
    missing = (
        "below pension credit age"
        if not pension_age
        else "with premiums"
        if request.person.premiums
        else "with dependent children"
        if request.person.dependent_children
        else None
    )
    if missing:
        raise AssessmentInputError(
            "overrides.mig",
            f"is needed for care at home in Wales {missing}: the rules do not yet hold the "
            "benefit amounts the minimum income amount is built on",
        )
    entries: list[RuleEntry] = []
    if request.person.has_partner:
        couple, entry = figures.pence(f"{SMG}.couple")
        base, who = half_of(couple, rounding), "half the couple rate"
    else:
        base, entry = figures.pence(f"{SMG}.single")
        who = "single"
    entries.append(entry)
    buffer, buffer_entry = figures.percent(f"{W}.minimum_income_amount_non_residential_buffer")
    entries.append(buffer_entry)
    total = base + fraction_of(base, buffer, rounding)
    trace.rule(
        f"Minimum income amount (Wales): Pension Credit standard minimum guarantee ({who}) "
        f"{pounds(base)} plus {buffer.normalize():f}%",
        total,
        *entries,
    )
    total += council_uplifts(total, policy, trace, rounding)
    if total != base + fraction_of(base, buffer, rounding):
        trace.add("Minimum income amount", total, ref.WALES)
    return total


def wales_maximum_charge(figures: Figures) -> tuple[int, RuleEntry]:
    return figures.pence(f"{W}.maximum_weekly_charge_non_residential")
