"""What carecharge already holds of the records a file names, loaded in a few queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from carecharge.apps.care.importing.constants import (
    QUERY_CHUNK,
    M,
)
from carecharge.apps.care.models import (
    CarePackage,
    Provider,
    Service,
    ServiceLine,
    Suspension,
)
from carecharge.apps.people.models import Address, AddressRole, ServiceUser
from carecharge.core.importing import (
    CareFile,
    ServiceLineRecord,
    SuspensionRecord,
)


@dataclass
class _Existing:
    """The records the file refers to, as carecharge holds them (locked for this transaction)."""

    people: dict[str, ServiceUser]
    homes: dict[int, Address]  # by person pk
    packages: dict[str, CarePackage]
    lines: dict[str, ServiceLine]
    suspensions: dict[str, Suspension]
    services: dict[str, Service]
    providers: dict[str, Provider]


def _load_existing(care_file: CareFile) -> _Existing:
    person_ids = {r.person_id for r in care_file.people}
    person_ids |= {r.person_id for r in _records_naming_a_person(care_file)}
    people = _by_key(ServiceUser.objects.select_for_update(), "case_system_id", person_ids)
    homes = {
        home.person_id: home
        for home in _by_key(
            Address.objects.select_for_update().filter(role=AddressRole.HOME),
            "person_id",
            [person.pk for person in people.values()],
        ).values()
    }
    lines = care_file.service_lines
    return _Existing(
        people=people,
        homes=homes,
        packages=_by_key(
            CarePackage.objects.select_for_update(of=("self",)).select_related("person"),
            "case_system_id",
            {r.package_id for r in lines},
        ),
        lines=_by_key(
            ServiceLine.objects.select_for_update(of=("self",)).select_related("package__person"),
            "case_system_id",
            {r.line_id for r in lines},
        ),
        suspensions=_by_key(
            Suspension.objects.select_for_update(of=("self",)).select_related("person"),
            "case_system_id",
            {r.suspension_id for r in care_file.suspensions},
        ),
        services=_by_key(Service.objects.all(), "code", {r.service_code for r in lines}),
        providers=_by_key(
            Provider.objects.all(), "code", {r.provider_code for r in lines if r.provider_code}
        ),
    )


def _records_naming_a_person(
    care_file: CareFile,
) -> list[ServiceLineRecord | SuspensionRecord]:
    return [*care_file.service_lines, *care_file.suspensions]


def _by_key(queryset: QuerySet[M], key: str, values: Iterable[Any]) -> dict[Any, M]:
    wanted = sorted(set(values))
    found: dict[Any, M] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        for instance in queryset.filter(**{f"{key}__in": wanted[start : start + QUERY_CHUNK]}):
            found[getattr(instance, key)] = instance
    return found


def _first_line_of_each_package(
    lines: Sequence[ServiceLineRecord],
) -> dict[str, ServiceLineRecord]:
    first: dict[str, ServiceLineRecord] = {}
    for record in lines:
        first.setdefault(record.package_id, record)
    return first
