"""How a care-home resident with a deferred payment agreement meets the weekly charge.

The agreement does not change the assessed charge. It splits it: the person pays from their
income what is left after keeping the disposable income allowance they chose (at most the
national maximum; statutory guidance 9.48-9.50), and the rest of the charge is deferred, added
to the agreement's account and repaid from the home later. Tariff income is not paid from
income: it stands for capital, most of which is the home being deferred against.

Works on the contract result (amounts as two-decimal strings), so the split of a stored
assessment can be worked out again, exactly, whenever billing or a letter needs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from carecharge.core.assessment.errors import AssessmentInputError
from carecharge.core.assessment.trace import Step, Trace, pounds
from carecharge.core.money import parse_pounds
from carecharge.core.rules import RuleEntry

MAXIMUM_RULE: Final = "england.charging.deferred_payment.disposable_income_allowance"
GUIDANCE: Final = "Care and Support Statutory Guidance, paras 9.48 to 9.50 (disposable income)"


@dataclass(frozen=True, slots=True)
class DeferredPaymentSplit:
    """Pence a week."""

    weekly_charge: int
    allowance: int
    from_income: int
    deferred: int
    trace: tuple[Step, ...]


def _pence(result: Mapping[str, Any], *path: str) -> int:
    value: Any = result
    for key in path:
        value = value[key]
    return parse_pounds(str(value))


def split(result: Mapping[str, Any], *, allowance: int, maximum: RuleEntry) -> DeferredPaymentSplit:
    """Split a completed assessment's weekly charge into what is paid from income and what is
    deferred. ``maximum`` is the national maximum rule in force on the assessment's date."""
    assert isinstance(maximum.value, int)
    if not 0 <= allowance <= maximum.value:
        raise AssessmentInputError(
            "disposable_income_allowance",
            f"must be between £0.00 and the maximum of {pounds(maximum.value)} a week",
        )
    charge = _pence(result, "weekly_charge")
    income = (
        _pence(result, "total_income")
        - _pence(result, "disregarded_income")
        - _pence(result, "allowances", "savings_credit_disregard")
        - _pence(result, "allowances", "partner_pension_share")
    )
    trace = Trace()
    trace.add("Income counted, before any allowance", income, GUIDANCE)
    trace.rule(
        f"Less the disposable income allowance the person keeps (at most "
        f"{pounds(maximum.value)} a week)",
        allowance,
        maximum,
    )
    from_income = min(charge, max(0, income - allowance))
    trace.add(
        "Paid from income each week (never more than the weekly charge)", from_income, GUIDANCE
    )
    deferred = charge - from_income
    trace.add("Deferred each week under the agreement", deferred, GUIDANCE)
    return DeferredPaymentSplit(
        weekly_charge=charge,
        allowance=allowance,
        from_income=from_income,
        deferred=deferred,
        trace=tuple(trace.steps),
    )
