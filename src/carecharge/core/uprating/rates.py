"""Which benefit rates the rules hold, by income type and rate.

Only these amounts can be uprated by the rules: each is a flat DWP rate that everyone on that
benefit and rate receives. Anything else a person is paid (a part State Pension, a protected or
transitional payment, an occupational pension, Pension Credit worked out on their other income)
is individual, and the rules cannot say what it becomes.
"""

from __future__ import annotations

from typing import Final

from carecharge.core.assessment.request import IncomeType, Rate

_BENEFITS: Final = "england.benefits"

#: For each income type the rules can uprate, the rule for each rate it is paid at (``None``:
#: the benefit has a single full rate and the contract gives no ``rate`` for it).
RATE_RULES: Final[dict[IncomeType, dict[Rate | None, str]]] = {
    IncomeType.ATTENDANCE_ALLOWANCE: {
        Rate.HIGHER: f"{_BENEFITS}.attendance_allowance.higher",
        Rate.LOWER: f"{_BENEFITS}.attendance_allowance.lower",
    },
    IncomeType.DLA_CARE: {
        Rate.HIGHEST: f"{_BENEFITS}.disability_living_allowance.care.highest",
        Rate.MIDDLE: f"{_BENEFITS}.disability_living_allowance.care.middle",
        Rate.LOWEST: f"{_BENEFITS}.disability_living_allowance.care.lowest",
    },
    IncomeType.DLA_MOBILITY: {
        Rate.HIGHER: f"{_BENEFITS}.disability_living_allowance.mobility.higher",
        Rate.LOWER: f"{_BENEFITS}.disability_living_allowance.mobility.lower",
    },
    IncomeType.PIP_DAILY_LIVING: {
        Rate.ENHANCED: f"{_BENEFITS}.personal_independence_payment.daily_living.enhanced",
        Rate.STANDARD: f"{_BENEFITS}.personal_independence_payment.daily_living.standard",
    },
    IncomeType.PIP_MOBILITY: {
        Rate.ENHANCED: f"{_BENEFITS}.personal_independence_payment.mobility.enhanced",
        Rate.STANDARD: f"{_BENEFITS}.personal_independence_payment.mobility.standard",
    },
    IncomeType.STATE_PENSION: {None: f"{_BENEFITS}.state_pension.basic_full"},
    IncomeType.NEW_STATE_PENSION: {None: f"{_BENEFITS}.state_pension.new_full"},
}

#: The standard minimum guarantee of Pension Credit, for a single person and a couple: the
#: figure a guarantee credit award is worked out from (it is shown to the officer, not applied).
STANDARD_MINIMUM_GUARANTEE: Final = {
    False: f"{_BENEFITS}.pension_credit.standard_minimum_guarantee.single",
    True: f"{_BENEFITS}.pension_credit.standard_minimum_guarantee.couple",
}


def rule_names() -> tuple[str, ...]:
    """Every rule uprating may read, sorted (for the preview's list of the rules used)."""
    names = {name for rates in RATE_RULES.values() for name in rates.values()}
    names.update(STANDARD_MINIMUM_GUARANTEE.values())
    return tuple(sorted(names))
