"""Arrangement fees for people at home who pay the full cost of care the council arranges.

Care Act 2014 s14(1)(b) and s18(3): a council that arranges care at home for a person whose
resources are above the upper limit may charge for making the arrangements. The qualifying days
are those under a full-cost care-at-home assessment on which a council-arranged, means-tested
care-at-home service runs (not a direct payment, a care home, or a free service), before the
date of death and not under NHS Continuing Healthcare. The set-up fee is due once, in the week
of the first such day; the annual fee in the week of each anniversary of it that is itself a
qualifying day. Either fee is 0 when the council's rule says so.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from carecharge.core.charging.exact import long_date
from carecharge.core.charging.policy import CouncilRules
from carecharge.core.charging.types import (
    PERSON,
    AssessedPeriod,
    Basis,
    Charge,
    ChargeKind,
    Collection,
    ServiceLine,
    Setting,
    TraceStep,
)
from carecharge.core.charging.week import MEANS_TESTED, PersonDays, is_reablement, is_residential
from carecharge.core.money import format_pounds
from carecharge.core.periods import DateRange

ARRANGING: Final = (
    "Care Act 2014 ss14(1)(b) and 18(3) (a fee for arranging care for a person with resources "
    "above the upper limit)"
)
SETUP: Final = "setup"
ANNUAL: Final = "annual"


def arrangement_fee_charges(
    person: PersonDays,
    rules: CouncilRules,
    weeks: list[DateRange],
    since: date,
    through: date,
) -> list[Charge]:
    first = _first_day(person)
    if first is None:
        return []
    found = []
    if since <= first <= through:
        found.append(_fee(SETUP, first, first, person, rules, weeks))
    years = 1
    while (day := _anniversary(first, years)) <= through:
        if day >= since and _qualifies(person, day):
            found.append(_fee(ANNUAL, day, first, person, rules, weeks))
        years += 1
    return found


def _arranged(line: ServiceLine) -> bool:
    return (
        line.charging == MEANS_TESTED
        and line.collection == Collection.COUNCIL
        and line.category != "direct_payment"
        and not is_residential(line)
        and not is_reablement(line)
        and not line.chc
        and not line.section_117
    )


def _full_cost_at_home(period: AssessedPeriod | None) -> bool:
    return period is not None and period.full_cost and period.setting == Setting.NON_RESIDENTIAL


def _qualifies(person: PersonDays, day: date) -> bool:
    return (
        person.alive(day)
        and person.chc(day) is None
        and _full_cost_at_home(person.assessed(day))
        and any(
            line.days.start <= day <= line.days.end
            for line in person.person.lines
            if _arranged(line)
        )
    )


def _first_day(person: PersonDays) -> date | None:
    first: date | None = None
    for period in person.person.assessed:
        if not _full_cost_at_home(period):
            continue
        for line in person.person.lines:
            both = period.days.intersection(line.days) if _arranged(line) else None
            if both is None or (first is not None and both.start >= first):
                continue
            day = both.start
            while day <= both.end and (first is None or day < first):
                if person.alive(day) and person.chc(day) is None:
                    first = day
                    break
                day += timedelta(days=1)
    return first


def _anniversary(first: date, years: int) -> date:
    try:
        return first.replace(year=first.year + years)
    except ValueError:  # 29 February: the anniversary is 28 February, as for ages
        return first.replace(year=first.year + years, day=28)


def _fee(
    which: str,
    day: date,
    first: date,
    person: PersonDays,
    rules: CouncilRules,
    weeks: list[DateRange],
) -> Charge:
    week = next(week for week in weeks if day in week)
    amount, reference = rules.arrangement_fee(which, day)
    period = person.assessed(day)
    assert period is not None
    steps = [
        TraceStep(
            "The council arranges your care at home and you pay its full cost: from "
            f"{long_date(first)}",
            None,
            ARRANGING,
        )
    ]
    if which == SETUP:
        what = "Arrangement fee for setting up your care"
        label = f"One-off fee for setting up your care: {format_pounds(amount)}"
    else:
        what = f"Arrangement fee for the year from {long_date(day)}"
        label = (
            f"Yearly fee for arranging your care, from {long_date(day)}: {format_pounds(amount)}"
        )
    if not amount:
        label = f"The council charges no {'set-up' if which == SETUP else 'yearly'} fee"
    steps.append(TraceStep(label, amount, reference))
    code = rules.arrangement_fee_income_code(day)
    return Charge(
        key=f"arrangement_fee:{which}:{week.start.isoformat()}",
        kind=ChargeKind.ARRANGEMENT_FEE,
        debtor=PERSON,
        week=week,
        days=DateRange(day, day),
        amount_pence=amount,
        invoiced=True,
        income=((code, amount),) if amount else (),
        description=what,
        basis=Basis(sources=(period.source,), provisional=period.provisional),
        trace=tuple(steps),
    )
