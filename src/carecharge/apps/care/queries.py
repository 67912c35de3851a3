"""Reading care: packages and their lines, suspensions, the catalogue and imports; top-up
agreements, NHS Continuing Healthcare awards and organisations; provider actuals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from carecharge.apps.people.models import (
    Organisation,
    OrganisationKind,
    ServiceUser,
    ThirdPartyPayer,
)

from .importing.constants import QUERY_CHUNK
from .models import (
    CARE_HOME_CATEGORIES,
    ActualStatus,
    CarePackage,
    ChcAward,
    ImportBatch,
    ImportKind,
    Provider,
    ProviderActual,
    Service,
    ServiceLine,
    Suspension,
    TopUpAgreement,
)

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


def recent_imports(limit: int = RECENT_IMPORTS, kind: str = ImportKind.CARE) -> list[ImportBatch]:
    batches = ImportBatch.objects.filter(kind=kind).select_related("received_by", "duplicate_of")
    return list(batches.order_by("-received_at", "-id")[:limit])


def import_or_404(pk: int, kind: str = ImportKind.CARE) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("received_by", "duplicate_of"), pk=pk, kind=kind
    )


# --- Top-ups, CHC awards and organisations ----------------------------------------------------


def top_ups_for(person: ServiceUser) -> list[TopUpAgreement]:
    return list(
        TopUpAgreement.objects.filter(person=person)
        .select_related("payer", "line__service", "line__provider")
        .order_by("-start_date", "-pk")
    )


def top_up_or_404(pk: int) -> TopUpAgreement:
    return get_object_or_404(
        TopUpAgreement.objects.select_related("person", "payer", "line__service"), pk=pk
    )


def chc_awards_for(person: ServiceUser) -> list[ChcAward]:
    return list(
        ChcAward.objects.filter(person=person)
        .select_related("icb", "recorded_by", "withdrawn_by")
        .order_by("-start_date", "-pk")
    )


def chc_award_or_404(pk: int) -> ChcAward:
    return get_object_or_404(ChcAward.objects.select_related("person", "icb"), pk=pk)


def care_home_lines_for(person: ServiceUser) -> list[ServiceLine]:
    """The person's residential and nursing lines: the only lines a top-up can be for."""
    return list(_lines().filter(package__person=person, service__category__in=CARE_HOME_CATEGORIES))


def payers_for(person: ServiceUser) -> list[ThirdPartyPayer]:
    return list(ThirdPartyPayer.objects.filter(person=person).order_by("name", "pk"))


def organisations() -> list[Organisation]:
    return list(Organisation.objects.order_by("-active", "kind", "name", "code"))


def active_icbs() -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.INTEGRATED_CARE_BOARD, active=True
        ).order_by("name", "code")
    )


# --- Provider actuals -------------------------------------------------------------------------


def current_actuals(
    person_ids: Iterable[int] | None = None,
) -> dict[tuple[str, date], Decimal]:
    """The figure billing uses for each line and week: the newest accepted one.

    Keyed by (the line's case management system id, the week's first day), as
    `core.charging.types.Actual` names them. Held, rejected and superseded figures are left
    out, so a week with none accepted is billed from the plan. ``person_ids`` (service user
    pks) limits it to those people's lines.
    """
    rows = ProviderActual.objects.filter(status=ActualStatus.ACCEPTED)
    columns = ("line__case_system_id", "week_start", "units", "pk")
    found: dict[tuple[str, date], tuple[int, Decimal]] = {}
    if person_ids is None:
        chunks: Iterable[QuerySet[ProviderActual]] = [rows]
    else:
        ids = sorted(set(person_ids))
        chunks = (
            rows.filter(line__package__person_id__in=ids[start : start + QUERY_CHUNK])
            for start in range(0, len(ids), QUERY_CHUNK)
        )
    for chunk in chunks:
        for line_id, week_start, units, pk in chunk.values_list(*columns):
            key = (line_id, week_start)
            if key not in found or found[key][0] < pk:
                found[key] = (pk, units)
    return {key: units for key, (_, units) in sorted(found.items())}


def _actuals() -> QuerySet[ProviderActual]:
    return ProviderActual.objects.select_related(
        "batch",
        "decided_by",
        "line__service",
        "line__provider",
        "line__package__person",
    )


def held_actuals(provider_code: str = "") -> list[ProviderActual]:
    """The exceptions queue: figures outside the tolerance waiting for an officer, oldest
    week first."""
    held = _actuals().filter(status=ActualStatus.HELD)
    if provider_code:
        held = held.filter(line__provider__code=provider_code)
    return list(held.order_by("week_start", "line__case_system_id", "pk"))


def providers_with_held_actuals() -> list[Provider]:
    return list(
        Provider.objects.filter(
            pk__in=ProviderActual.objects.filter(status=ActualStatus.HELD).values("line__provider")
        ).order_by("name", "code")
    )


def actual_or_404(pk: int) -> ProviderActual:
    return get_object_or_404(_actuals(), pk=pk)


def figures_for(actual: ProviderActual) -> list[ProviderActual]:
    """Every figure held for the same line and week, newest first (the history of a week)."""
    return list(
        _actuals().filter(line_id=actual.line_id, week_start=actual.week_start).order_by("-pk")
    )
