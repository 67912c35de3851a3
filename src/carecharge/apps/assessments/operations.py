"""Writes for financial assessments: drafts, completion, and revision by supersession.

A completed assessment is never edited. Completing a new version from a date supersedes every
earlier version from that date (wholly, if it began on or after it), so the history of what
applied when is kept and billing can re-rate the past from it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from carecharge.apps.audit.operations import record_create, record_update, snapshot
from carecharge.apps.care.models import ChargingMethod, ServiceLine
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.web.council import rulebook
from carecharge.core.assessment.contract import Assessor
from carecharge.core.assessment.errors import AssessmentError as EngineError
from carecharge.core.assessment.figures import round_amount
from carecharge.core.money import parse_pounds, to_decimal_string
from carecharge.core.rules import RuleBook

from .models import Assessment, AssessmentSetting, AssessmentState, CapitalItem, IncomeItem

AUDITED = ["state", "effective_from", "effective_to", "superseded_from", "weekly_charge_pence"]


class AssessmentError(ValueError):
    """An assessment cannot be completed; the message names the field and says why."""


def weekly_cost_of_chargeable_care(person: ServiceUser, on: date) -> int:
    """The weekly cost of the person's means-tested service lines running on a date, in pence."""
    lines = ServiceLine.objects.filter(
        package__person=person,
        service__charging_method=ChargingMethod.MEANS_TESTED,
        package__chc=False,
        package__section_117=False,
        start_date__lte=on,
    ).exclude(end_date__lt=on)
    # Summed exactly, then rounded once by the named rule (never line by line).
    exact = sum((line.units_per_week * line.unit_cost_pence for line in lines), Decimal(0))
    rule = rulebook().as_at(on).rounding("england.charging.rounding.weekly_charge")
    return round_amount(exact, rule)


def request_from_declarations(
    person: ServiceUser, *, as_at: date, setting: str, weekly_cost_of_care_pence: int | None = None
) -> dict[str, Any]:
    """A contract request pre-filled from what the person has declared, for the officer to
    complete (premiums, property, housing costs and DRE are asked on the assessment screen)."""
    incomes = IncomeItem.objects.filter(person=person, start_date__lte=as_at).exclude(
        end_date__lt=as_at
    )
    capital = CapitalItem.objects.filter(person=person)
    cost = (
        weekly_cost_of_care_pence
        if weekly_cost_of_care_pence is not None
        else weekly_cost_of_chargeable_care(person, as_at)
    )
    income_rows: list[dict[str, Any]] = []
    for item in incomes:
        row: dict[str, Any] = {"type": item.type, "weekly": to_decimal_string(item.weekly_pence)}
        if item.rate:
            row["rate"] = item.rate
        if item.joint:
            row["joint"] = True
        if item.type == "other":
            row["treatment"] = "counted"
        income_rows.append(row)
    capital_rows: list[dict[str, Any]] = []
    for cap in capital:
        row = {"type": cap.type, "amount": to_decimal_string(cap.amount_pence)}
        if cap.joint:
            row["joint"] = True
        elif cap.share != Decimal(1):
            row["share"] = str(cap.share.normalize())
        capital_rows.append(row)
    return {
        "as_at": as_at.isoformat(),
        "jurisdiction": "england",
        "setting": setting,
        "person": {
            "date_of_birth": person.date_of_birth.isoformat(),
            "pension_credit_age": None,
            "has_partner": person.partner_id is not None,
            "partner_in_home": False,
            "lone_parent": False,
            "dependent_children": 0,
            "premiums": [],
            "night_care_provided": False,
        },
        "income": income_rows,
        "capital": capital_rows,
        "property": {"first_permanent_admission": None, "occupied_by_qualifying_relative": False},
        "expenses": {"housing": [], "dre": []},
        "weekly_cost_of_care": to_decimal_string(cost),
        "policy": {},
        "overrides": {},
    }


@transaction.atomic
def assessment_start(
    *,
    person: ServiceUser,
    setting: str,
    effective_from: date,
    actor: Any,
    request: Mapping[str, Any] | None = None,
    reason: str = "",
) -> Assessment:
    if setting not in AssessmentSetting.values:
        raise AssessmentError(f"setting: {setting!r} is not a kind of assessment")
    ServiceUser.objects.select_for_update().get(pk=person.pk)
    last = Assessment.objects.filter(person=person).aggregate(n=Max("version"))["n"] or 0
    body = (
        dict(request)
        if request is not None
        else request_from_declarations(person, as_at=effective_from, setting=setting)
    )
    body["as_at"] = effective_from.isoformat()
    body["setting"] = setting
    assessment = Assessment.objects.create(
        person=person,
        version=last + 1,
        setting=setting,
        effective_from=effective_from,
        request=body,
        reason=reason,
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_create(actor=actor, instance=assessment, reason=reason, source="web")
    return assessment


@transaction.atomic
def assessment_save_draft(
    *, assessment: Assessment, request: Mapping[str, Any], actor: Any
) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.state != AssessmentState.DRAFT:
        raise AssessmentError("Only a draft can be changed; revise the assessment instead.")
    before = snapshot(locked, ["request"])
    locked.request = copy.deepcopy(dict(request))
    locked.request["setting"] = locked.setting
    locked.request["as_at"] = locked.effective_from.isoformat()
    locked.save(update_fields=["request"])
    record_update(actor=actor, instance=locked, before=before, source="web")
    return locked


@transaction.atomic
def assessment_complete(
    *,
    assessment: Assessment,
    actor: Any,
    book: RuleBook,
    next_review_date: date | None = None,
    reason: str = "",
) -> Assessment:
    """Run the engine on the draft, freeze its result, and supersede earlier versions."""
    ServiceUser.objects.select_for_update().get(pk=assessment.person_id)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.state != AssessmentState.DRAFT:
        raise AssessmentError("This assessment is already completed.")
    try:
        # The council's own policy (rules/local/<council>/assessment/) fills what the request
        # leaves out, with its references in the trace.
        result = Assessor(book, council=settings.CARECHARGE_COUNCIL).assess_data(locked.request)
    except EngineError as error:
        raise AssessmentError(str(error)) from None
    before = snapshot(locked, AUDITED)
    locked.result = result
    locked.state = AssessmentState.COMPLETED
    locked.weekly_charge_pence = parse_pounds(result["weekly_charge"])
    locked.full_cost = bool(result["full_cost"])
    locked.rules_hash = result["rules"]["hash"]
    locked.next_review_date = next_review_date or _a_year_after(locked.effective_from)
    locked.completed_at = timezone.now()
    locked.completed_by = actor if getattr(actor, "is_authenticated", False) else None
    if reason:
        locked.reason = reason
    locked.save()
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        reason=reason,
        source="web",
        action="assessment.completed",
    )
    _supersede_earlier(locked, actor=actor)
    return locked


@transaction.atomic
def assessment_save_and_complete(
    *, assessment: Assessment, request: Mapping[str, Any], actor: Any, book: RuleBook
) -> Assessment:
    """Save the officer's screen and complete it together: if the engine refuses the request,
    neither the save nor the completion is kept."""
    saved = assessment_save_draft(assessment=assessment, request=request, actor=actor)
    return assessment_complete(assessment=saved, actor=actor, book=book)


def _supersede_earlier(newer: Assessment, *, actor: Any) -> None:
    earlier = (
        Assessment.objects.select_for_update()
        .filter(person_id=newer.person_id, version__lt=newer.version)
        .exclude(state=AssessmentState.DRAFT)
    )
    start = newer.effective_from
    for older in earlier:
        stops_on = max(start, older.effective_from)
        if older.effective_to is not None and older.effective_to < start:
            continue  # it had already ended before the new version begins
        if older.superseded_from is not None and older.superseded_from <= stops_on:
            continue  # an even earlier revision already took over
        before = snapshot(older, AUDITED)
        older.state = AssessmentState.SUPERSEDED
        older.superseded_from = stops_on
        older.superseded_by = newer
        older.save(update_fields=["state", "superseded_from", "superseded_by"])
        record_update(
            actor=actor,
            instance=older,
            before=before,
            source="web",
            reason=f"Superseded by assessment {newer.version} from {start:%d/%m/%Y}",
            action="assessment.superseded",
        )


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)
