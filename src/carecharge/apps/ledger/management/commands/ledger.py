"""`carecharge ledger check`: prove the ledger is whole.

    carecharge ledger check            each check with OK or its problems, and the totals
    carecharge ledger check --json     the same as JSON, for monitoring

Exit status 0 when every check passes, 1 when any fails.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecharge.apps.ledger import checks, queries
from carecharge.core.money import format_pounds, to_decimal_string


class Command(BaseCommand):
    help = (
        "Ledger checks: `ledger check [--json]` proves every transaction balances, has two or "
        "more postings, the trial balance is zero and every app's own checks pass (exit 1 if not)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser("check", help="run every ledger check")
        check.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        results = checks.run_all()
        transactions, postings = queries.counts()
        control = queries.control_total()
        failed = [result for result in results if not result.ok]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": not failed,
                        "checks": [
                            {"name": r.name, "ok": r.ok, "problems": list(r.problems)}
                            for r in results
                        ],
                        "transactions": transactions,
                        "postings": postings,
                        "control_total": to_decimal_string(control),
                    },
                    indent=2,
                )
            )
        else:
            for result in results:
                self.stdout.write(f"{'OK' if result.ok else 'FAILED':<7} {result.name}")
                for problem in result.problems:
                    self.stdout.write(f"        - {problem}")
            self.stdout.write(f"Transactions: {transactions:,}")
            self.stdout.write(f"Postings: {postings:,}")
            self.stdout.write(
                f"Receivables control total (all debtor accounts): {format_pounds(control)}"
            )
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(results)} ledger checks failed: "
                + "; ".join(r.name for r in failed)
            )
