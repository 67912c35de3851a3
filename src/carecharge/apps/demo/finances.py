"""Declared income for synthetic people, at the real benefit rates.

Every benefit amount is read from the rules in force on the as-at date (never a literal), so a
financial assessment of a demo person uses the same figures an officer would key in. Benefits
without a rule in rules/ (ESA, Universal Credit, ...) are not declared, rather than invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Final

from carecharge.apps.assessments.models import IncomeType
from carecharge.core.rules import RuleSet

from .plan import IncomePlan, PersonPlan

_BENEFITS: Final = "england.benefits."
AA_HIGHER: Final = _BENEFITS + "attendance_allowance.higher"
AA_LOWER: Final = _BENEFITS + "attendance_allowance.lower"
STATE_PENSION_BASIC: Final = _BENEFITS + "state_pension.basic_full"
STATE_PENSION_NEW: Final = _BENEFITS + "state_pension.new_full"
PC_SINGLE: Final = _BENEFITS + "pension_credit.standard_minimum_guarantee.single"
PC_COUPLE: Final = _BENEFITS + "pension_credit.standard_minimum_guarantee.couple"
DLA_CARE: Final = _BENEFITS + "disability_living_allowance.care."
DLA_MOBILITY: Final = _BENEFITS + "disability_living_allowance.mobility."
PIP_DAILY: Final = _BENEFITS + "personal_independence_payment.daily_living."
PIP_MOBILITY: Final = _BENEFITS + "personal_independence_payment.mobility."
RATE_NAMES: Final = (
    AA_HIGHER,
    AA_LOWER,
    STATE_PENSION_BASIC,
    STATE_PENSION_NEW,
    PC_SINGLE,
    PC_COUPLE,
    DLA_CARE + "highest",
    DLA_CARE + "middle",
    DLA_CARE + "lowest",
    DLA_MOBILITY + "higher",
    DLA_MOBILITY + "lower",
    PIP_DAILY + "enhanced",
    PIP_DAILY + "standard",
    PIP_MOBILITY + "enhanced",
    PIP_MOBILITY + "standard",
)
# People who reached State Pension age on or after 6 April 2016 get the new State Pension:
# men born on or after 6 April 1951, women born on or after 6 April 1953.
NEW_PENSION_BORN_FROM_MEN: Final = date(1951, 4, 6)
NEW_PENSION_BORN_FROM_WOMEN: Final = date(1953, 4, 6)
STATE_PENSION_AGE: Final = 66


@dataclass(frozen=True, slots=True)
class Rate:
    pence: int
    # Benefits are declared from the uprating date, so the amount is right for the whole item.
    effective_from: date


@dataclass(frozen=True, slots=True)
class Rates:
    """The benefit rates in force on the as-at date, by rule name."""

    by_name: dict[str, Rate]

    @classmethod
    def from_rules(cls, rules: RuleSet) -> Rates:
        """Raises RuleNotInForce when a rate has no value on the date (too early a date)."""
        found: dict[str, Rate] = {}
        for name in RATE_NAMES:
            entry = rules.entry(name)
            found[name] = Rate(rules.pence(name), entry.effective_from)
        return cls(found)

    def __getitem__(self, name: str) -> Rate:
        return self.by_name[name]


@dataclass(frozen=True, slots=True)
class Household:
    """What the finances depend on: who the person is and what the generator chose."""

    date_of_birth: date
    female: bool
    # The partner's date of birth and sex, for a member of a couple.
    partner: tuple[date, bool] | None
    in_council_funded_care_home: bool
    receives_attendance_allowance: bool
    attendance_higher: bool
    claims_pension_credit: bool
    occupational_pension: bool
    capital_band: int
    home_owner: bool


def _benefit(rates: Rates, name: str, kind: str, rate: str = "") -> IncomePlan:
    found = rates[name]
    label = IncomeType(kind).label
    return IncomePlan(kind, rate, found.pence, False, label, found.effective_from)


def _state_pension(born: date, female: bool) -> tuple[str, str]:
    threshold = NEW_PENSION_BORN_FROM_WOMEN if female else NEW_PENSION_BORN_FROM_MEN
    if born >= threshold:
        return STATE_PENSION_NEW, IncomeType.NEW_STATE_PENSION
    return STATE_PENSION_BASIC, IncomeType.STATE_PENSION


_PENSION_SCHEMES: Final = (
    "Local Government Pension Scheme",
    "NHS Pension",
    "Teachers' Pension",
    "Royal Mail Pension Plan",
    "Aviva",
    "Legal & General",
    "BT Pension",
)


def pension_age_income(
    rng: random.Random, rates: Rates, who: Household, as_at: date
) -> list[IncomePlan]:
    name, kind = _state_pension(who.date_of_birth, who.female)
    items = [_benefit(rates, name, kind)]
    own = rates[name].pence
    occupational = 0
    if who.occupational_pension:
        # Skewed: most workplace pensions are small, a few are generous.
        occupational = rng.choice((1, 1, 1, 2, 2, 3, 5)) * rng.randint(1_500, 6_000)
        # Paid since the person retired, somewhere between 60 and 66.
        start = date(who.date_of_birth.year + rng.randint(60, 66), who.date_of_birth.month, 1)
        scheme = rng.choice(_PENSION_SCHEMES)
        kind = IncomeType.OCCUPATIONAL_PENSION
        items.append(IncomePlan(kind, "", occupational, False, scheme, min(start, as_at)))
    if who.claims_pension_credit:
        # Guarantee credit tops income up to the standard minimum guarantee (couple rate for a
        # couple, counting the partner's State Pension too), so it is derived, not random.
        guarantee = rates[PC_SINGLE if who.partner is None else PC_COUPLE]
        shortfall = guarantee.pence - own - occupational
        if who.partner is not None:
            shortfall -= rates[_state_pension(*who.partner)[0]].pence
        if shortfall > 0:
            kind, joint = IncomeType.PENSION_CREDIT_GUARANTEE, who.partner is not None
            label = IncomeType(kind).label
            items.append(IncomePlan(kind, "", shortfall, joint, label, guarantee.effective_from))
    # Attendance Allowance stops after 28 days in a council-funded care home.
    if who.receives_attendance_allowance and not who.in_council_funded_care_home:
        level = "higher" if who.attendance_higher else "lower"
        items.append(
            _benefit(
                rates,
                AA_HIGHER if who.attendance_higher else AA_LOWER,
                IncomeType.ATTENDANCE_ALLOWANCE,
                level,
            )
        )
    return items


def working_age_income(rng: random.Random, rates: Rates) -> list[IncomePlan]:
    """PIP for most; DLA for the few who have kept it since before PIP; nothing for some."""
    items: list[IncomePlan] = []
    if rng.random() < 0.12:
        care = rng.choice(("highest", "middle", "middle", "lowest"))
        items.append(_benefit(rates, DLA_CARE + care, IncomeType.DLA_CARE, care))
        if rng.random() < 0.6:
            mobility = rng.choice(("higher", "lower"))
            rule = DLA_MOBILITY + mobility
            items.append(_benefit(rates, rule, IncomeType.DLA_MOBILITY, mobility))
    elif rng.random() < 0.85:
        daily = "enhanced" if rng.random() < 0.6 else "standard"
        items.append(_benefit(rates, PIP_DAILY + daily, IncomeType.PIP_DAILY_LIVING, daily))
        if rng.random() < 0.65:
            mobility = "enhanced" if rng.random() < 0.55 else "standard"
            rule = PIP_MOBILITY + mobility
            items.append(_benefit(rates, rule, IncomeType.PIP_MOBILITY, mobility))
    return items


def share_couple_pension_credit(first: PersonPlan, second: PersonPlan, rates: Rates) -> None:
    """When both partners are service users, their one Pension Credit award tops up their
    combined income, so the same joint item (or none) appears on both records."""
    claims = IncomeType.PENSION_CREDIT_GUARANTEE
    if not any(i.type == claims for p in (first, second) for i in p.incomes):
        return
    counted = {
        IncomeType.STATE_PENSION,
        IncomeType.NEW_STATE_PENSION,
        IncomeType.OCCUPATIONAL_PENSION,
    }
    combined = sum(i.weekly_pence for p in (first, second) for i in p.incomes if i.type in counted)
    guarantee = rates[PC_COUPLE]
    shortfall = guarantee.pence - combined
    for person in (first, second):
        person.incomes = [i for i in person.incomes if i.type != claims]
        if shortfall > 0:
            person.incomes.append(
                IncomePlan(
                    IncomeType.PENSION_CREDIT_GUARANTEE,
                    "",
                    shortfall,
                    True,
                    "Pension Credit",
                    guarantee.effective_from,
                    person.date_of_death,
                )
            )
