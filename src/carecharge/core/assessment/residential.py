"""Care homes: the personal expenses allowance and the charge, for permanent and temporary stays.

Permanent residents keep the personal expenses allowance (PEA, reg 6); half of an occupational
or private pension paid to a partner still at home is left out; the home is counted after the
12-week disregard unless a partner or qualifying relative lives there. Temporary residents
(Annex F) keep the PEA too, their home is ignored and their housing costs are allowed. The
charge is the disposable income, never more than the home's weekly fee; above the upper capital
limit the resident pays the full fee. (A council may instead charge a short stay as care at home,
reg 8: the ``temporary_as_non_residential`` policy, handled by the engine.)

A deferred payment agreement's disposable income allowance (DIA) replaces the PEA for a permanent
resident. The JSON contract has no field for it: the application sets
``AssessmentRequest.disposable_income_allowance`` (the amount the person chose to keep, up to the
national maximum) through ``Assessor.assess_data(..., disposable_income_allowance=...)``.
"""

from __future__ import annotations

from typing import Final

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.figures import ENGLAND, Figures
from carecharge.core.assessment.request import AssessmentRequest, Setting
from carecharge.core.assessment.trace import Trace, pounds

DIA_MAXIMUM: Final = f"{ENGLAND}.deferred_payment.disposable_income_allowance"


def personal_expenses_allowance(request: AssessmentRequest, figures: Figures, trace: Trace) -> int:
    """England's PEA, Wales's minimum income amount for care-home residents, or the disposable
    income allowance the person keeps under a deferred payment agreement."""
    if request.disposable_income_allowance is not None:
        return disposable_income_allowance(
            request, request.disposable_income_allowance, figures, trace
        )
    if request.overrides.pea is not None:
        trace.add(
            "Personal expenses allowance given as an override", request.overrides.pea, ref.OVERRIDE
        )
        return request.overrides.pea
    if request.jurisdiction.value == "wales":
        amount, entry = figures.pence("wales.charging.minimum_income_amount_residential")
        trace.rule("Minimum income amount for a care-home resident (Wales)", amount, entry)
        return amount
    amount, entry = figures.pence(f"{ENGLAND}.personal_expenses_allowance")
    trace.rule("Personal expenses allowance", amount, entry)
    return amount


def disposable_income_allowance(
    request: AssessmentRequest, chosen: int, figures: Figures, trace: Trace
) -> int:
    """What a person with a deferred payment agreement keeps from income each week: the amount
    they chose, never more than the national maximum in force (statutory guidance 9.48-9.50)."""
    if request.setting is not Setting.RESIDENTIAL_PERMANENT:
        raise AssessmentInputError(
            "disposable_income_allowance", "applies only to a permanent care-home resident"
        )
    if request.jurisdiction.value != "england":
        raise AssessmentInputError(
            "disposable_income_allowance", "is modelled for England's deferred payments only"
        )
    maximum, entry = figures.pence(DIA_MAXIMUM)
    if chosen < 0 or chosen > maximum:
        raise AssessmentInputError(
            "disposable_income_allowance",
            f"must be between £0.00 and the maximum of {pounds(maximum)} a week",
        )
    trace.rule(
        f"Disposable income allowance kept under a deferred payment agreement "
        f"(chosen by the person; at most {pounds(maximum)} a week)",
        chosen,
        entry,
    )
    return chosen


def care_home_charge(
    request: AssessmentRequest, disposable: int, full_cost: bool, trace: Trace
) -> int:
    """The disposable income, capped at the home's weekly fee; the full fee above the limit."""
    fee = request.weekly_cost_of_care
    if full_cost:
        if fee is None:
            raise AssessmentInputError(
                "weekly_cost_of_care",
                "is needed: capital is over the upper limit, so the resident pays the home's full "
                "weekly fee",
            )
        trace.add("The home's full weekly fee", fee, ref.CARE_ACT)
        return fee
    if fee is not None and disposable > fee:
        trace.add("Limited to the home's weekly fee", fee, ref.COST_CAP)
        return fee
    return disposable
