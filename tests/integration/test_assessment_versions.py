"""Assessments are versioned: a revision supersedes earlier versions from its date, never edits
them, and the version in force on any date can be found and compared."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from carecharge.apps.assessments import operations, queries
from carecharge.apps.assessments.models import (
    Assessment,
    AssessmentState,
    CapitalItem,
    IncomeItem,
)
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.people.models import ServiceUser
from carecharge.core.rules import RuleBook, load_rules

pytestmark = pytest.mark.django_db
RULES = Path(__file__).resolve().parents[2] / "rules"
# Request-level policy, so the figures below do not depend on the demo council's choices.
PLAIN_POLICY = {
    "dre_mode": "itemised",
    "minimum_weekly_charge": "0.00",
    "taper_percent": "100",
    "disregard_night_care_element": False,
    "housing_costs_allowed": True,
}


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return load_rules(RULES)


@pytest.fixture
def person() -> ServiceUser:
    person = ServiceUser.objects.create(
        account_reference="00000018",
        forename="Edith",
        surname="Cavell",
        date_of_birth=date(1945, 12, 4),
    )
    IncomeItem.objects.create(
        person=person, type="new_state_pension", weekly_pence=23025, start_date=date(2025, 4, 7)
    )
    IncomeItem.objects.create(
        person=person,
        type="pip_mobility",
        rate="standard",
        weekly_pence=2920,
        start_date=date(2025, 4, 7),
    )
    CapitalItem.objects.create(
        person=person, type="savings", amount_pence=1_000_000, valued_on=date(2025, 5, 1)
    )
    return person


def draft(person: ServiceUser, start: date, *, pension: str, actor: Any = None) -> Assessment:
    assessment = operations.assessment_start(
        person=person, setting="non_residential", effective_from=start, actor=actor
    )
    request = dict(assessment.request)
    request["income"] = [
        {"type": "new_state_pension", "weekly": pension},
        {"type": "pip_mobility", "rate": "standard", "weekly": "29.20"},
    ]
    request["weekly_cost_of_care"] = "300.00"
    request["policy"] = PLAIN_POLICY
    request["overrides"] = {"mig": "200.00"}
    return operations.assessment_save_draft(assessment=assessment, request=request, actor=actor)


def test_a_draft_is_prefilled_from_the_declared_finances(person: ServiceUser) -> None:
    assessment = operations.assessment_start(
        person=person, setting="non_residential", effective_from=date(2025, 6, 2), actor=None
    )
    assert assessment.version == 1
    assert assessment.state == AssessmentState.DRAFT
    assert assessment.request["income"] == [
        {"type": "new_state_pension", "weekly": "230.25"},
        {"type": "pip_mobility", "weekly": "29.20", "rate": "standard"},
    ]
    assert assessment.request["capital"] == [{"type": "savings", "amount": "10000.00"}]
    assert assessment.request["person"]["date_of_birth"] == "1945-12-04"
    assert assessment.request["as_at"] == "2025-06-02"


def test_completing_freezes_the_result_and_the_rules_hash(
    person: ServiceUser, book: RuleBook
) -> None:
    assessment = draft(person, date(2025, 6, 2), pension="230.25")
    done = operations.assessment_complete(assessment=assessment, actor=None, book=book)
    # 230.25 pension counted; 29.20 PIP mobility disregarded; £10,000 is below the lower
    # capital limit (no tariff income); MIG 200.00 (override): 230.25 - 200.00 = 30.25.
    assert done.state == AssessmentState.COMPLETED
    assert done.weekly_charge_pence == 3025
    assert done.result["weekly_charge"] == "30.25"
    assert done.result["tariff_income"] == "0.00"
    assert done.rules_hash == book.content_hash
    assert done.next_review_date == date(2026, 6, 2)
    assert AuditEvent.objects.filter(action="assessment.completed").count() == 1


def test_a_revision_supersedes_from_its_date_and_keeps_the_old_version(
    person: ServiceUser, book: RuleBook
) -> None:
    first = operations.assessment_complete(
        assessment=draft(person, date(2025, 6, 2), pension="230.25"), actor=None, book=book
    )
    second = operations.assessment_complete(
        assessment=draft(person, date(2025, 9, 1), pension="250.25"), actor=None, book=book
    )
    first.refresh_from_db()
    assert (first.state, first.superseded_from, first.superseded_by_id) == (
        AssessmentState.SUPERSEDED,
        date(2025, 9, 1),
        second.pk,
    )
    assert first.weekly_charge_pence == 3025  # never edited
    assert second.weekly_charge_pence == 5025  # 250.25 - 200.00
    assert queries.in_force_on(person, date(2025, 6, 1)) is None
    assert queries.in_force_on(person, date(2025, 8, 31)) == first
    assert queries.in_force_on(person, date(2025, 9, 1)) == second
    rows = {row["label"]: row for row in queries.compare(first, second)}
    assert rows["Weekly charge"] == {
        "label": "Weekly charge",
        "before": "30.25",
        "after": "50.25",
        "changed": True,
    }
    assert rows["Capital counted"]["changed"] is False


def test_a_backdated_revision_wholly_replaces_versions_that_start_later(
    person: ServiceUser, book: RuleBook
) -> None:
    first = operations.assessment_complete(
        assessment=draft(person, date(2025, 6, 2), pension="230.25"), actor=None, book=book
    )
    second = operations.assessment_complete(
        assessment=draft(person, date(2025, 9, 1), pension="250.25"), actor=None, book=book
    )
    third = operations.assessment_complete(
        assessment=draft(person, date(2025, 5, 1), pension="240.25"), actor=None, book=book
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.superseded_from == date(2025, 6, 2)  # it never applies now
    assert second.superseded_from == date(2025, 9, 1)
    assert second.superseded_by_id == third.pk
    for day in [date(2025, 5, 1), date(2025, 6, 2), date(2025, 10, 1)]:
        assert queries.in_force_on(person, day) == third
    assert [a.version for a in queries.versions(person)] == [3, 2, 1]


def test_a_completed_assessment_cannot_be_changed(person: ServiceUser, book: RuleBook) -> None:
    done = operations.assessment_complete(
        assessment=draft(person, date(2025, 6, 2), pension="230.25"), actor=None, book=book
    )
    with pytest.raises(operations.AssessmentError, match="Only a draft can be changed"):
        operations.assessment_save_draft(assessment=done, request=done.request, actor=None)
    with pytest.raises(operations.AssessmentError, match="already completed"):
        operations.assessment_complete(assessment=done, actor=None, book=book)


def test_bad_input_names_the_field_and_changes_nothing(person: ServiceUser, book: RuleBook) -> None:
    assessment = draft(person, date(2025, 6, 2), pension="230.25")
    request = dict(assessment.request)
    request["income"] = [{"type": "new_state_pension", "weekly": "-5.00"}]
    assessment = operations.assessment_save_draft(
        assessment=assessment, request=request, actor=None
    )
    with pytest.raises(operations.AssessmentError, match=r"income\[0\]\.weekly"):
        operations.assessment_complete(assessment=assessment, actor=None, book=book)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT
    assert assessment.result is None
    assert not AuditEvent.objects.filter(action="assessment.completed").exists()


def test_the_weekly_cost_of_care_is_rounded_once_on_the_total(person: ServiceUser) -> None:
    from carecharge.apps.care.models import (
        CarePackage,
        ChargingMethod,
        Service,
        ServiceCategory,
        ServiceLine,
        Unit,
    )

    service = Service.objects.create(
        code="HC", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR,
        cost_centre="ASC100", subjective_code="9001",
    )  # fmt: skip
    package = CarePackage.objects.create(person=person, case_system_id="PK1")
    for n in range(2):
        ServiceLine.objects.create(
            package=package, case_system_id=f"L{n}", service=service,
            units_per_week=Decimal("1.50"), unit_cost_pence=1001, start_date=date(2025, 4, 1),
        )  # fmt: skip
    # Each line is 1.5 x £10.01 = £15.015; rounded line by line that would be £15.02 + £15.02 =
    # £30.04. The total, £30.03 exactly, is what is charged against.
    assert operations.weekly_cost_of_chargeable_care(person, date(2025, 6, 2)) == 3003


def test_save_and_complete_keeps_nothing_when_the_engine_refuses(
    person: ServiceUser, book: RuleBook
) -> None:
    assessment = draft(person, date(2025, 6, 2), pension="230.25")
    before = dict(assessment.request)
    bad = {**before, "income": [{"type": "new_state_pension", "weekly": "-5.00"}]}
    with pytest.raises(operations.AssessmentError, match=r"income\[0\]\.weekly"):
        operations.assessment_save_and_complete(
            assessment=assessment, request=bad, actor=None, book=book
        )
    assessment.refresh_from_db()
    assert assessment.request == before  # the save was rolled back with the completion
    assert assessment.state == AssessmentState.DRAFT
