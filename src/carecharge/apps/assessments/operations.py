"""Writes for financial assessments: drafts, completion, and revision by supersession.

A completed assessment is never edited. Completing a new version from a date supersedes every
earlier version from that date (wholly, if it began on or after it), so the history of what
applied when is kept and billing can re-rate the past from it.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from carecharge.apps.audit.operations import record_create, record_event, record_update, snapshot
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.web.council import rulebook
from carecharge.core.assessment import deferred_payment
from carecharge.core.assessment.contract import Assessor
from carecharge.core.assessment.errors import AssessmentError as EngineError
from carecharge.core.money import parse_pounds, to_decimal_string
from carecharge.core.rules import RuleBook, RuleEntry, RuleError

from . import evidence as evidence_files
from .models import (
    Assessment,
    AssessmentNote,
    AssessmentSetting,
    AssessmentState,
    CapitalItem,
    CapitalType,
    DeprivationDecision,
    EvidenceDocument,
    IncomeItem,
)
from .queries import weekly_cost_of_chargeable_care

AUDITED = ["state", "effective_from", "effective_to", "superseded_from", "weekly_charge_pence"]
DPA_FIELDS = ["deferred_payment_agreement", "disposable_income_allowance_pence"]
DIA_MAXIMUM = deferred_payment.MAXIMUM_RULE
NOTE_LIMIT = 5000


class AssessmentError(ValueError):
    """An assessment cannot be completed; the message names the field and says why."""


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
    for cap in capital.exclude(type=CapitalType.NOTIONAL):
        row = {"type": cap.type, "amount": to_decimal_string(cap.amount_pence)}
        if cap.joint:
            row["joint"] = True
        elif cap.share != Decimal(1):
            row["share"] = str(cap.share.normalize())
        capital_rows.append(row)
    # Notional capital is counted only as the council decided it (Annex E), never as declared.
    for decision in deprivation_decisions_in_force(person, as_at):
        capital_rows.append(
            {"type": CapitalType.NOTIONAL.value, "amount": to_decimal_string(decision.amount_pence)}
        )
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
    try:
        body = (
            dict(request)
            if request is not None
            else request_from_declarations(person, as_at=effective_from, setting=setting)
        )
    except RuleError as error:
        raise AssessmentError(
            f"effective_from: the charging rules do not cover {effective_from:%d/%m/%Y} ({error})"
        ) from None
    body["as_at"] = effective_from.isoformat()
    body["setting"] = setting
    # A deferred payment agreement outlives any one assessment: a new version of a permanent
    # resident's assessment keeps it (and the allowance chosen) until an officer says otherwise.
    latest = (
        Assessment.objects.filter(person=person)
        .exclude(state=AssessmentState.DRAFT)
        .order_by("-version")
        .first()
    )
    carried = (
        latest is not None
        and latest.deferred_payment_agreement
        and setting == AssessmentSetting.RESIDENTIAL_PERMANENT
    )
    assessment = Assessment.objects.create(
        person=person,
        version=last + 1,
        setting=setting,
        effective_from=effective_from,
        request=body,
        reason=reason,
        deferred_payment_agreement=carried,
        disposable_income_allowance_pence=(
            latest.disposable_income_allowance_pence if carried and latest else None
        ),
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_create(actor=actor, instance=assessment, reason=reason, source="web")
    return assessment


@dataclass(frozen=True)
class DeferredPayment:
    """Whether a deferred payment agreement is in place, and the weekly disposable income
    allowance the person chose to keep (``None``: the national maximum)."""

    in_place: bool
    allowance_pence: int | None = None


@transaction.atomic
def assessment_save_draft(
    *,
    assessment: Assessment,
    request: Mapping[str, Any],
    actor: Any,
    deferred_payment: DeferredPayment | None = None,
) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.state != AssessmentState.DRAFT:
        raise AssessmentError("Only a draft can be changed; revise the assessment instead.")
    before = snapshot(locked, ["request", *DPA_FIELDS])
    locked.request = copy.deepcopy(dict(request))
    locked.request["setting"] = locked.setting
    locked.request["as_at"] = locked.effective_from.isoformat()
    if deferred_payment is not None:
        _check_deferred_payment(locked, deferred_payment)
        locked.deferred_payment_agreement = deferred_payment.in_place
        locked.disposable_income_allowance_pence = (
            deferred_payment.allowance_pence if deferred_payment.in_place else None
        )
    locked.save(update_fields=["request", *DPA_FIELDS])
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
    decisions = _check_notional_capital(locked)
    result = assess(locked.request, book=book)
    before = snapshot(locked, [*AUDITED, "disposable_income_allowance_pence"])
    if locked.deferred_payment_agreement:
        # "The maximum" is frozen as the figure in force, so the split never moves later.
        maximum = _dia_maximum(locked.effective_from, book)
        allowance = locked.disposable_income_allowance_pence
        if allowance is None:
            assert isinstance(maximum.value, int)
            allowance = maximum.value
        locked.disposable_income_allowance_pence = allowance
        try:
            deferred_payment.split(result, allowance=allowance, maximum=maximum)
        except EngineError as error:
            raise AssessmentError(str(error)) from None
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
    locked.deprivation_decisions.set(decisions)
    _supersede_earlier(locked, actor=actor)
    return locked


@transaction.atomic
def assessment_save_and_complete(
    *,
    assessment: Assessment,
    request: Mapping[str, Any],
    actor: Any,
    book: RuleBook,
    deferred_payment: DeferredPayment | None = None,
) -> Assessment:
    """Save the officer's screen and complete it together: if the engine refuses the request,
    neither the save nor the completion is kept."""
    saved = assessment_save_draft(
        assessment=assessment, request=request, actor=actor, deferred_payment=deferred_payment
    )
    return assessment_complete(assessment=saved, actor=actor, book=book)


def assess(request: Mapping[str, Any], *, book: RuleBook | None = None) -> dict[str, Any]:
    """Run the engine as a completion does: the council's own policy (rules/local/<council>/
    assessment/) fills what the request leaves out, with its references in the trace. Other
    batch work (uprating, replay) calls this so its figures match a completion's."""
    try:
        return Assessor(book or rulebook(), council=settings.CARECHARGE_COUNCIL).assess_data(
            request
        )
    except EngineError as error:
        raise AssessmentError(str(error)) from None


def _dia_maximum(day: date, book: RuleBook) -> RuleEntry:
    try:
        return book.as_at(day).entry(DIA_MAXIMUM)
    except RuleError:
        raise AssessmentError(
            f"disposable_income_allowance: no national maximum is in force on {day:%d/%m/%Y}"
        ) from None


def _check_deferred_payment(assessment: Assessment, deferred: DeferredPayment) -> None:
    if not deferred.in_place:
        return
    if assessment.setting != AssessmentSetting.RESIDENTIAL_PERMANENT:
        raise AssessmentError(
            "deferred_payment_agreement: a deferred payment agreement applies only to a "
            "permanent care-home resident"
        )
    chosen = deferred.allowance_pence
    if chosen is None:
        return
    entry = _dia_maximum(assessment.effective_from, rulebook())
    maximum = entry.value
    assert isinstance(maximum, int)
    if not 0 <= chosen <= maximum:
        raise AssessmentError(
            "disposable_income_allowance: must be between £0.00 and the maximum of "
            f"£{to_decimal_string(maximum)} a week on {assessment.effective_from:%d/%m/%Y}"
        )


def deprivation_decisions_in_force(person: ServiceUser, day: date) -> list[DeprivationDecision]:
    return [
        decision
        for decision in DeprivationDecision.objects.filter(person=person, decided_on__lte=day)
        if decision.in_force_on(day)
    ]


def notional_capital_problem(
    request: Mapping[str, Any], person: ServiceUser, on: date
) -> tuple[str | None, list[DeprivationDecision]]:
    """Notional capital is counted only as the council decided it: each notional row in full
    (never joint or shared), adding up to the deprivation decisions in force on the date.
    Returns what is wrong (None if nothing) and the decisions in force."""
    counted = 0
    for index, row in enumerate(request.get("capital") or []):
        if not isinstance(row, Mapping) or row.get("type") != CapitalType.NOTIONAL:
            continue
        share = row.get("share")
        if row.get("joint") or (share is not None and Decimal(str(share)) != 1):
            return (
                f"capital[{index}].joint: notional capital is counted in full, as the "
                "deprivation decision says; it cannot be joint or part-owned",
                [],
            )
        try:
            counted += parse_pounds(str(row.get("amount")))
        except ValueError:
            return None, []  # the engine names the bad amount
    decisions = deprivation_decisions_in_force(person, on)
    decided = sum(decision.amount_pence for decision in decisions)
    if counted == decided:
        return None, decisions
    day = f"{on:%d/%m/%Y}"
    if not decisions:
        return (
            f"capital: notional capital of £{to_decimal_string(counted)} is counted, but no "
            f"deprivation decision is in force on {day}. Record the decision first.",
            [],
        )
    return (
        f"capital: notional capital counted (£{to_decimal_string(counted)}) must equal the "
        f"deprivation decisions in force on {day} (£{to_decimal_string(decided)})",
        decisions,
    )


def _check_notional_capital(assessment: Assessment) -> list[DeprivationDecision]:
    problem, decisions = notional_capital_problem(
        assessment.request, assessment.person, assessment.effective_from
    )
    if problem is not None:
        raise AssessmentError(problem)
    return decisions


@transaction.atomic
def record_deprivation_decision(
    *,
    person: ServiceUser,
    asset: str,
    amount_pence: int,
    disposed_on: date,
    decided_on: date,
    reason: str,
    actor: Any,
) -> DeprivationDecision:
    asset, reason = asset.strip(), reason.strip()
    if not asset:
        raise AssessmentError("asset: say what the person disposed of")
    if amount_pence <= 0:
        raise AssessmentError("amount: the notional capital must be more than £0.00")
    if disposed_on > decided_on:
        raise AssessmentError("disposed_on: the disposal must be on or before the decision")
    if not reason:
        raise AssessmentError(
            "reason: explain why the council decided this was deprivation (timing, purpose)"
        )
    decision = DeprivationDecision.objects.create(
        person=person,
        asset=asset,
        amount_pence=amount_pence,
        disposed_on=disposed_on,
        decided_on=decided_on,
        reason=reason,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    record_create(actor=actor, instance=decision, reason=reason, source="web")
    return decision


@transaction.atomic
def withdraw_deprivation_decision(
    *, decision: DeprivationDecision, withdrawn_on: date, reason: str, actor: Any
) -> DeprivationDecision:
    locked = DeprivationDecision.objects.select_for_update().get(pk=decision.pk)
    reason = reason.strip()
    if locked.withdrawn_on is not None:
        raise AssessmentError(
            f"withdrawn_on: this decision was already withdrawn from {locked.withdrawn_on:%d/%m/%Y}"
        )
    if withdrawn_on < locked.decided_on:
        raise AssessmentError("withdrawn_on: a decision cannot be withdrawn before it was made")
    if not reason:
        raise AssessmentError("reason: say why the decision is withdrawn")
    before = snapshot(locked, ["withdrawn_on", "withdrawn_reason"])
    locked.withdrawn_on, locked.withdrawn_reason = withdrawn_on, reason
    locked.save(update_fields=["withdrawn_on", "withdrawn_reason"])
    record_update(actor=actor, instance=locked, before=before, reason=reason, source="web")
    return locked


@transaction.atomic
def add_note(*, assessment: Assessment, text: str, actor: Any) -> AssessmentNote:
    text = text.strip()
    if not text:
        raise AssessmentError("text: enter the note")
    if len(text) > NOTE_LIMIT:
        raise AssessmentError(f"text: a note must be {NOTE_LIMIT} characters or fewer")
    note = AssessmentNote.objects.create(
        assessment=assessment,
        text=text,
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_create(actor=actor, instance=note, source="web")
    return note


@transaction.atomic
def upload_evidence(
    *,
    assessment: Assessment,
    description: str,
    file_name: str,
    content: bytes,
    actor: Any,
) -> EvidenceDocument:
    description = description.strip()
    if not description:
        raise AssessmentError("description: say what the document is, like 'Bank statement'")
    if len(description) > 200:
        raise AssessmentError("description: must be 200 characters or fewer")
    try:
        kind = evidence_files.kind_of(file_name, content)
    except evidence_files.EvidenceRejected as error:
        raise AssessmentError(f"file: {error}") from None
    digest = hashlib.sha256(content).hexdigest()
    earlier = EvidenceDocument.objects.filter(person_id=assessment.person_id, sha256=digest).first()
    if earlier is not None:
        raise AssessmentError(
            f"file: this file was already uploaded on {earlier.uploaded_at:%d/%m/%Y} as "
            f"'{earlier.description}'"
        )
    try:
        with transaction.atomic():
            document = _store_evidence(
                assessment, description, file_name, kind, digest, content, actor
            )
    except IntegrityError:  # the same file, sent twice at once (a double click)
        raise AssessmentError("file: this file has just been uploaded for this person") from None
    fields = ["person", "assessment", "description", "file_name", "content_type", "size_bytes"]
    record_event(
        actor=actor,
        action="create",
        instance=document,
        changes={
            name: [None, value] for name, value in snapshot(document, [*fields, "sha256"]).items()
        },
        source="web",
        reason=f"Evidence uploaded for assessment {assessment.version}",
    )
    return document


def _store_evidence(
    assessment: Assessment,
    description: str,
    file_name: str,
    kind: evidence_files.Kind,
    digest: str,
    content: bytes,
    actor: Any,
) -> EvidenceDocument:
    return EvidenceDocument.objects.create(
        person_id=assessment.person_id,
        assessment=assessment,
        description=description,
        file_name=file_name.strip(),
        content_type=kind.content_type,
        size_bytes=len(content),
        sha256=digest,
        content=content,
        uploaded_at=timezone.now(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


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
