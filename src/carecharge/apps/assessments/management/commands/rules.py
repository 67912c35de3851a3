"""Inspect the charging rules: what is unverified, and what is in force on a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecharge.core.money import format_pounds
from carecharge.core.rules import RuleEntry, RuleError, Unit, load_rules


def _show_value(entry: RuleEntry) -> str:
    if entry.unit is Unit.PENCE and isinstance(entry.value, int):
        per = f" a {entry.period}" if entry.period and entry.period != "once" else ""
        return f"{format_pounds(entry.value)}{per}"
    if entry.unit is Unit.PERCENT and isinstance(entry.value, Decimal):
        return f"{entry.value}%"
    return str(entry.value)


class Command(BaseCommand):
    help = "Check the rules (unverified figures) or show the rules in force on a date."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("check", help="Validate every rule file and list unverified figures.")
        show = sub.add_parser("show", help="Print every rule in force on DATE (YYYY-MM-DD).")
        show.add_argument("date")
        show.add_argument("--preview", action="store_true", help="Include preview figures.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            book = load_rules(settings.RULES_DIR, include_preview=options.get("preview", False))
        except RuleError as error:
            raise CommandError(str(error)) from None
        if options["action"] == "check":
            unverified = book.unverified()
            self.stdout.write(f"{len(book)} rules load cleanly (hash {book.content_hash[:12]}).")
            if not unverified:
                self.stdout.write("No figure is marked unverified.")
                return
            self.stdout.write(f"{len(unverified)} figures are unverified:")
            for name, effective in unverified:
                self.stdout.write(f"  {name} from {effective.isoformat()}")
            return
        try:
            when = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"{options['date']!r} is not a date like 2026-04-06.") from None
        rules = book.as_at(when)
        self.stdout.write(f"Rules in force on {when:%d %B %Y} (hash {book.content_hash[:12]}):")
        for name, entry in sorted(rules.in_force().items()):
            flag = "  [unverified]" if entry.unverified else ""
            source = entry.references[0].title if entry.references else ""
            self.stdout.write(
                f"  {name} = {_show_value(entry)} (from {entry.effective_from:%d/%m/%Y}; "
                f"{source}){flag}"
            )
