"""`carecharge invoices`: issue a posted run's invoices and credit notes, and write its print file.

    carecharge invoices issue RUN [--as USER] [--shard I/N]
    carecharge invoices print RUN --out DIR [--part-size 500] [--skip-unissued] [--as USER]

`issue` renders and stores every invoice and credit note of the run not yet issued; stopping it
part-way and running it again carries on (nothing is issued twice). `--shard 0/4` ... `3/4` let
four workers share a large run. Exit status 1 when any could not be issued (each is listed with
the reason) or the run is unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecharge.apps.billing.invoices import InvoiceError, issue_run
from carecharge.apps.billing.models import BillingRun
from carecharge.apps.billing.print_file import PART_SIZE, PrintFileError, write_print_file

SOURCE = "command"


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()) or not 0 <= int(index) < int(count):
        raise CommandError(f"--shard: {text!r} must be like 0/4 (this worker's share, from 0)")
    return int(index), int(count)


class Command(BaseCommand):
    help = (
        "Invoices and credit notes: issue a run's PDFs (resumable) and write its print file.\n"
        "`invoices issue RUN` stores every invoice not yet issued; `invoices print RUN --out DIR` "
        "writes ZIPs of the PDFs (by postcode, then number) with a manifest, 500 to a part."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        issue = actions.add_parser("issue", help="issue every invoice of the run not yet issued")
        issue.add_argument("run", type=int)
        issue.add_argument("--as", dest="username", metavar="USERNAME")
        issue.add_argument("--shard", metavar="I/N", help="issue only this worker's share")
        printing = actions.add_parser("print", help="write the run's print file")
        printing.add_argument("run", type=int)
        printing.add_argument("--out", required=True, metavar="DIR")
        printing.add_argument("--part-size", type=int, default=PART_SIZE, metavar="N")
        printing.add_argument(
            "--skip-unissued", action="store_true", help="print the issued ones, listing the rest"
        )
        printing.add_argument("--as", dest="username", metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        run = self._run(options["run"])
        actor = self._user(options["username"]) if options.get("username") else None
        if options["action"] == "issue":
            self._issue(run, actor, _shard(options["shard"]) if options.get("shard") else None)
        else:
            try:
                paths = write_print_file(
                    run, Path(options["out"]), actor=actor, part_size=options["part_size"],
                    skip_unissued=options["skip_unissued"], source=SOURCE,
                )  # fmt: skip
            except PrintFileError as error:
                raise CommandError(str(error)) from None
            for path in paths:
                self.stdout.write(str(path))

    def _issue(self, run: BillingRun, actor: Any, shard: tuple[int, int] | None) -> None:
        try:
            outcome = issue_run(
                run, actor=actor, progress=self._progress(), shard=shard, source=SOURCE
            )
        except InvoiceError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Run {run.pk}: {outcome.issued} issued now, {outcome.already} issued before, "
            f"{len(outcome.failed)} could not be issued."
        )
        for number, why in outcome.failed:
            self.stdout.write(f"  {number}: {why}")
        if outcome.failed:
            raise CommandError(
                f"{len(outcome.failed)} could not be issued: record what is missing and run "
                f"`carecharge invoices issue {run.pk}` again"
            )

    def _progress(self) -> Callable[[int, int], None] | None:
        if self.verbosity < 2:
            return None
        return lambda done, total: self.stderr.write(f"{done} of {total} invoices")

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"--as: no active user called {username!r}") from None

    def _run(self, pk: int) -> BillingRun:
        try:
            return BillingRun.objects.get(pk=pk)
        except BillingRun.DoesNotExist:
            raise CommandError(f"there is no billing run {pk}") from None
