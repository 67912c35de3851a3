"""What the home page shows: the work waiting for the signed-in officer's roles."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from carecharge.apps.billing.queries import awaiting_count as billing_runs_awaiting
from carecharge.apps.care.models import ImportBatch, ImportStatus, ServiceLine, Suspension
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.people.queries import chargeable_care_today
from carecharge.apps.uprating.models import RunState, UpratingRun


def work_to_do(*, today: date) -> list[dict[str, Any]]:
    week_ahead = today + timedelta(days=7)
    recent = today - timedelta(days=30)
    items = [
        {
            "label": "Care data files rejected in the last 30 days",
            "count": ImportBatch.objects.filter(
                status=ImportStatus.REJECTED, business_date__gte=recent
            ).count(),
            "url_name": "care:import",
        },
        {
            "label": "Deaths recorded in the last 30 days (final accounts to check)",
            "count": ServiceUser.objects.filter(
                date_of_death__gte=recent, date_of_death__lte=today
            ).count(),
            "url_name": "people:search",
            "query": "deceased=recent",
        },
        {
            "label": "Suspensions open today (hospital, holiday or other)",
            "count": Suspension.objects.filter(start_date__lte=today)
            .exclude(end_date__lt=today)
            .count(),
            "url_name": "people:search",
            "query": "suspended=today",
        },
        {
            "label": "Service lines ending in the next 7 days",
            "count": ServiceLine.objects.filter(
                end_date__gte=today, end_date__lte=week_ahead
            ).count(),
            "url_name": "people:search",
            "query": "ending=week",
        },
        {
            "label": "People receiving care with no completed assessment (provisional charge)",
            "count": ServiceUser.objects.filter(
                pk__in=chargeable_care_today(today).values("package__person_id")
            )
            .exclude(assessments__state__in=["completed", "superseded"])
            .count(),
            "url_name": "people:search",
            "query": "assessment=none",
        },
        {
            "label": "Annual uprating: runs waiting for approval or posting",
            "count": UpratingRun.objects.filter(
                state__in=[RunState.PREVIEWED, RunState.APPROVED]
            ).count(),
            "url_name": "uprating:runs",
        },
        {
            "label": "Billing runs: waiting for approval or posting",
            "count": billing_runs_awaiting(),
            "url_name": "billing:runs",
        },
    ]
    return items
