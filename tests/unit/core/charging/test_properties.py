"""Invariants of charging over any mix of care, assessments and events (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction

from hypothesis import HealthCheck, given, settings

from carecharge.core.charging import charges
from carecharge.core.charging.types import ChargeKind, PersonCharging, Setting
from carecharge.core.rules import RuleBook

from .rules_tree import COUNCIL
from .strategies import SINCE, THROUGH, people

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FLAT_OR_FREE = ("flat_rate",)


def _half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


@SETTINGS
@given(person=people())
def test_charges_are_deterministic_whole_and_never_negative(
    book: RuleBook, person: PersonCharging
) -> None:
    first = charges(person, book=book, council=COUNCIL, since=SINCE, through=THROUGH)
    again = charges(person, book=book, council=COUNCIL, since=SINCE, through=THROUGH)
    assert first == again
    assert len({charge.key for charge in first}) == len(first)
    for charge in first:
        assert charge.amount_pence >= 0
        assert sum(pence for _, pence in charge.income) == charge.amount_pence
        assert all(pence > 0 for _, pence in charge.income)
        assert charge.key.endswith(charge.week.start.isoformat())
        if charge.days is not None:
            assert charge.week.start <= charge.days.start <= charge.days.end <= charge.week.end
            assert charge.days.start >= SINCE and charge.days.end <= THROUGH
        death = person.date_of_death
        if (
            death is not None
            and charge.days is not None
            and charge.kind is not ChargeKind.ARRANGEMENT_FEE
        ):
            assert charge.days.end <= death


def _days(start: date, end: date) -> int:
    return max(0, (end - start).days + 1)


@SETTINGS
@given(person=people())
def test_home_care_contribution_never_exceeds_the_cost_or_the_assessed_charge(
    book: RuleBook, person: PersonCharging
) -> None:
    """Bounds worked out independently of the engine, from the plan alone (no actuals), over
    every day the week has in the window: the engine only ever charges a subset of those."""
    person = PersonCharging(
        person_ref=person.person_ref,
        assessed=tuple(p for p in person.assessed if p.setting == Setting.NON_RESIDENTIAL),
        lines=tuple(line for line in person.lines if line.charging not in FLAT_OR_FREE),
        suspensions=person.suspensions,
        chc_awards=person.chc_awards,
        date_of_death=person.date_of_death,
    )
    found = charges(person, book=book, council=COUNCIL, since=SINCE, through=THROUGH)
    weekly: dict[date, int] = defaultdict(int)
    weeks = {}
    for charge in found:
        if charge.kind is ChargeKind.CONTRIBUTION:
            weekly[charge.week.start] += charge.amount_pence
            weeks[charge.week.start] = charge.week
    for start, total in weekly.items():
        week = weeks[start]
        first, last = max(week.start, SINCE), min(week.end, THROUGH)
        cost = sum(
            (
                Fraction(line.units_per_week)
                * line.unit_cost_pence
                * _days(max(first, line.days.start), min(last, line.days.end))
                / 7
                for line in person.lines
            ),
            Fraction(0),
        )
        assert total <= _half_up(cost)
        if not any(p.full_cost for p in person.assessed):
            assessed = sum(
                (
                    Fraction(
                        p.weekly_pence * _days(max(first, p.days.start), min(last, p.days.end)), 7
                    )
                    for p in person.assessed
                ),
                Fraction(0),
            )
            assert total <= _half_up(assessed)


@SETTINGS
@given(person=people())
def test_trace_states_the_amount_charged(book: RuleBook, person: PersonCharging) -> None:
    """The last step of a contribution's trace that carries an amount is the amount charged."""
    for charge in charges(person, book=book, council=COUNCIL, since=SINCE, through=THROUGH):
        amounts = [step.amount_pence for step in charge.trace if step.amount_pence is not None]
        if charge.kind is ChargeKind.CONTRIBUTION:
            assert amounts[-1] == charge.amount_pence
        elif charge.trace:
            assert charge.amount_pence in amounts
