"""`carecharge billing`: billing runs from the command line, as the screens do them.

    carecharge billing run --to 2025-05-04 --as USER --approve-as USER [--json]
    carecharge billing preview --to 2025-05-04 [--as USER]
    carecharge billing approve RUN --as USER    (a senior officer who did not start or preview it)
    carecharge billing post RUN --as USER         (run again to resume after a crash)
    carecharge billing show RUN [--json]
    carecharge billing list

Exit status 0 on success; 1 with one line saying why on a bad date, an unknown run or user, or
a run in the wrong state (nothing is changed).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecharge.apps.billing import operations
from carecharge.apps.billing.models import BillingRun
from carecharge.core.money import format_pounds, to_decimal_string

SOURCE = "command"
WORKERS_HELP = (
    "processes sharing the run (default: the CARECHARGE_BILLING_WORKERS setting, one per core)"
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--to: {text!r} is not a date like 2025-05-04") from None


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes from 1 to 64")
    return int(text)


def summary(run: BillingRun) -> dict[str, Any]:
    return {
        "run": run.pk,
        "through": run.through_date.isoformat(),
        "state": run.state,
        "people": run.people_count,
        "people_changed": run.changed_count,
        "held": run.held_count,
        "excluded": run.excluded_count,
        "blockers": run.blocker_count,
        "warnings": run.warning_count,
        "invoices": run.invoices_count,
        "credit_notes": run.credit_notes_count,
        "lines_posted": run.lines_posted,
        "amount_posted": to_decimal_string(run.amount_posted_pence),
        "invoiced": to_decimal_string(run.invoiced_pence),
        "credited": to_decimal_string(run.credited_pence),
        "not_invoiced": to_decimal_string(run.not_invoiced_pence),
    }


class Command(BaseCommand):
    help = (
        "Billing runs: work out charges to a date, check, preview, approve and post.\n"
        "`billing run --to DATE --as USER --approve-as USER` goes from draft to posted; the "
        "approver must be a senior officer and a different person. Posting is resumable and a "
        "second run with nothing changed posts nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser("run", help="draft to posted in one go")
        run.add_argument("--to", dest="through", required=True, metavar="DATE")
        run.add_argument("--as", dest="username", required=True, metavar="USERNAME")
        run.add_argument("--approve-as", dest="approver", required=True, metavar="USERNAME")
        run.add_argument("--json", action="store_true", help="print the summary as JSON")
        run.add_argument("--workers", type=_workers, metavar="N", help=WORKERS_HELP)
        preview = actions.add_parser("preview", help="start (or reuse) a run and preview it")
        preview.add_argument("--to", dest="through", required=True, metavar="DATE")
        preview.add_argument("--as", dest="username", metavar="USERNAME")
        preview.add_argument("--json", action="store_true")
        preview.add_argument("--workers", type=_workers, metavar="N", help=WORKERS_HELP)
        approve = actions.add_parser("approve", help="approve a previewed run")
        approve.add_argument("run", type=int)
        approve.add_argument("--as", dest="username", required=True, metavar="USERNAME")
        post = actions.add_parser("post", help="post an approved run (resumable)")
        post.add_argument("run", type=int)
        post.add_argument("--as", dest="username", required=True, metavar="USERNAME")
        post.add_argument("--json", action="store_true")
        post.add_argument("--workers", type=_workers, metavar="N", help=WORKERS_HELP)
        show = actions.add_parser("show", help="a run's summary")
        show.add_argument("run", type=int)
        show.add_argument("--json", action="store_true")
        actions.add_parser("list", help="every run")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        self.as_json = bool(options.get("json"))
        action = options["action"]
        try:
            if action == "list":
                self._list()
            elif action == "run":
                actor = self._user(options["username"])
                approver = self._user(options["approver"])
                through = _date(options["through"])
                done = operations.run_to_posted(
                    through=through,
                    actor=actor,
                    approver=approver,
                    source=SOURCE,
                    progress=self._progress(),
                    workers=options.get("workers"),
                )
                self._summary(done)
            elif action == "preview":
                previewer: User | None = (
                    self._user(options["username"]) if options.get("username") else None
                )
                run = operations.start_run(
                    through=_date(options["through"]), actor=previewer, source=SOURCE
                )
                run = self._recorded(
                    run,
                    lambda: operations.preview(
                        run,
                        actor=previewer,
                        source=SOURCE,
                        progress=self._progress(),
                        workers=options.get("workers"),
                    ),
                )
                self._summary(run)
            else:
                run = self._run(options["run"])
                if action == "show":
                    self._summary(run)
                elif action == "approve":
                    approved = operations.approve(
                        run, actor=self._user(options["username"]), source=SOURCE
                    )
                    self.stdout.write(f"Run {approved.pk} approved by {options['username']}.")
                else:
                    actor = self._user(options["username"])
                    posted = self._recorded(
                        run,
                        lambda: operations.post(
                            run,
                            actor=actor,
                            source=SOURCE,
                            progress=self._progress(),
                            workers=options.get("workers"),
                        ),
                    )
                    self._summary(posted)
        except operations.BillingRefused as error:
            raise CommandError(str(error)) from None

    def _recorded(self, run: BillingRun, work: Callable[[], BillingRun]) -> BillingRun:
        try:
            return work()
        except operations.BillingRefused:
            raise
        except Exception as error:
            operations.record_failure(run, error)
            raise

    def _progress(self) -> Callable[[int, int], None] | None:
        if self.as_json or self.verbosity < 2:
            return None
        return lambda done, total: self.stderr.write(f"{done} of {total} people")

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

    def _summary(self, run: BillingRun) -> None:
        found = summary(run)
        if self.as_json:
            self.stdout.write(json.dumps(found, indent=2))
            return
        self.stdout.write(
            f"Billing run {run.pk} to {run.through_date:%d/%m/%Y}: {run.get_state_display()}"
        )
        self.stdout.write(
            f"  People: {run.people_count} ({run.changed_count} with charges to post, "
            f"{run.held_count} held for review, {run.excluded_count} excluded)"
        )
        self.stdout.write(
            f"  Pre-flight: {run.blocker_count} blockers, {run.warning_count} warnings"
        )
        self.stdout.write(
            f"  To invoice {format_pounds(run.invoiced_pence)}, to credit "
            f"{format_pounds(-run.credited_pence)}, collected by others "
            f"{format_pounds(run.not_invoiced_pence)}"
        )
        if run.invoices_count or run.credit_notes_count:
            self.stdout.write(
                f"  Posted: {run.invoices_count} invoices, {run.credit_notes_count} credit "
                f"notes, {run.lines_posted} lines, {format_pounds(run.amount_posted_pence)}"
            )
        if run.last_error:
            self.stdout.write(f"  Stopped with an error: {run.last_error}")

    def _list(self) -> None:
        for run in BillingRun.objects.all():
            self.stdout.write(
                f"{run.pk:>5}  to {run.through_date:%d/%m/%Y}  {run.get_state_display():<10} "
                f"{run.invoices_count} invoices  {format_pounds(run.amount_posted_pence)}"
            )
