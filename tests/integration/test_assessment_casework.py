"""What sits around the calculation: a deferred payment agreement's disposable income allowance,
notional capital only as the council decided it, dated notes, uploaded evidence, and the
provisional charge flagged until a first assessment."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments import operations, queries
from carecharge.apps.assessments.models import (
    Assessment,
    AssessmentNote,
    AssessmentState,
    DeprivationDecision,
    EvidenceDocument,
    IncomeItem,
)
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care.models import (
    CarePackage,
    ChargingMethod,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.web.council import rulebook
from carecharge.core.money import parse_pounds

pytestmark = pytest.mark.django_db
PEA = "england.charging.personal_expenses_allowance"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def person() -> ServiceUser:
    person = ServiceUser.objects.create(
        account_reference="00000026", forename="Ada", surname="Lovelace",
        date_of_birth=date(1940, 12, 10),
    )  # fmt: skip
    IncomeItem.objects.create(
        person=person, type="state_pension", weekly_pence=20000, start_date=date(2025, 4, 7)
    )
    IncomeItem.objects.create(
        person=person, type="occupational_pension", weekly_pence=15000,
        start_date=date(2025, 4, 7),
    )  # fmt: skip
    return person


@pytest.fixture
def assessor(client_for: Any) -> Client:
    client: Client = client_for(Role.ASSESSMENT_OFFICER)
    return client


def resident_draft(person: ServiceUser, day: date = date(2025, 6, 2)) -> Assessment:
    draft = operations.assessment_start(
        person=person, setting="residential_permanent", effective_from=day, actor=None
    )
    request = dict(draft.request)
    request["weekly_cost_of_care"] = "900.00"
    return operations.assessment_save_draft(assessment=draft, request=request, actor=None)


# Deferred payment agreements ------------------------------------------------------------------


def test_a_deferred_payment_agreement_keeps_the_chosen_allowance(person: ServiceUser) -> None:
    draft = resident_draft(person)
    done = operations.assessment_save_and_complete(
        assessment=draft,
        request=draft.request,
        actor=None,
        book=rulebook(),
        deferred_payment=operations.DeferredPayment(True, 12000),
    )
    # The agreement does not change the charge: income 350.00 less the PEA.
    assert done.result is not None
    pea = parse_pounds(done.result["allowances"]["pea"])
    assert pea == rulebook().as_at(date(2025, 6, 2)).pence(PEA)
    assert done.weekly_charge_pence == 35000 - pea
    assert done.deferred_payment_agreement is True
    assert done.disposable_income_allowance_pence == 12000
    # It splits it: 350.00 less the 120.00 kept = 230.00 from income, the rest deferred.
    split = queries.deferred_payment_split(done)
    assert split is not None
    assert (split.from_income, split.deferred) == (23000, 35000 - pea - 23000)


def test_without_a_chosen_amount_the_national_maximum_applies(person: ServiceUser) -> None:
    draft = resident_draft(person)
    done = operations.assessment_save_and_complete(
        assessment=draft,
        request=draft.request,
        actor=None,
        book=rulebook(),
        deferred_payment=operations.DeferredPayment(True),
    )
    maximum = rulebook().as_at(date(2025, 6, 2)).pence(operations.DIA_MAXIMUM)
    # "The maximum" is frozen at completion, so the split never moves with later rules.
    assert done.disposable_income_allowance_pence == maximum
    split = queries.deferred_payment_split(done)
    assert split is not None
    assert split.from_income == 35000 - maximum
    assert split.from_income + split.deferred == done.weekly_charge_pence


def test_an_allowance_over_the_maximum_changes_nothing(person: ServiceUser) -> None:
    draft = resident_draft(person)
    before = dict(draft.request)
    with pytest.raises(operations.AssessmentError, match="disposable_income_allowance: must be"):
        operations.assessment_save_and_complete(
            assessment=draft,
            request={**draft.request, "weekly_cost_of_care": "1.00"},
            actor=None,
            book=rulebook(),
            deferred_payment=operations.DeferredPayment(True, 14401),
        )
    draft.refresh_from_db()
    assert draft.state == AssessmentState.DRAFT
    assert draft.request == before
    assert draft.deferred_payment_agreement is False


def test_an_agreement_is_refused_for_care_at_home(person: ServiceUser) -> None:
    draft = operations.assessment_start(
        person=person, setting="non_residential", effective_from=date(2025, 6, 2), actor=None
    )
    with pytest.raises(operations.AssessmentError, match="permanent care-home resident"):
        operations.assessment_save_draft(
            assessment=draft,
            request=draft.request,
            actor=None,
            deferred_payment=operations.DeferredPayment(True),
        )


def test_a_revision_keeps_the_agreement(person: ServiceUser) -> None:
    draft = resident_draft(person)
    operations.assessment_save_and_complete(
        assessment=draft,
        request=draft.request,
        actor=None,
        book=rulebook(),
        deferred_payment=operations.DeferredPayment(True, 10000),
    )
    revision = operations.assessment_start(
        person=person,
        setting="residential_permanent",
        effective_from=date(2025, 9, 1),
        actor=None,
        request=draft.request,
    )
    assert revision.deferred_payment_agreement is True
    assert revision.disposable_income_allowance_pence == 10000
    done = operations.assessment_complete(assessment=revision, actor=None, book=rulebook())
    split = queries.deferred_payment_split(done)
    assert split is not None and split.allowance == 10000
    assert split.from_income == 35000 - 10000


def test_the_edit_screen_records_the_agreement(person: ServiceUser, assessor: Client) -> None:
    draft = resident_draft(person)
    response = assessor.get(f"/assessments/{draft.pk}/edit/")
    editor = response.context["editor"]
    data: dict[str, Any] = {}
    for form in [editor.main] + [f for s in editor.sections for f in s.forms]:
        for field in form:
            value = field.value()
            if isinstance(value, list):
                data[field.html_name] = value
            elif isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
    for section in editor.sections:
        data[f"{section.kind.prefix}-rows"] = len(section.forms)
    data.update(
        deferred_payment_agreement="on", disposable_income_allowance="99.50", action="complete"
    )
    response = assessor.post(f"/assessments/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.context and response.context.get("problems")
    draft.refresh_from_db()
    assert draft.state == AssessmentState.COMPLETED
    assert draft.disposable_income_allowance_pence == 9950
    # 350.00 - 99.50 = 250.50 paid from income; the charge itself is unchanged.
    pea = rulebook().as_at(date(2025, 6, 2)).pence(PEA)
    assert draft.weekly_charge_pence == 35000 - pea
    page = assessor.get(f"/assessments/{draft.pk}/").content.decode()
    assert "disposable income allowance of £99.50 a week" in page
    assert "£250.50" in page


# Notional capital -----------------------------------------------------------------------------


def decide(person: ServiceUser, amount: int = 2_000_000, **changes: Any) -> DeprivationDecision:
    values: dict[str, Any] = {
        "person": person,
        "asset": "£20,000 given to a grandson",
        "amount_pence": amount,
        "disposed_on": date(2025, 1, 10),
        "decided_on": date(2025, 5, 1),
        "reason": "Given six weeks after the care needs assessment; no other reason found.",
        "actor": None,
    }
    values.update(changes)
    return operations.record_deprivation_decision(**values)


def test_notional_capital_needs_a_decision(person: ServiceUser) -> None:
    draft = resident_draft(person)
    request = {**draft.request, "capital": [{"type": "notional", "amount": "20000.00"}]}
    with pytest.raises(operations.AssessmentError, match="no deprivation decision is in force"):
        operations.assessment_save_and_complete(
            assessment=draft, request=request, actor=None, book=rulebook()
        )
    draft.refresh_from_db()
    assert draft.state == AssessmentState.DRAFT
    assert draft.request["capital"] == []


def test_a_new_assessment_counts_the_decisions_in_force(person: ServiceUser) -> None:
    decision = decide(person)
    decide(person, 500_000, decided_on=date(2025, 8, 1))  # not yet made on 2 June
    draft = resident_draft(person)
    assert draft.request["capital"] == [{"type": "notional", "amount": "20000.00"}]
    done = operations.assessment_complete(assessment=draft, actor=None, book=rulebook())
    assert list(done.deprivation_decisions.all()) == [decision]
    assert done.result is not None and done.result["capital_counted"] == "20000.00"


def test_the_notional_capital_counted_must_match_the_decisions(person: ServiceUser) -> None:
    decide(person)
    draft = resident_draft(person)
    request = {**draft.request, "capital": [{"type": "notional", "amount": "15000.00"}]}
    with pytest.raises(operations.AssessmentError, match=r"\(£15000.00\) must equal .*£20000.00"):
        operations.assessment_save_and_complete(
            assessment=draft, request=request, actor=None, book=rulebook()
        )


@pytest.mark.parametrize("marked", [{"joint": True}, {"share": "0.5"}])
def test_notional_capital_cannot_be_halved(person: ServiceUser, marked: dict[str, Any]) -> None:
    decide(person, 3_000_000)
    draft = resident_draft(person)
    request = {
        **draft.request,
        "capital": [{"type": "notional", "amount": "30000.00", **marked}],
    }
    with pytest.raises(operations.AssessmentError, match=r"capital\[0\]\.joint: notional"):
        operations.assessment_save_and_complete(
            assessment=draft, request=request, actor=None, book=rulebook()
        )
    draft.refresh_from_db()
    assert draft.state == AssessmentState.DRAFT


def test_a_date_without_rules_is_refused_not_a_crash(person: ServiceUser, assessor: Client) -> None:
    with pytest.raises(operations.AssessmentError, match="rules do not cover 06/01/2014"):
        operations.assessment_start(
            person=person, setting="residential_permanent", effective_from=date(2014, 1, 6),
            actor=None,
        )  # fmt: skip
    form = {
        "setting": "residential_permanent",
        "effective_from_day": "6", "effective_from_month": "1", "effective_from_year": "2014",
    }  # fmt: skip
    response = assessor.post(f"/assessments/start/{person.pk}/", form)
    assert response.status_code == 400
    assert "the charging rules do not cover 06/01/2014" in response.content.decode()
    assert not Assessment.objects.exists()
    # A draft made with a request of its own (as uprating does) still cannot take an
    # agreement the rules have no maximum for.
    draft = operations.assessment_start(
        person=person, setting="residential_permanent", effective_from=date(2014, 1, 6),
        actor=None, request={"person": {"age": 80}},
    )  # fmt: skip
    with pytest.raises(operations.AssessmentError, match="no national maximum is in force"):
        operations.assessment_save_draft(
            assessment=draft,
            request=draft.request,
            actor=None,
            deferred_payment=operations.DeferredPayment(True, 10000),
        )


def test_a_withdrawn_decision_is_not_counted_from_its_date(person: ServiceUser) -> None:
    decision = decide(person)
    operations.withdraw_deprivation_decision(
        decision=decision,
        withdrawn_on=date(2025, 9, 1),
        reason="Overturned on review: the gift was a long-standing promise.",
        actor=None,
    )
    assert resident_draft(person, date(2025, 8, 31)).request["capital"] == [
        {"type": "notional", "amount": "20000.00"}
    ]
    assert resident_draft(person, date(2025, 9, 1)).request["capital"] == []
    with pytest.raises(operations.AssessmentError, match="already withdrawn"):
        operations.withdraw_deprivation_decision(
            decision=decision, withdrawn_on=date(2025, 10, 1), reason="again", actor=None
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"asset": "  "}, "asset: say what"),
        ({"amount": 0}, "amount: the notional capital must be more than"),
        ({"disposed_on": date(2025, 6, 1)}, "disposed_on: the disposal must be on or before"),
        ({"reason": ""}, "reason: explain why"),
    ],
)
def test_a_bad_decision_is_refused(
    person: ServiceUser, changes: dict[str, Any], message: str
) -> None:
    amount = changes.pop("amount", 2_000_000)
    with pytest.raises(operations.AssessmentError, match=message):
        decide(person, amount, **changes)
    assert DeprivationDecision.objects.count() == 0


def test_decisions_are_recorded_and_withdrawn_on_screen(
    person: ServiceUser, assessor: Client
) -> None:
    url = f"/assessments/deprivation/{person.pk}/new/"
    bad = assessor.post(url, {"asset": "Flat", "amount": "-5", "reason": ""})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Notional capital to count must be an amount in pounds" in page
    assert "Explain why the council decided this was deprivation" in page
    form = {
        "asset": "Share of a flat transferred to a daughter",
        "amount": "45,000.00",
        "disposed_on_day": "3", "disposed_on_month": "2", "disposed_on_year": "2025",
        "decided_on_day": "1", "decided_on_month": "7", "decided_on_year": "2025",
        "reason": "Transferred the week after moving into the care home.",
    }  # fmt: skip
    assert assessor.post(url, form).status_code == 302
    decision = DeprivationDecision.objects.get()
    assert decision.amount_pence == 4_500_000
    assert AuditEvent.objects.filter(object_type="assessments.deprivationdecision").count() == 1
    tab = assessor.get(f"/people/{person.pk}/assessments/").content.decode()
    assert "Share of a flat transferred to a daughter" in tab
    assert "£45,000.00" in tab
    withdraw = f"/assessments/deprivation/decision/{decision.pk}/withdraw/"
    form = {
        "withdrawn_on_day": "1", "withdrawn_on_month": "4", "withdrawn_on_year": "2026",
        "reason": "Overturned on appeal",
    }  # fmt: skip
    assert assessor.post(withdraw, form).status_code == 302
    decision.refresh_from_db()
    assert decision.withdrawn_on == date(2026, 4, 1)
    assert "Withdrawn" in assessor.get(f"/people/{person.pk}/assessments/").content.decode()


# Notes and evidence ---------------------------------------------------------------------------


def test_notes_are_added_and_kept(person: ServiceUser, assessor: Client) -> None:
    draft = resident_draft(person)
    empty = assessor.post(f"/assessments/{draft.pk}/notes/", {"text": "   "})
    assert empty.status_code == 400
    assert "Enter the note" in empty.content.decode()
    response = assessor.post(
        f"/assessments/{draft.pk}/notes/", {"text": "Daughter rang: pension statement to follow."}
    )
    assert response.status_code == 302
    note = AssessmentNote.objects.get()
    assert note.text == "Daughter rang: pension statement to follow."
    assert note.created_by is not None and note.created_by.username
    page = assessor.get(f"/assessments/{draft.pk}/").content.decode()
    assert "Daughter rang: pension statement to follow." in page
    assert AuditEvent.objects.filter(object_type="assessments.assessmentnote").count() == 1


def test_evidence_is_stored_as_uploaded_and_downloaded_unchanged(
    person: ServiceUser, assessor: Client
) -> None:
    draft = resident_draft(person)
    upload = SimpleUploadedFile("award.pdf", PDF, content_type="application/octet-stream")
    response = assessor.post(
        f"/assessments/{draft.pk}/evidence/",
        {"description": "Pension award letter", "document": upload},
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.content_type == "application/pdf"  # from the bytes, not the browser
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.size_bytes == len(PDF)
    download = assessor.get(f"/assessments/evidence/{document.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="award.pdf"'
    assert download.content == PDF
    event = AuditEvent.objects.get(object_type="assessments.evidencedocument")
    assert event.changes["sha256"] == [None, document.sha256]
    assert "content" not in event.changes


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bank.pdf", b"MZ\x90\x00 a program", "is called .pdf but is not a PDF"),
        ("script.exe", b"MZ\x90\x00", "must be one of: .docx, .jpeg, .jpg, .pdf"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_kept(
    person: ServiceUser, assessor: Client, name: str, content: bytes, message: str
) -> None:
    draft = resident_draft(person)
    response = assessor.post(
        f"/assessments/{draft.pk}/evidence/",
        {"description": "Statement", "document": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert EvidenceDocument.objects.count() == 0


def test_the_same_file_twice_is_refused(person: ServiceUser) -> None:
    draft = resident_draft(person)
    operations.upload_evidence(
        assessment=draft, description="Statement", file_name="a.pdf", content=PDF, actor=None
    )
    with pytest.raises(operations.AssessmentError, match=r"already uploaded on .* as 'Statement'"):
        operations.upload_evidence(
            assessment=draft, description="Again", file_name="b.pdf", content=PDF, actor=None
        )
    assert EvidenceDocument.objects.count() == 1


def test_a_restricted_persons_evidence_is_audited_when_opened(
    person: ServiceUser, client_for: Any
) -> None:
    person.restricted = True
    person.save()
    draft = resident_draft(person)
    document = operations.upload_evidence(
        assessment=draft, description="Statement", file_name="a.pdf", content=PDF, actor=None
    )
    officer = client_for(Role.CHARGING_OFFICER)
    assert officer.get(f"/assessments/evidence/{document.pk}/").status_code == 403
    refusal = AuditEvent.objects.get(
        object_type="people.serviceuser", object_id=str(person.pk), action="restricted.refused"
    )
    assert refusal.reason == "Opened the evidence page"


# The provisional charge -----------------------------------------------------------------------


def give_care(person: ServiceUser, weekly_units: str = "10", unit_cost: int = 2000) -> None:
    service = Service.objects.create(
        code="HC", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, cost_centre="ASC100",
        subjective_code="9001",
    )  # fmt: skip
    package = CarePackage.objects.create(person=person, case_system_id="PK1")
    ServiceLine.objects.create(
        package=package, case_system_id="SL1", service=service,
        units_per_week=Decimal(weekly_units), unit_cost_pence=unit_cost,
        start_date=date(2026, 9, 7),
    )  # fmt: skip


def test_a_provisional_charge_is_flagged_until_the_first_assessment(
    person: ServiceUser, assessor: Client
) -> None:
    give_care(person)
    found = queries.provisional_charge(person, date(2026, 11, 23))
    # Aged 85: the demo council's pension-credit-age band, £40.00, under the £200.00 cost.
    assert found is not None
    assert found["weekly_pence"] == 4000
    assert found["since"] == date(2026, 9, 7)
    tab = assessor.get(f"/people/{person.pk}/assessments/").content.decode()
    assert 'data-flag="provisional-charge"' in tab
    assert "£40.00" in tab
    draft = operations.assessment_start(
        person=person, setting="non_residential", effective_from=date(2026, 9, 7), actor=None
    )
    operations.assessment_complete(assessment=draft, actor=None, book=rulebook())
    assert queries.provisional_charge(person, date(2026, 11, 23)) is None
    tab = assessor.get(f"/people/{person.pk}/assessments/").content.decode()
    assert 'data-flag="provisional-charge"' not in tab


def test_a_provisional_charge_is_never_more_than_the_care(person: ServiceUser) -> None:
    give_care(person, weekly_units="1", unit_cost=1850)
    found = queries.provisional_charge(person, date(2026, 11, 23))
    assert found is not None
    assert found["weekly_pence"] == 1850
    assert found["trace"][-1]["label"] == "Capped at the weekly cost of care, £18.50"


def test_no_provisional_charge_once_care_has_ended(person: ServiceUser) -> None:
    give_care(person)
    ServiceLine.objects.update(end_date=date(2026, 10, 31))
    assert queries.provisional_charge(person, date(2026, 10, 31)) is not None
    assert queries.provisional_charge(person, date(2026, 11, 1)) is None


def test_no_care_no_provisional_charge(person: ServiceUser) -> None:
    assert queries.provisional_charge(person, date(2026, 11, 23)) is None
