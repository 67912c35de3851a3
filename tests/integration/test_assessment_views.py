"""The assessment screens: start, edit a draft, complete, read the calculation, revise, compare.

Requests carry their own `policy` and an `overrides.mig` / `overrides.pea`, so the figures below
follow from the inputs and not from rule values still being verified.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments import operations
from carecharge.apps.assessments.models import (
    Assessment,
    AssessmentState,
    CapitalItem,
    IncomeItem,
)
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.people.models import ServiceUser

pytestmark = pytest.mark.django_db
PLAIN_POLICY = {
    "dre_mode": "itemised",
    "minimum_weekly_charge": "0.00",
    "taper_percent": "100",
    "disregard_night_care_element": False,
    "housing_costs_allowed": True,
}


@pytest.fixture
def person() -> ServiceUser:
    person = ServiceUser.objects.create(
        account_reference="00000018", forename="Edith", surname="Cavell",
        date_of_birth=date(1945, 12, 4),
    )  # fmt: skip
    IncomeItem.objects.create(
        person=person, type="new_state_pension", weekly_pence=23025, start_date=date(2025, 4, 7)
    )
    IncomeItem.objects.create(
        person=person, type="pip_mobility", rate="standard", weekly_pence=2920,
        start_date=date(2025, 4, 7),
    )  # fmt: skip
    CapitalItem.objects.create(
        person=person, type="savings", amount_pence=1_000_000, valued_on=date(2025, 5, 1)
    )
    return person


@pytest.fixture
def assessor(client_for: Any) -> Client:
    client: Client = client_for(Role.ASSESSMENT_OFFICER)
    return client


def start_draft(person: ServiceUser, day: date, *, setting: str = "non_residential") -> Assessment:
    """A draft with the test policy and a fixed MIG or PEA, as an officer's council would have."""
    draft = operations.assessment_start(
        person=person, setting=setting, effective_from=day, actor=None
    )
    request = dict(draft.request)
    request["policy"] = PLAIN_POLICY
    request["overrides"] = {"mig": "200.00", "pea": "30.65"}
    request["weekly_cost_of_care"] = "300.00"
    return operations.assessment_save_draft(assessment=draft, request=request, actor=None)


def screen(client: Client, assessment: Assessment) -> dict[str, Any]:
    """What the edit screen shows, as the form data a browser would send back."""
    response = client.get(f"/assessments/{assessment.pk}/edit/")
    assert response.status_code == 200
    editor = response.context["editor"]
    data: dict[str, Any] = {}
    for form in [editor.main] + [f for s in editor.sections for f in s.forms]:
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif field.name == "first_permanent_admission":
                for part, text in zip(["day", "month", "year"], value or ["", "", ""], strict=True):
                    data[f"{field.html_name}_{part}"] = "" if text is None else str(text)
            else:
                data[field.html_name] = "" if value is None else value
    for section in editor.sections:
        data[f"{section.kind.prefix}-rows"] = str(len(section.forms))
    return data


def test_starting_an_assessment_creates_a_draft_and_opens_it(
    assessor: Client, person: ServiceUser
) -> None:
    page = assessor.get(f"/people/{person.pk}/assessments/").content.decode()
    assert "No financial assessment has been completed yet" in page
    assert f'href="/assessments/start/{person.pk}/"' in page
    form = assessor.get(f"/assessments/start/{person.pk}/").content.decode()
    assert "Care at home and in the community" in form and "Why is it being revised?" not in form
    response = assessor.post(
        f"/assessments/start/{person.pk}/",
        {
            "setting": "non_residential",
            "effective_from_day": "2",
            "effective_from_month": "6",
            "effective_from_year": "2025",
        },
    )
    draft = Assessment.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{draft.pk}/edit/"
    assert (draft.version, draft.state, draft.effective_from) == (1, "draft", date(2025, 6, 2))
    edit = assessor.get(response["Location"]).content.decode()
    assert 'value="230.25"' in edit and 'value="10000.00"' in edit
    listed = assessor.get(f"/people/{person.pk}/assessments/").content.decode()
    assert "Version 1" in listed and "Draft" in listed


def test_starting_needs_a_kind_and_a_real_date(assessor: Client, person: ServiceUser) -> None:
    response = assessor.post(
        f"/assessments/start/{person.pk}/",
        {"effective_from_day": "31", "effective_from_month": "2", "effective_from_year": "2025"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose what kind of assessment it is" in page
    assert "The date it takes effect must be a real date" in page
    assert 'href="#id_effective_from_0"' in page and 'href="#id_setting_0"' in page
    assert not Assessment.objects.exists()


def test_a_bad_amount_names_the_field_and_nothing_is_saved(
    assessor: Client, person: ServiceUser
) -> None:
    draft = start_draft(person, date(2025, 6, 2))
    before, events = dict(draft.request), AuditEvent.objects.count()
    data = screen(assessor, draft)
    data.update({"income-0-weekly": "230.2.5", "weekly_cost_of_care": "", "action": "save"})
    response = assessor.post(f"/assessments/{draft.pk}/edit/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Income row 1: Weekly amount must be an amount in pounds, like 12.50" in page
    assert 'href="#id_income-0-weekly"' in page
    assert "Enter the weekly cost of care" in page
    assert 'value="230.2.5"' in page  # what was typed is shown again
    draft.refresh_from_db()
    assert draft.request == before
    assert AuditEvent.objects.count() == events


def test_saving_a_draft_reads_pounds_and_keeps_what_the_screen_does_not_show(
    assessor: Client, person: ServiceUser
) -> None:
    draft = start_draft(person, date(2025, 6, 2))
    data = screen(assessor, draft)
    data.update({
        "premiums": ["disability"], "weekly_cost_of_care": "£1,234.56",
        "housing-0-type": "council_tax", "housing-0-weekly": "6",
        "dre-0-type": "laundry", "dre-0-weekly": "4.5", "dre-0-evidence": "receipts",
        "capital-0-share": "50", "action": "save",
    })  # fmt: skip
    response = assessor.post(f"/assessments/{draft.pk}/edit/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    saved = draft.request
    assert saved["weekly_cost_of_care"] == "1234.56"
    assert saved["person"]["premiums"] == ["disability"]
    assert saved["person"]["date_of_birth"] == "1945-12-04"
    assert saved["income"] == [
        {"type": "new_state_pension", "weekly": "230.25"},
        {"type": "pip_mobility", "weekly": "29.20", "rate": "standard"},
    ]
    assert saved["capital"] == [{"type": "savings", "amount": "10000.00", "share": "0.5"}]
    assert saved["expenses"] == {
        "housing": [{"type": "council_tax", "weekly": "6.00"}],
        "dre": [{"type": "laundry", "weekly": "4.50", "evidence": "receipts"}],
    }
    assert saved["policy"] == PLAIN_POLICY and saved["overrides"]["mig"] == "200.00"
    assert draft.state == AssessmentState.DRAFT


def test_add_another_row_shows_one_more_blank_row_and_saves_nothing(
    assessor: Client, person: ServiceUser
) -> None:
    draft = start_draft(person, date(2025, 6, 2))
    data = screen(assessor, draft)
    rows = int(data["income-rows"])
    data.update({"income-0-weekly": "240.00", "action": "add-income"})
    response = assessor.post(f"/assessments/{draft.pk}/edit/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'name="income-rows" value="{rows + 1}"' in page
    assert f'name="income-{rows}-weekly"' in page
    assert 'value="240.00"' in page and "There is a problem" not in page
    draft.refresh_from_db()
    assert draft.request["income"][0]["weekly"] == "230.25"


def test_completing_shows_the_weekly_charge_and_how_it_was_worked_out(
    assessor: Client, person: ServiceUser
) -> None:
    draft = start_draft(person, date(2025, 6, 2))
    data = screen(assessor, draft)
    data["action"] = "complete"
    response = assessor.post(f"/assessments/{draft.pk}/edit/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{draft.pk}/"
    draft.refresh_from_db()
    # 230.25 pension counted, 29.20 PIP mobility disregarded, £10,000 below the lower capital
    # limit, MIG 200.00 (override): 230.25 - 200.00 = 30.25.
    assert draft.state == AssessmentState.COMPLETED
    assert draft.weekly_charge_pence == 3025
    page = assessor.get(response["Location"]).content.decode()
    assert "Assessment version 1 is complete" in page
    assert 'data-figure="weekly-charge">£30.25</p>' in page
    assert "not the full cost" in page and "£300.00 a week" in page
    for step in draft.result["trace"]:
        assert escape(step["label"]) in page
    assert draft.rules_hash[:12] in page and draft.rules_hash not in page
    assert "As at 2 June 2025" in page
    # A completed version is read, not edited.
    again = assessor.get(f"/assessments/{draft.pk}/edit/")
    assert again.status_code == 302 and again["Location"] == f"/assessments/{draft.pk}/"


def test_an_engine_refusal_is_shown_against_its_field_and_nothing_changes(
    assessor: Client, person: ServiceUser
) -> None:
    draft = start_draft(person, date(2025, 6, 2))
    before = dict(draft.request)
    data = screen(assessor, draft)
    data.update({"income-0-rate": "higher", "action": "complete"})  # no rates for a pension
    response = assessor.post(f"/assessments/{draft.pk}/edit/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Income row 1, rate:" in page  # the engine says why, after the field it names
    assert 'href="#id_income-0-rate"' in page
    draft.refresh_from_db()
    assert draft.state == AssessmentState.DRAFT and draft.result is None
    assert draft.request == before


def test_a_residential_assessment(assessor: Client, person: ServiceUser) -> None:
    draft = start_draft(person, date(2025, 6, 2), setting="residential_permanent")
    data = screen(assessor, draft)
    data.update({"weekly_cost_of_care": "850.00", "action": "complete"})
    assert (
        "Weekly fee of the care home"
        in assessor.get(f"/assessments/{draft.pk}/edit/").content.decode()
    )
    response = assessor.post(f"/assessments/{draft.pk}/edit/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    # 230.25 pension counted, PIP mobility disregarded, PEA 30.65 (override): 199.60.
    assert draft.weekly_charge_pence == 19960
    page = assessor.get(f"/assessments/{draft.pk}/").content.decode()
    assert "Care home (permanent)" in page and "£199.60" in page


def test_a_revision_supersedes_the_earlier_version_and_the_two_can_be_compared(
    assessor: Client, person: ServiceUser
) -> None:
    first = start_draft(person, date(2025, 6, 2))
    assessor.post(
        f"/assessments/{first.pk}/edit/", {**screen(assessor, first), "action": "complete"}
    )
    start = f"/assessments/start/{person.pk}/"
    form = assessor.get(start).content.decode()
    assert "Why is it being revised?" in form and "A copy of assessment version 1" in form
    when = {"effective_from_day": "1", "effective_from_month": "9", "effective_from_year": "2025"}
    refused = assessor.post(start, {"setting": "non_residential", "start_from": "previous", **when})
    assert refused.status_code == 400
    assert "Enter why the assessment is being revised" in refused.content.decode()
    response = assessor.post(
        start,
        {
            "setting": "non_residential",
            "start_from": "previous",
            "reason": "Pension went up",
            **when,
        },
    )
    second = Assessment.objects.get(person=person, version=2)
    assert response["Location"] == f"/assessments/{second.pk}/edit/"
    assert second.reason == "Pension went up"
    assert second.request["overrides"]["mig"] == "200.00"  # copied from version 1
    data = {**screen(assessor, second), "income-0-weekly": "250.25", "action": "complete"}
    assert assessor.post(f"/assessments/{second.pk}/edit/", data).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == AssessmentState.SUPERSEDED and second.weekly_charge_pence == 5025

    listed = assessor.get(f"/people/{person.pk}/assessments/").content.decode()
    assert "31 Aug 2025" in listed and "Current" in listed and "Superseded" in listed
    assert "£30.25" in listed and "£50.25" in listed
    older = assessor.get(f"/assessments/{first.pk}/").content.decode()
    assert "Superseded from 1 September 2025" in older
    assert f'href="/assessments/{second.pk}/">version 2</a>' in older
    newer = assessor.get(f"/assessments/{second.pk}/").content.decode()
    compare_href = f"/assessments/{first.pk}/compare/{second.pk}/"
    assert f'href="{compare_href}">Compare with version 1</a>' in newer

    response = assessor.get(compare_href)
    rows = {row["label"]: row for row in response.context["comparison"]["rows"]}
    assert rows["Weekly charge"] == {
        "label": "Weekly charge", "before": "£30.25", "after": "£50.25", "changed": True,
    }  # fmt: skip
    assert rows["Total weekly income"]["changed"] is True
    assert rows["Capital counted"]["changed"] is False
    page = response.content.decode()
    assert "£30.25" in page and "£50.25" in page and "Changed" in page
    # The same two, asked for the other way round, read older to newer.
    reverse = assessor.get(f"/assessments/{second.pk}/compare/{first.pk}/")
    assert reverse.context["comparison"]["older"]["version"] == 1


def test_a_charging_officer_reads_assessments_but_cannot_start_or_edit_one(
    officer_client: Client, person: ServiceUser
) -> None:
    draft = start_draft(person, date(2025, 6, 2))
    tab = officer_client.get(f"/people/{person.pk}/assessments/").content.decode()
    assert "Version 1" in tab and "Start a new assessment" not in tab
    assert officer_client.get(f"/assessments/start/{person.pk}/").status_code == 403
    posted = officer_client.post(
        f"/assessments/start/{person.pk}/",
        {"setting": "non_residential", "effective_from_day": "2",
         "effective_from_month": "6", "effective_from_year": "2025"},
    )  # fmt: skip
    assert posted.status_code == 403
    assert officer_client.post(f"/assessments/{draft.pk}/edit/", {}).status_code == 403
    assert officer_client.get(f"/assessments/{draft.pk}/").status_code == 200
    assert Assessment.objects.count() == 1


def test_comparing_two_peoples_assessments_is_not_found(
    assessor: Client, person: ServiceUser
) -> None:
    other = ServiceUser.objects.create(
        account_reference="00000026", forename="Mary", surname="Seacole",
        date_of_birth=date(1940, 1, 1),
    )  # fmt: skip
    mine = start_draft(person, date(2025, 6, 2))
    theirs = start_draft(other, date(2025, 6, 2))
    assert assessor.get(f"/assessments/{mine.pk}/compare/{theirs.pk}/").status_code == 404
    assert assessor.get(f"/assessments/{mine.pk}/compare/{mine.pk + 99}/").status_code == 404


def test_restricted_records_are_refused_and_recorded(assessor: Client, person: ServiceUser) -> None:
    draft = start_draft(person, date(2025, 6, 2))
    ServiceUser.objects.filter(pk=person.pk).update(restricted=True)
    for url in [
        f"/assessments/start/{person.pk}/",
        f"/assessments/{draft.pk}/edit/",
        f"/assessments/{draft.pk}/",
        f"/assessments/{draft.pk}/compare/{draft.pk}/",
    ]:
        response = assessor.get(url)
        assert response.status_code == 403, url
        assert "This is a restricted record" in response.content.decode()
    refused = AuditEvent.objects.filter(action="restricted.refused", object_id=str(person.pk))
    assert refused.count() == 4
