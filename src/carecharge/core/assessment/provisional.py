"""The provisional charge: what a council bills before a person's first financial assessment.

Statutory guidance lets a council start charging when care starts, before the financial
assessment is finished, as long as the person is told and the charge is put right from the
start date once assessed. The council's policy (the rule
``local.<council>.assessment.provisional_charge_mode``) is either ``age_band`` (a weekly amount
for people under and at pension credit age, from ``...provisional_charge.*``) or ``none``
(nothing is billed until the assessment).

The amount is never more than the weekly cost of the care, the same cap as an assessed charge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from carecharge.core.assessment import pension_age
from carecharge.core.assessment import trace as ref
from carecharge.core.assessment.errors import AssessmentRulesError
from carecharge.core.assessment.trace import Step, Trace, pounds
from carecharge.core.rules import RuleEntry, RuleError, RuleSet, Unit

MODES: Final = ("age_band", "none")


@dataclass(frozen=True, slots=True)
class ProvisionalCharge:
    weekly: int  # pence
    trace: tuple[Step, ...]


def provisional_charge(
    rules: RuleSet,
    council: str,
    *,
    date_of_birth: date,
    weekly_cost_of_care: int | None,
) -> ProvisionalCharge | None:
    """The provisional weekly charge on ``rules.as_at``, or ``None`` when the council's policy
    is to charge nothing until the assessment is done."""
    base = f"local.{council}.assessment"
    mode_entry = _entry(rules, f"{base}.provisional_charge_mode", Unit.TEXT)
    mode = str(mode_entry.value)
    if mode not in MODES:
        raise AssessmentRulesError(
            f"{base}.provisional_charge_mode: {mode!r} is not one of {', '.join(MODES)}"
        )
    if mode == "none":
        return None
    trace = Trace()
    reached = pension_age.has_reached(date_of_birth, rules.as_at)
    band = "pension_credit_age" if reached else "under_pension_credit_age"
    words = "at or over" if reached else "under"
    entry = _entry(rules, f"{base}.provisional_charge.{band}", Unit.PENCE)
    assert isinstance(entry.value, int)
    amount = entry.value
    trace.rule(
        f"Provisional weekly charge for a person {words} pension credit age (council policy, "
        "until the financial assessment is complete)",
        amount,
        mode_entry,
        entry,
    )
    if weekly_cost_of_care is not None and weekly_cost_of_care < amount:
        amount = weekly_cost_of_care
        trace.add(
            f"Capped at the weekly cost of care, {pounds(weekly_cost_of_care)}",
            amount,
            ref.COST_CAP,
        )
    return ProvisionalCharge(weekly=amount, trace=tuple(trace.steps))


def _entry(rules: RuleSet, name: str, unit: Unit) -> RuleEntry:
    try:
        entry = rules.entry(name)
    except RuleError as missing:
        raise AssessmentRulesError(str(missing)) from None
    if entry.unit is not unit:
        raise AssessmentRulesError(f"{name}: is in {entry.unit.value}, not {unit.value}")
    return entry
