"""Statements of account: opening, running and closing balances to the penny from the ledger,
on screen and as a stored, reproducible PDF.

The account: invoice INV000001 of £288.69 on 12 May 2025; credit note CRN000001 of £68.40 on
19 May; a payment of £100.00 on 20 May; invoice INV000002 of £200.00 on 9 June. So from
13 to 31 May: brought forward £288.69, then £220.29, then £120.29; to 30 June, £320.29.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from carecharge.apps.accounts.roles import Role
from carecharge.apps.billing import statements
from carecharge.apps.billing.models import Invoice
from carecharge.apps.documents.models import Document
from carecharge.apps.documents.operations import verify
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer

from .test_invoices_factories import Line, make_bill, make_person, make_run, pages_text, receipt

pytestmark = pytest.mark.django_db
MAY_13, MAY_31 = date(2025, 5, 13), date(2025, 5, 31)


@pytest.fixture
def person() -> ServiceUser:
    return make_person()


@pytest.fixture
def account(person: ServiceUser) -> LedgerAccount:
    first = make_run()
    make_bill(
        first,
        person,
        [
            Line(date(2025, 4, 7), 8420),
            Line(date(2025, 4, 14), 8420),
            Line(date(2025, 4, 21), 8420),
            Line(date(2025, 4, 28), 3609, days=(date(2025, 4, 28), date(2025, 4, 30))),
        ],
    )
    second = make_run(date(2025, 5, 11))
    make_bill(
        second,
        person,
        [Line(date(2025, 4, 14), -3420), Line(date(2025, 4, 21), -3420)],
        issued_on=date(2025, 5, 19),
    )
    found = LedgerAccount.objects.get(code="D-00000018")
    receipt(found, 10000, date(2025, 5, 20), "receipt:1")
    third = make_run(date(2025, 6, 8))
    make_bill(third, person, [Line(date(2025, 5, 5), 20000)], issued_on=date(2025, 6, 9))
    return found


def test_the_balances_come_from_the_ledger_to_the_penny(account: LedgerAccount) -> None:
    may = statements.figures(account, MAY_13, MAY_31)
    assert (may["from"], may["to"]) == ("13 May 2025", "31 May 2025")
    assert (may["opening"], may["opening_pence"]) == ("£288.69", 28869)
    assert [
        (r["date"], r["description"], r["number"], r["debit"], r["credit"], r["balance"])
        for r in may["rows"]
    ] == [
        ("19 May 2025", "Credit note", "CRN000001", "", "£68.40", "£220.29"),
        ("20 May 2025", "Payment received, thank you", "", "", "£100.00", "£120.29"),
    ]
    assert (may["total_debits"], may["total_credits"]) == ("£0.00", "£168.40")
    assert (may["closing"], may["closing_pence"]) == ("£120.29", 12029)
    assert may["closing_words"] == "You owe £120.29."

    whole = statements.figures(account, date(2025, 5, 1), date(2025, 6, 30))
    assert whole["opening_pence"] == 0
    assert [(r["number"], r["balance_pence"]) for r in whole["rows"]] == [
        ("INV000001", 28869),
        ("CRN000001", 22029),
        ("", 12029),
        ("INV000002", 32029),
    ]
    assert whole["closing"] == "£320.29"

    receipt(account, 40000, date(2025, 7, 1), "receipt:2")
    july = statements.figures(account, date(2025, 7, 1), date(2025, 7, 31))
    assert (july["opening"], july["closing"]) == ("£320.29", "£79.71 in credit")
    assert july["closing_words"] == "Your account is £79.71 in credit: you do not owe anything."


def test_dates_that_run_backwards_are_refused(account: LedgerAccount) -> None:
    with pytest.raises(statements.StatementError) as refused:
        statements.figures(account, MAY_31, MAY_13)
    assert str(refused.value) == "to: the statement cannot end (13 May 2025) before it starts"


def test_an_issued_statement_is_stored_and_keeps_what_it_said(
    account: LedgerAccount, person: ServiceUser
) -> None:
    document = statements.issue_statement(account, MAY_13, MAY_31, on=date(2025, 6, 1), actor=None)
    assert (document.kind, document.variant, document.person_id) == (
        "statement",
        "standard",
        person.pk,
    )
    assert document.issued_on == date(2025, 6, 1)
    assert document.recipient_name == "Mrs Edith Cavell"
    assert document.file_name == "statement-00000018-2025-06-01.pdf"
    assert document.snapshot["account"] == {
        "code": "D-00000018",
        "name": "Mrs Edith Cavell",
        "reference": "00000018",
        "their_reference": "",
    }
    assert document.snapshot["statement"]["closing_pence"] == 12029
    text = " ".join(pages_text(document))
    assert "Statement of account" in text
    assert "Balance on 31 May 2025 £120.29 You owe £120.29." in text
    assert "13 May 2025 Balance brought forward £288.69" in text
    assert "19 May 2025 Credit note CRN000001 £68.40 £220.29" in text
    assert "Always give this payment reference 00000018" in text
    assert "Statement of account 00000018, 13 May 2025 to 31 May 2025 Page 1 of" in text

    # A payment dated 15 May but recorded later changes a new statement, not the one sent.
    receipt(account, 2000, date(2025, 5, 15), "receipt:late")
    assert statements.figures(account, MAY_13, MAY_31)["closing"] == "£100.29"
    stored = Document.objects.get(pk=document.pk)
    assert stored.snapshot["statement"]["closing"] == "£120.29"
    assert verify(stored).ok
    assert statements.issued_for(account) == [stored]


def test_a_payers_statement_is_filed_with_the_person_and_an_organisations_is_not_stored(
    person: ServiceUser,
) -> None:
    run = make_run()
    payer = ThirdPartyPayer.objects.create(
        person=person,
        name="Mr John Cavell",
        line_1="8 Mill Lane",
        town="Oakley",
        postcode="OK1 1AA",
        start_date=date(2025, 1, 1),
    )
    make_bill(
        run, person, [Line(date(2025, 4, 7), 7000, kind="top_up")], debtor=f"third_party:{payer.pk}"
    )
    payer_account = LedgerAccount.objects.get(code=f"D-TP{payer.pk}")
    document = statements.issue_statement(
        payer_account, date(2025, 5, 1), MAY_31, on=date(2025, 6, 1), actor=None
    )
    assert (document.person_id, document.recipient_name) == (person.pk, "Mr John Cavell")
    assert document.snapshot["account"]["reference"] == "90000001"  # the payer's own
    assert document.snapshot["statement"]["closing"] == "£70.00"
    assert statements.issued_for(payer_account) == [document]

    Organisation.objects.create(
        code="QWE",
        name="NHS Northfield ICB",
        kind="icb",
        line_1="Health House",
        town="Northfield",
        postcode="NF3 3HH",
    )
    make_bill(run, person, [Line(date(2025, 4, 14), 22500, kind="chc")], debtor="organisation:QWE")
    icb = LedgerAccount.objects.get(code="D-ORG-QWE")
    with pytest.raises(statements.StatementError) as refused:
        statements.issue_statement(icb, date(2025, 5, 1), MAY_31, on=date(2025, 6, 1), actor=None)
    assert str(refused.value) == (
        "account: NHS Northfield ICB's statement can be viewed and downloaded, but not stored: "
        "stored documents belong to a service user"
    )
    _, data, rendered = statements.render_statement(icb, date(2025, 5, 1), MAY_31, on=MAY_31)
    assert rendered.pdf.startswith(b"%PDF-")
    assert data["statement"]["closing"] == "£225.00"
    assert data["recipient"]["name"] == "NHS Northfield ICB"


# ---- on screen -------------------------------------------------------------------------------


def test_the_statement_page_shows_the_same_figures(account: LedgerAccount, client_for: Any) -> None:
    url = reverse("billing:statement_view", args=[account.code])
    response = client_for(Role.ASSESSMENT_OFFICER).get(
        url, {"from": "2025-05-13", "to": "2025-05-31"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-figure="opening">£288.69<' in page
    assert 'data-figure="closing"><strong>£120.29</strong>' in page
    assert "CRN000001" in page
    assert "Issue this statement" not in page  # assessment officers view, they do not issue

    bad = client_for(Role.CHARGING_OFFICER).get(url, {"from": "2025-13-01", "to": "2025-05-01"})
    assert bad.status_code == 400
    assert "From: &#x27;2025-13-01&#x27; is not a date like 2025-04-07" in bad.content.decode()
    backwards = client_for(Role.FINANCE_OFFICER).get(
        url, {"from": "2025-05-31", "to": "2025-05-01"}
    )
    assert backwards.status_code == 400
    assert "The statement cannot end (1 May 2025) before it starts" in backwards.content.decode()
    assert (
        client_for(Role.AUDITOR).get(reverse("billing:statement_view", args=["BANK"])).status_code
        == 404
    )


def test_downloading_does_not_store_and_issuing_does(
    account: LedgerAccount, client_for: Any
) -> None:
    dates = {"from": "2025-05-13", "to": "2025-05-31"}
    pdf = client_for(Role.RECOVERY_OFFICER).get(
        reverse("billing:statement_pdf", args=[account.code]), dates
    )
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        'filename="statement-D-00000018-2025-05-13-to-2025-05-31.pdf"' in pdf["Content-Disposition"]
    )
    assert not Document.objects.exists()

    officer = client_for(Role.CHARGING_OFFICER)
    issued = officer.post(reverse("billing:statement_issue", args=[account.code]), dates)
    assert issued.status_code == 302
    assert issued["Location"] == (
        reverse("billing:statement_view", args=[account.code]) + "?from=2025-05-13&to=2025-05-31"
    )
    document = Document.objects.get()
    assert document.kind == "statement"
    assert document.created_by is not None
    page = officer.get(issued["Location"]).content.decode()
    assert "The statement was issued and stored" in page
    assert reverse("documents:download", args=[document.pk]) in page
    assert Invoice.objects.count() == 3
