"""The billing run screens: start a run, read the pre-flight checks and the preview (filtered and
paged), download it, approve it as a second person, post it, release a held person, cancel a
run, and see the invoices on the person's Account tab. Every refusal is shown, never applied.

The background tasks run straight away under the tests' immediate task backend. The council is
seeded with the billing scenario helper, so the figures follow from the charging rules.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments.models import Assessment
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.billing import operations, views
from carecharge.apps.billing.models import (
    BillingRun,
    ChargeRecord,
    Invoice,
    PersonStatus,
    RunPerson,
    RunState,
)
from carecharge.apps.ledger import checks
from carecharge.apps.people.models import Address

from .billing_scenario import CARE_HOME, HOME_CARE, Scenario

pytestmark = pytest.mark.django_db
THROUGH = {"through_day": "4", "through_month": "5", "through_year": "2025"}


def user(username: str, role: str) -> User:
    made = User.objects.create(username=username, first_name=username.split(".")[0].title())
    made.groups.set(Group.objects.filter(name=role))
    return made


def client(who: User) -> Client:
    signed_in = Client()
    signed_in.force_login(who)
    return signed_in


def text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def references_in(html: str) -> list[str]:
    return re.findall(r'data-reference="(\d{8})"', html)


def people_table(response: Any) -> str:
    table = re.search(r'data-table="people".*?</table>', response.content.decode(), re.S)
    assert table is not None, "no table of people"
    return table.group(0)


def row_of(response: Any, reference: str) -> str:
    """The person's row in the table of everyone in the run."""
    found = re.search(
        rf'<tr class="govuk-table__row" data-reference="{reference}">.*?</tr>',
        people_table(response),
        re.S,
    )
    assert found is not None, f"no row for {reference}"
    return found.group(0)


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([a-z-]+)">([^<]*)<', html))


class Council:
    """Three people billed from 7 April 2025: Ada at home (£84.20 a week, review overdue: a
    warning), Bert at home with no address (a blocker: kept out), Cara in a care home paid
    gross (£150.00 a week)."""

    def __init__(self, s: Scenario) -> None:
        self.s = s
        self.officer = s.officer
        self.senior = s.senior
        self.other_senior = user("sue.senior", Role.SENIOR_OFFICER)
        self.ada = s.person("ada", born="1940-01-01")
        s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
        assessment = s.assess("ada", "84.20", starts="2025-04-07")
        Assessment.objects.filter(pk=assessment.pk).update(next_review_date=date(2025, 4, 30))
        self.bert = s.person("bert", born="1941-01-01")
        s.care("bert", HOME_CARE, units="5", cost="22.50", starts="2025-04-07")
        s.assess("bert", "50.00", starts="2025-04-07")
        Address.objects.filter(person=self.bert).delete()
        self.cara = s.person("cara", born="1942-01-01")
        s.care("cara", CARE_HOME, units="1", cost="800.00", starts="2025-04-07")
        s.assess("cara", "150.00", starts="2025-04-07", setting="residential_permanent")


@pytest.fixture
def council(db: None) -> Iterator[Council]:
    made = Council(Scenario())
    yield made
    failed = [(r.name, r.problems) for r in checks.run_all() if r.problems]
    assert failed == []


def start(who: User, data: dict[str, str] | None = None) -> BillingRun:
    response = client(who).post("/billing/new/", data or THROUGH)
    assert response.status_code == 302, text(response)
    run = BillingRun.objects.latest("pk")
    assert response["Location"] == f"/billing/{run.pk}/"
    return run


def approved_and_posted(council: Council, run: BillingRun) -> BillingRun:
    assert client(council.other_senior).post(f"/billing/{run.pk}/approve/").status_code == 302
    assert client(council.officer).post(f"/billing/{run.pk}/post/").status_code == 302
    run.refresh_from_db()
    return run


def test_an_officer_starts_a_run_and_sees_the_checks_then_the_preview(council: Council) -> None:
    page = client(council.officer).get("/billing/new/")
    assert page.status_code == 200
    assert "The end of the last whole charging week" in text(page)
    run = start(council.officer)
    run.refresh_from_db()
    assert (run.state, run.created_by, run.previewed_by) == (
        RunState.PREVIEWED, council.officer, council.officer,
    )  # fmt: skip
    page = client(council.officer).get(f"/billing/{run.pk}/")
    content = page.content.decode()
    words = text(page)
    # The pre-flight results come first, blockers before warnings, each with its count.
    assert content.index('data-check="no_billing_address"') < content.index(
        'data-check="review_overdue"'
    )
    assert content.index('id="preflight"') < content.index("data-summary")
    assert "1 blocker (1 person kept out of this run), 1 warning to check before approving" in words
    assert "Blocker No billing address: 1" in words
    assert "Warning Assessment past its review date: 1" in words
    assert "The financial assessment was due for review on 30/04/2025." in words
    counts = dict(re.findall(r'data-count="([a-z-]+)">(\d+)<', content))
    assert counts == {"people": "3", "changed": "2", "held": "0", "excluded": "1"}
    # Four weeks of Ada at £84.20 and of Cara at £150.00.
    assert figures(content)["to-invoice"] == "£936.80"
    assert figures(content)["to-credit"] == "£0.00"
    assert figures(row_of(page, council.ada.account_reference)) == {
        "this-run": "+£336.80", "last-run": "—", "since-last": "—",
    }  # fmt: skip
    bert = row_of(page, council.bert.account_reference)
    assert 'data-status="excluded"' in bert
    # Bert's four weeks at £50.00 are worked out but kept out until his address is recorded.
    assert figures(bert)["this-run"] == "£0.00"
    assert "+£200.00 worked out but not posted in this run" in text_of(bert)
    assert "Waiting for approval by a senior officer" in words
    assert "Download as Excel" in content
    runs = text(client(council.officer).get("/billing/"))
    assert f"Run {run.pk} 4 May 2025 Previewed 3 — +£936.80 (preview) Charlie" in runs


def test_bad_dates_are_refused_on_the_field(council: Council) -> None:
    officer = client(council.officer)
    bad = officer.post(
        "/billing/new/", {"through_day": "31", "through_month": "2", "through_year": "2025"}
    )
    assert bad.status_code == 400
    assert "Bill up to must be a real date" in text(bad)
    missing = officer.post("/billing/new/", {"through_day": "4", "through_month": "5"})
    assert missing.status_code == 400
    assert "Bill up to must include a year" in text(missing)
    early = officer.post(
        "/billing/new/", {"through_day": "30", "through_month": "3", "through_year": "2025"}
    )
    assert early.status_code == 400
    assert "Billing in carecharge starts on 07/04/2025; choose a later date" in text(early)
    assert 'href="#id_through_0"' in early.content.decode()
    assert BillingRun.objects.count() == 0


def test_a_date_before_the_last_posted_run_or_a_second_open_run_is_refused(
    council: Council,
) -> None:
    council.s.bill(to="2025-05-04")
    officer = client(council.officer)
    hint = text(officer.get("/billing/new/"))
    assert "after the last posted run (to 4 May 2025): 11 May 2025. For example, 11 5 2025" in hint
    earlier = officer.post(
        "/billing/new/", {"through_day": "20", "through_month": "4", "through_year": "2025"}
    )
    assert earlier.status_code == 400
    assert "A run to 04/05/2025 is already posted; a run must reach at least as far" in text(
        earlier
    )
    run = start(
        council.officer, {"through_day": "11", "through_month": "5", "through_year": "2025"}
    )
    other = officer.post(
        "/billing/new/", {"through_day": "18", "through_month": "5", "through_year": "2025"}
    )
    assert other.status_code == 400
    assert f"Run {run.pk} to 11/05/2025 is previewed: post or cancel it first" in text(other)
    assert f'href="/billing/{run.pk}/"' in other.content.decode()
    assert BillingRun.objects.count() == 2


def test_a_second_senior_officer_approves_and_the_starter_may_not(council: Council) -> None:
    run = start(council.senior)
    refused = client(council.senior).post(f"/billing/{run.pk}/approve/")
    assert refused.status_code == 409
    assert f"A second person must approve: sam started or previewed run {run.pk}" in text(refused)
    page = text(client(council.senior).get(f"/billing/{run.pk}/"))
    assert "You started or previewed this run, so another senior officer must approve it" in page
    assert f"Approve run {run.pk}" not in page
    assert client(council.officer).post(f"/billing/{run.pk}/approve/").status_code == 403
    run.refresh_from_db()
    assert run.state == RunState.PREVIEWED
    other = client(council.other_senior)
    assert f"Approve run {run.pk}" in text(other.get(f"/billing/{run.pk}/"))
    approved = other.post(f"/billing/{run.pk}/approve/")
    assert approved.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.approved_by) == (RunState.APPROVED, council.other_senior)
    page = text(client(council.officer).get(f"/billing/{run.pk}/"))
    assert "Approved" in page and "by Sue" in page
    assert "Post the charges and number the invoices" in page


def test_posting_before_approval_is_refused_and_nothing_is_posted(council: Council) -> None:
    run = start(council.officer)
    response = client(council.officer).post(f"/billing/{run.pk}/post/")
    assert response.status_code == 409
    assert "must be approved by a second person before it is posted" in text(response)
    assert (Invoice.objects.count(), ChargeRecord.objects.count()) == (0, 0)


def test_posting_shows_the_invoices_on_the_run_the_line_page_and_the_account(
    council: Council,
) -> None:
    run = approved_and_posted(council, start(council.officer))
    assert (run.state, run.task, run.invoices_count, run.lines_posted) == (
        RunState.POSTED, "", 2, 8,
    )  # fmt: skip
    page = client(council.officer).get(f"/billing/{run.pk}/")
    content = page.content.decode()
    assert "What was posted" in text(page)
    assert figures(content)["invoices"].startswith(
        "2 invoices and 0 credit notes, 8 lines, £936.80"
    )
    ada_invoice = Invoice.objects.get(person=council.ada)
    ada = row_of(page, council.ada.account_reference)
    assert f'href="/billing/invoices/{ada_invoice.pk}/pdf/">{ada_invoice.number}</a> £336.80' in ada
    assert 'data-status="posted"' in ada
    assert f"/billing/{run.pk}/post/" not in content and "Cancel the run" not in content
    # The charging officer does not download the finance files; a senior officer does.
    assert "data-exports" not in content
    senior = client(council.senior).get(f"/billing/{run.pk}/").content.decode()
    assert f'href="/billing/runs/{run.pk}/export/journal.csv"' in senior

    row = RunPerson.objects.get(run=run, person=council.ada)
    lines = client(council.officer).get(f"/billing/person/{row.pk}/")
    assert lines.status_code == 200
    words = text(lines)
    assert f"Invoice {ada_invoice.number}" in words
    assert words.count("New charge") == 4
    assert "7 to 13 April 2025 The whole week Contribution towards your care" in words
    assert re.findall(r'data-figure="amount">([^<]+)<', lines.content.decode()) == ["£84.20"] * 4
    assert f'on <a class="govuk-link" href="/billing/invoices/{ada_invoice.pk}/pdf/">' in (
        lines.content.decode()
    )

    account = client(council.officer).get(f"/people/{council.ada.pk}/account/")
    assert account.status_code == 200
    charges = re.search(r'data-table="charges".*?</table>', account.content.decode(), re.S)
    assert charges is not None
    due = ada_invoice.due_on.strftime("%d/%m/%Y")
    issued = ada_invoice.issued_on.strftime("%d/%m/%Y")
    assert f"Invoice {ada_invoice.number} {issued} £336.80 {due} Lines" in text_of(charges.group(0))
    assert f'href="/billing/person/{row.pk}/"' in charges.group(0)
    assert "No invoices have been raised yet" not in account.content.decode()
    # An assessment officer reads the account but does not open billing runs.
    assessor = client(user("amira.assessor", Role.ASSESSMENT_OFFICER))
    theirs = assessor.get(f"/people/{council.ada.pk}/account/").content.decode()
    assert ada_invoice.number in theirs and f'href="/billing/person/{row.pk}/"' not in theirs


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_change_since_the_last_run_and_a_correction_it_explains(council: Council) -> None:
    first = council.s.bill(to="2025-05-04")
    council.s.assess("ada", "50.00", starts="2025-04-14")
    run = start(council.officer, {"through_day": "1", "through_month": "6", "through_year": "2025"})
    page = client(council.officer).get(f"/billing/{run.pk}/")
    # Weeks 2 to 4 come down by £34.20 each (-£102.60) and weeks 5 to 8 are new at £50.00.
    assert figures(row_of(page, council.ada.account_reference)) == {
        "this-run": "+£97.40", "last-run": "£336.80", "since-last": "-£239.40",
    }  # fmt: skip
    # Cara's care home: four new weeks at £150.00, the same as last time.
    assert figures(row_of(page, council.cara.account_reference)) == {
        "this-run": "+£600.00", "last-run": "£600.00", "since-last": "£0.00",
    }  # fmt: skip
    assert f"Last posted run Run {first.pk} , to 4 May 2025" in text(page)
    row = RunPerson.objects.get(run=run, person=council.ada)
    lines = client(council.officer).get(f"/billing/person/{row.pk}/")
    words = text(lines)
    assert words.count("The financial assessment was revised") == 3
    earlier = ChargeRecord.objects.get(run=first, person=council.ada, week_start=date(2025, 4, 14))
    invoice = Invoice.objects.get(run=first, person=council.ada)
    assert f"Corrects £84.20 charged in run {first.pk} (to 04/05/2025) on {invoice.number}" in words
    first_row = RunPerson.objects.get(run=first, person=council.ada)
    assert f'href="/billing/person/{first_row.pk}/"' in lines.content.decode()
    assert earlier.amount_pence == 8420
    assert "Last run £336.80 in run" in words and "(-£239.40 since then)" in words


def test_the_people_table_filters_by_status_name_and_check_and_pages(
    council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = start(council.officer)
    officer = client(council.officer)
    excluded = officer.get(f"/billing/{run.pk}/?status=excluded")
    assert references_in(people_table(excluded)) == [council.bert.account_reference]
    assert "Everyone (3)" in excluded.content.decode()
    assert "Ready to post (2)" in excluded.content.decode()
    found = officer.get(f"/billing/{run.pk}/?q=cara")
    assert references_in(people_table(found)) == [council.cara.account_reference]
    checked = officer.get(f"/billing/{run.pk}/?check=review_overdue")
    assert "Only people with the pre-flight problem: Assessment past its review date" in text(
        checked
    )
    assert references_in(people_table(checked)) == [council.ada.account_reference]
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    second = officer.get(f"/billing/{run.pk}/?page=2")
    assert "Page 2 of 2" in text(second)
    # Ordered by surname then forename: all are Tester, so Ada, Bert | Cara.
    assert references_in(people_table(second)) == [council.cara.account_reference]


def test_a_held_person_is_released_by_a_senior_officer_with_a_note(council: Council) -> None:
    council.s.bill(to="2025-05-04")
    council.s.assess("ada", "200.00", starts="2025-04-07")
    run = start(council.officer)
    row = RunPerson.objects.get(run=run, person=council.ada)
    assert row.status == PersonStatus.HELD
    page = client(council.officer).get(f"/billing/{run.pk}/")
    assert 'data-count="held">1<' in page.content.decode()
    assert 'data-status="held"' in row_of(page, council.ada.account_reference)
    officer_view = client(council.officer).get(f"/billing/person/{row.pk}/")
    assert "Release to be posted" not in text(officer_view)
    assert "a senior officer must check the backdated charges" in text(officer_view)
    assert "£463.20 net to the person for weeks already billed" in text(officer_view)
    refused = client(council.officer).post(f"/billing/person/{row.pk}/release/", {"note": "x"})
    assert refused.status_code == 403
    senior = client(council.senior)
    assert "Release to be posted" in text(senior.get(f"/billing/person/{row.pk}/"))
    empty = senior.post(f"/billing/person/{row.pk}/release/", {"note": " "})
    assert empty.status_code == 400
    assert "Say what was reviewed and whether a payment plan was offered" in text(empty)
    row.refresh_from_db()
    assert row.status == PersonStatus.HELD
    note = "Checked the backdated amount; payment plan offered"
    released = senior.post(f"/billing/person/{row.pk}/release/", {"note": note})
    assert released.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.released_by, row.release_note) == (
        PersonStatus.RELEASED, council.senior, note,
    )  # fmt: skip
    assert f"by Sam: {note}" in text(senior.get(f"/billing/person/{row.pk}/"))
    again = senior.post(f"/billing/person/{row.pk}/release/", {"note": note})
    assert again.status_code == 400
    assert "This person is released after review; nothing to release" in text(again)
    run = approved_and_posted(council, run)
    assert council.s.invoices("ada", run) == ["invoice £463.20"]


def test_an_auditor_reads_but_cannot_act_and_others_cannot_read(council: Council) -> None:
    run = start(council.officer)
    auditor = client(user("ann.auditor", Role.AUDITOR))
    page = auditor.get(f"/billing/{run.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert all(f"/{action}/" not in content for action in ["approve", "post", "preview", "cancel"])
    assert auditor.post(f"/billing/{run.pk}/approve/").status_code == 403
    assert auditor.post(f"/billing/{run.pk}/cancel/", {"reason": "x"}).status_code == 403
    assert auditor.get(f"/billing/{run.pk}/excel/").status_code == 200
    assessor = client(user("amira.assessor", Role.ASSESSMENT_OFFICER))
    assert assessor.get("/billing/").status_code == 403
    assert assessor.post("/billing/new/", THROUGH).status_code == 403
    assert BillingRun.objects.count() == 1


def test_the_excel_preview_has_people_lines_and_problems_with_formats(council: Council) -> None:
    run = start(council.officer)
    response = client(council.officer).get(f"/billing/{run.pk}/excel/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="billing-run-{run.pk}-to-2025-05-04.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["People", "Lines", "Pre-flight problems"]
    people = book["People"]
    assert [c.value for c in people[1]] == [
        "Account reference", "Name", "Status", "To invoice", "To credit", "Collected by others",
        "Backdated", "This run", "Last run", "Change since the last run", "Lines", "Why",
    ]  # fmt: skip
    assert people.freeze_panes == "A2"
    assert people.auto_filter.ref == "A1:L4"
    rows = {row[0].value: row for row in people.iter_rows(min_row=2)}
    ada = rows[council.ada.account_reference]
    assert [c.value for c in ada[1:8]] == [
        "Ada Tester", "Ready to post", 336.8, 0, 0, 0, 336.8,
    ]  # fmt: skip
    assert ada[3].number_format == "£#,##0.00;-£#,##0.00"
    assert ada[7].number_format == "+£#,##0.00;-£#,##0.00;£0.00"
    assert ada[8].value is None  # no earlier run to compare with
    assert rows[council.bert.account_reference][2].value == "Excluded by a pre-flight check"
    lines = book["Lines"]
    assert lines.freeze_panes == "A2"
    assert lines.auto_filter.ref == "A1:P13"  # four weeks each for Ada, Bert and Cara
    ada_lines = [
        r for r in lines.iter_rows(min_row=2) if r[0].value == council.ada.account_reference
    ]
    assert len(ada_lines) == 4
    first = ada_lines[0]
    assert first[2].value.date() == date(2025, 4, 7)
    assert first[3].value.date() == date(2025, 4, 13)
    assert first[2].number_format == "dd/mm/yyyy"
    assert [first[6].value, first[9].value, first[10].value, first[11].value, first[12].value] == [
        7, 84.2, "Yes", "The person", "New charge",
    ]  # fmt: skip
    problems = book["Pre-flight problems"]
    assert problems.freeze_panes == "A2"
    assert [[c.value for c in r] for r in problems.iter_rows(min_row=2)] == [
        ["Blocker", "No billing address", council.bert.account_reference, "Bert Tester",
         "No billing or home address and no representative who receives invoices: an invoice "
         "could not be sent."],
        ["Warning", "Assessment past its review date", council.ada.account_reference,
         "Ada Tester", "The financial assessment was due for review on 30/04/2025."],
    ]  # fmt: skip


def test_restricted_people_are_masked_for_officers_who_may_not_open_them(
    council: Council,
) -> None:
    council.ada.restricted = True
    council.ada.save()
    run = start(council.officer)
    officer = client(council.officer).get(f"/billing/{run.pk}/")
    content = officer.content.decode()
    assert "Ada Tester" not in content
    assert council.ada.account_reference not in content
    assert "due for review on 30/04/2025" not in content
    assert "Restricted record" in content
    assert "(restricted record: open it to see why)" in content
    # A search by name does not find them either.
    assert "Nobody matches this filter" in text(
        client(council.officer).get(f"/billing/{run.pk}/", {"q": "Ada"})
    )
    book = openpyxl.load_workbook(
        io.BytesIO(client(council.officer).get(f"/billing/{run.pk}/excel/").content)
    )
    names = [row[1].value for row in book["People"].iter_rows(min_row=2)]
    assert "Ada Tester" not in names and "Restricted record" in names
    hidden = next(
        r for r in book["People"].iter_rows(min_row=2) if r[1].value == "Restricted record"
    )
    assert [c.value for c in hidden[3:11]] == [None] * 8
    assert all(
        r[0].value != council.ada.account_reference for r in book["Lines"].iter_rows(min_row=2)
    )
    row = RunPerson.objects.get(run=run, person=council.ada)
    assert client(council.officer).get(f"/billing/person/{row.pk}/").status_code == 403
    before = AuditEvent.objects.filter(action="restricted.viewed").count()
    senior = client(council.senior).get(f"/billing/{run.pk}/")
    assert "Ada Tester" in senior.content.decode()
    opened = AuditEvent.objects.filter(action="restricted.viewed").order_by("pk")
    assert opened.count() == before + 1
    assert opened.last().reason == f"Opened the billing run {run.pk} page"


def test_a_run_is_cancelled_with_a_reason_and_a_posted_run_cannot_be(council: Council) -> None:
    run = start(council.officer)
    officer = client(council.officer)
    assert "Cancel the run" in text(officer.get(f"/billing/{run.pk}/"))
    assert officer.get(f"/billing/{run.pk}/cancel/").status_code == 200
    empty = officer.post(f"/billing/{run.pk}/cancel/", {"reason": ""})
    assert empty.status_code == 400
    assert "Say why the run is cancelled" in text(empty)
    done = officer.post(f"/billing/{run.pk}/cancel/", {"reason": "Wrong date chosen"})
    assert done.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.cancelled_reason) == (RunState.CANCELLED, "Wrong date chosen")
    page = text(officer.get(f"/billing/{run.pk}/"))
    assert "Cancelled: Wrong date chosen." in page
    assert "Cancel the run" not in page and "preview again" not in page
    assert officer.post(f"/billing/{run.pk}/post/").status_code == 409
    assert officer.post(f"/billing/{run.pk}/preview/").status_code == 409
    posted = approved_and_posted(council, start(council.officer))
    refused = officer.post(f"/billing/{posted.pk}/cancel/", {"reason": "Too late"})
    assert refused.status_code == 400
    assert f"Run {posted.pk} is posted or has posted charges; it cannot be cancelled" in text(
        refused
    )
    posted.refresh_from_db()
    assert posted.state == RunState.POSTED


def test_a_preview_whose_worker_stopped_can_be_started_again(council: Council) -> None:
    run = operations.start_run(through=date(2025, 5, 4), actor=council.officer)
    # The worker took the preview, then its machine restarted: nothing recorded an error.
    operations.begin_preview(run, actor=council.officer)
    officer = client(council.officer)
    busy = text(officer.get(f"/billing/{run.pk}/"))
    assert "Running the pre-flight checks and working out the preview: finding the people" in busy
    assert "Check and preview again" not in busy and "Run the checks" not in busy
    refused = officer.post(f"/billing/{run.pk}/preview/")
    assert refused.status_code == 409
    assert f"Run {run.pk} is already being worked out; wait for it to finish" in text(refused)
    BillingRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - timedelta(minutes=11))
    stalled = text(officer.get(f"/billing/{run.pk}/"))
    assert "the worker doing this has stopped" in stalled
    assert "Run the checks and work out the preview" in stalled
    assert officer.post(f"/billing/{run.pk}/preview/").status_code == 302
    run.refresh_from_db()
    assert (run.state, run.task, run.people_count) == (RunState.PREVIEWED, "", 3)


def test_a_posting_already_under_way_is_not_started_twice_until_it_stalls(
    council: Council,
) -> None:
    run = start(council.officer)
    client(council.other_senior).post(f"/billing/{run.pk}/approve/")
    from carecharge.apps.web.council import rulebook

    operations.begin_post(run, actor=council.officer, book=rulebook())
    officer = client(council.officer)
    busy = officer.get(f"/billing/{run.pk}/")
    assert "Posting charges and numbering invoices: 0 of 2 people (0%)" in text(busy)
    assert f"/billing/{run.pk}/post/" not in busy.content.decode()
    twice = officer.post(f"/billing/{run.pk}/post/")
    assert twice.status_code == 409
    assert f"Run {run.pk} is already being posted; wait for it to finish" in text(twice)
    assert Invoice.objects.count() == 0
    BillingRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - timedelta(minutes=11))
    assert f"/billing/{run.pk}/post/" in officer.get(f"/billing/{run.pk}/").content.decode()
    assert officer.post(f"/billing/{run.pk}/post/").status_code == 302
    run.refresh_from_db()
    assert (run.state, run.invoices_count) == (RunState.POSTED, 2)


def test_a_person_who_could_not_be_worked_out_stops_approval(
    council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = operations.work_out_people

    def one_fails(inputs: Any, **kwargs: Any) -> dict[int, dict[str, Any]]:
        found = real(inputs, **kwargs)
        if council.cara.pk in found:
            found[council.cara.pk] = {
                **found[council.cara.pk],
                "status": PersonStatus.FAILED,
                "lines": [],
                "problem": "No price in the rules for the care home on 07/04/2025",
            }
        return found

    monkeypatch.setattr(operations, "work_out_people", one_fails)
    run = start(council.officer)
    other = client(council.other_senior)
    page = other.get(f"/billing/{run.pk}/")
    words = text(page)
    assert "1 person could not be worked out (see the table below)" in words
    assert f"Approve run {run.pk}" not in words
    assert "No price in the rules for the care home on 07/04/2025" in row_of(
        page, council.cara.account_reference
    )
    refused = other.post(f"/billing/{run.pk}/approve/")
    assert refused.status_code == 409
    assert "1 person could not be worked out: fix the data shown on the run" in text(refused)


def test_an_error_in_the_worker_is_shown_on_the_run(council: Council) -> None:
    run = start(council.officer)
    operations.record_failure(run, RuntimeError("the database went away"))
    page = text(client(council.officer).get(f"/billing/{run.pk}/"))
    assert "The last attempt stopped with an error: RuntimeError: the database went away." in page


def test_the_home_page_and_menu_offer_billing_runs_to_those_who_bill(council: Council) -> None:
    start(council.officer)
    home = text(client(council.officer).get("/"))
    assert "Billing runs: waiting for approval or posting 1" in home
    auditor = client(user("ann.auditor", Role.AUDITOR)).get("/").content.decode()
    assert 'href="/billing/">Billing runs</a>' in auditor
    assessor = client(user("amira.assessor", Role.ASSESSMENT_OFFICER)).get("/")
    assert "Billing runs" not in text(assessor)


def test_a_run_with_no_posted_run_before_and_nothing_to_bill(council: Council) -> None:
    """A second run to the same date after posting finds nothing to post for anyone."""
    approved_and_posted(council, start(council.officer))
    again = start(council.officer)
    page = client(council.officer).get(f"/billing/{again.pk}/")
    assert figures(page.content.decode())["to-invoice"] == "£0.00"
    assert figures(row_of(page, council.ada.account_reference)) == {
        "this-run": "£0.00", "last-run": "£336.80", "since-last": "-£336.80",
    }  # fmt: skip
    row = RunPerson.objects.get(run=again, person=council.ada)
    assert "Nothing to post: everything up to 4 May 2025 is already charged correctly." in text(
        client(council.officer).get(f"/billing/person/{row.pk}/")
    )
