"""Top-ups for a dearer care home: the agreed weekly amount for each day it applies.

A top-up is due on days that are in the agreement, on which the care-home line it tops up runs
and is paid for (a suspension the council's policy stops ends it too), before the date of death
and not under NHS Continuing Healthcare. The week's amount is rounded once by the daily
apportionment rule and billed to whoever pays it.
"""

from __future__ import annotations

from fractions import Fraction

from carecharge.core.charging.exact import long_date, round_by
from carecharge.core.charging.policy import DAILY_APPORTIONMENT
from carecharge.core.charging.types import Basis, Charge, ChargeKind, TraceStep
from carecharge.core.charging.week import CHC_REFERENCE, DEATH_REFERENCE, Week, days_words, span_of
from carecharge.core.money import format_pounds

AGREEMENT = "Care and Support Statutory Guidance, Annex A (top-up agreements)"


def top_up_charges(week: Week) -> list[Charge]:
    lines = {line.ref: line for line in week.lines}
    charges = []
    for top_up in week.person.person.top_ups:
        agreed = [day for day in week.days if top_up.days.start <= day <= top_up.days.end]
        if not agreed:
            continue
        line = lines[top_up.line_ref]
        alive = [day for day in agreed if week.person.alive(day)]
        uncovered = [day for day in alive if week.person.chc(day) is None]
        charged = [day for day in uncovered if week.care_day(line, day)]
        steps: list[TraceStep] = []
        if len(alive) < len(agreed):
            steps.append(
                TraceStep(
                    f"{days_words(len(agreed) - len(alive))} after the date of death: not charged",
                    0,
                    DEATH_REFERENCE,
                )
            )
        if len(uncovered) < len(alive):
            steps.append(
                TraceStep(
                    f"NHS Continuing Healthcare on {days_words(len(alive) - len(uncovered))}: "
                    "not charged",
                    0,
                    CHC_REFERENCE,
                )
            )
        idle = len(uncovered) - len(charged)
        if idle:
            steps.append(
                TraceStep(
                    f"{line.service_name} not running or not paid for on {days_words(idle)}: "
                    "no top-up for them",
                    0,
                )
            )
        rule, rule_ref = week.rules.rounding(DAILY_APPORTIONMENT, week.start)
        amount = round_by(Fraction(top_up.weekly_pence * len(charged), 7), rule)
        steps.append(
            TraceStep(
                f"Top-up of {format_pounds(top_up.weekly_pence)} a week for "
                f"{days_words(len(charged))}: {format_pounds(amount)}",
                amount,
                f"{AGREEMENT}; {rule_ref}",
            )
        )
        charges.append(
            Charge(
                key=f"top_up:{top_up.ref}:{week.start.isoformat()}",
                kind=ChargeKind.TOP_UP,
                debtor=top_up.payer,
                week=week.span,
                days=span_of(charged),
                amount_pence=amount,
                invoiced=True,
                income=((top_up.income_code, amount),) if amount else (),
                description=(
                    f"Top-up for {line.service_name}, week beginning {long_date(week.start)}"
                ),
                basis=Basis(
                    suspended_days=sum(1 for day in alive if week.person.suspensions(day)),
                    days_after_death=len(agreed) - len(alive),
                    chc_days=len(alive) - len(uncovered),
                ),
                trace=tuple(steps),
            )
        )
    return charges
