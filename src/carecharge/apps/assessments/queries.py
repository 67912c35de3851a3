"""Reading assessments: which version is in force on a date, and two versions side by side."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from carecharge.apps.care.models import ChargingMethod, ServiceLine
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.web.council import rulebook
from carecharge.core.assessment import deferred_payment
from carecharge.core.assessment.deferred_payment import DeferredPaymentSplit
from carecharge.core.assessment.figures import round_amount
from carecharge.core.assessment.provisional import (
    provisional_charge as core_provisional_charge,
)

from .models import Assessment, AssessmentState


def _chargeable_lines(person: ServiceUser) -> QuerySet[ServiceLine]:
    """The person's means-tested service lines (not CHC, not section 117 aftercare)."""
    return ServiceLine.objects.filter(
        package__person=person,
        service__charging_method=ChargingMethod.MEANS_TESTED,
        package__chc=False,
        package__section_117=False,
    )


def weekly_cost_of_chargeable_care(person: ServiceUser, on: date) -> int:
    """The weekly cost of the person's means-tested service lines running on a date, in pence."""
    lines = _chargeable_lines(person).filter(start_date__lte=on).exclude(end_date__lt=on)
    # Summed exactly, then rounded once by the named rule (never line by line).
    exact = sum((line.units_per_week * line.unit_cost_pence for line in lines), Decimal(0))
    rule = rulebook().as_at(on).rounding("england.charging.rounding.weekly_charge")
    return round_amount(exact, rule)


def provisional_charge(person: ServiceUser, on: date) -> dict[str, Any] | None:
    """The provisional charge the person is on, flagged until their first assessment is
    completed: None once assessed, without chargeable care, or when the council's policy is
    to charge nothing until then."""
    if Assessment.objects.filter(person=person).exclude(state=AssessmentState.DRAFT).exists():
        return None
    lines = _chargeable_lines(person)
    if not lines.filter(start_date__lte=on).exclude(end_date__lt=on).exists():
        return None  # no chargeable care on the day: nothing to charge provisionally
    first = lines.order_by("start_date").values_list("start_date", flat=True).first()
    assert first is not None
    day = on
    found = core_provisional_charge(
        rulebook().as_at(day),
        settings.CARECHARGE_COUNCIL,
        date_of_birth=person.date_of_birth,
        weekly_cost_of_care=weekly_cost_of_chargeable_care(person, day),
    )
    if found is None:
        return None
    return {
        "weekly_pence": found.weekly,
        "since": first,
        "as_at": day,
        "trace": [
            {"label": step.label, "amount_pence": step.amount_pence, "reference": step.reference}
            for step in found.trace
        ],
    }


def deferred_payment_split(assessment: Assessment) -> DeferredPaymentSplit | None:
    """For a completed assessment with a deferred payment agreement: what is paid from income
    each week and what is deferred (the allowance was frozen at completion). None otherwise."""
    allowance = assessment.disposable_income_allowance_pence
    if not assessment.deferred_payment_agreement or not assessment.result or allowance is None:
        return None
    maximum = rulebook().as_at(assessment.effective_from).entry(deferred_payment.MAXIMUM_RULE)
    return deferred_payment.split(assessment.result, allowance=allowance, maximum=maximum)


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
