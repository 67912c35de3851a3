"""Assessments as plain dictionaries for templates: versions, a result as a calculation, and two
versions side by side. Amounts arrive as contract strings ("30.25") and leave as "£30.25"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from carecharge.core.assessment.deferred_payment import DeferredPaymentSplit
from carecharge.core.money import MoneyError, format_pounds, parse_pounds

from .models import Assessment, AssessmentSetting, AssessmentState, DeprivationDecision

STATE_TAGS = {
    AssessmentState.DRAFT: "govuk-tag--yellow",
    AssessmentState.COMPLETED: "govuk-tag--green",
    AssessmentState.SUPERSEDED: "govuk-tag--grey",
}


def pounds(amount: Any) -> str:
    """A contract amount ("1234.5", "30.25") as "£1,234.50"; blank or unreadable as "—"."""
    if amount is None or amount == "":
        return "—"
    try:
        return format_pounds(parse_pounds(str(amount), allow_negative=True))
    except MoneyError:
        return str(amount)


def _who(user: Any) -> str:
    if user is None:
        return "the system"
    return str(user.get_full_name() or user.get_username())


def until(assessment: Assessment) -> dict[str, Any]:
    """When a version stops applying: the day before it was superseded, its end, or current.

    `date` is that last day when there is one; otherwise `text` says why there is not.
    """
    if assessment.state == AssessmentState.DRAFT:
        return {"date": None, "text": "Not in force (draft)", "never": False}
    if assessment.superseded_from is not None:
        last = assessment.superseded_from - timedelta(days=1)
        if last < assessment.effective_from:
            return {"date": None, "text": "Never applied: replaced", "never": True}
        return {"date": last, "text": "", "never": False}
    if assessment.effective_to is not None:
        return {"date": assessment.effective_to, "text": "", "never": False}
    return {"date": None, "text": "Current", "never": False}


def summary(assessment: Assessment) -> dict[str, Any]:
    """One version, as a row of the person's list and the heading facts of its own page."""
    completed_at = assessment.completed_at
    return {
        "pk": assessment.pk,
        "version": assessment.version,
        "kind": AssessmentSetting(assessment.setting).label,
        "setting": assessment.setting,
        "effective_from": assessment.effective_from,
        "until": until(assessment),
        "state": assessment.state,
        "state_label": AssessmentState(assessment.state).label,
        "state_tag": STATE_TAGS[AssessmentState(assessment.state)],
        "is_draft": assessment.state == AssessmentState.DRAFT,
        "weekly_charge": (
            format_pounds(assessment.weekly_charge_pence)
            if assessment.weekly_charge_pence is not None
            else "—"
        ),
        "full_cost": assessment.full_cost,
        "completed_by": _who(assessment.completed_by) if completed_at else "",
        "completed_at": timezone.localtime(completed_at) if completed_at else None,
        "href": reverse("assessments:detail", args=[assessment.pk]),
        "edit_href": reverse("assessments:edit", args=[assessment.pk]),
        "reason": assessment.reason,
    }


def version_rows(assessments: Iterable[Assessment]) -> list[dict[str, Any]]:
    return [summary(a) for a in assessments]


def detail(
    assessment: Assessment, *, previous: Assessment | None, may_assess: bool
) -> dict[str, Any]:
    result = assessment.result or {}
    shown = summary(assessment)
    rules = result.get("rules") or {}
    as_at = rules.get("as_at")
    newer = assessment.superseded_by
    shown.update(
        {
            "charge": pounds(result.get("weekly_charge")),
            "cost_of_care": pounds(result.get("weekly_cost_of_care")),
            "has_result": bool(result),
            "trace": [
                {
                    "label": step.get("label", ""),
                    "amount": pounds(step.get("amount")),
                    "reference": step.get("reference", ""),
                }
                for step in result.get("trace") or []
            ],
            "rules_hash": (assessment.rules_hash or rules.get("hash") or "")[:12],
            "rules_as_at": date.fromisoformat(as_at) if as_at else None,
            "superseded_from": assessment.superseded_from,
            "superseded_by": (
                {"version": newer.version, "href": reverse("assessments:detail", args=[newer.pk])}
                if newer is not None
                else None
            ),
            "next_review_date": assessment.next_review_date,
            "compare": (
                {
                    "version": previous.version,
                    "href": reverse("assessments:compare", args=[previous.pk, assessment.pk]),
                }
                if previous is not None
                else None
            ),
            "may_edit": may_assess and assessment.state == AssessmentState.DRAFT,
            "person_href": reverse("people:assessments", args=[assessment.person_id]),
        }
    )
    return shown


def comparison(
    older: Assessment, newer: Assessment, compared: Iterable[dict[str, Any]]
) -> dict[str, Any]:
    rows = list(compared)
    return {
        "older": summary(older),
        "newer": summary(newer),
        "rows": [
            {
                "label": row["label"],
                "before": pounds(row["before"]),
                "after": pounds(row["after"]),
                "changed": row["changed"],
            }
            for row in rows
        ],
        "changed_count": sum(1 for row in rows if row["changed"]),
        "full_cost": {
            "before": older.full_cost,
            "after": newer.full_cost,
            "changed": older.full_cost != newer.full_cost,
        },
    }


def _file_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def casework(assessment: Assessment, split: DeferredPaymentSplit | None = None) -> dict[str, Any]:
    """What sits beside the calculation: the deferred payment agreement (and, once completed,
    how the charge is split), the deprivation decisions it counted, notes and evidence."""
    dia = assessment.disposable_income_allowance_pence
    return {
        "deferred_payment": (
            {
                "allowance": format_pounds(dia) if dia is not None else "the national maximum",
                "split": (
                    {
                        "from_income": format_pounds(split.from_income),
                        "deferred": format_pounds(split.deferred),
                        "trace": [
                            {
                                "label": s.label,
                                "amount": format_pounds(s.amount_pence or 0),
                                "reference": s.reference,
                            }
                            for s in split.trace
                        ],
                    }
                    if split is not None
                    else None
                ),
            }
            if assessment.deferred_payment_agreement
            else None
        ),
        "decisions": [deprivation_row(d) for d in assessment.deprivation_decisions.all()],
        "notes": [
            {"text": note.text, "at": note.created_at, "by": _who(note.created_by)}
            for note in assessment.case_notes.select_related("created_by")
        ],
        "evidence": [
            {
                "description": doc.description,
                "file_name": doc.file_name,
                "size": _file_size(doc.size_bytes),
                "at": doc.uploaded_at,
                "by": _who(doc.uploaded_by),
                "href": reverse("assessments:evidence", args=[doc.pk]),
            }
            for doc in assessment.evidence.select_related("uploaded_by").defer("content")
        ],
    }


def deprivation_row(decision: DeprivationDecision) -> dict[str, Any]:
    return {
        "pk": decision.pk,
        "asset": decision.asset,
        "amount": format_pounds(decision.amount_pence),
        "disposed_on": decision.disposed_on,
        "decided_on": decision.decided_on,
        "reason": decision.reason,
        "by": _who(decision.decided_by),
        "withdrawn_on": decision.withdrawn_on,
        "withdrawn_reason": decision.withdrawn_reason,
        "withdraw_href": reverse("assessments:deprivation_withdraw", args=[decision.pk]),
    }
