"""The result of an assessment: amounts in pence, flags, the trace, and the rules used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carecharge.core.assessment.trace import Step


@dataclass(frozen=True, slots=True)
class Allowances:
    """The amounts deducted from income, in pence a week."""

    mig: int = 0
    pea: int = 0
    housing: int = 0
    dre: int = 0
    savings_credit_disregard: int = 0
    partner_pension_share: int = 0

    @property
    def total(self) -> int:
        return (
            self.mig
            + self.pea
            + self.housing
            + self.dre
            + self.savings_credit_disregard
            + self.partner_pension_share
        )


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """What the person pays a week and why. Amounts are pence; see the JSON contract."""

    weekly_charge: int
    full_cost: bool
    light_touch: bool
    weekly_cost_of_care: int | None
    total_income: int
    disregarded_income: int
    tariff_income: int
    capital_counted: int
    allowances: Allowances
    disposable_income: int
    trace: tuple[Step, ...]
    rules_as_at: date
    rules_hash: str
