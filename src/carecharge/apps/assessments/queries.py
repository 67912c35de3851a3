"""Reading assessments: which version is in force on a date, and two versions side by side."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from carecharge.apps.people.models import ServiceUser

from .models import Assessment, AssessmentState


def versions(person: ServiceUser) -> QuerySet[Assessment]:
    return Assessment.objects.filter(person=person).order_by("-version")


def in_force_on(person: ServiceUser, day: date) -> Assessment | None:
    """The assessment that sets the charge on `day`: the latest version covering it."""
    return (
        Assessment.objects.filter(person=person, effective_from__lte=day)
        .exclude(state=AssessmentState.DRAFT)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .filter(Q(superseded_from__isnull=True) | Q(superseded_from__gt=day))
        .order_by("-version")
        .first()
    )


# The figures officers compare between versions, in the order a calculation reads.
COMPARED_FIGURES: list[tuple[str, str]] = [
    ("total_income", "Total weekly income"),
    ("disregarded_income", "Income disregarded"),
    ("capital_counted", "Capital counted"),
    ("tariff_income", "Tariff income from capital"),
    ("allowances.mig", "Minimum income guarantee"),
    ("allowances.pea", "Personal expenses allowance"),
    ("allowances.housing", "Housing costs"),
    ("allowances.dre", "Disability-related expenditure"),
    ("allowances.savings_credit_disregard", "Savings credit disregard"),
    ("allowances.partner_pension_share", "Pension passed to a partner at home"),
    ("disposable_income", "Disposable income"),
    ("weekly_cost_of_care", "Weekly cost of care"),
    ("weekly_charge", "Weekly charge"),
]


def _figure(result: dict[str, Any] | None, path: str) -> str | None:
    value: Any = result or {}
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return str(value)


def compare(older: Assessment, newer: Assessment) -> list[dict[str, Any]]:
    """Each figure of two versions side by side, flagging the ones that differ."""
    rows = []
    for path, label in COMPARED_FIGURES:
        before, after = _figure(older.result, path), _figure(newer.result, path)
        rows.append({"label": label, "before": before, "after": after, "changed": before != after})
    return rows
