"""The payments screens: receipts and their filter, the unallocated queue, clearing a receipt
onto an account, moving and reversing one, cash and cheques taken in person, daily banking;
who may do what; every refusal shown and nothing changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from carecharge.apps.accounts.roles import Role
from carecharge.apps.ledger import checks
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.ledger.operations import account_for_person
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments import receipts
from carecharge.apps.payments.models import Channel, Receipt, SuspenseClearance

from .billing_scenario import HOME_CARE, Scenario

pytestmark = pytest.mark.django_db


def _user(username: str, role: str) -> User:
    made = User.objects.create(username=username)
    made.groups.set(Group.objects.filter(name=role))
    return made


def _client(who: User) -> Client:
    signed_in = Client()
    signed_in.force_login(who)
    return signed_in


def _text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def s() -> Iterator[Scenario]:
    scenario = Scenario()
    scenario.person("ada")
    scenario.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    scenario.assess("ada", "50.00", starts="2025-04-07")
    scenario.bill("2025-05-04")
    yield scenario
    failed = [(r.name, r.problems) for r in checks.run_all() if r.problems]
    assert failed == []


def _unplaced(s: Scenario, pence: int = 20_000) -> Receipt:
    return receipts.post_receipts(
        [
            receipts.NewReceipt(
                channel=Channel.BANK,
                received_on=date(2025, 5, 12),
                amount_pence=pence,
                duplicate_key="bank:screen",
                payer_name="MRS A TESTER",
                reference_text="MUMS CARE",
            )
        ],
        actor=s.officer,
    )[0]


def test_an_unplaced_receipt_is_in_the_queue_and_is_cleared_onto_the_account(
    s: Scenario,
) -> None:
    receipt = _unplaced(s)
    finance = _client(_user("fiona", Role.FINANCE_OFFICER))
    queue = finance.get("/payments/unallocated/")
    assert queue.status_code == 200
    assert "1 receipt, £200.00" in _text(queue)
    assert f'data-receipt="{receipt.number}"' in queue.content.decode()

    reference = s.people["ada"].account_reference
    wrong = reference[:7] + str((int(reference[7]) + 1) % 10)
    refused = finance.post(
        f"/payments/receipts/{receipt.number}/clear/", {"account": wrong, "reason": "Rang"}
    )
    assert refused.status_code == 400
    assert f"{wrong} is not a payment reference" in _text(refused)
    assert not SuspenseClearance.objects.exists()

    done = finance.post(
        f"/payments/receipts/{receipt.number}/clear/",
        {"account": reference, "reason": "Daughter rang with the reference"},
    )
    assert done.status_code == 302
    page = _text(finance.get(f"/payments/receipts/{receipt.number}/"))
    assert "On account" in page and f"Ada Tester ({reference})" in page
    assert "Daughter rang with the reference" in page
    assert balance(account_for_person(s.people["ada"])) == 0  # £200.00 invoiced, £200.00 paid
    assert "The queue is empty" in _text(finance.get("/payments/unallocated/"))


def test_cash_is_taken_in_person_and_shows_on_the_days_banking(s: Scenario) -> None:
    finance = _client(_user("fiona", Role.FINANCE_OFFICER))
    reference = s.people["ada"].account_reference
    form = {
        "channel": "cheque",
        "account": reference,
        "amount": "45.50",
        "received_on_day": "14",
        "received_on_month": "5",
        "received_on_year": "2025",
        "payer_name": "Ada Tester",
    }
    refused = finance.post("/payments/in-person/", form)
    assert refused.status_code == 400
    assert "Enter the cheque number" in _text(refused)
    assert not Receipt.objects.exists()

    done = finance.post("/payments/in-person/", form | {"channel": "cash"})
    assert done.status_code == 302
    receipt = Receipt.objects.get()
    assert done["Location"] == f"/payments/receipts/{receipt.number}/"
    assert receipt.amount_pence == 4_550 and receipt.channel == Channel.CASH

    sheet = finance.get("/payments/banking/?date=2025-05-14")
    html = sheet.content.decode()
    assert re.search(r'data-figure="cash">£45.50<', html)
    assert re.search(r'data-figure="paying-in"><strong>£45.50</strong>', html)
    assert re.search(r'data-figure="day-total"><strong>£45.50</strong>', html)


def test_a_receipt_is_moved_and_then_reversed_with_reasons(s: Scenario) -> None:
    bea = s.person("bea")
    receipt = receipts.record_in_person(
        channel=Channel.CHEQUE,
        account=account_for_person(s.people["ada"]),
        amount_pence=20_000,
        received_on=date(2025, 5, 14),
        actor=s.officer,
        cheque_number="100234",
    )
    senior = _client(_user("sue", Role.SENIOR_OFFICER))
    moved = senior.post(
        f"/payments/receipts/{receipt.number}/move/",
        {"account": bea.account_reference, "reason": "Bea's cheque, keyed to Ada"},
    )
    assert moved.status_code == 302
    assert balance(LedgerAccount.objects.get(person=bea)) == -20_000

    reversed_ = senior.post(
        f"/payments/receipts/{receipt.number}/reverse/",
        {
            "reason": "Cheque returned unpaid",
            "effective_date_day": "20",
            "effective_date_month": "5",
            "effective_date_year": "2025",
        },
    )
    assert reversed_.status_code == 302
    page = _text(senior.get(f"/payments/receipts/{receipt.number}/"))
    assert "Reversed" in page and "Cheque returned unpaid" in page
    assert balance(LedgerAccount.objects.get(person=bea)) == 0
    assert "Move it to another account" not in page  # a reversed receipt is finished with


def test_who_may_see_and_who_may_change_payments(s: Scenario) -> None:
    receipt = _unplaced(s)
    auditor = _client(_user("audrey", Role.AUDITOR))
    assert auditor.get("/payments/").status_code == 200
    page = auditor.get(f"/payments/receipts/{receipt.number}/").content.decode()
    assert 'data-form="clear"' not in page
    refused = auditor.post(
        f"/payments/receipts/{receipt.number}/clear/",
        {"account": s.people["ada"].account_reference, "reason": "x"},
    )
    assert refused.status_code == 403
    assert (
        _client(_user("cora", Role.CHARGING_OFFICER)).get("/payments/in-person/").status_code == 403
    )
    assert not SuspenseClearance.objects.exists()


def test_the_receipts_list_filters_by_status_and_text(s: Scenario) -> None:
    unplaced = _unplaced(s)
    cash = receipts.record_in_person(
        channel=Channel.CASH,
        account=account_for_person(s.people["ada"]),
        amount_pence=1_000,
        received_on=date(2025, 5, 14),
        actor=s.officer,
    )
    finance = _client(_user("fiona", Role.FINANCE_OFFICER))
    everything = finance.get("/payments/").content.decode()
    assert f'data-receipt="{unplaced.number}"' in everything
    assert f'data-receipt="{cash.number}"' in everything
    only_queue = finance.get("/payments/?status=unallocated").content.decode()
    assert f'data-receipt="{unplaced.number}"' in only_queue
    assert f'data-receipt="{cash.number}"' not in only_queue
    by_reference = finance.get(f"/payments/?q={s.people['ada'].account_reference}").content.decode()
    assert f'data-receipt="{cash.number}"' in by_reference
    assert f'data-receipt="{unplaced.number}"' not in by_reference
    assert "MUMS CARE" in finance.get("/payments/?q=mums").content.decode()


def test_a_refund_is_asked_for_approved_by_someone_else_and_paid_by_cheque(
    s: Scenario,
) -> None:
    ada = account_for_person(s.people["ada"])
    receipts.record_in_person(
        channel=Channel.CASH, account=ada, amount_pence=25_000,
        received_on=date(2025, 5, 14), actor=s.officer,
    )  # fmt: skip
    reference = s.people["ada"].account_reference
    fiona = _user("fiona", Role.FINANCE_OFFICER)
    finance = _client(fiona)
    listed = finance.get("/payments/refunds/")
    assert f'data-account="{reference}"' in listed.content.decode()
    assert "£50.00" in _text(listed)

    asked = {
        "amount": "60.00", "method": "cheque", "payee_name": "Ada Tester",
        "reason": "Paid by mistake",
    }  # fmt: skip
    too_much = finance.post(f"/payments/refunds/new/{reference}/", asked)
    assert too_much.status_code == 400
    assert "£60.00 is more than the £50.00 in credit" in _text(too_much)
    done = finance.post(f"/payments/refunds/new/{reference}/", asked | {"amount": "50.00"})
    assert done.status_code == 302
    number = done["Location"].rstrip("/").rsplit("/", 1)[-1]

    own = finance.get(f"/payments/refunds/{number}/")
    assert "A second person must approve this refund" in _text(own)
    assert (
        finance.post(f"/payments/refunds/{number}/decide/", {"decision": "approve"}).status_code
        == 400
    )

    senior = _client(_user("sue", Role.SENIOR_OFFICER))
    assert (
        senior.post(f"/payments/refunds/{number}/decide/", {"decision": "approve"}).status_code
        == 302
    )
    missing = finance.post(
        f"/payments/refunds/{number}/paid/",
        {"paid_on_day": "20", "paid_on_month": "5", "paid_on_year": "2025"},
    )
    assert missing.status_code == 400
    assert "Give the number of the cheque sent" in _text(missing)
    paid = finance.post(
        f"/payments/refunds/{number}/paid/",
        {"paid_on_day": "20", "paid_on_month": "5", "paid_on_year": "2025", "cheque_number": "117"},
    )
    assert paid.status_code == 302
    page = _text(finance.get(f"/payments/refunds/{number}/"))
    assert "Paid 20 May 2025, cheque 117" in page
    assert balance(ada) == 0
    assert "No account is in credit" in _text(finance.get("/payments/refunds/"))


def test_a_bank_statement_is_uploaded_matched_and_recognised_the_second_time(
    s: Scenario,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    reference = s.people["ada"].account_reference
    body = (
        "Date,Description,Amount,Payer,Transaction ID\r\n"
        f"12/05/2025,CARE {reference},200.00,A TESTER,TX1\r\n"
        "12/05/2025,NO IDEA,12.00,X,TX2\r\n"
        "Total,,212.00,,\r\n"
    ).encode()
    finance = _client(_user("fiona", Role.FINANCE_OFFICER))

    def upload(data: bytes) -> Any:
        return finance.post(
            "/payments/import/",
            {"file": SimpleUploadedFile("may.csv", data, "text/csv"), "kind": "csv"},
        )

    done = upload(body)
    assert done.status_code == 302
    page = _text(finance.get(done["Location"]))
    assert (
        "2 receipts totalling £212.00: 1 matched and posted to accounts, 1 put in the "
        "unallocated queue." in page
    )
    original = finance.get(done["Location"] + "?download=1")
    assert original.content == body  # the file kept exactly as received
    charging = _client(_user("cora", Role.CHARGING_OFFICER))
    assert charging.get(done["Location"] + "?download=1").status_code == 403
    again = upload(body)
    assert again.status_code == 302 and again["Location"].endswith("?again=1")
    assert "This file was imported before" in _text(finance.get(again["Location"]))
    assert Receipt.objects.count() == 2

    broken = upload(body.replace(b"Total,,212.00", b"Total,,213.00"))
    assert broken.status_code == 400
    assert "The file was not imported, nothing was posted" in _text(broken)
    assert Receipt.objects.count() == 2
    counter = finance.post(
        "/payments/import/",
        {"file": SimpleUploadedFile("pp.csv", b"T,0,0.00\r\n", "text/csv"), "kind": "counter"},
    )
    assert counter.status_code == 400
    assert "Choose the counter scheme the file is from" in _text(counter)


def test_approved_bacs_refunds_are_paid_in_a_file_from_the_refunds_page(s: Scenario) -> None:
    from carecharge.apps.payments import refunds
    from carecharge.apps.payments.models import RefundState

    ada = account_for_person(s.people["ada"])
    receipts.record_in_person(
        channel=Channel.CASH, account=ada, amount_pence=23_000,
        received_on=date(2025, 5, 14), actor=s.officer,
    )  # fmt: skip
    fiona = _user("fiona", Role.FINANCE_OFFICER)
    refund = refunds.request_refund(
        account=ada, amount_pence=3_000, method="bacs", payee_name="Ada Tester",
        sort_code="089999", account_number="66374958", reason="Overpaid", actor=fiona,
    )  # fmt: skip
    finance = _client(fiona)
    assert "Make the Bacs refund file" not in finance.get("/payments/refunds/").content.decode()
    refunds.approve_refund(refund, actor=s.senior)
    assert "1 approved refund to pay by Bacs" in _text(finance.get("/payments/refunds/"))

    made = finance.post("/payments/refunds/bacs/")
    assert made.status_code == 302
    page = _text(finance.get(made["Location"]))
    assert "1 refund, £30.00" in page
    download = finance.get(made["Location"] + "?download=1")
    assert download["Content-Disposition"].startswith('attachment; filename="refunds-')
    assert all(len(line) in (80, 100) for line in download.content.decode().splitlines())
    refund.refresh_from_db()
    assert refund.state == RefundState.PAID
    again = finance.post("/payments/refunds/bacs/")
    assert again.status_code == 400
    assert "Choose at least one approved Bacs refund to pay" in _text(again)


def test_a_receipt_is_split_by_hand_across_invoices(s: Scenario) -> None:
    s.bill("2025-06-01")  # a second £200.00 invoice
    ada = account_for_person(s.people["ada"])
    receipt = receipts.record_in_person(
        channel=Channel.CASH, account=ada, amount_pence=10_000,
        received_on=date(2025, 6, 5), actor=s.officer,
    )  # fmt: skip
    from carecharge.apps.billing.models import Invoice

    first, second = Invoice.objects.filter(account=ada).order_by("number")
    finance = _client(_user("fiona", Role.FINANCE_OFFICER))
    url = f"/payments/receipts/{receipt.number}/split/"
    assert finance.get(url).status_code == 200
    too_much = finance.post(
        url, {"invoice_1": second.number, "amount_1": "250.00", "reason": "Payer asked"}
    )
    assert too_much.status_code == 400
    assert "is more than the £200.00 it owes" in _text(too_much)
    done = finance.post(
        url,
        {
            "invoice_1": second.number, "amount_1": "60.00",
            "invoice_2": first.number, "amount_2": "40.00", "reason": "Payer asked",
        },
    )  # fmt: skip
    assert done.status_code == 302
    from carecharge.apps.payments import allocations

    owed = {i.number: i.outstanding_pence for i in allocations.open_invoices(ada)}
    assert owed == {first.number: 16_000, second.number: 14_000}


def test_a_payment_card_is_issued_and_kept_with_the_persons_letters(s: Scenario) -> None:
    from carecharge.apps.documents.models import Document

    ada = account_for_person(s.people["ada"])
    reference = s.people["ada"].account_reference
    statement = _client(_user("cora", Role.CHARGING_OFFICER)).get(
        f"/billing/statements/{ada.code}/"
    )
    assert 'data-form="payment-card"' in statement.content.decode()
    made = _client(_user("cora2", Role.CHARGING_OFFICER)).post(f"/payments/cards/{ada.code}/")
    assert made.status_code == 302
    card = Document.objects.get(kind="payment_card")
    assert card.person == s.people["ada"]
    assert card.snapshot["account"]["reference"] == reference
    assert card.snapshot["council"]["how_to_pay"]  # the council's ways to pay, as they stood
    assert bytes(card.pdf[:5]) == b"%PDF-"
    auditor = _client(_user("audrey", Role.AUDITOR))
    assert auditor.post(f"/payments/cards/{ada.code}/").status_code == 403
    from django.core.management import call_command

    # Kept as sent: rendering its snapshot again gives the same bytes.
    call_command("documents", "verify")
