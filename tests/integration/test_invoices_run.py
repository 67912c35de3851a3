"""End to end on the demo council: a real billing run is posted, its invoices are issued, every
one verifies byte for byte, the print file holds them all, and the finance export balances and
agrees with the run's own totals."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Sum

from carecharge.apps.billing import export
from carecharge.apps.billing.invoices import issue_run
from carecharge.apps.billing.models import Invoice
from carecharge.apps.billing.operations import run_to_posted
from carecharge.apps.billing.print_file import print_parts
from carecharge.apps.ledger.models import Posting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_var(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_posted_demo_run_is_issued_printed_and_exported(tmp_path: Path) -> None:
    call_command(
        "demo", "--people", "20", "--seed", "1", "--as-at", "2025-06-02", stdout=io.StringIO()
    )
    run = run_to_posted(
        through=date(2025, 5, 4),
        actor=User.objects.get(username="demo.officer"),
        approver=User.objects.get(username="demo.senior"),
    )
    invoices = Invoice.objects.filter(run=run)
    count = invoices.count()
    assert count > 0
    assert count == run.invoices_count + run.credit_notes_count

    outcome = issue_run(run, actor=User.objects.get(username="demo.officer"))
    assert (outcome.issued, outcome.already, outcome.failed) == (count, 0, [])
    for invoice in invoices.select_related("document"):
        assert invoice.document is not None
        assert invoice.document.snapshot["total_pence"] == invoice.total_pence
    out = io.StringIO()
    call_command("documents", "verify", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        f"{count} checked: {count} re-render byte for byte, 0 intact but no longer re-render "
        "identically, 0 altered."
    )

    parts = print_parts(run)
    with zipfile.ZipFile(io.BytesIO(parts[0].content)) as archive:
        assert len(archive.namelist()) == count + 1

    layout = export.configured_layout()
    journal = export.journal_file(run, layout)
    posted = Posting.objects.filter(
        transaction__source="billing_run", transaction__source_id=str(run.pk)
    )
    assert journal.rows == posted.count()
    assert journal.debit_pence == journal.credit_pence
    assert journal.debit_pence == posted.filter(pence__gt=0).aggregate(t=Sum("pence"))["t"]
    rows = list(csv.reader(io.StringIO(journal.content.decode())))[1:]
    assert sum(Decimal(r[10]) for r in rows) == sum(Decimal(r[11]) for r in rows)
    ar = export.invoice_file(run, layout)
    assert ar.rows == count
    assert ar.debit_pence - ar.credit_pence == invoices.aggregate(t=Sum("total_pence"))["t"]
    assert ar.debit_pence - ar.credit_pence == run.amount_posted_pence
    assert export.journal_file(run, layout).content == journal.content
    assert export.invoice_file(run, layout).content == ar.content
