"""Care homes: the personal expenses allowance and the charge, for permanent and temporary stays.

Permanent residents keep the personal expenses allowance (PEA, reg 6); half of an occupational
or private pension paid to a partner still at home is left out; the home is counted after the
12-week disregard unless a partner or qualifying relative lives there. Temporary residents
(Annex F) keep the PEA too, their home is ignored and their housing costs are allowed. The
charge is the disposable income, never more than the home's weekly fee; above the upper capital
limit the resident pays the full fee. (A council may instead charge a short stay as care at home,
reg 8: the ``temporary_as_non_residential`` policy, handled by the engine.)

A deferred payment agreement does not change the charge worked out here: it decides how the charge
is met (what the person pays from income now, keeping their disposable income allowance, and what
is deferred against their home). That split is ``deferred_payment.split``.
"""

from __future__ import annotations

from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.figures import ENGLAND, Figures
from carecharge.core.assessment.request import AssessmentRequest
from carecharge.core.assessment.trace import Trace


def personal_expenses_allowance(request: AssessmentRequest, figures: Figures, trace: Trace) -> int:
    """England's PEA, or Wales's minimum income amount for care-home residents."""
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
