"""What a person owes, week by week: ``charges(person, book=..., council=..., since, through)``.

Pure: no database and no clock. Given everything known now about one person, it returns every
charge due for each charging week that overlaps ``since..through``, counting only days in that
window. Keys are stable across runs (``"<kind>:<qualifier>:<week start>"``), and a key whose
source is live in a week is returned even when nothing is due, with a basis saying why, so that
re-rating can explain a change.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from typing import Final

from carecharge.core.charging.arrangement_fee import arrangement_fee_charges
from carecharge.core.charging.chc import chc_recharges
from carecharge.core.charging.contribution import contribution_charges
from carecharge.core.charging.errors import ChargingError
from carecharge.core.charging.exact import long_date
from carecharge.core.charging.flat_rate import flat_rate_charges
from carecharge.core.charging.policy import CouncilRules
from carecharge.core.charging.top_up import top_up_charges
from carecharge.core.charging.types import Charge, PersonCharging
from carecharge.core.charging.validation import validate
from carecharge.core.charging.week import PersonDays, Week, is_reablement
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
    rules = _council_rules(book, council)
    weeks = charging_weeks(rules, since, through)
    _check_actual_weeks(person, weeks, rules)
    days = PersonDays(person)
    window = DateRange(since, through)
    repeats = _Repeats(person, book)
    found: list[Charge] = []
    # The last whole week worked out, and its charges, while nothing has changed since.
    previous: tuple[DateRange, list[Charge]] | None = None
    for span in weeks:
        inside = span.intersection(window)
        assert inside is not None
        whole = inside.start == span.start and inside.end == span.end and span.days == 7
        week_charges = None
        if whole and previous is not None and repeats.same(previous[0], span):
            week_charges = _moved(previous[1], previous[0], span)
        if week_charges is None:
            week = Week(span=span, days=tuple(inside.iter_days()), person=days, rules=rules)
            week_charges = [
                *contribution_charges(week),
                *flat_rate_charges(week),
                *top_up_charges(week),
                *chc_recharges(week),
            ]
        found += week_charges
        previous = (span, week_charges) if whole else None
    found += arrangement_fee_charges(days, rules, weeks, since, through)
    found.sort(key=lambda charge: (charge.week.start, charge.key))
    return found


_ONE_DAY: Final = timedelta(days=1)
_COUNCIL_RULES: dict[tuple[str, str], CouncilRules] = {}


def _council_rules(book: RuleBook, council: str) -> CouncilRules:
    """The council's rules from this book, shared by every person charged from it: each rule is
    then looked up once per date for a whole billing run, not once per person."""
    key = (book.content_hash, council)
    found = _COUNCIL_RULES.get(key)
    if found is None:
        if len(_COUNCIL_RULES) >= 8:
            _COUNCIL_RULES.clear()
        found = _COUNCIL_RULES[key] = CouncilRules(book, council)
    return found


_RULE_CHANGES: dict[str, tuple[date, ...]] = {}


class _Repeats:
    """Whether a whole week is charged exactly as the whole week before it, a week on.

    Everything a week's charges depend on is a fact about each of its days (alive, in hospital,
    under CHC, assessed at what, which lines run, which top-ups apply) or a rule as at its first
    day. When none of them changes anywhere from the day after the earlier week starts to the end
    of the later one, each day of the later week is the same as the day a week before it, so
    its charges are the earlier week's moved on by seven days. Most weeks of most people are
    like that, and working a week out costs far more than moving one. Weeks with a provider's
    actual, or with reablement running (free for a number of weeks the rules set), are always
    worked out.
    """

    __slots__ = ("_changes", "_no_repeat", "_rules")

    def __init__(self, person: PersonCharging, book: RuleBook) -> None:
        points: set[date] = set()
        spans = [
            *(line.days for line in person.lines),
            *(period.days for period in person.assessed),
            *(suspension.days for suspension in person.suspensions),
            *(award.days for award in person.chc_awards),
            *(top_up.days for top_up in person.top_ups),
        ]
        for days in spans:
            points.add(days.start)
            points.add(days.end + _ONE_DAY)
        if person.date_of_death is not None:
            points.add(person.date_of_death + _ONE_DAY)
        self._changes = sorted(points)
        self._no_repeat = [
            *(DateRange(a.week_start, a.week_start) for a in person.actuals),
            *(line.days for line in person.lines if is_reablement(line)),
        ]
        rules = _RULE_CHANGES.get(book.content_hash)
        if rules is None:
            rules = _RULE_CHANGES[book.content_hash] = book.change_dates(date.min, date.max)
        self._rules = rules

    def same(self, before: DateRange, week: DateRange) -> bool:
        if before.days != 7 or week.start != before.end + _ONE_DAY:
            return False
        for points in (self._changes, self._rules):
            # Any change on a day after the earlier week's first, up to the later week's last?
            at = bisect_right(points, before.start)
            if at < len(points) and points[at] <= week.end:
                return False
        return not any(
            span.start <= week.end and before.start <= span.end for span in self._no_repeat
        )


def _moved(charges: list[Charge], before: DateRange, week: DateRange) -> list[Charge] | None:
    """The earlier week's charges for the later week: keys, descriptions and days moved on
    (``None`` if a charge does not name its week as expected, so the week is worked out)."""
    step = week.start - before.start
    old_key, new_key = before.start.isoformat(), week.start.isoformat()
    old_words, new_words = long_date(before.start), long_date(week.start)
    moved = []
    for charge in charges:
        if (
            charge.week != before
            or not charge.key.endswith(old_key)
            or not charge.description.endswith(old_words)
        ):
            return None
        days = charge.days
        moved.append(
            Charge(
                key=charge.key[: -len(old_key)] + new_key,
                kind=charge.kind,
                debtor=charge.debtor,
                week=week,
                days=None if days is None else DateRange(days.start + step, days.end + step),
                amount_pence=charge.amount_pence,
                invoiced=charge.invoiced,
                income=charge.income,
                description=charge.description[: -len(old_words)] + new_words,
                units=charge.units,
                basis=charge.basis,
                trace=charge.trace,
            )
        )
    return moved


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
