"""Hypothesis strategies: people with any mix of care, assessments and events in a short window.

The window is 8 weeks from Monday 7 April 2025; records start and end anywhere in it (and a
little either side) so part weeks, overlaps between events and empty weeks all come up.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Final

from hypothesis import strategies as st

from carecharge.core.charging.types import (
    Actual,
    AssessedPeriod,
    ChcAward,
    Collection,
    PersonCharging,
    ServiceLine,
    Setting,
    Suspension,
    TopUp,
)
from carecharge.core.periods import DateRange

from .rules_tree import MEALS, TELECARE

SINCE: Final = date(2025, 4, 7)
WEEKS: Final = 8
THROUGH: Final = SINCE + timedelta(days=7 * WEEKS - 1)

# category, charging, free reason, unit, flat-rate rule, collections allowed
_KINDS: Final = (
    ("home_care", "means_tested", "", "hour", "", (Collection.COUNCIL,)),
    ("day_care", "means_tested", "", "session", "", (Collection.COUNCIL,)),
    (
        "residential_permanent",
        "means_tested",
        "",
        "week",
        "",
        (Collection.COUNCIL, Collection.PROVIDER),
    ),
    ("nursing", "means_tested", "", "week", "", (Collection.COUNCIL, Collection.PROVIDER)),
    (
        "direct_payment",
        "means_tested",
        "",
        "week",
        "",
        (Collection.DIRECT_PAYMENT_NET, Collection.DIRECT_PAYMENT_GROSS),
    ),
    ("meals", "flat_rate", "", "meal", MEALS, (Collection.COUNCIL,)),
    ("telecare", "flat_rate", "", "week", TELECARE, (Collection.COUNCIL,)),
    ("reablement", "free", "reablement", "hour", "", (Collection.COUNCIL,)),
    ("equipment", "free", "equipment", "week", "", (Collection.COUNCIL,)),
)


@st.composite
def spans(draw: st.DrawFn, *, lead: int = 10, tail: int = 10) -> DateRange:
    """A range that may begin before the window and end after it."""
    first = SINCE - timedelta(days=lead)
    length = (THROUGH - first).days + tail
    start = first + timedelta(days=draw(st.integers(0, length)))
    end = start + timedelta(days=draw(st.integers(0, 70)))
    return DateRange(start, end)


units = st.decimals(min_value=0, max_value=40, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def lines(draw: st.DrawFn, ref: str) -> ServiceLine:
    category, charging, free_reason, unit, rule, collections = draw(st.sampled_from(_KINDS))
    return ServiceLine(
        ref=ref,
        service_code=category.upper(),
        service_name=category.replace("_", " ").capitalize(),
        category=category,
        charging=charging,
        free_reason=free_reason,
        days=draw(spans()),
        units_per_week=draw(units),
        unit_cost_pence=draw(st.integers(0, 150_000)),
        income_code=draw(st.sampled_from(["A/1", "B/2", "C/3"])),
        unit=unit,
        flat_rate_rule=rule,
        collection=draw(st.sampled_from(collections)),
        section_117=draw(st.booleans()) and draw(st.booleans()),
        chc=draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans()),
    )


@st.composite
def assessed_periods(draw: st.DrawFn) -> tuple[AssessedPeriod, ...]:
    """Up to three periods that never overlap, as the billing app cuts them."""
    cuts = sorted(set(draw(st.lists(st.integers(-5, 7 * WEEKS + 5), min_size=1, max_size=4))))
    found = []
    for index, (first, after) in enumerate(zip(cuts, [*cuts[1:], cuts[-1] + 30], strict=True)):
        if after <= first or (draw(st.booleans()) and index):
            continue
        provisional = draw(st.booleans()) and draw(st.booleans())
        found.append(
            AssessedPeriod(
                source="provisional" if provisional else f"assessment:{index + 1}",
                days=DateRange(SINCE + timedelta(days=first), SINCE + timedelta(days=after - 1)),
                weekly_pence=draw(st.integers(0, 120_000)),
                setting=draw(st.sampled_from(tuple(Setting))),
                full_cost=draw(st.booleans()) and draw(st.booleans()),
                provisional=provisional,
            )
        )
    return tuple(found)


@st.composite
def people(draw: st.DrawFn) -> PersonCharging:
    service_lines = tuple(draw(lines(f"L{n}")) for n in range(draw(st.integers(1, 3))))
    death = None
    if draw(st.booleans()) and draw(st.booleans()):
        death = SINCE + timedelta(days=draw(st.integers(0, 7 * WEEKS)))
    weeks = [SINCE + timedelta(days=7 * n) for n in range(WEEKS)]
    chosen = draw(
        st.lists(
            st.tuples(st.sampled_from(service_lines), st.sampled_from(weeks)),
            max_size=4,
            unique_by=lambda pair: (pair[0].ref, pair[1]),
        )
    )
    # A provider reports only weeks in which the line ran while the person was alive.
    actuals = tuple(
        Actual(line_ref=line.ref, week_start=week, units=draw(units))
        for line, week in chosen
        if any(
            day in line.days and (death is None or day <= death)
            for day in DateRange(week, week + timedelta(days=6)).iter_days()
        )
    )
    suspensions = tuple(
        Suspension(
            days=draw(spans()), reason=draw(st.sampled_from(["hospital", "holiday", "other"]))
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    awards: tuple[ChcAward, ...] = ()
    if draw(st.booleans()) and draw(st.booleans()):
        awards = (ChcAward(ref="CHC1", days=draw(spans()), icb="organisation:ICB01"),)
    homes = [
        line for line in service_lines if line.category in {"residential_permanent", "nursing"}
    ]
    top_ups: tuple[TopUp, ...] = ()
    wants_top_up: bool = draw(st.booleans())
    if homes and wants_top_up:
        top_ups = (
            TopUp(
                ref="TU1",
                payer=draw(st.sampled_from(["person", "third_party:TP1"])),
                days=draw(spans()),
                weekly_pence=draw(st.integers(0, 30_000)),
                line_ref=homes[0].ref,
                income_code="T/1",
            ),
        )
    return PersonCharging(
        person_ref="10000001",
        date_of_death=death,
        assessed=draw(assessed_periods()),
        lines=service_lines,
        actuals=actuals,
        suspensions=suspensions,
        chc_awards=awards,
        top_ups=top_ups,
    )


@st.composite
def revisions(draw: st.DrawFn) -> tuple[PersonCharging, PersonCharging]:
    """A person as first billed, and as known later: unchanged, reassessed, or all different."""
    before = draw(people())
    change = draw(st.sampled_from(["none", "assessed", "everything"]))
    if change == "none":
        return before, before
    if change == "assessed":
        return before, replace(before, assessed=draw(assessed_periods()))
    return before, draw(people())
