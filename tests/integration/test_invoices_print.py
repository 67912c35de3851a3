"""The print file of a run: the stored PDFs by postcode then number, in parts, with a manifest;
the same bytes every time; only for a posted run whose invoices are all issued."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.billing.invoices import issue_run
from carecharge.apps.billing.models import BillingRun, Invoice, RunState
from carecharge.apps.billing.print_file import PrintFileError, print_parts, write_print_file

from .test_invoices_factories import Line, make_bill, make_person, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def run() -> BillingRun:
    run = make_run()
    people = [
        make_person("00000018", surname="Cavell", home=("1 A Street", "Northfield", "NF2 3BB")),
        make_person("00000026", surname="Dent", home=("2 B Street", "Ashby", "AB1 1AA")),
        make_person("00000034", surname="Wray", home=("3 C Street", "Northfield", "nf2 3ba")),
    ]
    for person in people:
        make_bill(run, person, [Line(date(2025, 4, 7), 8420)])
    make_bill(run, people[1], [Line(date(2025, 4, 14), -1000)])
    issue_run(run, actor=None)
    return run


def manifest(content: bytes) -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return list(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))


def test_the_print_file_is_in_postcode_then_number_order(run: BillingRun) -> None:
    (part,) = print_parts(run)
    assert part.name == f"run-{run.pk}-print-part-1-of-1.zip"
    assert part.documents == 4
    rows = manifest(part.content)
    assert rows[0] == [
        "sequence",
        "file",
        "number",
        "kind",
        "recipient",
        "postcode",
        "document",
        "sha256",
        "bytes",
    ]
    assert [(r[0], r[1], r[2], r[5]) for r in rows[1:]] == [
        ("1", "000001-CRN000001.pdf", "CRN000001", "AB1 1AA"),
        ("2", "000002-INV000002.pdf", "INV000002", "AB1 1AA"),
        ("3", "000003-INV000003.pdf", "INV000003", "nf2 3ba"),
        ("4", "000004-INV000001.pdf", "INV000001", "NF2 3BB"),
    ]
    with zipfile.ZipFile(io.BytesIO(part.content)) as archive:
        assert archive.namelist() == [r[1] for r in rows[1:]] + ["manifest.csv"]
        for row in rows[1:]:
            invoice = Invoice.objects.select_related("document").get(number=row[2])
            assert invoice.document is not None
            assert archive.read(row[1]) == bytes(invoice.document.pdf)
            assert row[7] == invoice.document.sha256


def test_parts_hold_at_most_the_part_size_and_are_the_same_bytes_every_time(
    run: BillingRun, tmp_path: Path
) -> None:
    parts = print_parts(run, part_size=3)
    assert [(p.name, p.documents) for p in parts] == [
        (f"run-{run.pk}-print-part-1-of-2.zip", 3),
        (f"run-{run.pk}-print-part-2-of-2.zip", 1),
    ]
    assert [r[0] for r in manifest(parts[1].content)[1:]] == ["4"]
    first = write_print_file(run, tmp_path / "a", actor=None, part_size=3)
    second = write_print_file(run, tmp_path / "b", actor=None, part_size=3)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.read_bytes() for p in first] == [p.content for p in parts]
    assert (
        AuditEvent.objects.filter(
            action="billing.print_file", reason="Print file written: 4 documents in 2 parts"
        ).count()
        == 2
    )


def test_a_run_not_posted_or_not_issued_is_refused(run: BillingRun, tmp_path: Path) -> None:
    late = make_person("00000042", surname="Late", home=("4 D Street", "Oakley", "OK1 1AA"))
    make_bill(run, late, [Line(date(2025, 4, 21), 500)])
    with pytest.raises(PrintFileError) as refused:
        print_parts(run)
    assert str(refused.value) == (
        f"run {run.pk} has 1 invoice or credit note not yet issued (INV000004): issue them "
        f"first (carecharge invoices issue {run.pk})"
    )
    (part,) = print_parts(run, skip_unissued=True)
    assert part.documents == 4
    BillingRun.objects.filter(pk=run.pk).update(state=RunState.APPROVED)
    run.refresh_from_db()
    with pytest.raises(
        PrintFileError, match="is approved: its print file is written once it is posted"
    ):
        print_parts(run)


def test_the_print_command(run: BillingRun, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("invoices", "print", str(run.pk), "--out", str(tmp_path), stdout=out)
    path = tmp_path / f"run-{run.pk}-print-part-1-of-1.zip"
    assert out.getvalue() == f"{path}\n"
    assert len(manifest(path.read_bytes())) == 5
    empty = make_run(date(2025, 5, 11))
    with pytest.raises(CommandError, match="has no issued invoices or credit notes to print"):
        call_command("invoices", "print", str(empty.pk), "--out", str(tmp_path))
