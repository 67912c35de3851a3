"""`carecharge finance_export`: a posted run's journal and accounts-receivable invoice files.

    carecharge finance_export RUN --out DIR [--as USER] [--layout FILE]
    carecharge finance_export --check-layout [--layout FILE]

The layout is `--layout`, else the setting CARECHARGE_FINANCE_EXPORT_LAYOUT, else the default
shipped with carecharge. Re-exporting a run writes the same bytes. Exit status 1 with the
reasons when the run is not posted, its invoices are not all issued, or the layout is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecharge.apps.billing import export
from carecharge.apps.billing.export_layout import LayoutError, load_layout
from carecharge.apps.billing.models import BillingRun
from carecharge.core.money import format_pounds

SOURCE = "command"


class Command(BaseCommand):
    help = (
        "Finance export: a posted billing run's balanced journal and AR invoice files.\n"
        "Columns, headers, dates and the delimiter come from the layout (docs/finance-export.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run", type=int, nargs="?")
        parser.add_argument("--out", metavar="DIR")
        parser.add_argument("--as", dest="username", metavar="USERNAME")
        parser.add_argument("--layout", metavar="FILE", help="a layout file (YAML)")
        parser.add_argument(
            "--check-layout", action="store_true", help="check the layout and export nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            layout = (
                load_layout(Path(options["layout"]))
                if options.get("layout")
                else export.configured_layout()
            )
        except LayoutError as error:
            raise CommandError(str(error)) from None
        if options["check_layout"]:
            self.stdout.write(
                f"Layout {layout.source} is good: journal {len(layout.journal.file.columns)} "
                f"columns ({layout.journal.granularity}), invoices "
                f"{len(layout.invoices.columns)} columns."
            )
            return
        if options.get("run") is None or not options.get("out"):
            raise CommandError("give the run and --out DIR (or --check-layout)")
        try:
            run = BillingRun.objects.get(pk=options["run"])
        except BillingRun.DoesNotExist:
            raise CommandError(f"there is no billing run {options['run']}") from None
        actor = None
        if options.get("username"):
            actor = User.objects.filter(username=options["username"], is_active=True).first()
            if actor is None:
                raise CommandError(f"--as: no active user called {options['username']!r}")
        try:
            written = export.export_run(
                run, Path(options["out"]), actor=actor, layout=layout, source=SOURCE
            )
        except export.ExportError as error:
            raise CommandError(str(error)) from None
        for path, exported in written:
            self.stdout.write(
                f"{path}: {exported.rows} rows, debits {format_pounds(exported.debit_pence)}, "
                f"credits {format_pounds(exported.credit_pence)}, SHA-256 {exported.sha256}"
            )
