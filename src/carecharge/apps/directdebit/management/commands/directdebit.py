"""`carecharge directdebit`: Direct Debit mandates, files, collections and Bacs reports.

    carecharge directdebit mandates [--status STATUS] [--json]
    carecharge directdebit auddis-file --out FILE --as USER [--on DATE]
    carecharge directdebit notices --date DATE --as USER [--on DATE] [--json]
    carecharge directdebit collect --date DATE --as USER --out FILE [--on DATE] [--json]
    carecharge directdebit settle RUN --as USER [--on DATE] [--json]
    carecharge directdebit cancel-run RUN --reason TEXT --as USER
    carecharge directdebit import-report FILE --as USER [--on DATE] [--json]
    carecharge directdebit deaths --as USER [--on DATE]

``--on`` is the business date (today by default). Exit status 0 on success; 1 with a message
saying why on bad input (an unknown user or run, a date that is not a Bacs processing day, a
report that does not match), and nothing is changed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from carecharge.apps.directdebit import operations, queries
from carecharge.apps.directdebit.models import BacsFile, CollectionRun, MandateStatus
from carecharge.core.money import format_pounds, to_decimal_string


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option}: {text!r} is not a date like 2026-03-02") from None


def _write(path: str, file: BacsFile) -> None:
    try:
        Path(path).write_bytes(operations.file_bytes(file))
    except OSError as error:
        raise CommandError(
            f"--out: could not write {path}: {error.strerror}; the file is kept in carecharge "
            f"(serial {file.serial_number:06d})"
        ) from None


class Command(BaseCommand):
    help = (
        "Direct Debit: mandates, AUDDIS files, collection runs and their Standard 18 files, "
        "settling runs into receipts, and Bacs reports (ARUDD, ADDACS, AUDDIS, DDICA)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        mandates = actions.add_parser("mandates", help="list the mandates")
        mandates.add_argument("--status", choices=MandateStatus.values)
        mandates.add_argument("--json", action="store_true")
        auddis = actions.add_parser("auddis-file", help="send the queued 0N/0C/0S instructions")
        auddis.add_argument("--out", required=True, metavar="FILE")
        self._actor_and_day(auddis)
        notices = actions.add_parser("notices", help="record the advance notices for a date")
        notices.add_argument("--date", required=True, metavar="DATE")
        self._actor_and_day(notices, json_option=True)
        collect = actions.add_parser("collect", help="build a collection run and its file")
        collect.add_argument("--date", required=True, metavar="DATE")
        collect.add_argument("--out", required=True, metavar="FILE")
        self._actor_and_day(collect, json_option=True)
        settle = actions.add_parser("settle", help="post a run's receipts on its date")
        settle.add_argument("run", type=int)
        self._actor_and_day(settle, json_option=True)
        cancel = actions.add_parser("cancel-run", help="cancel a run that was never sent")
        cancel.add_argument("run", type=int)
        cancel.add_argument("--reason", required=True)
        self._actor_and_day(cancel)
        report = actions.add_parser("import-report", help="apply a Bacs report (XML)")
        report.add_argument("file", metavar="FILE")
        self._actor_and_day(report, json_option=True)
        deaths = actions.add_parser("deaths", help="cancel the mandates of people who have died")
        self._actor_and_day(deaths)

    @staticmethod
    def _actor_and_day(parser: CommandParser, *, json_option: bool = False) -> None:
        parser.add_argument("--as", dest="username", required=True, metavar="USERNAME")
        parser.add_argument("--on", dest="on", metavar="DATE", help="business date (today)")
        if json_option:
            parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        self.as_json = bool(options.get("json"))
        action = options["action"]
        if action == "mandates":
            self._mandates(options.get("status"))
            return
        actor = self._user(options["username"])
        today = _date(options["on"], "--on") if options.get("on") else timezone.localdate()
        try:
            if action == "auddis-file":
                self._auddis(options["out"], actor, today)
            elif action == "notices":
                day = _date(options["date"], "--date")
                self._run_result(operations.send_notices(day, actor=actor, today=today), None)
            elif action == "collect":
                day = _date(options["date"], "--date")
                result = operations.build_run(day, actor=actor, today=today)
                self._run_result(result, options["out"])
            elif action == "settle":
                run, posted = operations.settle(self._run(options["run"]), actor=actor, today=today)
                self._settled(run, posted)
            elif action == "cancel-run":
                run = operations.cancel_run(
                    self._run(options["run"]), reason=options["reason"], actor=actor
                )
                self.stdout.write(f"Run {run.pk} cancelled: {run.cancelled_reason}")
            elif action == "import-report":
                self._import(options["file"], actor, today)
            else:
                ended = operations.cancel_for_all_deaths(actor=actor, today=today)
                self.stdout.write(f"{len(ended)} mandates cancelled after a death")
                for mandate in ended:
                    self.stdout.write(f"  {mandate.reference}: {mandate.end_reason}")
        except operations.DirectDebitError as error:
            raise CommandError(str(error)) from None

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"--as: no active user called {username!r}") from None

    def _run(self, pk: int) -> CollectionRun:
        try:
            return CollectionRun.objects.get(pk=pk)
        except CollectionRun.DoesNotExist:
            raise CommandError(f"there is no Direct Debit run {pk}") from None

    def _mandates(self, status: str | None) -> None:
        found = list(queries.mandates(status))
        if self.as_json:
            rows = [
                {
                    "reference": m.reference,
                    "account": m.account.code,
                    "payer": m.bacs_name,
                    "status": m.status,
                    "basis": m.basis,
                    "instalment": to_decimal_string(m.instalment_pence)
                    if m.instalment_pence is not None
                    else None,
                    "collection_day": m.collection_day,
                    "live_from": m.live_from.isoformat() if m.live_from else None,
                    "ended_on": m.ended_on.isoformat() if m.ended_on else None,
                }
                for m in found
            ]
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for m in found:
            self.stdout.write(
                f"{m.reference:<18} {m.account.code:<14} {m.bacs_name:<18} {m.get_status_display()}"
            )
        self.stdout.write(f"{len(found)} mandates")

    def _auddis(self, out: str, actor: User, today: date) -> None:
        file = operations.write_auddis_file(actor=actor, today=today)
        _write(out, file)
        self.stdout.write(
            f"AUDDIS file {file.serial_number:06d}: {file.item_count} instructions, processed "
            f"on {file.processing_day:%d/%m/%Y}, written to {out}"
        )
        self.stdout.write(file.control_report)

    def _run_result(self, result: operations.RunResult, out: str | None) -> None:
        run = result.run
        if run is not None and out is not None:
            _write(out, run.file)
        if self.as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk if run else None,
                        "collection_date": result.collection_date.isoformat(),
                        "processing_day": result.cycle.processing_day.isoformat(),
                        "items": run.item_count if run else 0,
                        "total": to_decimal_string(run.total_pence if run else 0),
                        "sha256": run.file.sha256 if run else None,
                        "notices": len(result.notices),
                        "skipped": [s.as_json() for s in result.skipped],
                        "cancelled_after_death": [m.reference for m in result.ended_for_death],
                    },
                    indent=2,
                )
            )
            return
        day = f"{result.collection_date:%d/%m/%Y}"
        if run is not None:
            self.stdout.write(
                f"Run {run.pk} collects {run.item_count} Direct Debits for "
                f"{format_pounds(run.total_pence)} on {day}; file written to {out}"
            )
            self.stdout.write(run.file.control_report)
        elif out is not None:
            self.stdout.write(f"Nothing can be collected on {day} yet: no run, no file")
        self.stdout.write(f"Advance notices recorded: {len(result.notices)}")
        for notice in result.notices:
            self.stdout.write(
                f"  {notice.mandate.reference}: {format_pounds(notice.amount_pence)} on "
                f"{notice.collection_date:%d/%m/%Y} ({notice.reason})"
            )
        if result.skipped:
            self.stdout.write(f"Left out: {len(result.skipped)}")
            for skipped in result.skipped:
                self.stdout.write(
                    f"  {skipped.reference}: {format_pounds(skipped.amount_pence)}, "
                    f"{skipped.reason}"
                )

    def _settled(self, run: CollectionRun, posted: int) -> None:
        if self.as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk,
                        "state": run.state,
                        "receipts_posted": posted,
                        "total": to_decimal_string(run.total_pence),
                    },
                    indent=2,
                )
            )
            return
        if posted == 0:
            self.stdout.write(f"Run {run.pk} was already settled: nothing posted")
            return
        self.stdout.write(
            f"Run {run.pk} settled: {posted} receipts for {format_pounds(run.total_pence)} "
            f"received on {run.collection_date:%d/%m/%Y}"
        )

    def _import(self, path: str, actor: User, today: date) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        result = operations.import_report(data, filename=Path(path).name, actor=actor, today=today)
        report = result.report
        if self.as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "report": report.pk,
                        "kind": report.kind,
                        "duplicate": result.duplicate,
                        "counts": report.counts,
                        "actions": [
                            {"reference": a.reference, "action": a.action, "detail": a.detail}
                            for a in result.actions
                        ],
                    },
                    indent=2,
                )
            )
            return
        if result.duplicate:
            self.stdout.write(
                f"{report.filename} was already imported on {report.imported_at:%d/%m/%Y}: "
                "nothing changed"
            )
            return
        self.stdout.write(f"{report.get_kind_display()} imported: {report.filename}")
        for action in result.actions:
            self.stdout.write(f"  {action.reference}: {action.detail}")
