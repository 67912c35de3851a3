"""What is true of each day of one charging week, and of each service line on it.

Charging works day by day inside a week and rounds once per week: this module answers the day
questions (alive? in hospital? under NHS Continuing Healthcare? assessed? is this line free
today? did it run?) and how many units a line delivered on a set of days, from the provider's
actual when there is one, else from the plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Final, NamedTuple

from carecharge.core.charging.errors import ChargingError
from carecharge.core.charging.exact import exact, long_date, shown_units
from carecharge.core.charging.policy import CouncilRules
from carecharge.core.charging.types import (
    Actual,
    AssessedPeriod,
    ChcAward,
    PersonCharging,
    ServiceLine,
    Suspension,
    TraceStep,
)
from carecharge.core.money import format_pounds
from carecharge.core.periods import DateRange

RESIDENTIAL_CATEGORIES: Final = frozenset(
    {"residential_permanent", "residential_short_stay", "nursing"}
)
MEANS_TESTED: Final = "means_tested"
FLAT_RATE: Final = "flat_rate"
FREE: Final = "free"
REABLEMENT: Final = "reablement"
SECTION_117: Final = "section_117"

# References a trace cites where no rule holds a figure.
REGS: Final = "SI 2014/2672"
FREE_SERVICES: Final = f"{REGS} regs 3 and 4 (care and support that must be provided free)"
CHC_REFERENCE: Final = "Care Act 2014 s22 (no charge for what the NHS must provide)"
S117_REFERENCE: Final = "Mental Health Act 1983 s117 (aftercare is free of charge)"
DEATH_REFERENCE: Final = "Charges end on the date of death (the day of death is charged)"
COST_CAP: Final = "Care Act 2014 s14(4) (no more than the cost of meeting the needs)"

_FREE_WORDS: Final = {
    "equipment": "community equipment and minor adaptations",
    "cjd": "care for a person with Creutzfeldt-Jakob disease",
    "intermediate_care": "intermediate care",
    "chc": "NHS Continuing Healthcare",
    SECTION_117: "section 117 aftercare",
    REABLEMENT: "reablement",
}


class Free(NamedTuple):
    """Why a line is not charged on a day, as a trace says it."""

    label: str
    reference: str


def is_residential(line: ServiceLine) -> bool:
    return line.category in RESIDENTIAL_CATEGORIES


def is_reablement(line: ServiceLine) -> bool:
    return line.free_reason == REABLEMENT or line.category == REABLEMENT


def unit_words(line: ServiceLine, units: Fraction | int) -> str:
    """``"10.00 hours"``: units to two places and the line's unit, plural unless exactly one."""
    plural = "" if units == 1 else "s"
    return f"{shown_units(Fraction(units))} {line.unit}{plural}"


def days_words(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


@dataclass(slots=True)
class PersonDays:
    """Day look-ups over one person's records, shared by every week."""

    person: PersonCharging
    actuals: Mapping[tuple[str, date], Actual] = field(init=False)
    _suspended: dict[date, tuple[Suspension, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.actuals = {(a.line_ref, a.week_start): a for a in self.person.actuals}
        self._suspended = {}

    def alive(self, day: date) -> bool:
        death = self.person.date_of_death
        return death is None or day <= death

    def assessed(self, day: date) -> AssessedPeriod | None:
        for period in self.person.assessed:
            if period.days.start <= day <= period.days.end:
                return period
        return None

    def chc(self, day: date) -> ChcAward | None:
        for award in self.person.chc_awards:
            if award.days.start <= day <= award.days.end:
                return award
        return None

    def suspensions(self, day: date) -> tuple[Suspension, ...]:
        # Asked for every line on every day: worth remembering.
        found = self._suspended.get(day)
        if found is None:
            found = self._suspended[day] = tuple(
                s for s in self.person.suspensions if s.days.start <= day <= s.days.end
            )
        return found


@dataclass(slots=True)
class Week:
    """One charging week: its whole span, the days of it in the billing window, and the rules
    as at its first day."""

    span: DateRange
    days: tuple[date, ...]
    person: PersonDays
    rules: CouncilRules
    _stops: dict[date, tuple[bool, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def start(self) -> date:
        return self.span.start

    @property
    def lines(self) -> tuple[ServiceLine, ...]:
        return self.person.person.lines

    def alive_days(self) -> list[date]:
        return [day for day in self.days if self.person.alive(day)]

    def days_after_death(self) -> int:
        return sum(1 for day in self.days if not self.person.alive(day))

    def suspended_days(self) -> int:
        return sum(1 for day in self.alive_days() if self.person.suspensions(day))

    def chc_days(self) -> int:
        return sum(1 for day in self.alive_days() if self.person.chc(day))

    def care_home_pauses(self, day: date) -> tuple[bool, tuple[str, ...]]:
        """Whether suspensions on ``day`` stop a care-home contribution, and the rules read.

        Any suspension whose reason the council's policy stops wins over one that continues, so
        overlapping records never charge more than either alone would.
        """
        found = self._stops.get(day)
        if found is None:
            stops = False
            references: list[str] = []
            for suspension in self.person.suspensions(day):
                continues, reference = self.rules.residential_suspension(
                    suspension.reason, self.start
                )
                stops = stops or not continues
                references.append(reference)
            found = self._stops[day] = (stops, tuple(references))
        return found

    def care_day(self, line: ServiceLine, day: date) -> bool:
        """The line runs on ``day`` and care is given or paid for: not after death; at home not
        while suspended; in a care home unless the suspension's policy stops the fee."""
        if not (line.days.start <= day <= line.days.end) or not self.person.alive(day):
            return False
        if is_residential(line):
            return not self.care_home_pauses(day)[0]
        return not self.person.suspensions(day)

    def free(self, line: ServiceLine, day: date) -> Free | None:
        """Why ``line`` is not charged on ``day``, or ``None`` when it is chargeable."""
        if line.chc:
            return Free(
                f"{line.service_name}: NHS Continuing Healthcare package, free", CHC_REFERENCE
            )
        if line.section_117 or line.free_reason == SECTION_117:
            return Free(f"{line.service_name}: section 117 aftercare, free", S117_REFERENCE)
        if is_reablement(line):
            weeks, reference = self.rules.reablement_free_weeks(self.start)
            last_free = line.days.start + timedelta(days=7 * weeks - 1)
            if day <= last_free:
                return Free(
                    f"{line.service_name}: reablement is free for its first {weeks} weeks "
                    f"(to {long_date(last_free)})",
                    reference,
                )
            charged, reference = self.rules.charge_reablement_after_free_weeks(self.start)
            if not charged:
                return Free(
                    f"{line.service_name}: reablement after its free weeks is not charged "
                    "under the council's policy",
                    reference,
                )
            return None
        if line.charging == FREE:
            words = _FREE_WORDS.get(line.free_reason, line.free_reason or "a free service")
            return Free(f"{line.service_name}: free ({words})", FREE_SERVICES)
        return None

    def actual(self, line: ServiceLine) -> Actual | None:
        return self.person.actuals.get((line.ref, self.start))

    def delivered(self, line: ServiceLine, days: Sequence[date]) -> Delivered:
        """Units of ``line`` delivered on ``days`` (days of this week), exactly.

        With a provider actual for the week, it replaces the plan: the days counted get the
        share of it that they are of the days the line ran that week (all of it when they are
        all those days). Without one, the plan: units a week x care days / 7.
        """
        actual = self.actual(line)
        if actual is None:
            count = sum(1 for day in days if self.care_day(line, day))
            units = exact(line.units_per_week) * count / 7
            label = f"{line.service_name} planned"
            if count != 7:
                label = (
                    f"{line.service_name} planned for {days_words(count)} "
                    f"({unit_words(line, exact(line.units_per_week))} a week)"
                )
            return Delivered(line, units, False, label, count)
        ran = [
            d
            for d in self.span.iter_days()
            if line.days.start <= d <= line.days.end and self.person.alive(d)
        ]
        if not ran:
            if actual.units == 0:
                return Delivered(line, Fraction(0), True, f"{line.service_name}: none delivered")
            raise ChargingError(
                "actuals",
                f"line {line.ref} has {actual.units} units delivered in the week beginning "
                f"{actual.week_start}, but the line did not run that week (or the person had "
                "died)",
            )
        counted = sum(1 for day in days if day in ran)
        units = exact(actual.units) * counted / len(ran)
        label = f"{line.service_name} delivered (the provider's figure for the week)"
        if counted != len(ran):
            label = (
                f"{line.service_name} delivered: {days_words(counted)} of the {len(ran)} "
                f"the provider's {unit_words(line, exact(actual.units))} covered"
            )
        return Delivered(line, units, True, label)


@dataclass(frozen=True, slots=True)
class Delivered:
    """Units of one line on some days, exactly, and how they were found."""

    line: ServiceLine
    units: Fraction
    from_actual: bool
    label: str

    @property
    def cost(self) -> Fraction:
        return self.units * self.line.unit_cost_pence

    days: int = 0
    """How many care days a plan covered (0 for an actual)."""

    def sentence(self, shown_cost: int) -> str:
        """``"Home care planned: 10.00 hours at £22.50 = £225.00"``."""
        line = self.line
        if not self.from_actual and line.unit == "week" and line.units_per_week == 1:
            # A weekly fee (a care home, a direct payment) reads better as a rate for the days.
            return (
                f"{line.service_name} for {days_words(self.days)} at "
                f"{format_pounds(line.unit_cost_pence)} a week = {format_pounds(shown_cost)}"
            )
        return (
            f"{self.label}: {unit_words(self.line, self.units)} at "
            f"{format_pounds(self.line.unit_cost_pence)} = {format_pounds(shown_cost)}"
        )


_AWAY: Final = {"hospital": "in hospital", "holiday": "on holiday", "other": "other reasons"}


def suspension_steps(week: Week, days: Iterable[date]) -> list[TraceStep]:
    """ "Care suspended (in hospital) on 2 days: ..." for the suspended days among ``days``."""
    away = Counter(
        tuple(sorted({_AWAY[s.reason] for s in suspensions}))
        for day in days
        if (suspensions := week.person.suspensions(day))
    )
    return [
        TraceStep(
            f"Care suspended ({' and '.join(reasons)}) on {days_words(count)}: no care is "
            "planned for them, so none is charged",
            0,
        )
        for reasons, count in away.items()
    ]


def span_of(days: Iterable[date]) -> DateRange | None:
    """The range from the first to the last of ``days``, or ``None`` when there are none."""
    ordered = sorted(days)
    return DateRange(ordered[0], ordered[-1]) if ordered else None
