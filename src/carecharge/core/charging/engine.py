"""What a person owes, week by week: ``charges(person, book=..., council=..., since, through)``.

Pure: no database and no clock. Given everything known now about one person, it returns every
charge due for each charging week that overlaps ``since..through``, counting only days in that
window. Keys are stable across runs (``"<kind>:<qualifier>:<week start>"``), and a key whose
source is live in a week is returned even when nothing is due, with a basis saying why, so that
re-rating can explain a change.
"""

from __future__ import annotations

from datetime import date

from carecharge.core.charging.arrangement_fee import arrangement_fee_charges
from carecharge.core.charging.chc import chc_recharges
from carecharge.core.charging.contribution import contribution_charges
from carecharge.core.charging.errors import ChargingError
from carecharge.core.charging.flat_rate import flat_rate_charges
from carecharge.core.charging.policy import CouncilRules
from carecharge.core.charging.top_up import top_up_charges
from carecharge.core.charging.types import Charge, PersonCharging
from carecharge.core.charging.validation import validate
from carecharge.core.charging.week import PersonDays, Week
from carecharge.core.charging.weeks import charging_weeks
from carecharge.core.periods import DateRange
from carecharge.core.rules import RuleBook

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def charges(
    person: PersonCharging,
    *,
    book: RuleBook,
    council: str,
    since: date,
    through: date,
) -> list[Charge]:
    """Every charge due from ``person`` for the charging weeks overlapping ``since..through``.

    Sorted by week, then key. Raises :class:`ChargingError` naming the field when the data
    cannot be charged from (a negative weekly charge, overlapping assessed periods, an actual for
    a line the person does not have, a missing policy rule, ...).
    """
    validate(person, since, through)
    rules = CouncilRules(book, council)
    weeks = charging_weeks(rules, since, through)
    _check_actual_weeks(person, weeks, rules)
    days = PersonDays(person)
    window = DateRange(since, through)
    found: list[Charge] = []
    for span in weeks:
        inside = span.intersection(window)
        assert inside is not None
        week = Week(span=span, days=tuple(inside.iter_days()), person=days, rules=rules)
        found += contribution_charges(week)
        found += flat_rate_charges(week)
        found += top_up_charges(week)
        found += chc_recharges(week)
    found += arrangement_fee_charges(days, rules, weeks, since, through)
    found.sort(key=lambda charge: (charge.week.start, charge.key))
    return found


def _check_actual_weeks(
    person: PersonCharging, weeks: list[DateRange], rules: CouncilRules
) -> None:
    """An actual inside the window that no week could use would be ignored silently: refuse it."""
    if not weeks:
        return
    starts = {week.start: week for week in weeks}
    covered = DateRange(weeks[0].start, weeks[-1].end)
    lines = {line.ref: line for line in person.lines}
    death = person.date_of_death
    for actual in person.actuals:
        if actual.week_start not in covered:
            continue
        week = starts.get(actual.week_start)
        if week is None:
            weekday = _WEEKDAYS[rules.week_start(actual.week_start)]
            raise ChargingError(
                "actuals",
                f"the actual for line {actual.line_ref} is dated {actual.week_start}, which does "
                f"not start a charging week (weeks begin on a {weekday})",
            )
        ran = week.intersection(lines[actual.line_ref].days)
        if death is not None and ran is not None and ran.start > death:
            ran = None
        if ran is None and actual.units:
            raise ChargingError(
                "actuals",
                f"line {actual.line_ref} has {actual.units} units delivered in the week beginning "
                f"{actual.week_start}, but the line did not run that week (or the person had died)",
            )
