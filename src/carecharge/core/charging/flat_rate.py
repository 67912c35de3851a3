"""Flat-rate services (meals, transport, telecare, day opportunities): units x the rule's price.

Units are the provider's actual for the week when there is one, else the plan; the price is the
line's dated price rule as at the first day of the week; the week's amount is rounded once by the
weekly charge rule. Nothing is charged on days after death, under NHS Continuing Healthcare, or
when the line is free (section 117 aftercare, an NHS Continuing Healthcare package).
"""

from __future__ import annotations

from collections import Counter

from carecharge.core.charging.exact import long_date, round_by, shown_units
from carecharge.core.charging.policy import WEEKLY_CHARGE
from carecharge.core.charging.types import PERSON, Basis, Charge, ChargeKind, TraceStep
from carecharge.core.charging.week import (
    CHC_REFERENCE,
    DEATH_REFERENCE,
    FLAT_RATE,
    Week,
    days_words,
    span_of,
    suspension_steps,
    unit_words,
)
from carecharge.core.money import format_pounds


def flat_rate_charges(week: Week) -> list[Charge]:
    charges = []
    for line in week.lines:
        if line.charging != FLAT_RATE:
            continue
        running = [day for day in week.days if line.days.start <= day <= line.days.end]
        if not running:
            continue
        alive = [day for day in running if week.person.alive(day)]
        uncovered = [day for day in alive if week.person.chc(day) is None]
        steps: list[TraceStep] = []
        if len(alive) < len(running):
            steps.append(
                TraceStep(
                    f"{days_words(len(running) - len(alive))} after the date of death: not charged",
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
        free = Counter(reason for day in uncovered if (reason := week.free(line, day)))
        for reason, count in free.items():
            steps.append(
                TraceStep(
                    f"{reason.label}: not charged for {days_words(count)}", 0, reason.reference
                )
            )
        chargeable = [day for day in uncovered if week.free(line, day) is None]
        delivered = week.delivered(line, chargeable)
        if not delivered.from_actual:
            steps += suspension_steps(week, chargeable)
        amount = 0
        if chargeable:
            price, price_ref = week.rules.flat_price(line.flat_rate_rule, week.start, line.ref)
            rule, rule_ref = week.rules.rounding(WEEKLY_CHARGE, week.start)
            amount = round_by(delivered.units * price, rule)
            steps.append(
                TraceStep(
                    f"{delivered.label}: {unit_words(line, delivered.units)} at "
                    f"{format_pounds(price)} each = {format_pounds(amount)}",
                    amount,
                    f"{price_ref}; {rule_ref}",
                )
            )
        suspended = sum(1 for day in alive if week.person.suspensions(day))
        charges.append(
            Charge(
                key=f"flat_rate:{line.ref}:{week.start.isoformat()}",
                kind=ChargeKind.FLAT_RATE,
                debtor=PERSON,
                week=week.span,
                days=span_of(day for day in chargeable if week.care_day(line, day)),
                amount_pence=amount,
                invoiced=True,
                income=((line.income_code, amount),) if amount else (),
                description=f"{line.service_name}, week beginning {long_date(week.start)}",
                units=shown_units(delivered.units) if chargeable else None,
                basis=Basis(
                    actuals=delivered.from_actual and bool(chargeable),
                    suspended_days=suspended,
                    days_after_death=len(running) - len(alive),
                    chc_days=len(alive) - len(uncovered),
                ),
                trace=tuple(steps),
            )
        )
    return charges
