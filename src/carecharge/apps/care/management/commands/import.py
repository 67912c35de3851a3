"""`carecharge import KIND FILE`: import a file from another system, as the upload page does.

    carecharge import care FILE [--business-date DATE]
    carecharge import actuals FILE [--as USERNAME] [--json] [--business-date DATE]

Exit status: 0 when the file was applied (or had already been), 1 when it was rejected (every
problem is printed), 2 when the file cannot be read or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from carecharge.apps.accounts.roles import has_any_role
from carecharge.apps.care.access import ACTUALS_ROLES
from carecharge.apps.care.actuals.summary import actuals_summary
from carecharge.apps.care.models import ImportBatch, ImportStatus
from carecharge.apps.care.operations import import_actuals_file, import_care_file, import_summary

EXIT_REJECTED = 1
EXIT_UNREADABLE = 2


def business_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text} is not a date; write it as YYYY-MM-DD, like 2025-06-30"
        ) from None


def problem_line(problem: dict[str, Any]) -> str:
    """One stored problem as officers read it: `line 4, date_of_birth: <message>`."""
    where = "whole file" if problem.get("line") is None else f"line {problem['line']}"
    if problem.get("column"):
        where = f"{where}, {problem['column']}"
    return f"{where}: {problem['message']}"


class Command(BaseCommand):
    help = (
        "Import a file: care (people, service lines and suspensions from the case management "
        "system) or actuals (a provider's units delivered per service line and week).\n"
        "The whole file is checked first; it is applied in full or not at all, and the same "
        "file imported twice changes nothing. Exit status 0: imported (or already imported); "
        "1: rejected, with every problem listed; 2: the file could not be read."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # One subcommand per kind of file; later kinds (provider actuals, bank statements)
        # add their own.
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        care = kinds.add_parser(
            "care",
            help="people, service lines and suspensions from the case management system",
            description="Import a care-data CSV file (see docs/import-format.md).",
        )
        care.add_argument("file", help="the CSV file to import")
        care.add_argument(
            "--business-date",
            type=business_date,
            default=None,
            help="the date to check the file as at, YYYY-MM-DD (default: today)",
        )
        actuals = kinds.add_parser(
            "actuals",
            help="a provider's units delivered per service line and charging week",
            description="Import a provider-actuals CSV file (see docs/provider-actuals.md).",
        )
        actuals.add_argument("file", help="the CSV file to import")
        actuals.add_argument(
            "--business-date",
            type=business_date,
            default=None,
            help="the date to check the file as at, YYYY-MM-DD (default: today)",
        )
        actuals.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="the charging or senior officer importing it (recorded; default: the command)",
        )
        actuals.add_argument(
            "--json", action="store_true", help="print the outcome as one JSON object"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] == "care":
            self._import_care(Path(options["file"]), options["business_date"])
        elif options["kind"] == "actuals":
            self._import_actuals(options)

    def _import_actuals(self, options: dict[str, Any]) -> None:
        actor = self._importer(options["username"]) if options.get("username") else None
        path = Path(options["file"])
        data = self._read(path)
        batch = import_actuals_file(
            data=data,
            filename=path.name,
            actor=actor,
            business_date=options["business_date"] or timezone.localdate(),
            source="command",
        )
        if options["json"]:
            self.stdout.write(json.dumps(_outcome(batch), sort_keys=True))
            if batch.status == ImportStatus.REJECTED:
                raise CommandError(f"Import {batch.pk} was rejected", returncode=EXIT_REJECTED)
            return
        self._report(batch, actuals_summary)

    def _importer(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                f"--as: there is no active user called {username!r}", returncode=EXIT_UNREADABLE
            )
        if not has_any_role(user, ACTUALS_ROLES):
            raise CommandError(
                f"--as: {username} is not a charging officer or a senior officer, who import "
                "provider actuals",
                returncode=EXIT_UNREADABLE,
            )
        return user

    def _import_care(self, path: Path, as_at: date | None) -> None:
        data = self._read(path)
        batch = import_care_file(
            data=data,
            filename=path.name,
            actor=None,
            business_date=as_at or timezone.localdate(),
            source="command",
        )
        self._report(batch)

    def _read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            reason = error.strerror or str(error)
            raise CommandError(
                f"Cannot read {path}: {reason}", returncode=EXIT_UNREADABLE
            ) from None

    def _report(
        self, batch: ImportBatch, summarise: Callable[[ImportBatch], str] = import_summary
    ) -> None:
        self.stdout.write(summarise(batch))
        if batch.status != ImportStatus.REJECTED:
            return
        for problem in batch.problems:
            self.stdout.write(problem_line(problem))
        raise CommandError(
            f"Import {batch.pk} was rejected; correct the problems listed and import the file "
            "again.",
            returncode=EXIT_REJECTED,
        )


def _outcome(batch: ImportBatch) -> dict[str, Any]:
    return {
        "import": batch.pk,
        "kind": batch.kind,
        "status": batch.status,
        "duplicate_of": batch.duplicate_of_id,
        "summary": actuals_summary(batch),
        "counts": batch.counts,
        "problems": batch.problems,
        "sha256": batch.sha256,
    }
