"""Declared capital for synthetic people: savings in every band, homes, joint accounts.

The bands straddle the means-test thresholds (below the lower capital limit, tariff income,
just under and over the upper limit), so every branch of the capital rules has people in it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from carecharge.apps.assessments.models import CapitalType

from .finances import Household
from .plan import CapitalPlan

# Capital bands, in pence: below the lower limit, tariff income, near the upper limit, above.
CAPITAL_BANDS: Final = (
    (0, 100_000),
    (100_000, 1_425_000),
    (1_425_000, 2_325_000),
    (2_325_001, 12_000_000),
)


def declared_capital(rng: random.Random, who: Household, as_at: date) -> list[CapitalPlan]:
    items: list[CapitalPlan] = []
    valued_on = as_at - timedelta(days=rng.randint(0, 180))
    low, high = CAPITAL_BANDS[who.capital_band]
    total = rng.randint(low, high)
    # Couples usually hold their savings jointly: the person's share is half (recorded here
    # as share 0.5 with the whole balance, the way a bank statement shows it).
    joint = who.partner is not None and rng.random() < 0.7
    share = Decimal("0.5") if joint else Decimal(1)
    amount = total * 2 if joint else total
    if amount >= 500_000 and rng.random() < 0.35:
        bonds = rng.randint(1, amount // 500_000) * 100_000
        items.append(
            CapitalPlan(
                CapitalType.PREMIUM_BONDS, bonds, False, Decimal(1), "Premium Bonds", valued_on
            )
        )
        amount -= bonds
    if amount >= 1_000_000 and rng.random() < 0.4:
        isa = amount // rng.randint(2, 4)
        items.append(
            CapitalPlan(
                CapitalType.INVESTMENTS, isa, joint, share, "Stocks and shares ISA", valued_on
            )
        )
        amount -= isa
    bank = rng.choice(
        ("Barclays", "Lloyds", "NatWest", "HSBC", "Nationwide", "Santander", "Post Office")
    )
    items.append(
        CapitalPlan(
            CapitalType.SAVINGS,
            amount,
            joint,
            share,
            f"{bank} {'joint ' if joint else ''}savings account",
            valued_on,
        )
    )
    if who.home_owner:
        value = rng.randint(140, 475) * 100_000
        home_joint = who.partner is not None
        items.append(
            CapitalPlan(
                CapitalType.MAIN_HOME,
                value,
                home_joint,
                Decimal("0.5") if home_joint else Decimal(1),
                "Main home (estimated value)",
                valued_on,
            )
        )
    return items
