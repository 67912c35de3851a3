"""`carecharge uprate`: the annual uprating run from the command line, as the screens do it.

    carecharge uprate --from 2026-04-06 [--excel preview.xlsx] [--as USERNAME]
    carecharge uprate approve RUN --as USERNAME      (a senior officer; not who previewed it)
    carecharge uprate post RUN --as USERNAME         (run again to resume after a crash)
    carecharge uprate show RUN [--excel preview.xlsx]
    carecharge uprate list

Exit status 0 on success; 1 with one line saying why on a bad date, an unknown run or user, or
a run in the wrong state (nothing is changed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecharge.apps.uprating import excel, operations, queries
from carecharge.apps.uprating.models import ItemStatus, UpratingRun
from carecharge.apps.uprating.presenters import RESTRICTED, change
from carecharge.core.money import format_pounds

SOURCE = "command"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--from: {text!r} is not a date like 2026-04-06") from None


class Command(BaseCommand):
    help = (
        "Annual uprating: preview new assessments from a date (--from DATE), approve, post.\n"
        "`uprate --from DATE` starts (or reuses) the open run for the date and works out the "
        "preview; `uprate approve RUN --as USER` (a senior officer who did not preview it) and "
        "`uprate post RUN --as USER` finish it. Posting is resumable and never posts twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="from_date", metavar="DATE", help="the uprating date, YYYY-MM-DD"
        )
        parser.add_argument("--excel", metavar="FILE", help="write the preview to this .xlsx file")
        parser.add_argument(
            "--as", dest="preview_as", metavar="USERNAME", help="who is previewing (recorded)"
        )
        actions = parser.add_subparsers(dest="action", required=False, metavar="ACTION")
        approve = actions.add_parser("approve", help="approve a previewed run")
        approve.add_argument("run", type=int)
        approve.add_argument("--as", dest="username", required=True, metavar="USERNAME")
        post = actions.add_parser("post", help="post an approved run and send the letters")
        post.add_argument("run", type=int)
        post.add_argument("--as", dest="username", required=True, metavar="USERNAME")
        show = actions.add_parser("show", help="a run's summary")
        show.add_argument("run", type=int)
        show.add_argument("--excel", dest="show_excel", metavar="FILE")
        actions.add_parser("list", help="every run")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        action = options.get("action")
        try:
            if action is None:
                self._preview(options)
            elif action == "list":
                self._list()
            else:
                run = self._run(options["run"])
                if action == "show":
                    self._summary(run)
                    self._excel(run, options.get("show_excel"))
                elif action == "approve":
                    approved = operations.approve(
                        run, actor=self._user(options["username"]), source=SOURCE
                    )
                    self.stdout.write(f"Run {approved.pk} approved by {options['username']}.")
                    self.stdout.write(f"Next: carecharge uprate post {approved.pk} --as USERNAME")
                else:
                    actor = self._user(options["username"])
                    posted = self._recorded(
                        run,
                        lambda: operations.post(
                            run, actor=actor, source=SOURCE, progress=self._progress("posted")
                        ),
                    )
                    self._summary(posted)
        except operations.UpratingRefused as error:
            raise CommandError(str(error)) from None

    def _preview(self, options: dict[str, Any]) -> None:
        if not options.get("from_date"):
            raise CommandError("give --from DATE to preview, or an action: approve, post, show")
        from_date = _date(options["from_date"])
        actor = self._user(options["preview_as"]) if options.get("preview_as") else None
        if options.get("excel"):
            self._writable(options["excel"])
        run = operations.start_run(from_date=from_date, actor=actor, source=SOURCE)
        run = self._recorded(
            run,
            lambda: operations.preview(
                run, actor=actor, source=SOURCE, progress=self._progress("worked out")
            ),
        )
        self._summary(run)
        self._excel(run, options.get("excel"))
        self.stdout.write(
            f"Next: a senior officer who did not preview it approves it: "
            f"carecharge uprate approve {run.pk} --as USERNAME"
        )

    def _recorded(self, run: UpratingRun, work: Callable[[], UpratingRun]) -> UpratingRun:
        """Do the work; if it stops with an unexpected error, say so on the run (the screen
        then offers to start it again) before the error is reported."""
        try:
            return work()
        except operations.UpratingRefused:
            raise
        except Exception as error:
            operations.record_failure(run, error)
            raise

    def _list(self) -> None:
        for run in queries.runs():
            self.stdout.write(
                f"{run.pk:>5}  from {run.from_date:%d/%m/%Y}  {run.get_state_display():<10} "
                f"ready {run.ready_count}, no change {run.no_change_count}, manual review "
                f"{run.manual_review_count}, posted {run.posted_count}"
            )

    def _run(self, pk: int) -> UpratingRun:
        try:
            return UpratingRun.objects.get(pk=pk)
        except UpratingRun.DoesNotExist:
            raise CommandError(f"there is no uprating run {pk}") from None

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"--as: there is no active user called {username!r}") from None

    def _writable(self, path: str) -> None:
        folder = Path(path).resolve().parent
        if not folder.is_dir():
            raise CommandError(f"--excel: the folder {folder} does not exist")

    def _excel(self, run: UpratingRun, path: str | None) -> None:
        if not path:
            return
        self._writable(path)
        Path(path).write_bytes(excel.workbook(run, may_see_restricted=False))
        self.stdout.write(f"Preview written to {path}")

    def _progress(self, verb: str) -> Any:
        def report(done: int, total: int) -> None:
            if self.verbosity >= 1:
                self.stderr.write(f"  {verb} {done} of {total}")

        return report

    def _summary(self, run: UpratingRun) -> None:
        run.refresh_from_db()
        write = self.stdout.write
        write(
            f"Uprating run {run.pk}: new figures from {run.from_date:%d/%m/%Y} "
            f"({run.get_state_display().lower()})"
        )
        write(f"  Ready to post:   {run.ready_count}")
        write(f"  No change:       {run.no_change_count}")
        write(f"  Manual review:   {run.manual_review_count}")
        if run.posted_count or run.skipped_count:
            write(f"  Posted:          {run.posted_count}")
            write(f"  Skipped:         {run.skipped_count}")
        write(
            f"  Weekly charges:  {format_pounds(run.old_total_pence)} now, "
            f"{format_pounds(run.new_total_pence)} from {run.from_date:%d/%m/%Y} "
            f"({change(run.new_total_pence - run.old_total_pence)} a week)"
        )
        review = run.items.filter(status=ItemStatus.MANUAL_REVIEW).select_related("person")
        if review.exists():
            write("Manual review:")
            for item in review.order_by("person__surname", "person__forename"):
                name = RESTRICTED if item.person.restricted else item.person.full_name
                for reason in item.reasons:
                    write(f"  {item.person.account_reference} {name}: {reason}")
        if run.last_error:
            write(f"Stopped with an error: {run.last_error}")
        warning = operations.date_warning(run.from_date)
        if warning:
            write(f"Warning: {warning}")
