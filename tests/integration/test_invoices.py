"""Invoices and credit notes as documents: what they say, who they go to, issuing them once
(and a whole run's, resumably), reproducing them, and serving them to the right staff.

The figures: a weekly charge of £84.20 for three whole weeks from 7 April 2025 and 3 days of
the next (£84.20 × 3 / 7 = £36.086, rounded once to £36.09): £252.60 + £36.09 = £288.69. The
assessment is then revised from 14 April 2025 to £50.00 a week, so the next run credits
£34.20 for each of the two weeks from 14 April: £68.40.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments.models import Assessment
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.billing.invoice_recipients import addressee
from carecharge.apps.billing.invoices import (
    InvoiceError,
    invoice_snapshot,
    issue_invoice,
    issue_run,
)
from carecharge.apps.billing.models import BillingRun, ChargeRecord, Invoice
from carecharge.apps.documents.models import Document
from carecharge.apps.documents.operations import verify
from carecharge.apps.people.models import (
    Organisation,
    Representative,
    ServiceUser,
    ThirdPartyPayer,
)

from .test_invoices_factories import (
    BILL_DATE,
    NOW,
    Line,
    add_address,
    make_bill,
    make_person,
    make_run,
    pages_text,
)

pytestmark = pytest.mark.django_db

TRACE = [
    {
        "label": "Home care delivered: 10.00 hours at £22.50 = £225.00",
        "amount_pence": 22500,
        "reference": "local.demo.charging: policy",
    },
    {"label": "Your assessed charge for 7 days: £84.20", "amount_pence": 8420, "reference": ""},
    {"label": "The lower of the two is charged: £84.20", "amount_pence": 8420, "reference": ""},
]


def weeks(*, part_week: bool = True) -> list[Line]:
    lines = [
        Line(date(2025, 4, 7), 8420, trace=TRACE),
        Line(date(2025, 4, 14), 8420, trace=TRACE),
        Line(date(2025, 4, 21), 8420, trace=TRACE),
    ]
    if part_week:
        lines.append(
            Line(
                date(2025, 4, 28),
                3609,
                days=(date(2025, 4, 28), date(2025, 4, 30)),
                units=Decimal("4.30"),
            )
        )
    return lines


@pytest.fixture
def person() -> ServiceUser:
    return make_person()


@pytest.fixture
def run() -> BillingRun:
    return make_run()


@pytest.fixture
def invoice(run: BillingRun, person: ServiceUser) -> Invoice:
    return make_bill(run, person, weeks())


def snapshot_of(invoice: Invoice) -> dict[str, Any]:
    to = addressee(invoice.person, invoice.debtor, on=invoice.issued_on)
    return invoice_snapshot(invoice, to=to, variant="standard")


# ---- what an invoice says --------------------------------------------------------------------


def test_an_invoice_lists_each_charge_with_its_dates_units_and_workings(invoice: Invoice) -> None:
    data = snapshot_of(invoice)
    assert data["kind"] == "invoice"
    assert data["title"] == "Invoice"
    assert data["number"] == "INV000001"
    assert data["date"] == "12 May 2025"
    assert data["due_date"] == "9 June 2025"
    assert data["payment_reference"] == "00000018"
    assert data["period"] == "7 to 30 April 2025"
    assert data["total"] == "£288.69"
    assert data["total_pence"] == 28869
    assert data["corrections"] is False
    assert data["recipient"] == {
        "kind": "person",
        "name": "Mrs Edith Cavell",
        "address_lines": ["12 Orchard Way", "Northfield", "NF2 3BB"],
        "capacity": "",
        "role": "",
        "postcode": "NF2 3BB",
    }
    assert data["debtor"] == {
        "kind": "person",
        "name": "Mrs Edith Cavell",
        "account": "D-00000018",
        "their_reference": "",
    }
    assert [(x["period"], x["days"], x["units"], x["amount"]) for x in data["lines"]] == [
        ("7 to 13 April 2025", 7, "10", "£84.20"),
        ("14 to 20 April 2025", 7, "10", "£84.20"),
        ("21 to 27 April 2025", 7, "10", "£84.20"),
        ("28 to 30 April 2025", 3, "4.3", "£36.09"),
    ]
    assert data["lines"][0]["trace"] == [
        {"label": "Home care delivered: 10.00 hours at £22.50 = £225.00", "amount": "£225.00"},
        {"label": "Your assessed charge for 7 days: £84.20", "amount": "£84.20"},
        {"label": "The lower of the two is charged: £84.20", "amount": "£84.20"},
    ]
    # Three weeks worked out the same way are explained once; the part week has no working.
    assert data["workings"] == [
        {
            "periods": ["7 to 13 April 2025", "14 to 20 April 2025", "21 to 27 April 2025"],
            "for": "7 to 13 April 2025, 14 to 20 April 2025 and 21 to 27 April 2025",
            "steps": data["lines"][0]["trace"],
        }
    ]
    assert data["council"]["name"] == "Northfield Borough Council"
    assert data["council"]["how_to_pay"][1] == (
        "By bank transfer to Northfield Borough Council, sort code 00-00-00, account number "
        "00000000."
    )


def test_a_credit_note_says_why_and_which_invoice_it_corrects(
    invoice: Invoice, person: ServiceUser
) -> None:
    revised = Assessment.objects.create(
        person=person,
        version=2,
        setting="non_residential",
        effective_from=date(2025, 4, 14),
        created_at=NOW,
    )
    first = {r.week_start: r for r in ChargeRecord.objects.filter(invoice=invoice)}
    later = make_run(date(2025, 5, 11))
    credit = make_bill(
        later,
        person,
        [
            Line(
                week,
                -3420,
                reason="assessment_revised",
                corrects=first[week],
                sources=[f"assessment:{revised.pk}"],
            )
            for week in (date(2025, 4, 14), date(2025, 4, 21))
        ],
        issued_on=date(2025, 5, 19),
    )
    data = snapshot_of(credit)
    assert (data["kind"], data["title"], data["number"]) == (
        "credit_note",
        "Credit note",
        "CRN000001",
    )
    assert data["total"] == "£68.40"
    assert data["total_pence"] == -6840
    assert data["corrections"] is True
    assert [(x["amount"], x["reason"], x["corrects"]) for x in data["lines"]] == [
        ("£34.20", "Correction: your assessment was revised from 14 April 2025", "INV000001"),
        ("£34.20", "Correction: your assessment was revised from 14 April 2025", "INV000001"),
    ]
    document = issue_invoice(credit, actor=None)
    text = " ".join(pages_text(document))
    assert "Credit note CRN000001" in text
    assert "Amount taken off what is owed £68.40" in text
    assert "Correction: your assessment was revised from 14 April 2025 (corrects INV000001)" in text
    assert "How to pay" not in text


# ---- who it goes to --------------------------------------------------------------------------


def _rep(person: ServiceUser, **fields: Any) -> Representative:
    values: dict[str, Any] = {
        "kind": "deputy",
        "name": "Ms Alice Brown",
        "organisation": "Brown & Co",
        "line_1": "3 Bank Street",
        "town": "Northfield",
        "postcode": "NF1 2CC",
        "start_date": date(2024, 1, 1),
    }
    values.update(fields)
    return Representative.objects.create(person=person, **values)


def test_a_representative_who_receives_invoices_gets_them(
    invoice: Invoice, person: ServiceUser
) -> None:
    _rep(person, name="Mr Old Deputy", receives_invoices=True, end_date=date(2025, 5, 1))
    _rep(person, receives_invoices=True)
    data = snapshot_of(invoice)
    assert data["recipient"]["name"] == "Ms Alice Brown"
    assert data["recipient"]["address_lines"] == [
        "Brown & Co",
        "3 Bank Street",
        "Northfield",
        "NF1 2CC",
    ]
    assert data["recipient"]["capacity"] == "Court of Protection deputy"
    assert data["debtor"]["name"] == "Mrs Edith Cavell"
    text = pages_text(issue_invoice(invoice, actor=None))[0]
    assert "About Mrs Edith Cavell (00000018)" in text
    assert (
        "because you deal with the money of Mrs Edith Cavell (Court of Protection deputy)" in text
    )


def test_the_billing_address_comes_before_home(invoice: Invoice, person: ServiceUser) -> None:
    add_address(person, "billing", "PO Box 7", "Northfield", "NF9 9ZZ")
    assert snapshot_of(invoice)["recipient"]["address_lines"] == [
        "PO Box 7",
        "Northfield",
        "NF9 9ZZ",
    ]


def test_an_invoice_is_never_addressed_to_someone_who_has_died(
    invoice: Invoice, person: ServiceUser
) -> None:
    ServiceUser.objects.filter(pk=person.pk).update(date_of_death=date(2025, 4, 30))
    invoice.refresh_from_db()
    data = snapshot_of(invoice)
    assert data["recipient"]["kind"] == "estate"
    assert data["recipient"]["name"] == (
        "The executor or administrator of the estate of Mrs Edith Cavell"
    )
    assert data["recipient"]["address_lines"] == ["12 Orchard Way", "Northfield", "NF2 3BB"]
    assert data["debtor"]["name"] == "The estate of Mrs Edith Cavell"
    _rep(person, kind="executor", name="Mr Tom Cavell", organisation="", receives_invoices=False)
    data = snapshot_of(invoice)
    assert (data["recipient"]["name"], data["recipient"]["role"]) == ("Mr Tom Cavell", "executor")
    text = " ".join(pages_text(issue_invoice(invoice, actor=None)))
    assert "who died on 30 April 2025" in text
    assert "you as the executor or administrator of their estate" in text


def test_a_bill_with_nowhere_to_go_is_refused_with_what_to_record(
    run: BillingRun,
) -> None:
    nobody = make_person("00000026", title="Mr", forename="Arthur", surname="Dent", home=None)
    bill = make_bill(run, nobody, weeks(part_week=False))
    with pytest.raises(InvoiceError) as refused:
        issue_invoice(bill, actor=None)
    assert str(refused.value) == (
        "Invoice INV000001: recipient: Mr Arthur Dent has no billing or home address and no "
        "representative who receives invoices. Record an address first."
    )
    ServiceUser.objects.filter(pk=nobody.pk).update(date_of_death=date(2025, 4, 30))
    with pytest.raises(InvoiceError, match="has died and there is no executor"):
        issue_invoice(bill, actor=None)
    assert not Document.objects.exists()
    bill.refresh_from_db()
    assert bill.document_id is None


def test_a_top_up_payer_and_an_organisation_are_billed_at_their_own_address(
    run: BillingRun, person: ServiceUser
) -> None:
    payer = ThirdPartyPayer.objects.create(
        person=person,
        name="Mr John Cavell",
        relationship="son",
        line_1="8 Mill Lane",
        town="Oakley",
        postcode="OK1 1AA",
        start_date=date(2025, 1, 1),
    )
    top_up = make_bill(
        run,
        person,
        [Line(date(2025, 4, 7), 7000, description="Top-up", kind="top_up")],
        debtor=f"third_party:{payer.pk}",
    )
    data = snapshot_of(top_up)
    assert data["recipient"]["name"] == "Mr John Cavell"
    assert data["recipient"]["address_lines"] == ["8 Mill Lane", "Oakley", "OK1 1AA"]
    # The payer's own payment reference (the first given to a debtor who is not a service user).
    assert data["payment_reference"] == "90000001"
    assert data["debtor"] == {
        "kind": "third_party",
        "name": "Mr John Cavell",
        "account": f"D-TP{payer.pk}",
        "their_reference": "",
    }
    Organisation.objects.create(
        code="QWE",
        name="NHS Northfield Integrated Care Board",
        kind="icb",
        line_1="Health House",
        town="Northfield",
        postcode="NF3 3HH",
        invoice_reference="PO-12345",
    )
    recharge = make_bill(
        run,
        person,
        [Line(date(2025, 4, 7), 22500, description="CHC recharge", kind="chc")],
        debtor="organisation:QWE",
    )
    data = snapshot_of(recharge)
    assert data["recipient"]["name"] == "NHS Northfield Integrated Care Board"
    assert data["debtor"]["their_reference"] == "PO-12345"
    text = pages_text(issue_invoice(recharge, actor=None))[0]
    assert "Your reference PO-12345" in text
    assert "This invoice is for the care of Mrs Edith Cavell (our reference 00000018)." in text


def test_large_print_when_the_person_asked_for_it(run: BillingRun) -> None:
    reader = make_person(
        "00000026", forename="Ada", surname="Byron", preferred_format="large_print"
    )
    document = issue_invoice(make_bill(run, reader, weeks()), actor=None)
    assert document.variant == "large_print"
    assert document.snapshot["large_print"] is True


# ---- issuing ---------------------------------------------------------------------------------


def test_issuing_stores_the_pdf_with_its_hash_and_links_it_once(invoice: Invoice) -> None:
    document = issue_invoice(invoice, actor=None)
    invoice.refresh_from_db()
    assert invoice.document_id == document.pk
    stored = Document.objects.get(pk=document.pk)
    content = bytes(stored.pdf)
    assert content.startswith(b"%PDF-")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert (stored.kind, stored.variant, stored.issued_on) == ("invoice", "standard", BILL_DATE)
    assert stored.recipient_name == "Mrs Edith Cavell"
    assert stored.recipient_address == "12 Orchard Way\nNorthfield\nNF2 3BB"
    assert stored.template == "billing/documents/pdf/invoice.html"
    assert stored.snapshot == snapshot_of(invoice)
    assert stored.file_name == "invoice-00000018-2025-05-12.pdf"
    assert AuditEvent.objects.filter(
        object_type="documents.document", object_id=str(stored.pk), reason="Invoice INV000001"
    ).exists()
    first, *rest = pages_text(stored)
    assert "Invoice INV000001" in first
    assert "Amount to pay £288.69 by 9 June 2025" in first
    assert "Payment reference 00000018" in first
    assert first.rstrip().endswith(
        "Invoice INV000001, reference 00000018 Page 1 of " + str(1 + len(rest))
    )
    whole = " ".join([first, *rest])
    assert "Always give this payment reference 00000018" in whole
    assert "28 to 30 April 2025 3 4.3 £36.09" in whole
    assert "Total to pay £288.69" in whole
    assert (
        "For 7 to 13 April 2025, 14 to 20 April 2025 and 21 to 27 April 2025 Home care "
        "delivered: 10.00 hours at £22.50 = £225.00 £225.00"
    ) in whole
    assert whole.count("Your assessed charge for 7 days: £84.20") == 1

    # Issuing again is the same document; a copy in large print is a second one, unlinked.
    assert issue_invoice(invoice, actor=None).pk == document.pk
    copy = issue_invoice(invoice, actor=None, variant="large_print")
    invoice.refresh_from_db()
    assert copy.pk != document.pk
    assert (copy.variant, copy.reason) == ("large_print", "Invoice INV000001 (large print copy)")
    assert invoice.document_id == document.pk
    assert Document.objects.count() == 2
    with pytest.raises(InvoiceError, match="'braille' is not a kind of print"):
        issue_invoice(invoice, actor=None, variant="braille")


def test_a_stale_invoice_is_never_given_a_second_document(invoice: Invoice) -> None:
    stale = Invoice.objects.get(pk=invoice.pk)
    document = issue_invoice(invoice, actor=None)
    assert stale.document_id is None
    assert issue_invoice(stale, actor=None).pk == document.pk
    assert Document.objects.count() == 1


def test_an_issued_invoice_reprints_the_same_whatever_changes_later(
    invoice: Invoice, person: ServiceUser
) -> None:
    document = issue_invoice(invoice, actor=None)
    ServiceUser.objects.filter(pk=person.pk).update(surname="Smith")
    person.addresses.filter(role="home").update(line_1="1 New Road", postcode="NF5 5NN")
    stored = Document.objects.get(pk=document.pk)
    check = verify(stored)
    assert check.ok and check.template_unchanged
    assert "Mrs Edith Cavell" in pages_text(stored)[0]
    out = io.StringIO()
    call_command("documents", "verify", str(stored.pk), stdout=out)
    assert "re-renders byte for byte from its snapshot" in out.getvalue()
    assert "1 checked: 1 re-render byte for byte" in out.getvalue()
    later = issue_invoice(invoice, actor=None, variant="standard")
    assert later.recipient_name == "Mrs Edith Smith"
    assert later.recipient_address == "1 New Road\nNorthfield\nNF5 5NN"


# ---- a run's invoices ------------------------------------------------------------------------


@pytest.fixture
def three(run: BillingRun, person: ServiceUser) -> list[Invoice]:
    second = make_person("00000026", title="Mr", forename="Arthur", surname="Dent", home=None)
    third = make_person("00000034", title="Ms", forename="Fay", surname="Wray")
    return [make_bill(run, p, weeks(part_week=False)) for p in (person, second, third)]


def test_a_run_is_issued_resumably_and_reports_what_it_could_not_issue(
    run: BillingRun, three: list[Invoice]
) -> None:
    seen: list[tuple[int, int]] = []
    outcome = issue_run(run, actor=None, progress=lambda done, total: seen.append((done, total)))
    assert (outcome.issued, outcome.already) == (2, 0)
    assert outcome.failed == [
        (
            "INV000002",
            "Invoice INV000002: recipient: Mr Arthur Dent has no billing or home address and no "
            "representative who receives invoices. Record an address first.",
        )
    ]
    assert seen == [(3, 3)]
    add_address(three[1].person, "home", "42 Galaxy Road", "Northfield", "NF4 2AA")
    again = issue_run(run, actor=None)
    assert (again.issued, again.already, again.failed) == (1, 2, [])
    assert Invoice.objects.filter(run=run, document__isnull=True).count() == 0
    assert Document.objects.count() == 3
    assert issue_run(run, actor=None).issued == 0


def test_workers_can_share_a_run(run: BillingRun, three: list[Invoice]) -> None:
    add_address(three[1].person, "home", "42 Galaxy Road", "Northfield", "NF4 2AA")
    first = issue_run(run, actor=None, shard=(0, 2))
    second = issue_run(run, actor=None, shard=(1, 2))
    assert first.issued + second.issued == 3
    assert first.issued == sum(1 for i in three if i.pk % 2 == 0)
    with pytest.raises(InvoiceError, match="shard: 2 of 2 is not a share"):
        issue_run(run, actor=None, shard=(2, 2))


def test_the_issue_command(run: BillingRun, three: list[Invoice]) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 could not be issued"):
        call_command("invoices", "issue", str(run.pk), stdout=out)
    assert out.getvalue().splitlines() == [
        f"Run {run.pk}: 2 issued now, 0 issued before, 1 could not be issued.",
        "  INV000002: Invoice INV000002: recipient: Mr Arthur Dent has no billing or home "
        "address and no representative who receives invoices. Record an address first.",
    ]
    with pytest.raises(CommandError, match="there is no billing run 999"):
        call_command("invoices", "issue", "999")
    with pytest.raises(CommandError, match="--shard: '3' must be like 0/4"):
        call_command("invoices", "issue", str(run.pk), "--shard", "3")
    with pytest.raises(CommandError, match="--as: no active user called 'nobody'"):
        call_command("invoices", "issue", str(run.pk), "--as", "nobody")


# ---- on screen -------------------------------------------------------------------------------


def test_staff_download_the_pdf_exactly_as_issued(invoice: Invoice, client_for: Any) -> None:
    url = reverse("billing:invoice_pdf", args=[invoice.pk])
    officer: Client = client_for(Role.CHARGING_OFFICER)
    response = officer.get(url)
    assert response.status_code == 404
    assert "Invoice INV000001 has not been issued yet" in response.content.decode()
    issued = officer.post(reverse("billing:invoice_issue", args=[invoice.pk]))
    assert issued.status_code == 302
    assert issued["Location"] == url
    invoice.refresh_from_db()
    response = client_for(Role.RECOVERY_OFFICER).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="invoice-INV000001.pdf"' in response["Content-Disposition"]
    assert response.content == bytes(Document.objects.get(pk=invoice.document_id).pdf)


def test_issuing_on_screen_says_what_is_missing(run: BillingRun, client_for: Any) -> None:
    nobody = make_person("00000026", title="Mr", forename="Arthur", surname="Dent", home=None)
    bill = make_bill(run, nobody, weeks(part_week=False))
    response = client_for(Role.FINANCE_OFFICER).post(
        reverse("billing:invoice_issue", args=[bill.pk])
    )
    assert response.status_code == 400
    assert "Mr Arthur Dent has no billing or home address" in response.content.decode()


def test_a_restricted_persons_invoice_is_for_seniors_and_auditors_only(
    invoice: Invoice, person: ServiceUser, client_for: Any
) -> None:
    issue_invoice(invoice, actor=None)
    ServiceUser.objects.filter(pk=person.pk).update(restricted=True)
    url = reverse("billing:invoice_pdf", args=[invoice.pk])
    assert client_for(Role.CHARGING_OFFICER).get(url).status_code == 403
    assert client_for(Role.SENIOR_OFFICER).get(url).status_code == 200
    assert AuditEvent.objects.filter(action="document.downloaded").count() == 1
