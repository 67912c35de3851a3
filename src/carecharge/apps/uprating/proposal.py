"""The preview of one person: their assessment's request uprated by the rules (core), the
care packages' cost on the uprating date, and the engine's new charge, or the reasons an
officer must look instead. Reads only; the caller stores the fields on the item."""

from __future__ import annotations

from datetime import date
from typing import Any

from carecharge.apps.assessments import operations as assessments
from carecharge.apps.assessments.queries import weekly_cost_of_chargeable_care
from carecharge.apps.people.models import ServiceUser
from carecharge.core.money import parse_pounds
from carecharge.core.rules import RuleBook
from carecharge.core.uprating import UpratingError, uprate

from . import queries
from .models import ItemStatus, UpratingItem, UpratingRun


def _day(when: date) -> str:
    return f"{when:%d/%m/%Y}"


def _notional_capital_problem(request: dict[str, Any], person: ServiceUser, on: date) -> str | None:
    """Completion refuses notional capital that differs from the decisions in force on the
    new date (a decision withdrawn or made since): say so in the preview instead."""
    problem, _ = assessments.notional_capital_problem(request, person, on)
    return f"{problem}; revise by hand" if problem else None


def work_out(item: UpratingItem, run: UpratingRun, book: RuleBook) -> dict[str, Any]:
    """The preview of one person: the fields of their item."""
    old = item.old_assessment
    reasons: list[str] = []
    newer = queries.newer_version(item)
    if newer is not None:
        reasons.append(
            f"assessment version {newer.version} ({newer.get_state_display().lower()}, from "
            f"{_day(newer.effective_from)}) was started after version {old.version}: finish it "
            "by hand"
        )
    fields: dict[str, Any] = {
        "proposed_request": None,
        "result": None,
        "new_weekly_charge_pence": None,
        "steps": [],
        "findings": [],
    }
    try:
        found = uprate(
            old.request,
            book,
            old_as_at=old.effective_from,
            new_as_at=run.from_date,
            weekly_cost_of_care=weekly_cost_of_chargeable_care(item.person, run.from_date),
        )
    except UpratingError as error:
        reasons.append(str(error))
    else:
        fields["proposed_request"] = found.request
        fields["steps"] = [step.as_json() for step in found.steps]
        fields["findings"] = [finding.as_json() for finding in found.findings]
        reasons.extend(found.reasons_for_review)
        problem = _notional_capital_problem(found.request, item.person, run.from_date)
        if problem:
            reasons.append(problem)
    if not reasons:
        try:
            result = assessments.assess(fields["proposed_request"], book=book)
        except assessments.AssessmentError as error:
            reasons.append(f"the assessment engine refuses the uprated request: {error}")
        else:
            new = parse_pounds(result["weekly_charge"])
            same = new == item.old_weekly_charge_pence and result["full_cost"] == old.full_cost
            fields["result"] = result
            fields["new_weekly_charge_pence"] = new
            fields["status"] = ItemStatus.NO_CHANGE if same else ItemStatus.READY
    if reasons:
        fields["status"] = ItemStatus.MANUAL_REVIEW
    fields["reasons"] = reasons
    return fields
