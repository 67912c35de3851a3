"""Charging weeks: the council's start day, part weeks in the window, and a change of start day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from carecharge.core.charging.errors import ChargingError
from carecharge.core.charging.policy import (
    CouncilRules,
    charging_rule_prefixes,
    charging_rules_hash,
)
from carecharge.core.charging.weeks import charging_weeks
from carecharge.core.rules import RuleBook

from .rules_tree import BILLING, COUNCIL, START


def shown(weeks: list) -> list[str]:  # type: ignore[type-arg]
    return [str(week) for week in weeks]


def test_whole_weeks_overlapping_the_window(book: RuleBook) -> None:
    weeks = charging_weeks(CouncilRules(book, COUNCIL), date(2025, 4, 9), date(2025, 4, 22))
    # Wednesday 9 April to Tuesday 22 April 2025 touches three Monday-to-Sunday weeks.
    assert shown(weeks) == [
        "2025-04-07 to 2025-04-13",
        "2025-04-14 to 2025-04-20",
        "2025-04-21 to 2025-04-27",
    ]


def test_weeks_start_on_the_councils_day(make_book: Callable[..., RuleBook]) -> None:
    book = make_book(**{f"{BILLING}.week_start".replace(".", "__"): ("count", None, {START: 2})})
    weeks = charging_weeks(CouncilRules(book, COUNCIL), date(2025, 4, 7), date(2025, 4, 16))
    assert shown(weeks) == [
        "2025-04-02 to 2025-04-08",
        "2025-04-09 to 2025-04-15",
        "2025-04-16 to 2025-04-22",
    ]


def test_a_change_of_start_day_starts_a_week_on_its_date(
    make_book: Callable[..., RuleBook],
) -> None:
    # Mondays until Wednesday 16 April 2025, Thursdays from then.
    rule = ("count", None, {START: 0, "2025-04-16": 3})
    book = make_book(**{f"{BILLING}.week_start".replace(".", "__"): rule})
    weeks = charging_weeks(CouncilRules(book, COUNCIL), date(2025, 4, 7), date(2025, 4, 30))
    assert shown(weeks) == [
        "2025-04-07 to 2025-04-13",
        "2025-04-14 to 2025-04-15",  # cut the day before the change
        "2025-04-16 to 2025-04-16",  # the change date starts a week, to the first Thursday
        "2025-04-17 to 2025-04-23",
        "2025-04-24 to 2025-04-30",
    ]
    # A window starting after the change but in the week it began.
    later = charging_weeks(CouncilRules(book, COUNCIL), date(2025, 4, 16), date(2025, 4, 18))
    assert shown(later) == ["2025-04-16 to 2025-04-16", "2025-04-17 to 2025-04-23"]


def test_a_missing_or_impossible_week_start_is_a_rules_error(
    make_book: Callable[..., RuleBook],
) -> None:
    name = f"{BILLING}.week_start".replace(".", "__")
    with pytest.raises(
        ChargingError, match=r"rules: no rule named 'local\.test\.billing\.week_start'"
    ):
        charging_weeks(
            CouncilRules(make_book(**{name: None}), COUNCIL), date(2025, 4, 7), date(2025, 4, 8)
        )
    bad = make_book(**{name: ("count", None, {START: 9})})
    with pytest.raises(ChargingError, match=r"is 9; it must be 0 \(Monday\) to 6 \(Sunday\)"):
        charging_weeks(CouncilRules(bad, COUNCIL), date(2025, 4, 7), date(2025, 4, 8))


def test_a_window_before_the_rules_begin_is_refused(book: RuleBook) -> None:
    with pytest.raises(ChargingError, match="no value in force on 2015-03-31"):
        charging_weeks(CouncilRules(book, COUNCIL), date(2015, 3, 31), date(2015, 4, 8))


def test_charging_reads_only_rules_its_fingerprint_covers(book: RuleBook) -> None:
    rules = CouncilRules(book, COUNCIL)
    assert charging_rule_prefixes(COUNCIL) == (
        "england.charging.rounding.",
        f"local.{COUNCIL}.billing.",
        f"local.{COUNCIL}.flat_rates.",
    )
    with pytest.raises(ChargingError) as refused:
        rules.flat_price("england.benefits.attendance_allowance.higher", date(2025, 4, 7), "L1")
    assert refused.value.field == "lines"
    message = str(refused.value)
    assert "is not a charging rule: charging reads only england.charging.rounding.*" in message
    assert charging_rules_hash(book, COUNCIL) == book.scoped_hash(charging_rule_prefixes(COUNCIL))
