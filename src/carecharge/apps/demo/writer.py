"""Write a demo plan into the database, in bulk.

100,000 people are about a million rows, so everything goes through ``bulk_create`` in chunks
of people, with primary keys returned by the insert (SQLite 3.35+ and PostgreSQL both do this)
so children can point at their parents without reading anything back. The caller owns the
transaction: a failure part-way leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Final

from django.db import models

from carecharge.apps.assessments.models import CapitalItem, IncomeItem
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care.models import (
    CarePackage,
    Provider,
    Service,
    ServiceLine,
    Suspension,
)
from carecharge.apps.people.models import Address, Representative, ServiceUser, ThirdPartyPayer

from .plan import DemoPlan, PersonPlan
from .rows import CHILD_MODELS, add_children, person_row

CHUNK_PEOPLE: Final = 2_000
AUDIT_SOURCE: Final = "demo"
# Which count each kind of child row adds to.
_COUNTED: Final[dict[type[models.Model], str]] = {
    Address: "addresses",
    IncomeItem: "incomes",
    CapitalItem: "capital",
    Suspension: "suspensions",
    Representative: "representatives",
    ThirdPartyPayer: "payers",
}


@dataclass(slots=True)
class WriteCounts:
    people: int = 0
    couples: int = 0
    deaths: int = 0
    restricted: int = 0
    addresses: int = 0
    incomes: int = 0
    capital: int = 0
    packages: int = 0
    lines: int = 0
    suspensions: int = 0
    representatives: int = 0
    payers: int = 0
    services: int = 0
    providers: int = 0
    audit_events: int = 0


def _chunks(people: Sequence[PersonPlan]) -> Iterator[Sequence[PersonPlan]]:
    for start in range(0, len(people), CHUNK_PEOPLE):
        yield people[start : start + CHUNK_PEOPLE]


def _catalogue(plan: DemoPlan, counts: WriteCounts) -> tuple[dict[str, int], dict[str, int]]:
    """Create the services and providers the plan uses; existing codes are left as they are."""
    have = set(
        Service.objects.filter(code__in=[s.code for s in plan.services]).values_list(
            "code", flat=True
        )
    )
    # A planned service has exactly the model's fields.
    new_services = [Service(**asdict(s)) for s in plan.services if s.code not in have]
    Service.objects.bulk_create(new_services)
    have = set(
        Provider.objects.filter(code__in=[p.code for p in plan.providers]).values_list(
            "code", flat=True
        )
    )
    new_providers = [
        Provider(
            code=p.code,
            name=p.name,
            line_1=p.line_1,
            town=p.town,
            postcode=p.postcode,
            cqc_location_id=p.cqc_location_id,
        )
        for p in plan.providers
        if p.code not in have
    ]
    Provider.objects.bulk_create(new_providers)
    counts.services, counts.providers = len(new_services), len(new_providers)
    services = dict(Service.objects.values_list("code", "pk"))
    providers = dict(Provider.objects.values_list("code", "pk"))
    return services, providers


def _packages(
    chunk: Sequence[PersonPlan],
    pks: dict[int, int],
    services: dict[str, int],
    providers: dict[str, int],
    counts: WriteCounts,
) -> None:
    packages: list[CarePackage] = []
    planned = []
    for person in chunk:
        for n, package in enumerate(person.packages, 1):
            packages.append(
                CarePackage(
                    person_id=pks[person.sequence],
                    case_system_id=f"{person.case_system_id}-P{n}",
                    section_117=package.section_117,
                    chc=package.chc,
                    funded_nursing_care=package.funded_nursing_care,
                )
            )
            planned.append(package)
    CarePackage.objects.bulk_create(packages)
    lines = [
        ServiceLine(
            package_id=row.pk,
            case_system_id=f"{row.case_system_id}-L{n}",
            service_id=services[line.service_code],
            provider_id=providers[line.provider_code] if line.provider_code else None,
            units_per_week=line.units_per_week,
            unit_cost_pence=line.unit_cost_pence,
            days=line.days,
            start_date=line.start_date,
            end_date=line.end_date,
        )
        for row, package in zip(packages, planned, strict=True)
        for n, line in enumerate(package.lines, 1)
    ]
    ServiceLine.objects.bulk_create(lines)
    counts.packages += len(packages)
    counts.lines += len(lines)


def _audit(
    chunk: Sequence[PersonPlan], rows: Sequence[ServiceUser], now: datetime, reason: str
) -> list[AuditEvent]:
    return [
        AuditEvent(
            occurred_at=now,
            actor_name=AUDIT_SOURCE,
            action="create",
            object_type="people.serviceuser",
            object_id=str(row.pk),
            object_label=str(row)[:200],
            changes={
                "account_reference": [None, person.account_reference],
                "case_system_id": [None, person.case_system_id],
            },
            reason=reason,
            source=AUDIT_SOURCE,
        )
        for person, row in zip(chunk, rows, strict=True)
    ]


def write_plan(plan: DemoPlan, *, now: datetime, council: str) -> WriteCounts:
    """Insert everything in ``plan``. Call inside ``transaction.atomic()``."""
    counts = WriteCounts()
    services, providers = _catalogue(plan, counts)
    reason = (
        f"Synthetic person created by the demo council generator "
        f"(council {council}, seed {plan.seed}, as at {plan.as_at.isoformat()})."
    )
    pks: dict[int, int] = {}
    # (pk, partner's sequence) for both members of each couple: linked once both rows exist.
    partnered: list[tuple[int, int]] = []
    for chunk in _chunks(plan.people):
        rows = [person_row(p) for p in chunk]
        ServiceUser.objects.bulk_create(rows)
        children: dict[type[models.Model], list[Any]] = {model: [] for model in CHILD_MODELS}
        for person, row in zip(chunk, rows, strict=True):
            pks[person.sequence] = row.pk
            add_children(person, row.pk, children)
            if person.partner_sequence:
                partnered.append((row.pk, person.partner_sequence))
        _packages(chunk, pks, services, providers, counts)
        for model, objects in children.items():
            model.objects.bulk_create(objects)  # type: ignore[attr-defined]
        AuditEvent.objects.bulk_create(_audit(chunk, rows, now, reason))
        counts.people += len(rows)
        counts.deaths += sum(1 for p in chunk if p.date_of_death is not None)
        counts.restricted += sum(1 for p in chunk if p.restricted)
        for model, objects in children.items():
            field = _COUNTED[model]
            setattr(counts, field, getattr(counts, field) + len(objects))
        counts.audit_events += len(rows)
    links = [ServiceUser(pk=pk, partner_id=pks[partner]) for pk, partner in partnered]
    ServiceUser.objects.bulk_update(links, ["partner"], batch_size=500)
    counts.couples = len(partnered) // 2
    return counts
