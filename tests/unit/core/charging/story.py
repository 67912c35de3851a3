"""Tests that read like a case file: a person's care, assessments and billing runs.

    story = Story(book)
    story.home_care(starts="2025-04-07", hours=10, at="22.50")
    story.assessed(from_="2025-04-07", weekly="84.20")
    lines = story.bill_to("2025-05-04")       # the adjustments this run posts

Records with no end date run to the day billed to, as the billing app cuts them. A new
assessment from a date ends the one in force the day before (a revision). ``bill_to`` works out
every charge from the start of the story, re-rates it against what earlier runs posted, and
posts the result (each line gets a record id ``r1``, ``r2``, ...), as a billing run does.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from carecharge.core.charging import charges
from carecharge.core.charging.types import (
    Actual,
    AssessedPeriod,
    Charge,
    ChcAward,
    Collection,
    PersonCharging,
    ServiceLine,
    Setting,
    Suspension,
    TopUp,
)
from carecharge.core.money import parse_pounds
from carecharge.core.periods import DateRange
from carecharge.core.rerating import Adjustment, Charged, posted, rerate
from carecharge.core.rules import RuleBook

from .rules_tree import COUNCIL, MEALS, TELECARE


def day(text: str) -> date:
    return date.fromisoformat(text)


def pence(text: str) -> int:
    return parse_pounds(text)


@dataclass
class _Open:
    """A record whose end may be open (``None``): cut at the day billed to."""

    start: date
    end: date | None

    def cut(self, through: date) -> DateRange:
        return DateRange(self.start, self.end if self.end is not None else max(through, self.start))


@dataclass
class Story:
    book: RuleBook
    since: str = "2025-04-07"
    council: str = COUNCIL
    person_ref: str = "10000001"
    died_on: date | None = None
    lines: list[tuple[ServiceLine, _Open]] = field(default_factory=list)
    periods: list[tuple[AssessedPeriod, _Open]] = field(default_factory=list)
    actuals: list[Actual] = field(default_factory=list)
    suspensions: list[tuple[Suspension, _Open]] = field(default_factory=list)
    awards: list[tuple[ChcAward, _Open]] = field(default_factory=list)
    top_ups: list[tuple[TopUp, _Open]] = field(default_factory=list)
    charged: dict[str, Charged] = field(default_factory=dict)
    billed_through: date | None = None
    records: int = 0
    assessments: int = 0

    # Care --------------------------------------------------------------------------------
    def line(self, ref: str, *, starts: str, ends: str | None = None, **fields: Any) -> Story:
        values: dict[str, Any] = {
            "service_code": "HOMECARE",
            "service_name": "Home care",
            "category": "home_care",
            "charging": "means_tested",
            "free_reason": "",
            "units_per_week": Decimal(0),
            "unit_cost_pence": 0,
            "income_code": "ASC4210/52210",
        }
        values.update(fields)
        line = ServiceLine(ref=ref, days=DateRange(day(starts), day(starts)), **values)
        self.lines.append((line, _Open(day(starts), day(ends) if ends else None)))
        return self

    def home_care(
        self,
        ref: str = "HC1",
        *,
        starts: str,
        hours: str | int,
        at: str,
        ends: str | None = None,
        **fields: Any,
    ) -> Story:
        return self.line(
            ref,
            starts=starts,
            ends=ends,
            units_per_week=Decimal(str(hours)),
            unit_cost_pence=pence(at),
            **fields,
        )

    def care_home(
        self,
        ref: str = "CH1",
        *,
        starts: str,
        weekly_fee: str,
        ends: str | None = None,
        collection: Collection = Collection.COUNCIL,
        **fields: Any,
    ) -> Story:
        values: dict[str, Any] = {
            "service_code": "RES-PERM",
            "service_name": "Residential care",
            "category": "residential_permanent",
            "unit": "week",
            "units_per_week": Decimal(1),
            "unit_cost_pence": pence(weekly_fee),
            "income_code": "ASC4110/52110",
            "collection": collection,
        }
        values.update(fields)
        return self.line(ref, starts=starts, ends=ends, **values)

    def meals(
        self, ref: str = "ML1", *, starts: str, per_week: int, ends: str | None = None
    ) -> Story:
        return self.line(
            ref,
            starts=starts,
            ends=ends,
            service_code="MEALS",
            service_name="Meals at home",
            category="meals",
            charging="flat_rate",
            unit="meal",
            units_per_week=Decimal(per_week),
            unit_cost_pence=450,
            income_code="ASC4610/52610",
            flat_rate_rule=MEALS,
        )

    def telecare(
        self, ref: str = "TC1", *, starts: str, ends: str | None = None, **fields: Any
    ) -> Story:
        return self.line(
            ref,
            starts=starts,
            ends=ends,
            service_code="TELECARE",
            service_name="Community alarm",
            category="telecare",
            charging="flat_rate",
            unit="week",
            units_per_week=Decimal(1),
            unit_cost_pence=300,
            income_code="ASC4630/52630",
            flat_rate_rule=TELECARE,
            **fields,
        )

    def direct_payment(
        self,
        ref: str = "DP1",
        *,
        starts: str,
        weekly: str,
        collection: Collection,
        ends: str | None = None,
    ) -> Story:
        return self.line(
            ref,
            starts=starts,
            ends=ends,
            service_code="DP",
            service_name="Direct payment",
            category="direct_payment",
            unit="week",
            units_per_week=Decimal(1),
            unit_cost_pence=pence(weekly),
            income_code="ASC4510/52510",
            collection=collection,
        )

    def reablement(self, ref: str = "RB1", *, starts: str, hours: int, at: str) -> Story:
        return self.line(
            ref,
            starts=starts,
            service_code="REABLEMENT",
            service_name="Reablement",
            category="reablement",
            charging="free",
            free_reason="reablement",
            units_per_week=Decimal(hours),
            unit_cost_pence=pence(at),
            income_code="ASC4010/52010",
        )

    def end_line(self, ref: str, on: str) -> Story:
        self.lines = [
            (line, replace(span, end=day(on)) if line.ref == ref else span)
            for line, span in self.lines
        ]
        return self

    def actual(self, ref: str, *, week: str, units: str | int) -> Story:
        self.actuals = [a for a in self.actuals if (a.line_ref, a.week_start) != (ref, day(week))]
        self.actuals.append(Actual(line_ref=ref, week_start=day(week), units=Decimal(str(units))))
        return self

    def suspend(self, *, starts: str, ends: str, reason: str = "hospital") -> Story:
        self.suspensions.append(
            (Suspension(DateRange(day(starts), day(ends)), reason), _Open(day(starts), day(ends)))
        )
        return self

    def died(self, on: str) -> Story:
        self.died_on = day(on)
        return self

    def chc_award(
        self,
        ref: str = "CHC1",
        *,
        starts: str,
        ends: str | None = None,
        icb: str = "organisation:ICB01",
    ) -> Story:
        award = ChcAward(ref=ref, days=DateRange(day(starts), day(starts)), icb=icb)
        self.awards.append((award, _Open(day(starts), day(ends) if ends else None)))
        return self

    def top_up(
        self,
        ref: str = "TU1",
        *,
        line: str = "CH1",
        payer: str = "third_party:TP1",
        weekly: str,
        starts: str,
        ends: str | None = None,
    ) -> Story:
        top_up = TopUp(
            ref=ref,
            payer=payer,
            days=DateRange(day(starts), day(starts)),
            weekly_pence=pence(weekly),
            line_ref=line,
            income_code="ASC4110/52190",
        )
        self.top_ups.append((top_up, _Open(day(starts), day(ends) if ends else None)))
        return self

    # Assessments ---------------------------------------------------------------------------
    def assessed(
        self,
        *,
        from_: str,
        weekly: str,
        setting: Setting = Setting.NON_RESIDENTIAL,
        full_cost: bool = False,
        provisional: bool = False,
        replaces_all: bool = False,
    ) -> Story:
        """A new version from ``from_``; the one in force then ends the day before.

        ``replaces_all`` drops every earlier version from ``from_`` on (a first assessment
        replacing the provisional charge from the start of care).
        """
        starts = day(from_)
        kept = []
        for period, span in self.periods:
            if replaces_all and span.start >= starts:
                continue
            if span.start < starts and (span.end is None or span.end >= starts):
                span = replace(span, end=date.fromordinal(starts.toordinal() - 1))
            kept.append((period, span))
        self.assessments += 1
        source = "provisional" if provisional else f"assessment:{self.assessments}"
        period = AssessedPeriod(
            source=source,
            days=DateRange(starts, starts),
            weekly_pence=pence(weekly),
            setting=setting,
            full_cost=full_cost,
            provisional=provisional,
        )
        kept.append((period, _Open(starts, None)))
        self.periods = kept
        return self

    # Billing -------------------------------------------------------------------------------
    def person(self, through: date) -> PersonCharging:
        return PersonCharging(
            person_ref=self.person_ref,
            date_of_death=self.died_on,
            assessed=tuple(replace(p, days=s.cut(through)) for p, s in self.periods),
            lines=tuple(replace(line, days=s.cut(through)) for line, s in self.lines),
            actuals=tuple(self.actuals),
            suspensions=tuple(replace(x, days=s.cut(through)) for x, s in self.suspensions),
            chc_awards=tuple(replace(a, days=s.cut(through)) for a, s in self.awards),
            top_ups=tuple(replace(t, days=s.cut(through)) for t, s in self.top_ups),
        )

    def expected(self, through: str) -> list[Charge]:
        to = day(through)
        return charges(
            self.person(to), book=self.book, council=self.council, since=day(self.since), through=to
        )

    def bill_to(self, through: str) -> list[Adjustment]:
        """Run billing to ``through``: re-rate everything since the start and post it."""
        lines = rerate(self.expected(through), self.charged, billed_through=self.billed_through)
        ids = []
        for _ in lines:
            self.records += 1
            ids.append(f"r{self.records}")
        self.charged = posted(self.charged, lines, ids)
        self.billed_through = day(through)
        return lines


def summary(lines: list[Adjustment]) -> list[tuple[str, int, str]]:
    """``(key, pence, reason)`` for each line, in the order posted."""
    return [(line.key, line.amount_pence, line.reason.value) for line in lines]


def by_key(found: list[Charge]) -> dict[str, Charge]:
    return {charge.key: charge for charge in found}
