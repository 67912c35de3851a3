"""Care packages and service lines for one synthetic person.

The generator decides *what* someone receives (from the proportions in generator.py); this
module decides what that looks like: providers, hours, prices, dates. Provider prices rise each
1 April (the council's fee uplift), so a line that runs across that date is ended and a new line
starts at the new price, as councils record it; the history exercises re-rating and billing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from . import catalogue as cat
from .plan import LinePlan, PackagePlan, ProviderPlan

# The fee uplift the fictional council gave providers last April (prices before it were lower).
FEE_UPLIFT: Final = Decimal("1.04")
WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REABLEMENT_DAYS: Final = 42  # reablement is free for up to six weeks
IN_HOUSE_REABLEMENT_PENCE: Final = 2_650
TELECARE_COST_PENCE: Final = 620
TRIP_COST_PENCE: Final = 1_450
DAY_OPPORTUNITIES_COST_PENCE: Final = 2_100
ONE_DAY: Final = timedelta(days=1)

# Main service kinds the generator chooses between.
HOME_CARE: Final = "home_care"
RESIDENTIAL: Final = "residential"
NURSING: Final = "nursing"
DAY_CARE: Final = "day_care"
SUPPORTED_LIVING: Final = "supported_living"
EXTRA_CARE: Final = "extra_care"
SHARED_LIVES: Final = "shared_lives"
DIRECT_PAYMENT: Final = "direct_payment"
CARE_HOME_KINDS: Final = frozenset({RESIDENTIAL, NURSING})


@dataclass(frozen=True, slots=True)
class Extras:
    """Services alongside the main one, and package flags, chosen by the generator."""

    meals: bool = False
    telecare: bool = False
    transport: bool = False
    day_opportunities: bool = False
    equipment: bool = False
    reablement: bool = False
    respite: bool = False
    home_care_before: bool = False
    chc: bool = False
    section_117: bool = False


@dataclass(slots=True)
class Context:
    as_at: date
    providers: tuple[ProviderPlan, ...]
    care_start: date
    date_of_death: date | None
    last_april: date = field(init=False)
    _by_kind: dict[str, tuple[ProviderPlan, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        april = date(self.as_at.year, 4, 1)
        self.last_april = april if self.as_at >= april else date(self.as_at.year - 1, 4, 1)
        self._by_kind = {}
        for provider in self.providers:
            self._by_kind[provider.kind] = (*self._by_kind.get(provider.kind, ()), provider)

    def provider(self, rng: random.Random, kind: str) -> ProviderPlan:
        return rng.choice(self._by_kind[kind])


def _priced(
    ctx: Context,
    code: str,
    provider: ProviderPlan,
    units: Decimal,
    start: date,
    end: date | None,
    *,
    price: int | None = None,
    days: str = "",
) -> list[LinePlan]:
    """One line at the provider's price, or two split at the fee uplift (last year's price
    before it), as councils record a price change."""
    price = provider.price_pence if price is None else price
    old = int((Decimal(price) / FEE_UPLIFT).quantize(Decimal(1)))
    april = ctx.last_april
    if start >= april:
        return [LinePlan(code, provider.code, units, price, days, start, end)]
    if end is not None and end < april:
        return [LinePlan(code, provider.code, units, old, days, start, end)]
    return [
        LinePlan(code, provider.code, units, old, days, start, april - timedelta(days=1)),
        LinePlan(code, provider.code, units, price, days, april, end),
    ]


def _hours(rng: random.Random, low_quarters: int, high_quarters: int) -> Decimal:
    # Councils commission care in quarter hours; most packages are modest.
    quarters = min(rng.randint(low_quarters, high_quarters) for _ in range(2))
    return Decimal(quarters) / 4


def _days(rng: random.Random, count: int, weekdays_only: bool = True) -> str:
    pool = WEEKDAYS[:5] if weekdays_only else WEEKDAYS
    chosen = set(rng.sample(pool, min(count, len(pool))))
    return " ".join(day for day in WEEKDAYS if day in chosen)


def between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


# Main services priced per provider: provider kind, service code, units a week.
_PRICED_MAIN: Final[dict[str, tuple[str, str, tuple[int, int] | None]]] = {
    RESIDENTIAL: (cat.CARE_HOME, cat.RES_PERMANENT, None),
    NURSING: (cat.NURSING_HOME, cat.NURSING, None),
    SHARED_LIVES: (cat.SHARED_LIVES_SCHEME, cat.SHARED_LIVES, None),
    # Hours a week, in quarter hours (lowest, highest).
    HOME_CARE: (cat.HOME_CARE_AGENCY, cat.HOME_CARE, (6, 112)),
    SUPPORTED_LIVING: (cat.SUPPORTED_LIVING_PROVIDER, cat.SUPPORTED_LIVING, (40, 240)),
    EXTRA_CARE: (cat.EXTRA_CARE_SCHEME, cat.EXTRA_CARE, (12, 80)),
}


def _main_lines(rng: random.Random, kind: str, ctx: Context) -> tuple[list[LinePlan], int]:
    """The main service's lines, and day-care sessions a week (for transport)."""
    start = ctx.care_start
    if kind in _PRICED_MAIN:
        provider_kind, code, quarters = _PRICED_MAIN[kind]
        provider = ctx.provider(rng, provider_kind)
        units = _hours(rng, *quarters) if quarters else Decimal(1)
        return _priced(ctx, code, provider, units, start, None), 0
    if kind == DAY_CARE:
        centre = ctx.provider(rng, cat.DAY_CENTRE)
        sessions = rng.choice((1, 2, 2, 3, 3, 4, 5))
        days = _days(rng, sessions)
        return _priced(
            ctx, cat.DAY_CARE, centre, Decimal(sessions), start, None, days=days
        ), sessions
    if kind == DIRECT_PAYMENT:
        weekly = rng.randint(120, 650) * 100
        return [LinePlan(cat.DIRECT_PAYMENT, None, Decimal(1), weekly, "", start, None)], 0
    raise ValueError(f"unknown kind of care: {kind}")


def _open(
    code: str, provider: str | None, units: int | Decimal, cost: int, start: date, days: str = ""
) -> LinePlan:
    return LinePlan(code, provider, Decimal(units), cost, days, start, None)


def _extra_lines(rng: random.Random, ctx: Context, extras: Extras, sessions: int) -> list[LinePlan]:
    start, as_at = ctx.care_start, ctx.as_at
    lines: list[LinePlan] = []
    if extras.reablement:
        began = start - timedelta(days=REABLEMENT_DAYS)
        hours, cost = _hours(rng, 20, 56), IN_HOUSE_REABLEMENT_PENCE
        lines.append(LinePlan(cat.REABLEMENT, None, hours, cost, "", began, start - ONE_DAY))
    if extras.meals:
        meals = ctx.provider(rng, cat.MEALS_PROVIDER)
        count = rng.choice((3, 5, 5, 7, 7))
        days = _days(rng, count, weekdays_only=False) if count < 7 else ""
        began = between(rng, start, as_at)
        lines.append(_open(cat.MEALS, meals.code, count, meals.price_pence, began, days))
    if extras.telecare:
        began = between(rng, start, as_at)
        lines.append(_open(cat.TELECARE, None, 1, TELECARE_COST_PENCE, began))
    if extras.transport and sessions:
        lines.append(_open(cat.TRANSPORT, None, 2 * sessions, TRIP_COST_PENCE, start))
    if extras.day_opportunities:
        centre = ctx.provider(rng, cat.DAY_CENTRE)
        day, began = rng.choice(WEEKDAYS[:5]), between(rng, start, as_at)
        cost = DAY_OPPORTUNITIES_COST_PENCE
        lines.append(_open(cat.DAY_OPPORTUNITIES, centre.code, 1, cost, began, day))
    if extras.equipment:
        kit = ctx.provider(rng, cat.EQUIPMENT_SERVICE)
        cost, began = rng.randint(150, 900), between(rng, start - timedelta(days=30), start)
        lines.append(_open(cat.EQUIPMENT, kit.code, 1, cost, began))
    if extras.respite:
        home = ctx.provider(rng, cat.CARE_HOME)
        nights = rng.choice((7, 7, 14))
        latest = as_at - timedelta(days=nights)
        began = between(rng, max(start, as_at - timedelta(days=365)), latest)
        ends = began + timedelta(days=nights - 1)
        per_night = int((Decimal(home.price_pence) / 7).quantize(Decimal(1)))
        lines += _priced(ctx, cat.RES_SHORT_STAY, home, Decimal(7), began, ends, price=per_night)
    return lines


def _clip(lines: list[LinePlan], death: date | None) -> tuple[LinePlan, ...]:
    """No service runs after death: end open lines on the date of death, drop later ones."""
    if death is None:
        return tuple(lines)
    kept = []
    for line in lines:
        if line.start_date > death:
            continue
        if line.end_date is None or line.end_date > death:
            line = replace(line, end_date=death)
        kept.append(line)
    return tuple(kept)


def packages(rng: random.Random, kind: str, ctx: Context, extras: Extras) -> list[PackagePlan]:
    found: list[PackagePlan] = []
    if extras.home_care_before and kind in CARE_HOME_KINDS:
        # Lived at home with home care until moving into the care home.
        agency = ctx.provider(rng, cat.HOME_CARE_AGENCY)
        began = ctx.care_start - timedelta(days=rng.randint(120, 1_100))
        hours, ended = _hours(rng, 20, 112), ctx.care_start - ONE_DAY
        earlier = _priced(ctx, cat.HOME_CARE, agency, hours, began, ended)
        found.append(PackagePlan(_clip(earlier, ctx.date_of_death)))
    main, sessions = _main_lines(rng, kind, ctx)
    lines = _clip(main + _extra_lines(rng, ctx, extras, sessions), ctx.date_of_death)
    nursing = kind == NURSING
    found.append(
        PackagePlan(
            lines,
            section_117=extras.section_117,
            chc=extras.chc,
            funded_nursing_care=nursing and not extras.chc,
        )
    )
    return found
