"""Data that cannot be charged from is refused with the field and the record named."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from carecharge.core.charging import ChargingError, charges
from carecharge.core.charging.types import (
    Actual,
    AssessedPeriod,
    ChcAward,
    PersonCharging,
    ServiceLine,
    Setting,
    Suspension,
    TopUp,
)
from carecharge.core.periods import DateRange
from carecharge.core.rules import RuleBook

from .rules_tree import COUNCIL

APRIL = DateRange(date(2025, 4, 7), date(2025, 4, 27))
LINE = ServiceLine(
    ref="HC1",
    service_code="HOMECARE",
    service_name="Home care",
    category="home_care",
    charging="means_tested",
    free_reason="",
    days=APRIL,
    units_per_week=Decimal(10),
    unit_cost_pence=2250,
    income_code="ASC4210/52210",
)
PERIOD = AssessedPeriod("assessment:1", APRIL, 8420, Setting.NON_RESIDENTIAL)
PERSON = PersonCharging(person_ref="10000001", assessed=(PERIOD,), lines=(LINE,))


def run(book: RuleBook, person: PersonCharging, through: date = date(2025, 4, 27)) -> None:
    charges(person, book=book, council=COUNCIL, since=date(2025, 4, 7), through=through)


@pytest.mark.parametrize(
    ("person", "field", "message"),
    [
        (
            replace(PERSON, assessed=(replace(PERIOD, weekly_pence=-1),)),
            "assessed",
            "assessment:1 from 2025-04-07 has a weekly charge of -1; expected whole pence, "
            "not negative",
        ),
        (
            replace(
                PERSON,
                assessed=(
                    replace(PERIOD, days=DateRange(date(2025, 4, 7), date(2025, 4, 14))),
                    replace(
                        PERIOD,
                        source="assessment:2",
                        days=DateRange(date(2025, 4, 14), date(2025, 4, 27)),
                    ),
                ),
            ),
            "assessed",
            "assessment:1 and assessment:2 both set the charge on some days",
        ),
        (
            replace(PERSON, actuals=(Actual("HC9", date(2025, 4, 7), Decimal(3)),)),
            "actuals",
            "names line HC9, which this person does not have",
        ),
        (
            replace(PERSON, actuals=(Actual("HC1", date(2025, 4, 7), Decimal(-3)),)),
            "actuals",
            "is -3; expected a number of units, not negative",
        ),
        (
            replace(
                PERSON,
                actuals=(
                    Actual("HC1", date(2025, 4, 7), Decimal(3)),
                    Actual("HC1", date(2025, 4, 7), Decimal(4)),
                ),
            ),
            "actuals",
            "line HC1 has two actuals for the week beginning 2025-04-07",
        ),
        (
            replace(PERSON, actuals=(Actual("HC1", date(2025, 4, 9), Decimal(3)),)),
            "actuals",
            "is dated 2025-04-09, which does not start a charging week (weeks begin on a Monday)",
        ),
        (
            replace(PERSON, lines=(LINE, LINE)),
            "lines",
            "line HC1 is given twice",
        ),
        (
            replace(PERSON, lines=(replace(LINE, charging="sometimes"),)),
            "lines",
            "line HC1 is charged 'sometimes'",
        ),
        (
            replace(PERSON, lines=(replace(LINE, unit_cost_pence=-5),)),
            "lines",
            "line HC1 has a unit cost of -5",
        ),
        (
            replace(PERSON, lines=(replace(LINE, units_per_week=Decimal("-1")),)),
            "lines",
            "line HC1 has units per week -1; expected a number of units, not negative",
        ),
        (
            replace(PERSON, lines=(replace(LINE, charging="flat_rate"),)),
            "lines",
            "flat-rate line HC1 names no price rule",
        ),
        (
            replace(
                PERSON,
                lines=(
                    replace(
                        LINE, charging="flat_rate", flat_rate_rule="local.test.flat_rates.nope"
                    ),
                ),
            ),
            "lines",
            "line HC1: no rule named 'local.test.flat_rates.nope'",
        ),
        (
            replace(PERSON, suspensions=(Suspension(APRIL, "prison"),)),
            "suspensions",
            "has reason 'prison'",
        ),
        (
            replace(
                PERSON,
                chc_awards=(
                    ChcAward("A", APRIL, "organisation:ICB01"),
                    ChcAward(
                        "B", DateRange(date(2025, 4, 20), date(2025, 4, 27)), "organisation:ICB01"
                    ),
                ),
            ),
            "chc_awards",
            "CHC awards A and B cover some of the same days",
        ),
        (
            replace(PERSON, top_ups=(TopUp("TU1", "third_party:TP1", APRIL, -100, "HC1", "T/1"),)),
            "top_ups",
            "top-up TU1 is -100 a week",
        ),
        (
            replace(PERSON, top_ups=(TopUp("TU1", "third_party:TP1", APRIL, 100, "CH9", "T/1"),)),
            "top_ups",
            "tops up line CH9, which this person does not have",
        ),
    ],
)
def test_bad_data_is_refused_naming_the_field(
    book: RuleBook, person: PersonCharging, field: str, message: str
) -> None:
    with pytest.raises(ChargingError) as caught:
        run(book, person)
    assert caught.value.field == field
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{field}: ")


def test_a_window_ending_before_it_starts_is_refused(book: RuleBook) -> None:
    with pytest.raises(
        ChargingError, match="through: 2025-04-06 is before the start of the window"
    ):
        run(book, PERSON, through=date(2025, 4, 6))


def test_an_actual_for_a_week_the_line_did_not_run_is_refused(book: RuleBook) -> None:
    short = replace(LINE, days=DateRange(date(2025, 4, 7), date(2025, 4, 13)))
    person = replace(
        PERSON, lines=(short,), actuals=(Actual("HC1", date(2025, 4, 14), Decimal(5)),)
    )
    with pytest.raises(ChargingError, match="the line did not run that week"):
        run(book, person)


def test_a_missing_policy_rule_is_a_rules_error(make_book) -> None:  # type: ignore[no-untyped-def]
    book = make_book(england__charging__rounding__daily_apportionment=None)
    with pytest.raises(
        ChargingError,
        match=r"rules: no rule named 'england\.charging\.rounding\.daily_apportionment'",
    ):
        run(book, PERSON)
