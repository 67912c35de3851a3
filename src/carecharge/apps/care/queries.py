"""Reading care: packages and their lines, suspensions, the catalogue and imports."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from carecharge.apps.people.models import ServiceUser

from .models import CarePackage, ImportBatch, Provider, Service, ServiceLine, Suspension

RECENT_IMPORTS = 20


def _lines() -> QuerySet[ServiceLine]:
    return ServiceLine.objects.select_related("service", "provider").order_by("start_date", "id")


def packages_for(person: ServiceUser) -> list[CarePackage]:
    """A person's packages with their lines, services and providers, in three queries."""
    return list(
        CarePackage.objects.filter(person=person)
        .prefetch_related(Prefetch("lines", queryset=_lines()))
        .order_by("case_system_id")
    )


def suspensions_for(person: ServiceUser) -> list[Suspension]:
    return list(Suspension.objects.filter(person=person).order_by("-start_date", "-id"))


def package_or_404(pk: int) -> CarePackage:
    queryset = CarePackage.objects.select_related("person").prefetch_related(
        Prefetch("lines", queryset=_lines())
    )
    return get_object_or_404(queryset, pk=pk)


def services() -> list[Service]:
    return list(Service.objects.order_by("-active", "name", "code"))


def providers() -> list[Provider]:
    return list(Provider.objects.order_by("-active", "name", "code"))


def recent_imports(limit: int = RECENT_IMPORTS) -> list[ImportBatch]:
    batches = ImportBatch.objects.select_related("received_by", "duplicate_of")
    return list(batches.order_by("-received_at", "-id")[:limit])


def import_or_404(pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("received_by", "duplicate_of"), pk=pk
    )
