"""Suspensions of care for one synthetic person: hospital stays and holidays."""

from __future__ import annotations

import random
from datetime import timedelta

from carecharge.apps.care.models import SuspensionReason

from .care import Context, between
from .plan import SuspensionPlan


def suspensions(
    rng: random.Random, ctx: Context, *, hospital: bool, holiday: bool, still_in_hospital: bool
) -> list[SuspensionPlan]:
    """Hospital stays and holidays while care was running, never after death."""
    last = (ctx.date_of_death or ctx.as_at) - timedelta(days=1)
    first = max(ctx.care_start + timedelta(days=7), ctx.as_at - timedelta(days=365))
    found: list[SuspensionPlan] = []
    if still_in_hospital and ctx.date_of_death is None and first <= ctx.as_at - timedelta(days=2):
        began = between(
            rng, max(first, ctx.as_at - timedelta(days=20)), ctx.as_at - timedelta(days=1)
        )
        found.append(SuspensionPlan(SuspensionReason.HOSPITAL, began, None, "Admitted to hospital"))
        last = min(last, began - timedelta(days=30))
    for wanted, reason, low, high, note in (
        (hospital, SuspensionReason.HOSPITAL, 3, 28, "Hospital stay"),
        (holiday, SuspensionReason.HOLIDAY, 7, 14, "Holiday with family"),
    ):
        if not wanted or (last - first).days < high + 1:
            continue
        began = between(rng, first, last - timedelta(days=high))
        ended = began + timedelta(days=rng.randint(low, high) - 1)
        found.append(SuspensionPlan(reason, began, ended, note))
        # The next one starts after this ended, so suspensions never overlap.
        first = ended + timedelta(days=7)
    return found
