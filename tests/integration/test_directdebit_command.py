"""`carecharge directdebit`: each subcommand's summary, the files it writes, and bad input
refused with a message and nothing changed."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from carecharge.apps.directdebit.models import (
    BacsFile,
    BacsReportImport,
    CollectionRun,
    Mandate,
    MandateStatus,
)
from carecharge.apps.ledger.queries import balance

from .test_directdebit_support import DirectDebits, arudd, dd

pytestmark = pytest.mark.django_db
__all__ = ["dd"]  # the fixture, imported for pytest to find


def _run(*args: str) -> str:
    out = StringIO()
    call_command("directdebit", *args, stdout=out)
    return out.getvalue()


def test_a_month_of_direct_debits_from_the_command_line(dd: DirectDebits, tmp_path: Path) -> None:
    account = dd.billed("ada", "50.00")
    dd.bill()
    mandate = dd.mandate(account, "Ada Tester")
    reference = mandate.reference

    auddis = tmp_path / "auddis.txt"
    said = _run("auddis-file", "--out", str(auddis), "--as", "fran", "--on", "2026-03-02")
    file = BacsFile.objects.get()
    assert auddis.read_bytes() == file.text.encode("ascii")
    assert hashlib.sha256(auddis.read_bytes()).hexdigest() == file.sha256
    assert said.splitlines()[:2] == [
        f"AUDDIS file 000001: 1 instructions, processed on 03/03/2026, written to {auddis}",
        "Standard 18 control report",
    ]

    listed = json.loads(_run("mandates", "--json"))
    assert listed == [
        {
            "reference": reference,
            "account": account.code,
            "payer": "ADA TESTER",
            "status": "lodged",
            "basis": "balance",
            "instalment": None,
            "collection_day": None,
            "live_from": "2026-03-04",
            "ended_on": None,
        }
    ]

    collection = tmp_path / "collect.txt"
    args = f"collect --date 2026-04-01 --out {collection} --as fran --on 2026-03-12 --json"
    built = json.loads(_run(*args.split()))
    run = CollectionRun.objects.get()
    assert built == {
        "run": run.pk,
        "collection_date": "2026-04-01",
        "processing_day": "2026-03-31",
        "items": 1,
        "total": "200.00",
        "sha256": run.file.sha256,
        "notices": 1,
        "skipped": [],
        "cancelled_after_death": [],
    }
    assert hashlib.sha256(collection.read_bytes()).hexdigest() == run.file.sha256

    settled = _run("settle", str(run.pk), "--as", "fran", "--on", "2026-04-01")
    assert settled == f"Run {run.pk} settled: 1 receipts for £200.00 received on 01/04/2026\n"
    assert _run("settle", str(run.pk), "--as", "fran", "--on", "2026-04-02") == (
        f"Run {run.pk} was already settled: nothing posted\n"
    )
    assert balance(account) == 0

    report = tmp_path / "arudd.xml"
    report.write_bytes(arudd((reference, "01", "INSTRUCTION CANCELLED", 20_000)))
    imported = _run("import-report", str(report), "--as", "fran", "--on", "2026-04-02")
    assert imported.splitlines() == [
        "ARUDD: returned (unpaid) Direct Debits imported: arudd.xml",
        f"  {reference}: £200.00 collected 01/04/2026 returned: INSTRUCTION CANCELLED; "
        "receipt reversed",
        f"  {reference}: mandate cancelled; the amount is left for recovery",
    ]
    again = json.loads(_run("import-report", str(report), "--as", "fran", "--json"))
    assert (again["duplicate"], again["counts"]) == (
        True,
        {"mandate_cancelled": 1, "returned": 1},
    )
    assert BacsReportImport.objects.count() == 1
    assert balance(account) == 20_000
    assert Mandate.objects.get().status == MandateStatus.CANCELLED


def test_a_collection_with_nothing_ready_writes_no_file(dd: DirectDebits, tmp_path: Path) -> None:
    account = dd.billed("ada", "50.00")
    dd.bill()
    mandate = dd.mandate(account, "Ada Tester")
    dd.lodge()
    out = tmp_path / "collect.txt"
    said = _run(*f"collect --date 2026-04-01 --out {out} --as fran --on 2026-03-20".split())
    assert said.splitlines() == [
        "Nothing can be collected on 01/04/2026 yet: no run, no file",
        "Advance notices recorded: 1",
        f"  {mandate.reference}: £200.00 on 01/04/2026 (first collection)",
        "Left out: 1",
        f"  {mandate.reference}: £200.00, advance notice sent on 20/03/2026: the earliest it "
        "may be collected is 07/04/2026",
    ]
    assert not out.exists()


def test_deaths_sweeps_the_mandates_of_people_who_have_died(dd: DirectDebits) -> None:
    mandate = dd.mandate(dd.billed("ada", "50.00"), "Ada Tester")
    dd.s.dies("ada", "2026-02-27")
    assert _run("deaths", "--as", "fran", "--on", "2026-03-02").splitlines() == [
        "1 mandates cancelled after a death",
        f"  {mandate.reference}: Service user died on 27/02/2026",
    ]
    assert _run("deaths", "--as", "fran").splitlines() == ["0 mandates cancelled after a death"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["settle", "99", "--as", "fran"], "there is no Direct Debit run 99"),
        (["deaths", "--as", "nobody"], "--as: no active user called 'nobody'"),
        (
            ["collect", "--date", "2026-13-01", "--out", "x", "--as", "fran"],
            "--date: '2026-13-01' is not a date like 2026-03-02",
        ),
        (
            ["collect", "--date", "2026-04-04", "--out", "x", "--as", "fran"],
            "collection date: collection date Sat 04 Apr 2026 is not a Bacs processing day "
            "(weekend or bank holiday)",
        ),
        (
            ["auddis-file", "--out", "x", "--as", "fran", "--on", "2026-03-02"],
            "There are no AUDDIS instructions waiting to be sent",
        ),
        (
            ["import-report", "/nonexistent/arudd.xml", "--as", "fran"],
            "/nonexistent/arudd.xml: No such file or directory",
        ),
        (
            ["notices", "--date", "2026-04-01", "--as", "charlie", "--on", "2026-03-12"],
            "charlie does not have a role that may run Direct Debit collections",
        ),
    ],
)
def test_bad_input_exits_with_a_message(dd: DirectDebits, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        _run(*args)
    assert str(refused.value) == message
    assert (BacsFile.objects.count(), CollectionRun.objects.count()) == (0, 0)
