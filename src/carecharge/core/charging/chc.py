"""Recharging the integrated care board for care the council funded under a CHC award.

When NHS Continuing Healthcare is awarded (often backdated), the person is charged nothing for
the days it covers, and the council's cost of the care it funded on those days is recharged to
the ICB: planned-or-actual units x unit cost of every line running, except free services and
packages already funded as CHC. One charge per award per week, rounded once by the weekly charge
rule and credited to the lines' income codes in proportion to their cost.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from fractions import Fraction

from carecharge.core.charging.exact import integer_weights, long_date, round_by
from carecharge.core.charging.policy import WEEKLY_CHARGE
from carecharge.core.charging.types import Basis, Charge, ChargeKind, ServiceLine, TraceStep
from carecharge.core.charging.week import CHC_REFERENCE, DEATH_REFERENCE, Week, days_words, span_of
from carecharge.core.money import apportion, format_pounds


def chc_recharges(week: Week) -> list[Charge]:
    charges = []
    for award in week.person.person.chc_awards:
        covered = [day for day in week.days if award.days.start <= day <= award.days.end]
        if not covered:
            continue
        alive = [day for day in covered if week.person.alive(day)]
        rule, rule_ref = week.rules.rounding(WEEKLY_CHARGE, week.start)
        steps: list[TraceStep] = []
        if len(alive) < len(covered):
            steps.append(
                TraceStep(
                    f"{days_words(len(covered) - len(alive))} after the date of death: "
                    "nothing to recharge",
                    0,
                    DEATH_REFERENCE,
                )
            )
        costs: list[tuple[ServiceLine, Fraction]] = []
        used_actuals = False
        for line in week.lines:
            running = [day for day in alive if line.days.start <= day <= line.days.end]
            if not running:
                continue
            free = Counter(reason for day in running if (reason := week.free(line, day)))
            for reason, count in free.items():
                steps.append(
                    TraceStep(
                        f"{reason.label}: nothing to recharge for {days_words(count)}",
                        0,
                        reason.reference,
                    )
                )
            funded = [day for day in running if week.free(line, day) is None]
            if not funded:
                continue
            delivered = week.delivered(line, funded)
            used_actuals = used_actuals or (delivered.from_actual and bool(delivered.units))
            shown = round_by(delivered.cost, rule)
            steps.append(TraceStep(delivered.sentence(shown), shown))
            costs.append((line, delivered.cost))
        amount = round_by(sum((cost for _, cost in costs), Fraction(0)), rule)
        steps.append(
            TraceStep(
                f"Cost of care the council funded on {days_words(len(alive))} covered by NHS "
                f"Continuing Healthcare award {award.ref}: {format_pounds(amount)}",
                amount,
                f"{CHC_REFERENCE}; {rule_ref}",
            )
        )
        income: dict[str, int] = defaultdict(int)
        weights = integer_weights([cost for _, cost in costs])
        if amount and any(weights):
            for (line, _), piece in zip(costs, apportion(amount, weights), strict=True):
                income[line.income_code] += piece
        charges.append(
            Charge(
                key=f"chc_recharge:{award.ref}:{week.start.isoformat()}",
                kind=ChargeKind.CHC_RECHARGE,
                debtor=award.icb,
                week=week.span,
                days=span_of(alive),
                amount_pence=amount,
                invoiced=True,
                income=tuple(sorted((code, p) for code, p in income.items() if p)),
                description=(
                    f"NHS Continuing Healthcare recharge (award {award.ref}), week beginning "
                    f"{long_date(week.start)}"
                ),
                basis=Basis(
                    actuals=used_actuals,
                    suspended_days=sum(1 for day in alive if week.person.suspensions(day)),
                    days_after_death=len(covered) - len(alive),
                    chc_days=len(alive),
                ),
                trace=tuple(steps),
            )
        )
    return charges
