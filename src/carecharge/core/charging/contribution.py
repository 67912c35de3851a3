"""The assessed contribution for one charging week, and who collects it.

Care at home: the lower of the cost of chargeable care delivered (rounded once by the weekly
charge rule) and the assessed charge for the days assessed (rounded once by the daily
apportionment rule); on full-cost days, the cost. Care homes: the weekly contribution for each
day in the home, rounded once by the daily apportionment rule. The week's contribution is split
over the lines that produced it (by cost at home, by day in a home) and each line's collection
decides the key: ``council`` (invoiced), ``provider`` or ``direct_payment`` (recorded only).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Final

from carecharge.core.charging.exact import integer_weights, long_date, round_by, shown_units
from carecharge.core.charging.policy import DAILY_APPORTIONMENT, WEEKLY_CHARGE
from carecharge.core.charging.types import (
    PERSON,
    AssessedPeriod,
    Basis,
    Charge,
    ChargeKind,
    Collection,
    ServiceLine,
    TraceStep,
)
from carecharge.core.charging.week import (
    CHC_REFERENCE,
    COST_CAP,
    DEATH_REFERENCE,
    FLAT_RATE,
    MEANS_TESTED,
    Delivered,
    Free,
    Week,
    days_words,
    is_reablement,
    is_residential,
    span_of,
    suspension_steps,
)
from carecharge.core.money import apportion, format_pounds

COUNCIL: Final = "council"
PROVIDER: Final = "provider"
DIRECT_PAYMENT: Final = "direct_payment"
QUALIFIERS: Final = (COUNCIL, PROVIDER, DIRECT_PAYMENT)

NO_ASSESSMENT: Final = "Care Act 2014 s17 (a charge follows a financial assessment)"
FULL_COST: Final = "SI 2014/2672 reg 12 (capital above the upper limit: the full cost is charged)"

_DESCRIPTIONS: Final = {
    COUNCIL: "Contribution towards your care",
    PROVIDER: "Contribution collected by the care home",
    DIRECT_PAYMENT: "Contribution deducted from the direct payment",
}


def qualifier(line: ServiceLine) -> str:
    """The key qualifier of the contribution a line produces: who collects it."""
    if line.collection == Collection.PROVIDER:
        return PROVIDER
    if line.collection == Collection.DIRECT_PAYMENT_NET:
        return DIRECT_PAYMENT
    return COUNCIL


@dataclass(slots=True)
class _Part:
    """The contribution from one setting's days: trace steps and each line's share."""

    steps: list[TraceStep] = field(default_factory=list)
    shares: list[tuple[ServiceLine, int]] = field(default_factory=list)
    days: set[date] = field(default_factory=set)
    deliveries: list[Delivered] = field(default_factory=list)


def contribution_charges(week: Week) -> list[Charge]:
    lines = [line for line in week.lines if line.charging != FLAT_RATE]
    # A key is live while care that can be charged for runs in the week: means-tested care,
    # and reablement (charged after its free weeks under some councils' policies). Free
    # services alone (equipment, say) never make a contribution due.
    live = sorted(
        {
            qualifier(line)
            for line in lines
            if (line.charging == MEANS_TESTED or is_reablement(line))
            and any(line.days.start <= day <= line.days.end for day in week.days)
        },
        key=QUALIFIERS.index,
    )
    if not live:
        return []
    alive = week.alive_days()
    uncovered = [day for day in alive if week.person.chc(day) is None]
    assessed = [(day, week.person.assessed(day)) for day in uncovered]
    at_home = [(day, p) for day, p in assessed if p is not None and p.setting == "non_residential"]
    in_home = [(day, p) for day, p in assessed if p is not None and p.setting == "residential"]

    steps = _not_charged_steps(week, lines, alive, uncovered, assessed)
    home = _care_at_home(week, lines, at_home)
    residential = _care_home(week, lines, in_home)
    steps += home.steps + residential.steps
    total = sum(p for _, p in home.shares) + sum(p for _, p in residential.shares)
    if home.steps and residential.steps:
        steps.append(TraceStep("Your contribution this week (at home and in the home)", total))

    periods = sorted({p for _, p in assessed if p is not None}, key=lambda p: p.days.start)
    charges = []
    for which in live:
        charges.append(_charge(week, which, home, residential, periods, steps))
    return charges


def _charge(
    week: Week,
    which: str,
    home: _Part,
    residential: _Part,
    periods: list[AssessedPeriod],
    steps: list[TraceStep],
) -> Charge:
    shares = [(line, pence) for line, pence in home.shares + residential.shares]
    mine = [(line, pence) for line, pence in shares if qualifier(line) == which]
    amount = sum(pence for _, pence in mine)
    by_code: dict[str, int] = defaultdict(int)
    for line, pence in mine:
        by_code[line.income_code] += pence
    income = tuple(sorted((code, pence) for code, pence in by_code.items() if pence))
    mine_running = [line for line in week.lines if qualifier(line) == which]
    charged_days = [
        day
        for day in home.days | residential.days
        if any(line.days.start <= day <= line.days.end for line in mine_running)
    ]
    actuals = any(d.from_actual for d in home.deliveries if qualifier(d.line) == which and d.units)
    trace = [*steps, *_collection_steps(which, shares, amount)]
    units = None
    used = [d for d in home.deliveries if qualifier(d.line) == which]
    if used and not residential.shares and len({d.line.unit for d in used}) == 1:
        units = shown_units(sum((d.units for d in used), Fraction(0)))
    return Charge(
        key=f"contribution:{which}:{week.start.isoformat()}",
        kind=ChargeKind.CONTRIBUTION,
        debtor=PERSON,
        week=week.span,
        days=span_of(charged_days),
        amount_pence=amount,
        invoiced=which == COUNCIL,
        income=income,
        description=f"{_DESCRIPTIONS[which]}, week beginning {long_date(week.start)}",
        units=units,
        basis=Basis(
            sources=tuple(p.source for p in periods),
            provisional=bool(periods) and all(p.provisional for p in periods),
            actuals=actuals,
            suspended_days=week.suspended_days(),
            days_after_death=week.days_after_death(),
            chc_days=week.chc_days(),
        ),
        trace=tuple(trace),
    )


def _collection_steps(
    which: str, shares: list[tuple[ServiceLine, int]], amount: int
) -> list[TraceStep]:
    others = {q: sum(p for line, p in shares if qualifier(line) == q) for q in QUALIFIERS}
    found = []
    if which == COUNCIL:
        if others[PROVIDER]:
            found.append(
                TraceStep("Of this, collected by the care home (not invoiced)", others[PROVIDER])
            )
        if others[DIRECT_PAYMENT]:
            found.append(
                TraceStep(
                    "Of this, deducted from the direct payment (not invoiced)",
                    others[DIRECT_PAYMENT],
                )
            )
        found.append(TraceStep(f"Charged on your invoice: {format_pounds(amount)}", amount))
    elif which == PROVIDER:
        found.append(
            TraceStep(
                f"Paid to the care home, which collects it (net payment): {format_pounds(amount)}; "
                "recorded, not invoiced",
                amount,
            )
        )
    else:
        found.append(
            TraceStep(
                f"Deducted from the direct payment (net payment): {format_pounds(amount)}; "
                "recorded, not invoiced",
                amount,
            )
        )
    return found


def _not_charged_steps(
    week: Week,
    lines: list[ServiceLine],
    alive: list[date],
    uncovered: list[date],
    assessed: list[tuple[date, AssessedPeriod | None]],
) -> list[TraceStep]:
    steps = []
    after_death = week.days_after_death()
    death = week.person.person.date_of_death
    if after_death and death is not None:
        steps.append(
            TraceStep(
                f"{days_words(after_death)} after the date of death ({long_date(death)}): "
                "not charged",
                0,
                DEATH_REFERENCE,
            )
        )
    chc_days = len(alive) - len(uncovered)
    if chc_days:
        steps.append(
            TraceStep(
                f"NHS Continuing Healthcare on {days_words(chc_days)}: nothing is charged to you "
                "for them",
                0,
                CHC_REFERENCE,
            )
        )
    unassessed = [day for day, period in assessed if period is None]
    running = [
        day for day in unassessed if any(line.days.start <= day <= line.days.end for line in lines)
    ]
    if running:
        steps.append(
            TraceStep(
                f"No financial assessment or provisional charge covers {days_words(len(running))}: "
                "nothing is charged for them",
                0,
                NO_ASSESSMENT,
            )
        )
    return steps


def _care_at_home(
    week: Week, lines: list[ServiceLine], days: list[tuple[date, AssessedPeriod]]
) -> _Part:
    part = _Part()
    if not days:
        return part
    full = {day for day, period in days if period.full_cost}
    costs: list[tuple[ServiceLine, Fraction, Fraction]] = []
    weekly_rule, weekly_ref = week.rules.rounding(WEEKLY_CHARGE, week.start)
    for line in lines:
        running = [day for day, _ in days if line.days.start <= day <= line.days.end]
        if not running:
            continue
        free: Counter[Free] = Counter()
        chargeable = []
        for day in running:
            reason = week.free(line, day)
            if reason is None:
                chargeable.append(day)
            else:
                free[reason] += 1
        for reason, count in free.items():
            part.steps.append(
                TraceStep(
                    f"{reason.label}: not charged for {days_words(count)}", 0, reason.reference
                )
            )
        if not chargeable:
            continue
        delivered = week.delivered(line, chargeable)
        on_full = week.delivered(line, [day for day in chargeable if day in full]).cost
        part.deliveries.append(delivered)
        shown = round_by(delivered.cost, weekly_rule)
        part.steps.append(TraceStep(delivered.sentence(shown), shown))
        costs.append((line, delivered.cost, on_full))
        part.days.update(chargeable)

    if any(not d.from_actual for d in part.deliveries):
        part.steps += suspension_steps(week, sorted(part.days))
    if not costs:
        return part
    # The assessed charge is for a week of care: on days no chargeable care is arranged (before
    # it starts, after it ends) it is not due, so a part week is charged pro rata.
    idle = sum(1 for day, _ in days if day not in part.days)
    if idle:
        part.steps.append(
            TraceStep(
                f"No chargeable care arranged on {days_words(idle)}: the assessed charge is not "
                "due for them",
                0,
            )
        )
    full &= part.days
    capped = [(day, period) for day, period in days if day in part.days and not period.full_cost]
    cost = sum((c for _, c, _ in costs), Fraction(0))
    cost_pence = round_by(cost, weekly_rule)
    part.steps.append(
        TraceStep(
            f"Cost of chargeable care delivered: {format_pounds(cost_pence)}",
            cost_pence,
            weekly_ref,
        )
    )
    cap = 0
    if full:
        full_cost = round_by(sum((f for _, _, f in costs), Fraction(0)), weekly_rule)
        cap += full_cost
        part.steps.append(
            TraceStep(
                f"You pay the full cost of the care on {days_words(len(full))}: "
                f"{format_pounds(full_cost)}",
                full_cost,
                FULL_COST,
            )
        )
    if capped:
        assessed = _assessed_for_days(week, capped, part.steps)
        cap += assessed
    charge = min(cost_pence, cap)
    if capped and not full:
        label = f"The lower of the two is charged: {format_pounds(charge)}"
    elif full and not capped:
        label = f"The full cost of the care delivered is charged: {format_pounds(charge)}"
    else:
        label = (
            "Charged: the full cost on full-cost days and no more than the assessed charge on "
            f"the others, never more than the cost: {format_pounds(charge)}"
        )
    part.steps.append(TraceStep(label, charge, COST_CAP))
    weights = integer_weights([c for _, c, _ in costs])
    if charge and any(weights):
        pieces = apportion(charge, weights)
        part.shares = [(line, piece) for (line, _, _), piece in zip(costs, pieces, strict=True)]
    return part


def _assessed_for_days(
    week: Week, capped: list[tuple[date, AssessedPeriod]], steps: list[TraceStep]
) -> int:
    daily_rule, daily_ref = week.rules.rounding(DAILY_APPORTIONMENT, week.start)
    by_period = Counter(period for _, period in capped)
    exact_sum = sum(
        (Fraction(p.weekly_pence * count, 7) for p, count in by_period.items()), Fraction(0)
    )
    amount = round_by(exact_sum, daily_rule)
    if len(by_period) > 1:
        for period, count in sorted(by_period.items(), key=lambda item: item[0].days.start):
            steps.append(
                TraceStep(
                    f"{_weekly_words(period)} for {days_words(count)}",
                    None,
                    period.source,
                )
            )
    else:
        (period,) = by_period
        steps.append(TraceStep(_weekly_words(period), None, period.source))
    steps.append(
        TraceStep(
            f"Your assessed charge for {days_words(len(capped))}: {format_pounds(amount)}",
            amount,
            daily_ref,
        )
    )
    return amount


def _weekly_words(period: AssessedPeriod) -> str:
    if period.provisional:
        return (
            f"Provisional charge until the financial assessment: "
            f"{format_pounds(period.weekly_pence)} a week"
        )
    return f"Your assessed charge: {format_pounds(period.weekly_pence)} a week"


def _care_home(
    week: Week, lines: list[ServiceLine], days: list[tuple[date, AssessedPeriod]]
) -> _Part:
    part = _Part()
    if not days:
        return part
    homes = sorted((line for line in lines if is_residential(line)), key=lambda line: line.ref)
    charged: list[tuple[date, AssessedPeriod, ServiceLine]] = []
    no_home = 0
    free: Counter[Free] = Counter()
    stopped: Counter[tuple[str, ...]] = Counter()
    continued: Counter[tuple[str, ...]] = Counter()
    for day, period in days:
        line = next((home for home in homes if home.days.start <= day <= home.days.end), None)
        if line is None:
            no_home += 1
            continue
        reason = week.free(line, day)
        if reason is not None:
            free[reason] += 1
            continue
        stops, references = week.care_home_pauses(day)
        if stops:
            stopped[references] += 1
            continue
        if references:
            continued[references] += 1
        charged.append((day, period, line))
    if no_home:
        part.steps.append(
            TraceStep(f"No care home placement on {days_words(no_home)}: nothing charged", 0)
        )
    for reason, count in free.items():
        part.steps.append(
            TraceStep(f"{reason.label}: not charged for {days_words(count)}", 0, reason.reference)
        )
    for references, count in stopped.items():
        part.steps.append(
            TraceStep(
                f"Away from the home on {days_words(count)}: the contribution stops under the "
                "council's policy",
                0,
                "; ".join(references),
            )
        )
    for references, count in continued.items():
        part.steps.append(
            TraceStep(
                f"Away from the home (in hospital or on holiday) on {days_words(count)}: the "
                "contribution continues under the council's policy",
                None,
                "; ".join(references),
            )
        )
    if not charged:
        return part
    daily_rule, daily_ref = week.rules.rounding(DAILY_APPORTIONMENT, week.start)
    by_period = Counter(period for _, period, _ in charged)
    for period, count in sorted(by_period.items(), key=lambda item: item[0].days.start):
        part.steps.append(
            TraceStep(
                f"Care home contribution of {format_pounds(period.weekly_pence)} a week"
                f"{' (provisional, until the financial assessment)' if period.provisional else ''}"
                f" for {days_words(count)}",
                None,
                period.source,
            )
        )
    exact_sum = sum(
        (Fraction(p.weekly_pence * count, 7) for p, count in by_period.items()), Fraction(0)
    )
    amount = round_by(exact_sum, daily_rule)
    part.steps.append(
        TraceStep(
            f"Your contribution for {days_words(len(charged))} in the home: "
            f"{format_pounds(amount)}",
            amount,
            daily_ref,
        )
    )
    part.days.update(day for day, _, _ in charged)
    weight: dict[str, int] = defaultdict(int)
    by_ref = {}
    for _, period, line in charged:
        weight[line.ref] += period.weekly_pence
        by_ref[line.ref] = line
    refs = sorted(weight)
    if amount and any(weight.values()):
        pieces = apportion(amount, [weight[ref] for ref in refs])
        part.shares = [(by_ref[ref], piece) for ref, piece in zip(refs, pieces, strict=True)]
    return part
