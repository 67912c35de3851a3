"""Income under Annex C: what each type of income counts for, item by item.

Every item first becomes the person's own share (half of a joint item, Annex C para 5), which
goes into ``total_income``. Then it is counted in full, disregarded in full, or partly
disregarded (a War Widow's or Widower's Pension: the first £10 a week, rule
``england.charging.war_pension_disregard``). The savings credit disregard, the partner's share of
a pension and the night-care element are applied later, by the setting's own rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.figures import Figures, half_of
from carecharge.core.assessment.request import (
    AssessmentRequest,
    IncomeItem,
    IncomeType,
    Rate,
    Treatment,
)
from carecharge.core.assessment.trace import Trace, pounds
from carecharge.core.rules.schema import RoundingRule


class Kind(Enum):
    COUNTED = "counted"
    DISREGARDED = "disregarded"
    FIRST_TEN_POUNDS = "first_ten_pounds"


_MOBILITY: Final = (
    f"{ref.GUIDANCE}, Annex C (the mobility component of DLA and PIP, and the equivalents, "
    "are disregarded)"
)
_WAR: Final = (
    f"{ref.GUIDANCE}, Annex C (War Pension Scheme payments other than Constant Attendance)"
)
_VETERANS: Final = f"{ref.GUIDANCE}, Annex C (Armed Forces Independence Payment and GIP)"
_BENEFITS_IGNORED: Final = (
    f"{ref.GUIDANCE}, Annex C (Housing Benefit, council tax reduction, Child Benefit, Child Tax "
    "Credit and Winter Fuel Payments are disregarded)"
)
_CHARITABLE: Final = f"{ref.GUIDANCE}, Annex C (charitable and voluntary payments)"

#: Each income type: how it is named in the trace, how it is treated, and why.
TREATMENT: Final[dict[IncomeType, tuple[str, Kind, str]]] = {
    IncomeType.STATE_PENSION: ("State Pension", Kind.COUNTED, ref.INCOME),
    IncomeType.NEW_STATE_PENSION: ("New State Pension", Kind.COUNTED, ref.INCOME),
    IncomeType.PENSION_CREDIT_GUARANTEE: (
        "Pension Credit guarantee credit",
        Kind.COUNTED,
        ref.INCOME,
    ),
    IncomeType.PENSION_CREDIT_SAVINGS_CREDIT: (
        "Pension Credit savings credit",
        Kind.COUNTED,
        ref.INCOME,
    ),
    IncomeType.UNIVERSAL_CREDIT: ("Universal Credit", Kind.COUNTED, ref.INCOME),
    IncomeType.ESA: ("Employment and Support Allowance", Kind.COUNTED, ref.INCOME),
    IncomeType.JSA: ("Jobseeker's Allowance", Kind.COUNTED, ref.INCOME),
    IncomeType.INCOME_SUPPORT: ("Income Support", Kind.COUNTED, ref.INCOME),
    IncomeType.CARERS_ALLOWANCE: ("Carer's Allowance", Kind.COUNTED, ref.INCOME),
    IncomeType.ATTENDANCE_ALLOWANCE: ("Attendance Allowance", Kind.COUNTED, ref.INCOME),
    IncomeType.CONSTANT_ATTENDANCE_ALLOWANCE: (
        "Constant Attendance Allowance",
        Kind.COUNTED,
        ref.INCOME,
    ),
    IncomeType.DLA_CARE: ("DLA care component", Kind.COUNTED, ref.INCOME),
    IncomeType.DLA_MOBILITY: ("DLA mobility component", Kind.DISREGARDED, _MOBILITY),
    IncomeType.PIP_DAILY_LIVING: ("PIP daily living component", Kind.COUNTED, ref.INCOME),
    IncomeType.PIP_MOBILITY: ("PIP mobility component", Kind.DISREGARDED, _MOBILITY),
    IncomeType.ADP_DAILY_LIVING: (
        "Adult Disability Payment daily living component",
        Kind.COUNTED,
        ref.INCOME,
    ),
    IncomeType.ADP_MOBILITY: (
        "Adult Disability Payment mobility component",
        Kind.DISREGARDED,
        _MOBILITY,
    ),
    IncomeType.ARMED_FORCES_INDEPENDENCE_PAYMENT: (
        "Armed Forces Independence Payment",
        Kind.DISREGARDED,
        _VETERANS,
    ),
    IncomeType.INDUSTRIAL_INJURIES: (
        "Industrial Injuries Disablement Benefit",
        Kind.COUNTED,
        ref.INCOME,
    ),
    IncomeType.SEVERE_DISABLEMENT_ALLOWANCE: (
        "Severe Disablement Allowance",
        Kind.COUNTED,
        ref.INCOME,
    ),
    IncomeType.WAR_PENSION: ("War Disablement Pension", Kind.DISREGARDED, _WAR),
    IncomeType.WAR_WIDOWS_PENSION: (
        "War Widow's or Widower's Pension",
        Kind.FIRST_TEN_POUNDS,
        ref.INCOME,
    ),
    IncomeType.GUARANTEED_INCOME_PAYMENT: (
        "Guaranteed Income Payment (Armed Forces Compensation Scheme)",
        Kind.DISREGARDED,
        _VETERANS,
    ),
    IncomeType.OCCUPATIONAL_PENSION: ("Occupational pension", Kind.COUNTED, ref.INCOME),
    IncomeType.PRIVATE_PENSION: ("Private pension", Kind.COUNTED, ref.INCOME),
    IncomeType.ANNUITY: ("Annuity", Kind.COUNTED, ref.INCOME),
    IncomeType.EARNINGS: ("Earnings", Kind.DISREGARDED, ref.EARNINGS),
    IncomeType.SELF_EMPLOYED_EARNINGS: (
        "Self-employed earnings",
        Kind.DISREGARDED,
        ref.EARNINGS,
    ),
    IncomeType.RENTAL_INCOME: ("Rental income", Kind.COUNTED, ref.INCOME),
    IncomeType.MAINTENANCE: ("Maintenance paid to the person", Kind.COUNTED, ref.INCOME),
    IncomeType.HOUSING_BENEFIT: ("Housing Benefit", Kind.DISREGARDED, _BENEFITS_IGNORED),
    IncomeType.COUNCIL_TAX_SUPPORT: (
        "Council Tax Support",
        Kind.DISREGARDED,
        _BENEFITS_IGNORED,
    ),
    IncomeType.CHILD_BENEFIT: ("Child Benefit", Kind.DISREGARDED, _BENEFITS_IGNORED),
    IncomeType.CHILD_TAX_CREDIT: ("Child Tax Credit", Kind.DISREGARDED, _BENEFITS_IGNORED),
    IncomeType.WINTER_FUEL_PAYMENT: (
        "Winter Fuel Payment",
        Kind.DISREGARDED,
        _BENEFITS_IGNORED,
    ),
    IncomeType.CHARITABLE_PAYMENT: (
        "Charitable or voluntary payment",
        Kind.DISREGARDED,
        _CHARITABLE,
    ),
    IncomeType.OTHER: ("Other income", Kind.COUNTED, ref.INCOME),
}

#: Pensions of which half is disregarded when paid to a partner still at home.
PARTNER_SHARE_TYPES: Final = frozenset(
    {IncomeType.OCCUPATIONAL_PENSION, IncomeType.PRIVATE_PENSION, IncomeType.ANNUITY}
)

#: Disability benefits whose top rate includes an element for care at night.
NIGHT_CARE_RATES: Final = {
    IncomeType.ATTENDANCE_ALLOWANCE: Rate.HIGHER,
    IncomeType.CONSTANT_ATTENDANCE_ALLOWANCE: Rate.HIGHER,
    IncomeType.DLA_CARE: Rate.HIGHEST,
    IncomeType.PIP_DAILY_LIVING: Rate.ENHANCED,
    IncomeType.ADP_DAILY_LIVING: Rate.ENHANCED,
}


@dataclass(slots=True)
class Income:
    """The income side of an assessment so far."""

    total: int = 0
    disregarded: int = 0
    #: Each item that is counted (wholly or partly), with the person's own share of it.
    counted: list[tuple[IncomeItem, int]] = field(default_factory=list)

    def own_share(self, types: frozenset[IncomeType]) -> int:
        return sum(share for item, share in self.counted if item.type in types)


def name(item: IncomeItem) -> str:
    noun = TREATMENT[item.type][0]
    if item.rate is not None:
        noun = f"{noun} ({item.rate.value} rate)"
    if item.label:
        noun = f"{noun}, {item.label}"
    return noun


def assess_income(
    request: AssessmentRequest, figures: Figures, trace: Trace, rounding: RoundingRule
) -> Income:
    """Each item's share, counted or disregarded, with a trace step per item."""
    income = Income()
    for item in request.income:
        _, kind, reference = TREATMENT[item.type]
        if item.type is IncomeType.OTHER and item.treatment is Treatment.DISREGARDED:
            kind = Kind.DISREGARDED
        share = item.weekly
        what = name(item)
        if item.joint:
            share = half_of(item.weekly, rounding)
            what = f"{what}: half of the joint {pounds(item.weekly)}"
            reference = f"{ref.JOINT_INCOME}; {reference}"
        income.total += share
        if kind is Kind.COUNTED:
            income.counted.append((item, share))
            label = f"{what} counted" if item.joint else f"{what} counted in full"
            trace.add(label, share, reference)
        elif kind is Kind.DISREGARDED:
            income.disregarded += share
            trace.add(f"{what} disregarded", share, reference)
        else:
            limit, entry = figures.pence(
                figures.jurisdiction_rule(request.jurisdiction.value, "war_pension_disregard")
            )
            ignored = min(share, limit)
            income.disregarded += ignored
            if share > ignored:
                income.counted.append((item, share - ignored))
            trace.rule(
                f"{what}: the first {pounds(limit)} a week is disregarded; "
                f"{pounds(share - ignored)} counted",
                ignored,
                entry,
            )
    return income
