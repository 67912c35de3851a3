"""Reading uprating runs: who is in a run, the items of a run filtered for the screen, and newer
work that an uprating must never overwrite."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from carecharge.apps.assessments.models import Assessment, AssessmentState

from .models import ItemStatus, RunState, UpratingItem, UpratingRun


def current_assessments(from_date: date) -> list[Assessment]:
    """Every person's completed assessment in force on the day before the uprating date that
    still runs on it, leaving out people who died before the date and people whose assessment
    already starts on or after it (someone has assessed them for the new year already).

    The same choice as ``assessments.queries.in_force_on`` for each person, in one query.
    """
    eve = from_date - timedelta(days=1)
    already = Assessment.objects.filter(effective_from__gte=from_date).exclude(
        state=AssessmentState.DRAFT
    )
    candidates = (
        Assessment.objects.filter(effective_from__lte=eve)
        .exclude(state=AssessmentState.DRAFT)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=eve))
        .filter(Q(superseded_from__isnull=True) | Q(superseded_from__gt=eve))
        .exclude(person__date_of_death__lt=from_date)
        .exclude(person_id__in=already.values("person_id"))
        # Only what a run's items need: a council's requests and results are large.
        .only("pk", "person_id", "version", "effective_from", "effective_to", "weekly_charge_pence")
        .order_by("person_id", "-version")
    )
    chosen: dict[int, Assessment] = {}
    for assessment in candidates:
        chosen.setdefault(assessment.person_id, assessment)
    # The latest version on the eve must also still run on the uprating date itself.
    return [
        assessment
        for assessment in chosen.values()
        if assessment.effective_to is None or assessment.effective_to >= from_date
    ]


def newer_version(item: UpratingItem) -> Assessment | None:
    """A version of the person's assessment begun after the one being uprated (a draft in
    progress, or one completed since the preview): uprating must not overwrite it."""
    later = Assessment.objects.filter(
        person_id=item.person_id, version__gt=item.old_assessment.version
    )
    if item.new_assessment_id is not None:
        later = later.exclude(pk=item.new_assessment_id)
    return later.order_by("-version").first()


def runs() -> QuerySet[UpratingRun]:
    return UpratingRun.objects.select_related(
        "created_by", "previewed_by", "approved_by", "posted_by"
    )


def run_or_404(pk: int) -> UpratingRun:
    return get_object_or_404(runs(), pk=pk)


def open_run_for(from_date: date) -> UpratingRun | None:
    return UpratingRun.objects.filter(from_date=from_date).exclude(state=RunState.POSTED).first()


def item_or_404(pk: int) -> UpratingItem:
    return get_object_or_404(
        UpratingItem.objects.select_related(
            "run", "person", "old_assessment", "new_assessment", "resolved_by"
        ),
        pk=pk,
    )


def items(
    run: UpratingRun, *, status: str = "", text: str = "", may_see_restricted: bool = True
) -> QuerySet[UpratingItem]:
    """A run's items for the preview table: by status, and by name or account reference. A
    search never finds a restricted record for someone who may not open it."""
    found = run.items.select_related("person", "old_assessment", "new_assessment")
    if status in ItemStatus.values:
        found = found.filter(status=status)
    if text.split() and not may_see_restricted:
        found = found.exclude(person__restricted=True)
    for word in text.split():
        found = found.filter(
            Q(person__account_reference=word)
            | Q(person__surname__istartswith=word)
            | Q(person__forename__istartswith=word)
        )
    return found.order_by("person__surname", "person__forename", "pk")


def counts(run: UpratingRun) -> dict[str, int]:
    """How many items have each status now."""
    found = dict.fromkeys(ItemStatus.values, 0)
    for row in run.items.values("status").annotate(n=Count("pk")).order_by():
        found[row["status"]] = row["n"]
    return found
