"""`carecharge demo`: load a synthetic council for demonstrations, training and benchmarks."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from carecharge.apps.demo.operations import DemoRefused, load_demo
from carecharge.apps.people.models import ServiceUser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date like 2026-04-06.") from None


class Command(BaseCommand):
    help = "Load the synthetic demo council (people, care, finances, users) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=400, help="How many service users (400).")
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed: the same seed and date give the same council.",
        )
        parser.add_argument(
            "--as-at",
            dest="as_at",
            default=None,
            help="Business date YYYY-MM-DD the council is generated as at (today).",
        )
        parser.add_argument(
            "--if-empty",
            dest="if_empty",
            action="store_true",
            help="Do nothing if any service user exists (safe to run every time).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        people: int = options["people"]
        if people < 1 or people > 9_999_999:
            raise CommandError("--people must be between 1 and 9,999,999.")
        as_at = _date(options["as_at"]) if options["as_at"] else timezone.localdate()
        if options["if_empty"] and ServiceUser.objects.exists():
            self.stdout.write("Service users already exist: the demo council was not loaded again.")
            return
        try:
            result = load_demo(people=people, seed=options["seed"], as_at=as_at)
        except DemoRefused as error:
            raise CommandError(str(error)) from None
        c = result.counts
        self.stdout.write(
            f"Demo council loaded as at {as_at.day} {as_at:%B %Y} (seed {options['seed']}):\n"
            f"  people            {c.people:>9,}  ({c.couples:,} couples both in care, "
            f"{c.restricted:,} restricted)\n"
            f"  care packages     {c.packages:>9,}\n"
            f"  service lines     {c.lines:>9,}\n"
            f"  suspensions       {c.suspensions:>9,}\n"
            f"  deaths            {c.deaths:>9,}\n"
            f"  income items      {c.incomes:>9,}\n"
            f"  capital items     {c.capital:>9,}\n"
            f"  representatives   {c.representatives:>9,}\n"
            f"  top-up payers     {c.payers:>9,}\n"
            f"  services          {c.services:>9,}  providers {c.providers:,}\n"
            f"  users             {result.users_created:>9,}  new of {result.users_total} demo "
            "users (`carecharge demo_logins` shows their passwords)"
        )
