"""The Direct Debit screens: mandates (list, filter, set up, read, cancel), the AUDDIS file and
its download, collection runs (build, the dates refused, held back items, settle, cancel), and
Bacs reports (upload, the actions taken, the same report twice, a bad report); who may do what;
every refusal shown on the form with the field named, status 400, nothing changed. On SQLite and
PostgreSQL, with the ledger check passing after every test."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from carecharge.apps.accounts.roles import Role
from carecharge.apps.directdebit import operations
from carecharge.apps.directdebit.models import (
    AdvanceNotice,
    AuddisInstruction,
    BacsFile,
    BacsReportImport,
    CollectionItem,
    CollectionRun,
    Mandate,
    MandateStatus,
    RunState,
)
from carecharge.apps.ledger.models import LedgerAccount
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments.models import Receipt, ReceiptReversal

from .test_directdebit_support import (
    BILLED_ON,
    BUILT_ON,
    COLLECT_ON,
    FAILS_MODULUS,
    REPORTS_ON,
    DirectDebits,
    arudd,
    dd,
)

pytestmark = pytest.mark.django_db
__all__ = ["dd"]  # the fixture, imported for pytest to find


def _client(who: User) -> Client:
    signed_in = Client()
    signed_in.force_login(who)
    return signed_in


def _user(username: str, role: str) -> User:
    made = User.objects.create(username=username)
    made.groups.set(Group.objects.filter(name=role))
    return made


def _text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)


def _errors(response: Any) -> list[str]:
    """The messages shown against the fields, in page order."""
    found = re.findall(
        r'<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        r"(.*?)</p>",
        response.content.decode(),
        flags=re.S,
    )
    return [" ".join(f.replace("&#x27;", "'").split()) for f in found]


def _day(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def _mandate_form(account: LedgerAccount, **changes: str) -> dict[str, str]:
    assert account.person is not None
    return {
        "account": account.person.account_reference,
        "payer_name": "Ada Tester",
        "bacs_name": "",
        "sort_code": "40-00-00",
        "account_number": "10000299",
        **_day("signed_on", BILLED_ON),
        "basis": "balance",
        "instalment": "",
        "collection_day": "",
    } | changes


def _live(dd: DirectDebits, *people: tuple[str, str]) -> list[Mandate]:
    """People billed (one invoice each, due 30/03/2026) with a lodged balance mandate each."""
    accounts = [dd.billed(name, weekly) for name, weekly in people]
    dd.bill()
    mandates = [
        dd.mandate(account, f"{name.title()} Tester")
        for account, (name, _) in zip(accounts, people, strict=True)
    ]
    dd.lodge()
    return mandates


# --- Mandates ---------------------------------------------------------------------------------


def test_a_mandate_is_set_up_on_the_form_and_every_refusal_names_its_field(
    dd: DirectDebits,
) -> None:
    account = dd.billed("ada", "50.00")
    finance = _client(dd.finance)
    assert finance.get("/direct-debit/mandates/new/").status_code == 200

    sort_code, number = FAILS_MODULUS
    refusals = [
        (
            {"sort_code": sort_code, "account_number": number},
            "account_number",
            "Sort code 40-00-00 and account number 12345678 fail the UK modulus check (first "
            "check: MOD11 failed, remainder 2); ask the payer to check their bank details",
        ),
        ({"sort_code": "40-00"}, "sort_code", "The sort code must be six digits"),
        (
            {"payer_name": "Alexandra Tester-Smithson"},
            "payer_name",
            "The account holder's name 'ALEXANDRA TESTER-SMITHSON' is 25 characters, more than "
            "18: give a name for Bacs, the account holder's name as Bacs should carry it (18 "
            "characters at most from A-Z 0-9 . &amp; / - and space, e.g. initials and surname)",
        ),
        (
            {"basis": "instalment", "instalment": "30.00", "collection_day": "29"},
            "collection_day",
            "Give a day of the month from 1 to 28, so every month has it",
        ),
        (
            {"basis": "instalment", "instalment": "0", "collection_day": "5"},
            "instalment",
            "An instalment must be more than £0.00",
        ),
        (
            {**_day("signed_on", date(2026, 3, 3))},
            "signed_on",
            "03/03/2026 is in the future",
        ),
    ]
    for changes, field, message in refusals:
        refused = finance.post("/direct-debit/mandates/new/", _mandate_form(account, **changes))
        assert refused.status_code == 400, field
        assert _errors(refused) == [message]
        # The error summary links to the field it names, and the field is marked.
        assert f'href="#id_{field}' in refused.content.decode()
        assert (
            "--error"
            in re.findall(rf'<input[^>]+id="id_{field}[^>]*>', refused.content.decode())[0]
        )
    missing = finance.post(
        "/direct-debit/mandates/new/",
        _mandate_form(account, basis="instalment", payer_name="", account_number=""),
    )
    assert _errors(missing) == [
        "Enter the account holder's name",
        "Enter the account number",
        "Enter the amount of each instalment",
        "Enter the day of the month, 1 to 28",
    ]
    assert not Mandate.objects.exists()
    assert not AuddisInstruction.objects.exists()

    done = finance.post(
        "/direct-debit/mandates/new/",
        _mandate_form(account, basis="instalment", instalment="30.00", collection_day="5"),
    )
    assert done.status_code == 302
    mandate = Mandate.objects.get()
    assert done["Location"] == f"/direct-debit/mandates/{mandate.pk}/"
    assert (mandate.account_id, mandate.instalment_pence, mandate.collection_day) == (
        account.pk,
        3_000,
        5,
    )
    page = finance.get(done["Location"])
    html, text = page.content.decode(), _text(page)
    assert "10000299" not in html  # the account number is masked but for its last 4 digits
    assert re.search(r'data-figure="bank">40-00-00, \*\*\*\*0299<', html)
    assert re.search(r'data-figure="basis">£30.00 monthly, on or after day 5<', html)
    assert "New: instruction waiting to be sent to Bacs" in text
    assert "0N new instruction queued 2 Mar 2026 (New mandate): Waiting for the next AUDDIS" in text
    assert "fran: Set up" in text

    again = finance.post("/direct-debit/mandates/new/", _mandate_form(account))
    assert again.status_code == 400
    assert _errors(again) == [
        f"{account.code} already has mandate {mandate.reference} (new: instruction waiting to be "
        "sent to bacs); cancel it before setting up another"
    ]
    assert Mandate.objects.count() == 1


def test_the_mandates_list_filters_by_status_and_finds_a_payer_or_reference(
    dd: DirectDebits,
) -> None:
    ada, bea = _live(dd, ("ada", "50.00"), ("bea", "25.00"))
    cal = dd.mandate(dd.billed("cal", "10.00"), "Cal Tester")
    auditor = _client(_user("audrey", Role.AUDITOR))

    def listed(query: str) -> list[str]:
        page = auditor.get(f"/direct-debit/{query}")
        assert page.status_code == 200
        return re.findall(r'data-mandate="([^"]+)"', page.content.decode())

    assert listed("") == [ada.reference, bea.reference, cal.reference]
    assert listed("?status=pending") == [cal.reference]
    assert listed("?status=lodged") == [ada.reference, bea.reference]
    assert listed("?q=bea+tes") == [bea.reference]
    assert listed(f"?q={cal.reference[-5:]}") == [cal.reference]
    assert listed("?q=nobody") == []
    assert "No mandates match the filter" in _text(auditor.get("/direct-debit/?q=nobody"))
    page = auditor.get("/direct-debit/").content.decode()
    assert "****0299" in page and "10000299" not in page
    assert "Set up a mandate" not in page  # the auditor only reads


def test_a_mandate_is_cancelled_with_a_reason(dd: DirectDebits) -> None:
    [ada] = _live(dd, ("ada", "50.00"))
    senior = _client(_user("sue", Role.SENIOR_OFFICER))
    url = f"/direct-debit/mandates/{ada.pk}/"
    assert 'data-form="cancel"' in senior.get(url).content.decode()

    refused = senior.post(f"{url}cancel/", {"reason": ""})
    assert refused.status_code == 400
    assert _errors(refused) == ["Say why the mandate is cancelled"]
    ada.refresh_from_db()
    assert ada.status == MandateStatus.LODGED

    done = senior.post(f"{url}cancel/", {"reason": "Payer is moving to a standing order"})
    assert done.status_code == 302
    ada.refresh_from_db()
    assert (ada.status, ada.end_reason) == ("cancelled", "Payer is moving to a standing order")
    # The payer's bank holds the instruction: a 0C waits for the next AUDDIS file.
    assert [(i.code, i.file_id) for i in AuddisInstruction.objects.filter(code="0C")] == [
        ("0C", None)
    ]
    page = senior.get(url)
    text = _text(page)
    assert "Cancelled" in text and 'data-form="cancel"' not in page.content.decode()
    assert (
        "sue: Cancelled (Payer is moving to a standing order). Status: lodged → cancelled" in text
    )

    twice = senior.post(f"{url}cancel/", {"reason": "Again"})
    assert twice.status_code == 400
    assert f"Mandate {ada.reference} is already cancelled" in _text(twice)
    assert AuddisInstruction.objects.filter(code="0C").count() == 1


# --- AUDDIS -----------------------------------------------------------------------------------


def test_the_auddis_file_is_made_and_downloaded_with_its_control_report(
    dd: DirectDebits,
) -> None:
    account = dd.billed("ada", "50.00")
    ada = dd.mandate(account, "Ada Tester")
    finance = _client(dd.finance)
    waiting = finance.get("/direct-debit/auddis/")
    assert re.findall(r'data-instruction="([^"]+)"', waiting.content.decode()) == [
        f"0N {ada.reference}"
    ]

    made = finance.post("/direct-debit/auddis/make/")
    assert made.status_code == 302
    file = BacsFile.objects.get(kind="auddis")
    assert made["Location"] == f"/direct-debit/files/{file.pk}/"
    ada.refresh_from_db()
    assert (ada.status, ada.lodged_on, ada.live_from) == (
        "lodged",
        date(2026, 3, 3),
        date(2026, 3, 4),
    )
    page = finance.get(made["Location"])
    html = page.content.decode()
    assert f'<pre class="govuk-body-s" data-control-report>{file.control_report}</pre>' in (
        html.replace("&#x27;", "'")
    )
    assert "Items:                  1 for £0.00" in file.control_report
    assert re.search(r'data-figure="processing-day">Tuesday 3 March 2026<', html)
    assert f"/direct-debit/files/{file.pk}/download/" in html

    download = finance.get(f"/direct-debit/files/{file.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/plain")
    assert (
        download["Content-Disposition"]
        == f'attachment; filename="auddis-{file.serial_number:06d}.txt"'
    )
    assert download.content == file.text.encode("ascii")
    emptied = finance.get("/direct-debit/auddis/")
    assert "Nothing is waiting to be sent" in _text(emptied)
    assert 'data-form="auddis"' not in emptied.content.decode()

    refused = finance.post("/direct-debit/auddis/make/")
    assert refused.status_code == 400
    assert "There are no AUDDIS instructions waiting to be sent" in _text(refused)
    assert BacsFile.objects.count() == 1

    # Reading the file's page is for everyone on cases; its bank details are not.
    auditor = _client(_user("audrey", Role.AUDITOR))
    read = auditor.get(f"/direct-debit/files/{file.pk}/").content.decode()
    assert "data-control-report" in read and "/download/" not in read
    assert auditor.get(f"/direct-debit/files/{file.pk}/download/").status_code == 403
    assert auditor.post("/direct-debit/auddis/make/").status_code == 403


# --- Collection runs --------------------------------------------------------------------------


def _build(client: Client, day: date, action: str = "build") -> Any:
    return client.post(
        "/direct-debit/runs/new/", {**_day("collection_date", day), "action": action}
    )


def test_a_collection_date_that_cannot_be_used_is_refused_saying_why(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    _live(dd, ("ada", "50.00"))
    finance = _client(dd.finance)
    _on(monkeypatch, BUILT_ON)
    refusals = [
        (date(2026, 4, 4), "Saturday 4 April 2026 is a weekend: Bacs collects only on weekdays"),
        (
            date(2026, 4, 3),
            "Friday 3 April 2026 is a bank holiday in England and Wales (Good Friday): Bacs does "
            "not process on bank holidays",
        ),
        (
            date(2026, 3, 13),
            "Too late for 13/03/2026; its file had to be sent to Bacs by 11/03/2026 (processing "
            "day 12/03/2026)",
        ),
        (
            date(2026, 5, 1),
            "Too early for 01/05/2026; Bacs takes a file at most 30 days before its processing "
            "day (30/04/2026), so build the run from 31/03/2026 (send the advance notices now "
            "with “Send the advance notices only”)",
        ),
    ]
    for day, message in refusals:
        refused = _build(finance, day)
        assert refused.status_code == 400, day
        assert _errors(refused) == [message]
        assert 'href="#id_collection_date_0"' in refused.content.decode()
        assert "govuk-date-input__input govuk-input--width-2 govuk-input--error" in (
            refused.content.decode()
        )
    # The last day to send the file is still open: nothing is due yet, so no run is made.
    assert "Nothing can be collected on 16 March 2026 yet" in _text(
        _build(finance, date(2026, 3, 16))
    )
    assert not CollectionRun.objects.exists()
    assert not AdvanceNotice.objects.exists()


def test_a_collection_too_soon_for_its_advance_notice_is_held_back(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    [ada] = _live(dd, ("ada", "50.00"))
    finance = _client(dd.finance)
    _on(monkeypatch, date(2026, 3, 20))

    held = _build(finance, COLLECT_ON)

    assert held.status_code == 200
    text = _text(held)
    assert "Nothing can be collected on 1 April 2026 yet: no run and no file were made." in text
    assert (
        f"{ada.reference} : £200.00 (first collection); the earliest it may be collected is "
        "7 April 2026"
    ) in text
    assert (
        f"{ada.reference} ({ada.account.code}), £200.00: advance notice sent on 20/03/2026: the "
        "earliest it may be collected is 07/04/2026"
    ) in text
    assert not CollectionRun.objects.exists()
    assert AdvanceNotice.objects.get().earliest_collection == date(2026, 4, 7)


def test_advance_notices_are_sent_ahead_without_a_run(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    [ada] = _live(dd, ("ada", "50.00"))
    finance = _client(dd.finance)
    _on(monkeypatch, BUILT_ON)

    sent = _build(finance, date(2026, 4, 29), action="notices")

    assert sent.status_code == 200
    assert (
        "1 collection for £200.00 can be made on 29 April 2026: build the run to make its file."
    ) in _text(sent)
    assert [
        (n.mandate_id, n.collection_date, n.amount_pence) for n in AdvanceNotice.objects.all()
    ] == [(ada.pk, date(2026, 4, 29), 20_000)]
    assert not CollectionRun.objects.exists()


def test_a_run_is_built_shown_settled_on_its_date_and_not_cancelled_after(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, bea = _live(dd, ("ada", "50.00"), ("bea", "12.34"))
    finance = _client(dd.finance)
    _on(monkeypatch, BUILT_ON)

    built = _build(finance, COLLECT_ON)

    assert built.status_code == 302
    run = CollectionRun.objects.get()
    assert built["Location"] == f"/direct-debit/runs/{run.pk}/"
    page = finance.get(built["Location"])
    html, text = page.content.decode(), _text(page)
    assert re.findall(r'data-item="([^"]+)"', html) == [ada.reference, bea.reference]
    assert re.findall(r"<td class=\"govuk-table__cell\" data-code>(\d\d)<", html) == ["01", "01"]
    assert re.search(r'data-figure="total">2 for £249.36<', html)
    assert "40-00-00, ****0299" in text and "10000299" not in html
    assert "Send the file by Monday 30 March 2026 (processed Tuesday 31 March 2026)" in text
    assert "first collection" in text  # the advance notices recorded when it was built
    assert len(re.findall(r"12 Mar 2026 26 Mar 2026 first collection", text)) == 2
    assert "Items:                  2 for £249.36" in html
    assert "The run can be settled on or after 1 April 2026" in text
    assert 'data-form="settle"' not in html

    early = finance.post(f"/direct-debit/runs/{run.pk}/settle/")
    assert early.status_code == 400
    assert (
        f"Run {run.pk} collects on 01/04/2026: it cannot be settled before then (today is "
        "12/03/2026)"
    ) in _text(early)
    assert not Receipt.objects.exists()

    _on(monkeypatch, COLLECT_ON)
    assert 'data-form="settle"' in finance.get(f"/direct-debit/runs/{run.pk}/").content.decode()
    settled = finance.post(f"/direct-debit/runs/{run.pk}/settle/")
    assert settled.status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.SETTLED
    assert [balance(m.account) for m in (ada, bea)] == [0, 0]
    receipts = list(Receipt.objects.order_by("number").values_list("number", flat=True))
    settled_page = finance.get(f"/direct-debit/runs/{run.pk}/").content.decode()
    assert len(receipts) == 2
    for number in receipts:
        assert f'href="/payments/receipts/{number}/"' in settled_page
    assert "Cancel the run" not in settled_page

    refused = finance.post(f"/direct-debit/runs/{run.pk}/cancel/", {"reason": "Oops"})
    assert refused.status_code == 400
    assert (
        f"Run {run.pk} is collected: receipts posted: only a run not yet settled can be cancelled"
    ) in _text(refused)
    listed = finance.get("/direct-debit/runs/").content.decode()
    assert f'data-run="{run.pk}"' in listed and "Collected: receipts posted" in listed


def test_a_run_never_sent_is_cancelled_with_a_reason(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    _live(dd, ("ada", "50.00"))
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    senior = _client(_user("sue", Role.SENIOR_OFFICER))

    missing = senior.post(f"/direct-debit/runs/{run.pk}/cancel/", {"reason": " "})
    assert missing.status_code == 400
    assert _errors(missing) == ["Say why the run is cancelled"]
    done = senior.post(f"/direct-debit/runs/{run.pk}/cancel/", {"reason": "File not sent"})
    assert done.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.cancelled_reason) == (RunState.CANCELLED, "File not sent")
    page = senior.get(f"/direct-debit/runs/{run.pk}/")
    assert "Cancelled before it was sent" in _text(page)
    assert "File not sent" in _text(page)
    assert "/download/" not in page.content.decode()


# --- Bacs reports -----------------------------------------------------------------------------


def _upload(client: Client, data: bytes, name: str) -> Any:
    return client.post(
        "/direct-debit/reports/import/",
        {"file": SimpleUploadedFile(name, data, content_type="text/xml")},
    )


def test_an_arudd_is_uploaded_and_its_actions_listed_once(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, bea = _live(dd, ("ada", "50.00"), ("bea", "25.00"))
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    operations.settle(run, actor=dd.finance, today=COLLECT_ON)
    _on(monkeypatch, REPORTS_ON)
    finance = _client(dd.finance)
    report = arudd(
        (ada.reference, "01", "REFER TO PAYER", 20_000),
        (bea.reference, "01", "INSTRUCTION CANCELLED", 10_000),
    )

    done = _upload(finance, report, "arudd-0402.xml")

    assert done.status_code == 302
    kept = BacsReportImport.objects.get()
    assert done["Location"] == f"/direct-debit/reports/{kept.pk}/"
    page = finance.get(done["Location"])
    html = page.content.decode()
    assert re.findall(r'data-action="([^"]+)"', html) == [
        "returned",
        "represent",
        "returned",
        "mandate_cancelled",
    ]
    assert re.search(
        r'data-figure="counts">Mandate cancelled: 1; To be presented again: 1; Returned unpaid: '
        r"2<",
        html,
    )
    items = {i.reference: i for i in CollectionItem.objects.select_related("receipt")}
    # Each return links the receipt it reversed; the other actions link none.
    assert len(re.findall(r'href="/payments/receipts/', html)) == 2
    for item in items.values():
        assert item.receipt is not None
        assert f'href="/payments/receipts/{item.receipt.number}/"' in html
        assert ReceiptReversal.objects.filter(receipt=item.receipt).exists()
    assert [balance(m.account) for m in (ada, bea)] == [20_000, 10_000]
    assert "to be presented again (code 18) in the next run" in _text(page)
    returned = items[ada.reference].receipt
    assert returned is not None
    assert "Reversed" in _text(finance.get(f"/payments/receipts/{returned.number}/"))

    again = _upload(finance, report, "arudd-copy.xml")
    assert again.status_code == 302
    assert again["Location"] == f"/direct-debit/reports/{kept.pk}/?again=1"
    assert "This report was imported before, on" in _text(finance.get(again["Location"]))
    assert BacsReportImport.objects.count() == 1
    assert ReceiptReversal.objects.count() == 2

    listed = finance.get("/direct-debit/reports/").content.decode()
    assert re.findall(r'data-report="(\d+)"', listed) == [str(kept.pk)]
    assert "arudd-0402.xml" in listed


def test_a_bad_report_shows_the_readers_message_and_changes_nothing(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    [ada] = _live(dd, ("ada", "50.00"))
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    _on(monkeypatch, REPORTS_ON)
    finance = _client(dd.finance)

    unknown = _upload(finance, arudd((ada.reference, "01", "WIBBLE", 20_000)), "a.xml")
    assert unknown.status_code == 400
    assert _errors(unknown) == [
        "The report was not applied, nothing was changed: a.xml: ARUDD line 1, "
        f"ReturnedDebitItem (reference '{ada.reference}'): returnDescription 'WIBBLE' is not a "
        "known ARUDD reason; add it to the ARUDD reason map once its meaning is confirmed with "
        "the bank"
    ]
    unsettled = _upload(finance, arudd((ada.reference, "01", "REFER TO PAYER", 20_000)), "b.xml")
    assert unsettled.status_code == 400
    assert _errors(unsettled) == [
        "b.xml: the report was not applied; nothing was changed:",
        f"line 1 (ReturnedDebitItem): reference '{ada.reference}', £200.00 processed on "
        f"31/03/2026: run {run.pk} is not settled yet; settle it before importing returns for it",
    ]
    assert _errors(_upload(finance, b"", "empty.xml")) == ["The selected file is empty"]
    assert not BacsReportImport.objects.exists()
    assert not ReceiptReversal.objects.exists()


# --- Who may do what --------------------------------------------------------------------------


def test_everyone_on_cases_reads_and_only_finance_and_seniors_change(
    dd: DirectDebits, monkeypatch: pytest.MonkeyPatch
) -> None:
    [ada] = _live(dd, ("ada", "50.00"))
    run = operations.build_run(COLLECT_ON, actor=dd.finance, today=BUILT_ON).run
    assert run is not None
    _on(monkeypatch, COLLECT_ON)
    account = dd.billed("bea", "25.00")
    for role in (Role.AUDITOR, Role.CHARGING_OFFICER, Role.RECOVERY_OFFICER):
        reader = _client(_user(f"reader.{role}", role))
        for url in (
            "/direct-debit/",
            f"/direct-debit/mandates/{ada.pk}/",
            "/direct-debit/auddis/",
            "/direct-debit/runs/",
            f"/direct-debit/runs/{run.pk}/",
            "/direct-debit/reports/",
        ):
            page = reader.get(url)
            assert page.status_code == 200, (role, url)
            assert 'data-form="' not in page.content.decode(), (role, url)
        assert reader.post(f"/direct-debit/runs/{run.pk}/settle/").status_code == 403
        assert (
            reader.post(f"/direct-debit/mandates/{ada.pk}/cancel/", {"reason": "x"}).status_code
            == 403
        )
        assert reader.post("/direct-debit/mandates/new/", _mandate_form(account)).status_code == 403
        assert reader.get("/direct-debit/reports/import/").status_code == 403
    assert _client(_user("admin", Role.ADMINISTRATOR)).get("/direct-debit/").status_code == 403
    ada.refresh_from_db()
    run.refresh_from_db()
    assert (ada.status, run.state, Mandate.objects.count()) == ("live", RunState.BUILT, 1)
    assert not Receipt.objects.exists()
