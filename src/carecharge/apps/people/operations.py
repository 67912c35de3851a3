"""Changing service users' records. Every change is audited with who, when, what and why."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.audit.operations import record_create, record_event, record_update, snapshot
from carecharge.core.identifiers import normalise_postcode

from .models import Address, AddressRole, ServiceUser

# The fields an officer may change on the "Change details" page.
EDITABLE_DETAILS: tuple[str, ...] = (
    "title",
    "forename",
    "middle_names",
    "surname",
    "phone",
    "email",
    "preferred_contact",
    "preferred_format",
    "preferred_language",
)
ADDRESS_FIELDS: tuple[str, ...] = ("line_1", "line_2", "town", "postcode")


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValueError("a change to a person's record needs a reason")
    return reason


def _changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def person_update_details(
    *, person: ServiceUser, changes: Mapping[str, Any], actor: Any, reason: str, source: str = "web"
) -> AuditEvent | None:
    """Change a person's contact details; returns the audit event, or None if nothing changed."""
    unknown = set(changes) - set(EDITABLE_DETAILS)
    if unknown:
        raise ValueError(f"these fields cannot be changed here: {sorted(unknown)}")
    reason = _require_reason(reason)
    with transaction.atomic():
        locked = ServiceUser.objects.select_for_update().get(pk=person.pk)
        before = snapshot(locked, changes.keys())
        for name, value in changes.items():
            setattr(locked, name, value)
        changed = _changed_fields(before, snapshot(locked, before.keys()))
        if not changed:
            return None
        locked.save(update_fields=changed)
        event = record_update(
            actor=actor, instance=locked, before=before, reason=reason, source=source
        )
    for name in changes:
        setattr(person, name, getattr(locked, name))
    return event


def person_set_address(
    *,
    person: ServiceUser,
    role: str,
    values: Mapping[str, str],
    actor: Any,
    reason: str,
    source: str = "web",
) -> AuditEvent | None:
    """Add the address a person has in a role, or change it; the old one stays in the history."""
    if role not in AddressRole.values:
        raise ValueError(f"unknown address role {role!r}")
    unknown = set(values) - set(ADDRESS_FIELDS)
    if unknown:
        raise ValueError(f"not address fields: {sorted(unknown)}")
    postcode = normalise_postcode(values.get("postcode", ""))
    if postcode is None:
        raise ValueError("an address needs a valid UK postcode")
    if not values.get("line_1", "").strip():
        raise ValueError("an address needs its first line")
    clean = {name: values.get(name, "").strip() for name in ADDRESS_FIELDS}
    clean["postcode"] = postcode
    reason = _require_reason(reason)
    with transaction.atomic():
        ServiceUser.objects.select_for_update().get(pk=person.pk)
        address = Address.objects.filter(person=person, role=role).first()
        if address is None:
            address = Address.objects.create(person=person, role=role, **clean)
            return record_create(actor=actor, instance=address, reason=reason, source=source)
        before = snapshot(address, ADDRESS_FIELDS)
        for name, value in clean.items():
            setattr(address, name, value)
        changed = _changed_fields(before, snapshot(address, ADDRESS_FIELDS))
        if not changed:
            return None
        address.save(update_fields=changed)
        return record_update(
            actor=actor, instance=address, before=before, reason=reason, source=source
        )


def record_restricted_opening(
    *, person: ServiceUser, actor: Any, page: str, allowed: bool
) -> AuditEvent:
    """Note that someone opened (or was refused) a restricted record's page."""
    return record_event(
        actor=actor,
        action="restricted.viewed" if allowed else "restricted.refused",
        instance=person,
        changes={},
        reason=f"Opened the {page} page",
        source="web",
    )
