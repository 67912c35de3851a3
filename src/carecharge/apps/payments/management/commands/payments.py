"""`carecharge payments`: payment files and the unallocated queue from the command line.

    carecharge payments import FILE --kind csv|camt053|mt940|bai2|counter [--scheme NAME]
                               [--covers-from DATE --covers-to DATE] --as USER [--json]
    carecharge payments allocate [--as USER]       (allocate every account's unallocated money)
    carecharge payments unallocated [--json]        (the unallocated queue)
    carecharge payments missed [--json]             (standing order and plan instalments missed)
    carecharge payments reconcile --from DATE --to DATE [--json] [--keep --as USER]

Exit status 0 on success; 1 with every problem named when a file is refused (nothing posted).
A file imported before is recognised and changes nothing.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Exists, OuterRef
from django.utils import timezone

from carecharge.apps.billing.models import Invoice, InvoiceKind
from carecharge.apps.ledger.models import AccountKind, LedgerAccount
from carecharge.apps.payments import allocations, expected, importing, queries, reconciliation
from carecharge.apps.payments.models import AccountMove, FileKind, Receipt, SuspenseClearance
from carecharge.core.money import format_pounds, to_decimal_string


def _user(username: str | None) -> User | None:
    if not username:
        return None
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise CommandError(f"--as: no active user {username!r}")
    return found


class Command(BaseCommand):
    help = (
        "Payments: import bank statements and counter files (matched and posted, the rest "
        "queued), allocate money on accounts to invoices, list the unallocated queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        load = actions.add_parser("import", help="import a payment file")
        load.add_argument("file", type=Path)
        load.add_argument("--kind", required=True, choices=FileKind.values)
        load.add_argument("--scheme", default="", help="counter scheme layout (allpay, paypoint)")
        load.add_argument("--as", dest="username", required=True, metavar="USERNAME")
        load.add_argument("--covers-from", metavar="DATE", help="first day a CSV statement covers")
        load.add_argument("--covers-to", metavar="DATE", help="last day a CSV statement covers")
        load.add_argument("--json", action="store_true")
        allocate = actions.add_parser("allocate", help="allocate unallocated money on accounts")
        allocate.add_argument("--as", dest="username", metavar="USERNAME")
        queue = actions.add_parser("unallocated", help="list the unallocated queue")
        queue.add_argument("--json", action="store_true")
        late = actions.add_parser("missed", help="instalments missed in the last 90 days")
        late.add_argument("--json", action="store_true")
        check = actions.add_parser("reconcile", help="ledger, bank and finance export for a period")
        check.add_argument("--from", dest="start", required=True, metavar="DATE")
        check.add_argument("--to", dest="end", required=True, metavar="DATE")
        check.add_argument("--json", action="store_true")
        check.add_argument("--keep", action="store_true", help="keep it for sign-off")
        check.add_argument("--as", dest="username", metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        actor = _user(options["username"])
        period = None
        if options["covers_from"] or options["covers_to"]:
            try:
                period = (
                    date.fromisoformat(options["covers_from"] or ""),
                    date.fromisoformat(options["covers_to"] or ""),
                )
            except ValueError:
                raise CommandError(
                    "--covers-from/--covers-to: give both, like 2025-05-01"
                ) from None
        try:
            outcome = importing.import_payment_file(
                data=data, filename=path.name, kind=options["kind"], actor=actor,
                scheme=options["scheme"], period=period,
            )  # fmt: skip
        except importing.PaymentFileRefused as error:
            raise CommandError(f"{path.name} refused, nothing posted: {error}") from None
        if outcome.file is None:
            earlier = outcome.duplicate_of
            assert earlier is not None
            found = {"duplicate_of": earlier.pk, "filename": earlier.filename}
            if options["json"]:
                self.stdout.write(json.dumps(found))
            else:
                self.stdout.write(
                    f"{path.name} was imported before (file {earlier.pk}, {earlier.filename}): "
                    "nothing changed."
                )
            return
        counts = dict(outcome.file.counts)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "file": outcome.file.pk,
                        **{k: v for k, v in counts.items() if k != "received_pence"},
                        "received": to_decimal_string(counts["received_pence"]),
                        "duplicate_lines": outcome.duplicates,
                        "debit_lines": outcome.debits,
                        "receipts": [r.number for r in outcome.receipts],
                    }
                )
            )
            return
        self.stdout.write(
            f"{path.name}: {counts['receipts']} receipts, "
            f"{format_pounds(counts['received_pence'])}: {counts['matched']} matched and posted "
            f"to accounts, {counts['unallocated']} to the unallocated queue; "
            f"{counts['duplicates']} already posted from an earlier file; "
            f"{counts['debits']} payments out and {counts.get('settlements', 0)} settlements of "
            "other channels (not receipts)."
        )

    def _allocate(self, options: dict[str, Any]) -> None:
        actor = _user(options["username"])
        # Only accounts with an invoice to pay and money that could pay it need looking at.
        invoiced = Invoice.objects.filter(account=OuterRef("pk"), kind=InvoiceKind.INVOICE)
        money = (
            Exists(Receipt.objects.filter(account=OuterRef("pk")))
            | Exists(SuspenseClearance.objects.filter(account=OuterRef("pk")))
            | Exists(AccountMove.objects.filter(to_account=OuterRef("pk")))
            | Exists(Invoice.objects.filter(account=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE))
        )
        with_receipts = LedgerAccount.objects.filter(kind=AccountKind.DEBTOR).filter(
            Exists(invoiced) & money
        )
        total = 0
        for account in with_receipts.iterator():
            total += allocations.allocate_account(account, actor=actor)
        self.stdout.write(f"Allocated {format_pounds(total)} to invoices.")

    def _unallocated(self, options: dict[str, Any]) -> None:
        rows = [
            {
                "receipt": r.number,
                "received_on": r.received_on.isoformat(),
                "amount": to_decimal_string(r.amount_pence),
                "payer": r.payer_name,
                "reference": r.reference_text,
            }
            for r in queries.unallocated()
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows))
            return
        count, pence = queries.unallocated_total()
        self.stdout.write(f"Unallocated: {count} receipts, {format_pounds(pence)}")
        for row in rows:
            self.stdout.write(
                f"  {row['receipt']}  {row['received_on']}  £{row['amount']:>10}  "
                f"{row['payer']}  {row['reference']}"
            )

    def _reconcile(self, options: dict[str, Any]) -> None:
        try:
            start = date.fromisoformat(options["start"])
            end = date.fromisoformat(options["end"])
            report = reconciliation.reconcile(start, end)
        except ValueError as error:
            raise CommandError(f"--from/--to: {error}") from None
        if options["keep"]:
            actor = _user(options["username"])
            if actor is None:
                raise CommandError("--keep: say who prepares it with --as USERNAME")
            kept = reconciliation.prepare(start, end, actor=actor)
            self.stdout.write(f"Kept as reconciliation {kept.pk} for sign-off.")
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json()))
        else:
            self.stdout.write(
                f"Reconciliation {start} to {end}: into the bank "
                f"{format_pounds(report.bank_in_pence)}, "
                f"out {format_pounds(report.bank_out_pence)}; "
                f"suspense {format_pounds(report.suspense_pence)}, queue "
                f"{format_pounds(report.queue_pence)}."
            )
            if report.balanced:
                self.stdout.write("It reconciles: no differences.")
            for difference in report.differences:
                self.stdout.write(f"  DIFFERENCE: {difference}")
        if not report.balanced:
            raise SystemExit(1)

    def _missed(self, options: dict[str, Any]) -> None:
        today = timezone.localdate()
        rows = [
            {
                "account": m.arrangement.account.code,
                "kind": m.arrangement.kind,
                "due": m.instalment.due.isoformat(),
                "amount": to_decimal_string(m.instalment.amount_pence),
                "note": m.instalment.note,
            }
            for m in expected.missed(as_at=today, since=today - timedelta(days=90))
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows))
            return
        self.stdout.write(f"{len(rows)} instalments missed in the last 90 days")
        for row in rows:
            self.stdout.write(f"  {row['account']}  {row['due']}  £{row['amount']}  {row['kind']}")
