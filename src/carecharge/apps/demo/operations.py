"""Load the demo council: plan it, write it in one transaction, create the demo users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.people.models import ServiceUser
from carecharge.core.rules import RuleNotInForce, load_rules

from . import catalogue, logins
from .finances import Rates
from .funding import add_funding_examples
from .generator import build_plan
from .plan import DemoPlan
from .writer import AUDIT_SOURCE, WriteCounts, write_plan


class DemoRefused(Exception):
    """The demo cannot be loaded (not an empty database, or no rules for the date)."""


@dataclass(frozen=True, slots=True)
class DemoResult:
    counts: WriteCounts
    users_created: int
    users_total: int
    logins_file: Path | None


def plan_demo(*, people: int, seed: int, as_at: date, council: str | None = None) -> DemoPlan:
    """The plan for this seed and date, with benefit rates from the rules in force then."""
    council = council or settings.CARECHARGE_COUNCIL
    book = load_rules(settings.RULES_DIR)
    missing = [
        f"local.{council}.flat_rates.{name}"
        for name in catalogue.FLAT_RATE_RULES
        if f"local.{council}.flat_rates.{name}" not in book
    ]
    if missing:
        raise DemoRefused(f"The council's flat-rate prices are missing from the rules: {missing}")
    try:
        rates = Rates.from_rules(book.as_at(as_at))
    except RuleNotInForce as error:
        raise DemoRefused(
            f"The rules have no benefit rates in force on {as_at.day} {as_at:%B %Y} ({error}). "
            "Choose a later --as-at date."
        ) from None
    return build_plan(people=people, seed=seed, as_at=as_at, rates=rates, council=council)


def load_demo(*, people: int, seed: int, as_at: date) -> DemoResult:
    """Write a demo council into an empty database, all or nothing."""
    council = settings.CARECHARGE_COUNCIL
    plan = plan_demo(people=people, seed=seed, as_at=as_at, council=council)
    with transaction.atomic():
        existing = ServiceUser.objects.count()
        if existing:
            raise DemoRefused(
                f"The database already holds {existing:,} service users. The demo council is "
                "only loaded into an empty database, so a demo never mixes with other data "
                "(or another demo). Use a new database, or --if-empty to skip quietly."
            )
        now = timezone.now()
        counts = write_plan(plan, now=now, council=council)
        add_funding_examples(as_at=as_at)
        created = logins.ensure_demo_users()
        # One event for the load as a whole, so the trail says what the demo was made from.
        AuditEvent.objects.create(
            occurred_at=now,
            actor_name=AUDIT_SOURCE,
            action="demo.loaded",
            object_type="demo.council",
            object_id=council,
            object_label=f"Demo council {council}",
            changes={
                "people": [None, counts.people],
                "packages": [None, counts.packages],
                "service_lines": [None, counts.lines],
                "users": [None, len(created)],
            },
            reason=f"carecharge demo --people {people} --seed {seed} --as-at {as_at.isoformat()}",
            source=AUDIT_SOURCE,
        )
    # Written after the commit: a rolled-back load must not leave passwords for no one.
    path = logins.save_logins(created) if created else None
    total = len(logins.DEMO_USERS)
    return DemoResult(counts, len(created), total, path)
