"""Care at home (and other settings outside a care home): MIG, DRE, night care, and the charge.

The weekly charge is the disposable income (income counted + tariff income − MIG − housing − DRE
− savings credit disregard) times the council's taper, then: below the council's minimum it is
nil; it is cut to the council's (and in Wales the statutory) maximum; and it never exceeds the
weekly cost of care. Above the upper capital limit the person pays the full cost.
"""

from __future__ import annotations

from typing import Final

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.figures import (
    AA_HIGHER,
    AA_LOWER,
    ENGLAND,
    Figures,
    fraction_of,
)
from carecharge.core.assessment.income import NIGHT_CARE_RATES, Income, name
from carecharge.core.assessment.policy import Effective
from carecharge.core.assessment.request import AssessmentRequest, DreMode, Premium
from carecharge.core.assessment.trace import Trace, pounds
from carecharge.core.rules import RuleEntry
from carecharge.core.rules.schema import RoundingRule

MIG: Final = f"{ENGLAND}.minimum_income_guarantee"


def night_care_element(
    request: AssessmentRequest, income: Income, policy: Effective, figures: Figures, trace: Trace
) -> int:
    """The difference between the higher and lower Attendance Allowance rates, disregarded from
    a top-rate disability benefit when the council provides no care at night (if its policy
    says so)."""
    if not policy.flag("disregard_night_care_element") or request.person.night_care_provided:
        return 0
    for item, share in income.counted:
        if item.rate is None or NIGHT_CARE_RATES.get(item.type) is not item.rate:
            continue
        higher, higher_entry = figures.pence(AA_HIGHER)
        lower, lower_entry = figures.pence(AA_LOWER)
        element = min(higher - lower, share)
        trace.add(
            f"Night-care element of the {name(item)} disregarded: no care is provided at night "
            f"(Attendance Allowance higher {pounds(higher)} less lower {pounds(lower)})",
            element,
            "; ".join(
                (
                    ref.NIGHT_CARE,
                    policy.source("disregard_night_care_element"),
                    ref.rule_reference(higher_entry),
                    ref.rule_reference(lower_entry),
                )
            ),
            unverified=higher_entry.unverified or lower_entry.unverified,
        )
        return element
    return 0


def _mig_basic(request: AssessmentRequest, pension_age: bool) -> tuple[str, str]:
    person = request.person
    if person.has_partner:
        if pension_age:
            return "couple_member_pension_credit_age", "member of a couple at pension credit age"
        return "couple_member_18_plus", "member of a couple"
    if pension_age:
        return "single_pension_credit_age", "single person at pension credit age"
    if person.lone_parent:
        return "lone_parent_18_plus", "lone parent"
    if person.age <= 24:
        return "single_18_to_24", "single person aged 18 to 24"
    return "single_25_to_pension_credit_age", "single person aged 25 to pension credit age"


_PREMIUMS: Final = {
    Premium.DISABILITY: ("disability_premium", "Disability premium"),
    Premium.ENHANCED_DISABILITY: ("enhanced_disability_premium", "Enhanced disability premium"),
}


def england_mig(
    request: AssessmentRequest,
    pension_age: bool,
    policy: Effective,
    figures: Figures,
    trace: Trace,
    rounding: RoundingRule,
) -> int:
    """Reg 7: basic amount + each child + premiums, then the council's uplifts."""
    if request.overrides.mig is not None:
        trace.add(
            "Minimum Income Guarantee given as an override", request.overrides.mig, ref.OVERRIDE
        )
        return request.overrides.mig
    key, who = _mig_basic(request, pension_age)
    total, entry = figures.pence(f"{MIG}.{key}")
    trace.rule(f"Minimum Income Guarantee: {who}", total, entry)
    children = request.person.dependent_children
    if children:
        each, entry = figures.pence(f"{MIG}.child")
        trace.rule(
            f"Minimum Income Guarantee: {children} dependent child(ren) at {pounds(each)}",
            each * children,
            entry,
        )
        total += each * children
    member = "couple_member" if request.person.has_partner else "single"
    for premium in sorted(request.person.premiums):
        entries: tuple[RuleEntry, ...]
        if premium is Premium.CARER:
            amount, carer = figures.pence(f"{MIG}.carer_premium")
            label, entries = "Carer premium", (carer,)
        else:
            stem, label = _PREMIUMS[premium]
            amount, found = figures.pence(f"{MIG}.{stem}_{member}")
            entries = (found,)
        trace.rule(label, amount, *entries)
        total += amount
    total += council_uplifts(total, policy, trace, rounding)
    trace.add("Minimum Income Guarantee", total, ref.MIG)
    return total


def council_uplifts(mig: int, policy: Effective, trace: Trace, rounding: RoundingRule) -> int:
    added = 0
    percent = policy.percent("mig_uplift_percent")
    if percent:
        added += fraction_of(mig, percent, rounding)
        trace.add(
            f"The council adds {percent.normalize():f}% to the Minimum Income Guarantee",
            added,
            policy.source("mig_uplift_percent"),
            unverified="mig_uplift_percent" in policy.unverified,
        )
    weekly = policy.pence("mig_uplift_weekly") or 0
    if weekly:
        added += weekly
        trace.add(
            "The council adds a weekly amount to the Minimum Income Guarantee",
            weekly,
            policy.source("mig_uplift_weekly"),
            unverified="mig_uplift_weekly" in policy.unverified,
        )
    return added


def disability_related_expenditure(
    request: AssessmentRequest, policy: Effective, trace: Trace
) -> int:
    """Itemised DRE, the council's flat allowance, or the greater of the two."""
    mode = policy.get("dre_mode")
    assert isinstance(mode, DreMode)
    itemised = 0
    if mode is not DreMode.FLAT:
        for item in request.dre:
            itemised += item.weekly
            trace.add(f"Disability-related expenditure: {item.type}", item.weekly, ref.DRE)
    if mode is DreMode.ITEMISED:
        if request.dre:
            trace.add("Disability-related expenditure allowed", itemised, ref.DRE)
        return itemised
    flat = policy.pence("dre_flat_weekly") or 0
    source = policy.source("dre_flat_weekly")
    unverified = "dre_flat_weekly" in policy.unverified
    if mode is DreMode.FLAT:
        trace.add(
            "Disability-related expenditure: the council's flat allowance",
            flat,
            source,
            unverified=unverified,
        )
        return flat
    allowed = max(itemised, flat)
    which = "the itemised costs" if itemised >= flat else f"the council's flat {pounds(flat)}"
    trace.add(
        "Disability-related expenditure allowed: the greater of the itemised costs and the flat "
        f"allowance ({which})",
        allowed,
        source,
        unverified=unverified,
    )
    return allowed


def weekly_charge(
    request: AssessmentRequest,
    disposable: int,
    full_cost: bool,
    policy: Effective,
    figures: Figures,
    trace: Trace,
    statutory_maximum: tuple[int, RuleEntry] | None,
) -> int:
    """Taper, minimum, maximum (council's, and Wales's statutory), then the cost of care."""
    cost = request.weekly_cost_of_care
    if cost is None:
        raise AssessmentInputError("weekly_cost_of_care", "is required for care at home")
    if full_cost:
        charge = cost
        trace.add("Full weekly cost of care", charge, ref.CARE_ACT)
    else:
        rule, entry = figures.rounding(f"{ENGLAND}.rounding.weekly_charge")
        taper = policy.percent("taper_percent")
        charge = fraction_of(disposable, taper, rule)
        if policy.chosen("taper_percent"):
            trace.rule(
                f"{taper.normalize():f}% of disposable income is charged (taper), to the penny",
                charge,
                entry,
            )
        minimum = policy.pence("minimum_weekly_charge") or 0
        if 0 < charge < minimum:
            charge = 0
            trace.add(
                f"Below the council's minimum charge of {pounds(minimum)}: no charge",
                0,
                policy.source("minimum_weekly_charge"),
                unverified="minimum_weekly_charge" in policy.unverified,
            )
        maximum = policy.pence("maximum_weekly_charge") or 0
        if maximum and charge > maximum:
            charge = maximum
            trace.add(
                "Limited to the council's maximum weekly charge",
                charge,
                policy.source("maximum_weekly_charge"),
                unverified="maximum_weekly_charge" in policy.unverified,
            )
    if statutory_maximum is not None and charge > statutory_maximum[0]:
        charge = statutory_maximum[0]
        trace.rule(
            "Limited to the statutory maximum weekly charge for care at home",
            charge,
            statutory_maximum[1],
        )
    if charge > cost:
        charge = cost
        trace.add("Limited to the weekly cost of care", charge, ref.COST_CAP)
    return charge
