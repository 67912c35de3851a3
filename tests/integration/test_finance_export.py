"""The finance export of a posted run: a balanced journal and an accounts-receivable invoice
file, laid out as the council's layout says, the same bytes on every export, and audited.

The run (issued 12 May 2025): INV000001 to Mrs Edith Cavell, two weeks at £84.20 (home care,
ASC100/9001) and a £4.75 alarm (ASC200/9002), £173.15; INV000002 to the estate of Mr Arthur
Dent, £84.20; CRN000001 to Mrs Cavell, £34.20 back; INV000003 to the integrated care board,
£225.00. Debits £173.15 + £84.20 + £225.00 + £34.20 (income reversed by the credit note) =
£516.55, and credits the same.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from carecharge.apps.accounts.roles import Role
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.billing import export
from carecharge.apps.billing.export_layout import JOURNAL_FIELDS
from carecharge.apps.billing.invoices import issue_run
from carecharge.apps.billing.models import BillingRun, RunState
from carecharge.apps.people.models import Organisation, Representative, ServiceUser

from .test_invoices_factories import Line, make_bill, make_person, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def run() -> BillingRun:
    run = make_run()
    edith = make_person()
    arthur = make_person(
        "00000026",
        title="Mr",
        forename="Arthur",
        surname="Dent",
        home=("42 Galaxy Road", "Northfield", "NF4 2AA"),
        date_of_death=date(2025, 4, 30),
    )
    Representative.objects.create(
        person=arthur,
        kind="executor",
        name="Mr Tom Dent",
        organisation="Dent Solicitors",
        line_1="Suite 5",
        line_2="Law Chambers",
        town="Oakley",
        postcode="OK2 2BB",
        start_date=date(2025, 5, 1),
    )
    Organisation.objects.create(
        code="QWE",
        name="NHS Northfield ICB",
        kind="icb",
        line_1="Health House",
        town="Northfield",
        postcode="NF3 3HH",
        invoice_reference="PO-12345",
    )
    make_bill(
        run,
        edith,
        [
            Line(date(2025, 4, 7), 8420),
            Line(date(2025, 4, 14), 8420),
            Line(date(2025, 4, 7), 475, income_code="ASC200/9002", kind="flat_rate"),
        ],
    )
    make_bill(run, arthur, [Line(date(2025, 4, 7), 8420)])
    make_bill(run, edith, [Line(date(2025, 4, 21), -3420)])
    make_bill(run, edith, [Line(date(2025, 4, 7), 22500, kind="chc")], debtor="organisation:QWE")
    return run


def rows(content: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8")), delimiter=delimiter))


def test_the_journal_has_every_posting_and_balances(run: BillingRun) -> None:
    journal = export.journal_file(run, export.configured_layout())
    assert journal.name == f"journal-run-{run.pk}.csv"
    assert (journal.rows, journal.debit_pence, journal.credit_pence) == (9, 51655, 51655)
    ref = f"CCBR{run.pk}"
    common = [ref, "12/05/2025", "2025/26", "2"]
    expected = [
        ["Journal", "Line", "Date", "Year", "Period", "Cost centre", "Subjective",
         "Debtor reference", "Document", "Description", "Debit", "Credit"],
        [common[0], "1", *common[1:], "ASC000", "1100", "00000018", "CRN000001",
         "Credit note CRN000001 for 00000018", "0.00", "34.20"],
        [common[0], "2", *common[1:], "ASC100", "9001", "", "CRN000001",
         "Credit note CRN000001 for 00000018", "34.20", "0.00"],
        [common[0], "3", *common[1:], "ASC000", "1100", "00000018", "INV000001",
         "Invoice INV000001 for 00000018", "173.15", "0.00"],
        [common[0], "4", *common[1:], "ASC100", "9001", "", "INV000001",
         "Invoice INV000001 for 00000018", "0.00", "168.40"],
        [common[0], "5", *common[1:], "ASC200", "9002", "", "INV000001",
         "Invoice INV000001 for 00000018", "0.00", "4.75"],
        [common[0], "6", *common[1:], "ASC000", "1100", "00000026", "INV000002",
         "Invoice INV000002 for 00000026", "84.20", "0.00"],
        [common[0], "7", *common[1:], "ASC100", "9001", "", "INV000002",
         "Invoice INV000002 for 00000026", "0.00", "84.20"],
        [common[0], "8", *common[1:], "ASC000", "1100", "QWE", "INV000003",
         "Invoice INV000003 for 00000018", "225.00", "0.00"],
        [common[0], "9", *common[1:], "ASC100", "9001", "", "INV000003",
         "Invoice INV000003 for 00000018", "0.00", "225.00"],
    ]  # fmt: skip
    assert rows(journal.content) == expected
    assert journal.content.count(b"\r\n") == 10
    found = rows(journal.content)[1:]
    assert sum(Decimal(r[10]) for r in found) == sum(Decimal(r[11]) for r in found)
    # Re-exporting gives the same bytes.
    assert export.journal_file(run, export.configured_layout()).content == journal.content


def test_a_councils_own_layout(run: BillingRun, tmp_path: Path, settings: Any) -> None:
    layout = tmp_path / "layout.yaml"
    layout.write_text(
        """
journal:
  file_name: "GL{through}.txt"
  granularity: account_per_date
  delimiter: ";"
  date_format: "%Y-%m-%d"
  line_ending: lf
  blank_zero: true
  control_codes:
    debtor: {cost_centre: "X1", subjective: "0123"}
  columns:
    - account_code
    - transaction_date
    - {field: cost_centre, header: CC}
    - {field: subjective, header: SUBJ}
    - {field: amount, header: Value}
    - debit
    - credit
invoices:
  file_name: "AR{run}.txt"
  delimiter: "|"
  header: false
  columns: [number, debtor_name, address_1, address_2, address_5, postcode,
            customer_reference, amount]
""",
        encoding="utf-8",
    )
    settings.CARECHARGE_FINANCE_EXPORT_LAYOUT = str(layout)
    journal = export.journal_file(run, export.configured_layout())
    assert journal.name == "GL20250504.txt"
    assert journal.content.decode() == (
        "account_code;transaction_date;CC;SUBJ;Value;debit;credit\n"
        "D-00000018;2025-05-12;X1;0123;138.95;138.95;\n"
        "D-00000026;2025-05-12;X1;0123;84.20;84.20;\n"
        "D-ORG-QWE;2025-05-12;X1;0123;225.00;225.00;\n"
        "I-ASC100/9001;2025-05-12;ASC100;9001;-443.40;;443.40\n"
        "I-ASC200/9002;2025-05-12;ASC200;9002;-4.75;;4.75\n"
    )
    assert (journal.debit_pence, journal.credit_pence) == (44815, 44815)
    issue_run(run, actor=None)
    invoices = export.invoice_file(run, export.configured_layout())
    assert invoices.name == f"AR{run.pk}.txt"
    assert invoices.content.decode().split("\r\n") == [
        "CRN000001|Mrs Edith Cavell|12 Orchard Way|Northfield||NF2 3BB||-34.20",
        "INV000001|Mrs Edith Cavell|12 Orchard Way|Northfield||NF2 3BB||173.15",
        "INV000002|The estate of Mr Arthur Dent|Dent Solicitors|Suite 5||OK2 2BB||84.20",
        "INV000003|NHS Northfield ICB|Health House|Northfield||NF3 3HH|PO-12345|225.00",
        "",
    ]


def test_the_invoice_file_gives_each_bill_as_it_was_sent(run: BillingRun) -> None:
    with pytest.raises(export.ExportError) as refused:
        export.invoice_file(run, export.configured_layout())
    assert str(refused.value) == (
        f"invoices: 4 of run {run.pk}'s invoices and credit notes are not issued yet (CRN000001, "
        "INV000001, INV000002, INV000003); the file gives the names and addresses they were "
        f"sent to, so issue them first (carecharge invoices issue {run.pk})"
    )
    issue_run(run, actor=None)
    first = export.invoice_file(run, export.configured_layout())
    assert first.name == f"ar-invoices-run-{run.pk}.csv"
    assert (first.rows, first.debit_pence, first.credit_pence) == (4, 48235, 3420)
    found = rows(first.content)
    assert found[0][:6] == [
        "Type",
        "Number",
        "Invoice date",
        "Due date",
        "Debtor reference",
        "Debtor name",
    ]
    assert found[3] == [
        "INV", "INV000002", "12/05/2025", "09/06/2025", "00000026",
        "The estate of Mr Arthur Dent", "Mr Tom Dent", "Dent Solicitors", "Suite 5",
        "Law Chambers", "Oakley", "OK2 2BB", "", "00000026",
        "Care charges 7 to 13 April 2025", "84.20",
    ]  # fmt: skip
    assert found[1][0:2] == ["CRN", "CRN000001"]
    assert found[1][-1] == "-34.20"
    assert found[4][4] == "QWE"
    # The ICB's purchase order, and the payment reference it was given when billed.
    assert found[4][12:14] == ["PO-12345", "90000001"]
    # A later change of name and address does not change what the file says was sent.
    ServiceUser.objects.filter(account_reference="00000018").update(surname="Smith")
    assert export.invoice_file(run, export.configured_layout()).content == first.content


def test_only_a_posted_run_is_exported(run: BillingRun) -> None:
    BillingRun.objects.filter(pk=run.pk).update(state=RunState.APPROVED)
    run.refresh_from_db()
    with pytest.raises(export.ExportError) as refused:
        export.journal_file(run, export.configured_layout())
    assert str(refused.value) == (
        f"run {run.pk} is approved: only a posted run is exported (its ledger transactions are "
        "then final)"
    )


def test_a_posting_to_an_account_the_layout_cannot_place_is_refused(run: BillingRun) -> None:
    layout = export.configured_layout()
    journal = layout.journal.__class__(
        file=layout.journal.file,
        granularity="posting",
        reference_prefix="",
        control_codes={},
    )
    with pytest.raises(export.ExportError, match="control_codes has no debtor"):
        export.journal_file(run, layout.__class__(layout.source, journal, layout.invoices))


def test_downloads_are_for_finance_and_audited(run: BillingRun, client_for: Any) -> None:
    url = reverse("billing:export_journal", args=[run.pk])
    response = client_for(Role.FINANCE_OFFICER).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert f'filename="journal-run-{run.pk}.csv"' in response["Content-Disposition"]
    expected = export.journal_file(run, export.configured_layout())
    assert response.content == expected.content
    event = AuditEvent.objects.get(action="billing.exported")
    assert event.reason == (
        f"Journal file journal-run-{run.pk}.csv exported: 9 rows, SHA-256 {expected.sha256[:16]}"
    )
    assert event.actor is not None
    assert client_for(Role.CHARGING_OFFICER).get(url).status_code == 403
    refused = client_for(Role.AUDITOR).get(reverse("billing:export_invoices", args=[run.pk]))
    assert refused.status_code == 409
    assert "not issued yet" in refused.content.decode()


def test_the_export_command(run: BillingRun, tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="are not issued yet"):
        call_command("finance_export", str(run.pk), "--out", str(tmp_path), stdout=out)
    assert list(tmp_path.iterdir()) == []  # a refusal writes nothing
    issue_run(run, actor=None)
    call_command("finance_export", str(run.pk), "--out", str(tmp_path), stdout=out)
    journal = tmp_path / f"journal-run-{run.pk}.csv"
    invoices = tmp_path / f"ar-invoices-run-{run.pk}.csv"
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{journal}: 9 rows, debits £516.55, credits £516.55, SHA-256 ")
    assert lines[1].startswith(f"{invoices}: 4 rows, debits £482.35, credits £34.20, SHA-256 ")
    first = journal.read_bytes(), invoices.read_bytes()
    call_command("finance_export", str(run.pk), "--out", str(tmp_path), stdout=io.StringIO())
    assert (journal.read_bytes(), invoices.read_bytes()) == first
    assert AuditEvent.objects.filter(action="billing.exported", source="command").count() == 4

    checked = io.StringIO()
    call_command("finance_export", "--check-layout", stdout=checked)
    assert checked.getvalue() == (
        "Layout (the default) is good: journal 12 columns (posting), invoices 16 columns.\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "journal: {columns: [nothing]}\ninvoices: {columns: [number]}\n", encoding="utf-8"
    )
    with pytest.raises(CommandError) as refused:
        call_command("finance_export", "--check-layout", "--layout", str(bad))
    assert str(refused.value).splitlines() == [
        f"finance export layout {bad}:",
        "  journal.columns[1].field: 'nothing' is not a field; choose from "
        + ", ".join(JOURNAL_FIELDS),
        "  journal.control_codes: must give the cost centre and subjective of the debtor control",
    ]
