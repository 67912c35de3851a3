"""A whole week charged as the week before it, moved on a week, is exactly what working it out
would give (the engine's shortcut for weeks in which nothing changes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carecharge.core.charging import charges, engine
from carecharge.core.charging.errors import ChargingError
from carecharge.core.charging.types import (
    Actual,
    AssessedPeriod,
    PersonCharging,
    ServiceLine,
    Setting,
    Suspension,
)
from carecharge.core.periods import DateRange
from carecharge.core.rules import RuleBook

from .rules_tree import COUNCIL
from .strategies import SINCE, THROUGH, people

HOSPITAL = Suspension(DateRange(date(2025, 4, 16), date(2025, 4, 17)), "hospital")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def every_week_worked_out() -> Iterator[None]:
    real = engine._Repeats.same
    engine._Repeats.same = lambda self, before, week: False  # type: ignore[method-assign]
    try:
        yield
    finally:
        engine._Repeats.same = real  # type: ignore[method-assign]


def _both(person: PersonCharging, book: RuleBook, since: date, through: date) -> tuple[object, ...]:
    def run() -> object:
        try:
            return charges(person, book=book, council=COUNCIL, since=since, through=through)
        except ChargingError as error:
            return ("refused", error.field, error.message)

    fast = run()
    with every_week_worked_out():
        slow = run()
    return fast, slow


@SETTINGS
@given(person=people(), lead=st.integers(0, 13), tail=st.integers(0, 13))
def test_moving_a_week_on_gives_what_working_it_out_gives(
    book: RuleBook, person: PersonCharging, lead: int, tail: int
) -> None:
    fast, slow = _both(person, book, SINCE + timedelta(days=lead), THROUGH - timedelta(days=tail))
    assert fast == slow


def _home_care(**changes: object) -> PersonCharging:
    line = ServiceLine(
        ref="L1",
        service_code="HC",
        service_name="Home care",
        category="home_care",
        charging="means_tested",
        free_reason="",
        days=DateRange(date(2025, 4, 7), date(2025, 9, 28)),
        units_per_week=Decimal("4"),
        unit_cost_pence=2250,
        income_code="ASC/HC",
    )
    assessed = AssessedPeriod(
        "assessment:1",
        DateRange(date(2025, 4, 7), date(2025, 9, 28)),
        8420,
        Setting.NON_RESIDENTIAL,
    )
    person = PersonCharging(person_ref="P1", assessed=(assessed,), lines=(line,))
    return PersonCharging(**{**{f: getattr(person, f) for f in person.__slots__}, **changes})


def test_a_steady_week_is_moved_on_with_its_own_key_days_and_description(book: RuleBook) -> None:
    found = charges(
        _home_care(), book=book, council=COUNCIL, since=date(2025, 4, 7), through=date(2025, 4, 20)
    )
    assert [c.key for c in found] == [
        "contribution:council:2025-04-07",
        "contribution:council:2025-04-14",
    ]
    second = found[1]
    assert second.week == DateRange(date(2025, 4, 14), date(2025, 4, 20))
    assert second.days == DateRange(date(2025, 4, 14), date(2025, 4, 20))
    assert second.description == "Contribution towards your care, week beginning 14 April 2025"
    assert second.amount_pence == found[0].amount_pence == 8420
    assert second.trace == found[0].trace


@pytest.mark.parametrize(
    ("changes", "week_three"),
    [
        ({"suspensions": (HOSPITAL,)}, 8420),
        ({"actuals": (Actual("L1", date(2025, 4, 14), Decimal("2")),)}, 8420),
        ({"date_of_death": date(2025, 4, 18)}, 0),
    ],
    ids=["suspended", "actuals", "died"],
)  # fmt: skip
def test_a_week_with_something_new_in_it_is_worked_out(
    book: RuleBook, changes: dict[str, object], week_three: int
) -> None:
    person = _home_care(**changes)
    fast, slow = _both(person, book, date(2025, 4, 7), date(2025, 4, 27))
    assert fast == slow
    assert isinstance(fast, list)
    amounts = {c.week.start: c.amount_pence for c in fast}
    # The care cost £90.00 a week, more than the charge, until something changed in week two.
    assert amounts[date(2025, 4, 7)] == 8420
    assert amounts[date(2025, 4, 14)] < 8420
    assert amounts[date(2025, 4, 21)] == week_three
