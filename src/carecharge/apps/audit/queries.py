"""Reading the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEvent


def history_for(object_type: str, object_ids: list[str]) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=object_type, object_id__in=object_ids)


def history_for_many(pairs: list[tuple[str, str]]) -> QuerySet[AuditEvent]:
    """Events for several records at once (a person and their addresses, packages, ...)."""
    from django.db.models import Q

    query = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in pairs:
        by_type.setdefault(object_type, []).append(object_id)
    for object_type, ids in by_type.items():
        query |= Q(object_type=object_type, object_id__in=ids)
    return AuditEvent.objects.filter(query).select_related(None)
