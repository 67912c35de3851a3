"""Refuse data that cannot be charged from, before anything is worked out.

Each problem is a :class:`ChargingError` naming the field and the record (a line's reference, an
assessment's source), so an officer can find and put it right. The first problem found is
raised; the order is the order of the `PersonCharging` fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Final

from carecharge.core.charging.errors import ChargingError
from carecharge.core.charging.policy import SUSPENSION_REASONS
from carecharge.core.charging.types import Collection, PersonCharging, Setting
from carecharge.core.periods import DateRange

CHARGING_METHODS: Final = ("means_tested", "flat_rate", "free")


def validate(person: PersonCharging, since: date, through: date) -> None:
    _dates(since, through)
    _lines(person)
    _assessed(person)
    _actuals(person)
    _suspensions(person)
    _chc_awards(person)
    _top_ups(person)


def _dates(since: object, through: object) -> None:
    for name, value in (("since", since), ("through", through)):
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ChargingError(name, f"must be a date, not {type(value).__name__}")
    assert isinstance(since, date) and isinstance(through, date)
    if through < since:
        raise ChargingError("through", f"{through} is before the start of the window, {since}")


def _is_pence(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_units(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value >= 0


def _shown(value: object) -> str:
    # A Decimal as typed ("-1.5"); anything else as Python shows it, type and all.
    return str(value) if isinstance(value, Decimal) else repr(value)


def _lines(person: PersonCharging) -> None:
    seen: set[str] = set()
    for line in person.lines:
        if not line.ref:
            raise ChargingError("lines", f"a line for {line.service_name} has no reference")
        if line.ref in seen:
            raise ChargingError("lines", f"line {line.ref} is given twice")
        seen.add(line.ref)
        if not isinstance(line.days, DateRange):
            raise ChargingError("lines", f"line {line.ref} has no start and end dates")
        if line.charging not in CHARGING_METHODS:
            raise ChargingError(
                "lines",
                f"line {line.ref} is charged {line.charging!r}; expected one of "
                f"{', '.join(CHARGING_METHODS)}",
            )
        if not _is_units(line.units_per_week):
            raise ChargingError(
                "lines",
                f"line {line.ref} has units per week {_shown(line.units_per_week)}; "
                "expected a number of units, not negative",
            )
        if not _is_pence(line.unit_cost_pence) or line.unit_cost_pence < 0:
            raise ChargingError(
                "lines",
                f"line {line.ref} has a unit cost of {line.unit_cost_pence!r}; "
                "expected whole pence, not negative",
            )
        if not line.income_code:
            raise ChargingError("lines", f"line {line.ref} has no income code")
        if line.collection not in tuple(Collection):
            raise ChargingError(
                "lines", f"line {line.ref} has an unknown collection {line.collection!r}"
            )
        if line.charging == "flat_rate" and not line.flat_rate_rule:
            raise ChargingError("lines", f"flat-rate line {line.ref} names no price rule")


def _overlap(ranges: Iterable[tuple[str, DateRange]]) -> tuple[str, str] | None:
    ordered = sorted(ranges, key=lambda item: (item[1].start, item[0]))
    for (first, first_days), (second, second_days) in pairwise(ordered):
        if first_days.overlaps(second_days):
            return first, second
    return None


def _assessed(person: PersonCharging) -> None:
    for period in person.assessed:
        if not isinstance(period.days, DateRange):
            raise ChargingError("assessed", f"{period.source} has no start and end dates")
        if not _is_pence(period.weekly_pence) or period.weekly_pence < 0:
            raise ChargingError(
                "assessed",
                f"{period.source} from {period.days.start} has a weekly charge of "
                f"{period.weekly_pence!r}; expected whole pence, not negative",
            )
        if period.setting not in tuple(Setting):
            raise ChargingError(
                "assessed", f"{period.source} has an unknown setting {period.setting!r}"
            )
    clash = _overlap((p.source, p.days) for p in person.assessed)
    if clash is not None:
        raise ChargingError(
            "assessed",
            f"{clash[0]} and {clash[1]} both set the charge on some days; a revision must end "
            "the earlier version the day before it starts",
        )


def _actuals(person: PersonCharging) -> None:
    refs = {line.ref for line in person.lines}
    seen: set[tuple[str, date]] = set()
    for actual in person.actuals:
        if actual.line_ref not in refs:
            raise ChargingError(
                "actuals",
                f"an actual for the week beginning {actual.week_start} names line "
                f"{actual.line_ref}, which this person does not have",
            )
        if not _is_units(actual.units):
            raise ChargingError(
                "actuals",
                f"the actual for line {actual.line_ref}, week beginning {actual.week_start}, "
                f"is {_shown(actual.units)}; expected a number of units, not negative",
            )
        key = (actual.line_ref, actual.week_start)
        if key in seen:
            raise ChargingError(
                "actuals",
                f"line {actual.line_ref} has two actuals for the week beginning "
                f"{actual.week_start}; pass only the current figure",
            )
        seen.add(key)


def _suspensions(person: PersonCharging) -> None:
    for suspension in person.suspensions:
        if suspension.reason not in SUSPENSION_REASONS:
            raise ChargingError(
                "suspensions",
                f"the suspension from {suspension.days.start} has reason "
                f"{suspension.reason!r}; expected one of {', '.join(SUSPENSION_REASONS)}",
            )


def _chc_awards(person: PersonCharging) -> None:
    seen: set[str] = set()
    for award in person.chc_awards:
        if not award.ref or award.ref in seen:
            raise ChargingError(
                "chc_awards", f"CHC award references must be present and unique ({award.ref!r})"
            )
        seen.add(award.ref)
        if not award.icb:
            raise ChargingError("chc_awards", f"CHC award {award.ref} names no ICB")
    clash = _overlap((a.ref, a.days) for a in person.chc_awards)
    if clash is not None:
        raise ChargingError(
            "chc_awards",
            f"CHC awards {clash[0]} and {clash[1]} cover some of the same days; "
            "the ICB would be recharged twice",
        )


def _top_ups(person: PersonCharging) -> None:
    refs = {line.ref for line in person.lines}
    seen: set[str] = set()
    for top_up in person.top_ups:
        if not top_up.ref or top_up.ref in seen:
            raise ChargingError(
                "top_ups", f"top-up references must be present and unique ({top_up.ref!r})"
            )
        seen.add(top_up.ref)
        if not _is_pence(top_up.weekly_pence) or top_up.weekly_pence < 0:
            raise ChargingError(
                "top_ups",
                f"top-up {top_up.ref} is {top_up.weekly_pence!r} a week; "
                "expected whole pence, not negative",
            )
        if top_up.line_ref not in refs:
            raise ChargingError(
                "top_ups",
                f"top-up {top_up.ref} tops up line {top_up.line_ref}, "
                "which this person does not have",
            )
        if not top_up.payer:
            raise ChargingError("top_ups", f"top-up {top_up.ref} names no payer")
        if not top_up.income_code:
            raise ChargingError("top_ups", f"top-up {top_up.ref} has no income code")
