"""The uprating screens and the Excel preview: start a run, read the preview (filtered and
paged), download it, approve it as a second person, post it, and close an item by hand.

The background tasks run straight away under the tests' immediate task backend.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments.models import Assessment
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.uprating import operations, views
from carecharge.apps.uprating.models import ItemStatus, RunState, UpratingItem, UpratingRun
from carecharge.apps.web.council import rulebook

from .test_uprating import FROM, Council, make_council, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(db: None) -> Council:
    return make_council(rulebook())


def client(who: User) -> Client:
    signed_in = Client()
    signed_in.force_login(who)
    return signed_in


def start(council: Council) -> UpratingRun:
    response = client(council.officer).post(
        "/uprating/new/",
        {"from_date_day": "6", "from_date_month": "4", "from_date_year": "2026"},
    )
    run = UpratingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/uprating/{run.pk}/"
    return run


def text(response: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def references(response: Any) -> list[str]:
    return re.findall(r'data-reference="(\d{8})"', response.content.decode())


def test_an_officer_starts_a_run_and_sees_the_preview(council: Council) -> None:
    page = client(council.officer).get("/uprating/new/")
    assert page.status_code == 200
    assert "Usually the Monday of the first full benefit week of April" in text(page)
    run = start(council)
    run.refresh_from_db()
    assert (run.state, run.previewed_by) == (RunState.PREVIEWED, council.officer)
    page = client(council.officer).get(f"/uprating/{run.pk}/")
    content = page.content.decode()
    counts = dict(re.findall(r'data-count="([a-z-]+)">(\d+)<', content))
    assert counts == {"people": "5", "ready": "2", "no-change": "1", "manual-review": "2"}
    assert "Total weekly charges: £501.90 now, £518.20 from 6 April 2026 (+£16.30 a week)." in text(
        page
    )
    assert "Download as Excel" in content
    # The officer who previewed it is told approval is for a senior officer.
    assert "Waiting for approval by a senior officer" in content
    ada = council.ada.account_reference
    row = re.search(rf'data-reference="{ada}".*?</tr>', content, re.S)
    assert row is not None
    assert re.findall(r'data-figure="\w+">([^<]+)<', row.group(0)) == [
        "£108.05",
        "£114.45",
        "+£6.40",
    ]


def test_a_bad_date_or_one_without_rules_is_refused_on_the_form(council: Council) -> None:
    officer = client(council.officer)
    bad = officer.post(
        "/uprating/new/", {"from_date_day": "31", "from_date_month": "2", "from_date_year": "2026"}
    )
    assert bad.status_code == 400
    assert "must be a real date" in text(bad)
    early = officer.post(
        "/uprating/new/", {"from_date_day": "9", "from_date_month": "4", "from_date_year": "2012"}
    )
    assert early.status_code == 400
    assert "The rules hold no benefit rates on 09/04/2012" in text(early)
    assert UpratingRun.objects.count() == 0


def test_the_preview_table_filters_and_pages(
    council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = start(council)
    officer = client(council.officer)
    review = officer.get(f"/uprating/{run.pk}/?status=manual_review")
    # By surname: Carrington, Jansch.
    assert references(review) == [council.dora.account_reference, council.bert.account_reference]
    assert "Open assessments" in review.content.decode()
    found = officer.get(f"/uprating/{run.pk}/?q=lovelace")
    assert references(found) == [council.ada.account_reference]
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    second = officer.get(f"/uprating/{run.pk}/?page=2")
    # Burt, Carrington | Hilton, Jansch | Lovelace
    assert references(second) == [council.rose.account_reference, council.bert.account_reference]
    assert "Page 2 of 3" in text(second)


def test_a_second_senior_officer_approves_and_the_run_is_posted(council: Council) -> None:
    run = operations_started_by(council.senior)
    refused = client(council.senior).post(f"/uprating/{run.pk}/approve/")
    assert refused.status_code == 409
    assert f"A second person must approve: sam.senior started or previewed run {run.pk}" in text(
        refused
    )
    assert "You started or previewed this run, so another senior officer must approve it" in (
        text(client(council.senior).get(f"/uprating/{run.pk}/"))
    )
    run.refresh_from_db()
    assert run.state == RunState.PREVIEWED
    approved = client(council.other_senior).post(f"/uprating/{run.pk}/approve/")
    assert approved.status_code == 302
    posted = client(council.officer).post(f"/uprating/{run.pk}/post/")
    assert posted.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.posted_count, run.task) == (RunState.POSTED, 2, "")
    new = Assessment.objects.get(person=council.ada, version=2)
    assert (new.effective_from, new.weekly_charge_pence) == (FROM, 11445)
    page = text(client(council.officer).get(f"/uprating/{run.pk}/"))
    assert "Approved" in page and "by Tara" in page


def operations_started_by(who: User) -> UpratingRun:
    response = client(who).post(
        "/uprating/new/", {"from_date_day": "6", "from_date_month": "4", "from_date_year": "2026"}
    )
    assert response.status_code == 302
    return UpratingRun.objects.get()


def test_posting_before_approval_is_refused_on_the_page(council: Council) -> None:
    run = start(council)
    response = client(council.officer).post(f"/uprating/{run.pk}/post/")
    assert response.status_code == 409
    assert "must be approved by a second person before it is posted" in text(response)
    assert Assessment.objects.filter(effective_from=FROM).count() == 1  # Fred's, made by hand


def test_an_auditor_reads_but_cannot_act(council: Council) -> None:
    run = start(council)
    auditor = client(user("ann.auditor", Role.AUDITOR))
    page = auditor.get(f"/uprating/{run.pk}/")
    assert page.status_code == 200
    content = page.content.decode()
    assert all(f"/{action}/" not in content for action in ["approve", "post", "preview"])
    assert auditor.post(f"/uprating/{run.pk}/approve/").status_code == 403
    assert auditor.get(f"/uprating/{run.pk}/excel/").status_code == 200


def test_the_excel_preview_has_numbers_formats_filters_and_the_rules(
    council: Council,
) -> None:
    book = rulebook()
    run = start(council)
    response = client(council.officer).get(f"/uprating/{run.pk}/excel/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f'filename="uprating-run-{run.pk}-from-2026-04-06.xlsx"' in response["Content-Disposition"]
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Preview", "Manual review", "Rules used"]
    sheet = workbook["Preview"]
    assert [c.value for c in sheet[1]] == [
        "Account reference", "Name", "Setting", "Assessment version", "Old weekly charge",
        "New weekly charge", "Difference", "Status", "Reasons",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I6"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    ada = rows[council.ada.account_reference]
    assert [ada[1].value, ada[4].value, ada[5].value, ada[6].value, ada[7].value] == [
        "Ada Lovelace", 108.05, 114.45, 6.4, "Ready to post",
    ]  # fmt: skip
    assert ada[4].number_format == "£#,##0.00"
    assert ada[6].number_format == "+£#,##0.00;-£#,##0.00;£0.00"
    bert = rows[council.bert.account_reference]
    assert (bert[5].value, bert[7].value) == (None, "Manual review")
    review = workbook["Manual review"]
    assert review.freeze_panes == "A2"
    reasons = [(r[0].value, r[2].value) for r in review.iter_rows(min_row=2)]
    assert [ref for ref, _ in reasons] == [council.dora.account_reference] + [
        council.bert.account_reference
    ] * 2
    assert reasons[1][1].startswith("State Pension (£150.00 a week)")
    rules = workbook["Rules used"]
    facts = {row[0].value: row[1].value for row in rules.iter_rows(max_row=6)}
    assert facts["Rules content hash (preview)"] == book.content_hash
    assert facts["New figures take effect"].date() == date(2026, 4, 6)
    table = {
        row[0].value: (row[2].value, row[3].value)
        for row in rules.iter_rows(min_row=8)
        if row[0].value
    }
    assert table["england.benefits.attendance_allowance.higher"] == (110.4, 114.6)
    assert table["england.benefits.state_pension.new_full"] == (230.25, 241.3)


def test_restricted_people_are_masked_for_officers_who_may_not_open_them(
    council: Council,
) -> None:
    council.bert.restricted = True
    council.bert.save()
    run = start(council)
    officer = client(council.officer).get(f"/uprating/{run.pk}/?status=manual_review")
    assert "Bert Jansch" not in officer.content.decode()
    assert "Restricted record" in officer.content.decode()
    sheet = openpyxl.load_workbook(
        io.BytesIO(client(council.officer).get(f"/uprating/{run.pk}/excel/").content)
    )["Preview"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert "Bert Jansch" not in rows and "Restricted record" in rows
    # Nothing of the restricted person's reference or money is in the officer's copy.
    hidden = rows["Restricted record"]
    assert [cell.value for cell in hidden[:1] + hidden[2:7]] == [None] * 6
    assert council.bert.account_reference not in officer.content.decode()
    # A search by name does not find them either.
    found = client(council.officer).get(f"/uprating/{run.pk}/", {"q": "Jansch"})
    assert "Restricted record" not in found.content.decode()
    before = AuditEvent.objects.filter(action="restricted.viewed").count()
    senior = client(council.senior).get(f"/uprating/{run.pk}/?status=manual_review")
    assert "Bert Jansch" in senior.content.decode()
    # Shown in full to a senior officer: recorded as an opening of the restricted record.
    opened = AuditEvent.objects.filter(action="restricted.viewed").order_by("pk")
    assert opened.count() == before + 1
    assert opened.last().reason == f"Opened the uprating run {run.pk} page"
    item = UpratingItem.objects.get(person=council.bert)
    assert client(council.officer).get(f"/uprating/item/{item.pk}/").status_code == 403


def test_an_item_page_explains_and_is_closed_by_hand(council: Council) -> None:
    run = start(council)
    ada = UpratingItem.objects.get(run=run, person=council.ada)
    page = text(client(council.officer).get(f"/uprating/item/{ada.pk}/"))
    assert "Attendance Allowance (higher rate) £110.40 £114.60" in page
    assert "england.benefits.attendance_allowance.higher" in page
    dora = UpratingItem.objects.get(run=run, person=council.dora)
    missing = client(council.officer).post(
        f"/uprating/item/{dora.pk}/resolve/", {"outcome": "skipped", "reason": ""}
    )
    assert missing.status_code == 400
    assert "Say what was done, or why the person is left as they are" in text(missing)
    unrevised = client(council.officer).post(
        f"/uprating/item/{dora.pk}/resolve/", {"outcome": "resolved", "reason": "Done"}
    )
    assert unrevised.status_code == 400
    assert "complete the revised assessment first" in text(unrevised)
    done = client(council.officer).post(
        f"/uprating/item/{dora.pk}/resolve/",
        {"outcome": "skipped", "reason": "Her care ends on 10 April"},
    )
    assert done.status_code == 302
    dora.refresh_from_db()
    assert dora.status == ItemStatus.SKIPPED
    assert dora.reasons[-1] == "Her care ends on 10 April"


def test_the_home_page_offers_uprating_to_the_assessment_team(council: Council) -> None:
    start(council)
    page = text(client(council.officer).get("/"))
    assert "Annual uprating: runs waiting for approval or posting 1" in page
    charging = client(user("chris.charging", Role.CHARGING_OFFICER)).get("/")
    assert "Annual uprating" not in text(charging)


def test_a_date_on_which_no_rate_changes_is_flagged(council: Council) -> None:
    response = client(council.officer).post(
        "/uprating/new/", {"from_date_day": "5", "from_date_month": "4", "from_date_year": "2026"}
    )
    run = UpratingRun.objects.get()
    assert response.status_code == 302
    page = text(client(council.officer).get(f"/uprating/{run.pk}/"))
    assert (
        "No benefit rate in the rules changes on 05/04/2026: they last changed on 07/04/2025. "
        "Check the date before this run is approved." in page
    )
    assert "No benefit rate" not in text(client(council.officer).get("/uprating/"))


def test_a_posting_whose_worker_stopped_can_be_started_again(council: Council) -> None:
    run = start(council)
    client(council.other_senior).post(f"/uprating/{run.pk}/approve/")
    # The worker began posting, then its machine restarted: nothing recorded an error.
    operations.begin_post(run, actor=council.officer)
    officer = client(council.officer)
    busy = officer.get(f"/uprating/{run.pk}/").content.decode()
    assert "Posting the new assessments: 0 of 2 people" in " ".join(busy.split())
    assert f"/uprating/{run.pk}/post/" not in busy
    UpratingRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - timedelta(minutes=11))
    stalled = officer.get(f"/uprating/{run.pk}/").content.decode()
    assert "the worker doing this has stopped" in stalled
    assert f"/uprating/{run.pk}/post/" in stalled
    assert officer.post(f"/uprating/{run.pk}/post/").status_code == 302
    run.refresh_from_db()
    assert (run.state, run.task, run.posted_count) == (RunState.POSTED, "", 2)
