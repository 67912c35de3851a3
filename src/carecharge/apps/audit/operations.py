"""Writing to the audit trail. Operations call these explicitly: no signals, no save() hooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditEvent


def json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def object_type_of(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited state of a record: concrete field values, foreign keys as ids."""
    names = (
        list(fields)
        if fields is not None
        else [f.name for f in instance._meta.concrete_fields if not f.primary_key]
    )
    state: dict[str, Any] = {}
    for name in names:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        state[name] = json_safe(getattr(instance, attname))
    return state


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record_event(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    changes: Mapping[str, list[Any]],
    reason: str = "",
    source: str,
    occurred_at: dt.datetime | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        occurred_at=occurred_at or timezone.now(),
        actor=user,
        actor_name=user.get_username() if user else (source if actor is None else str(actor)),
        action=action,
        object_type=object_type_of(instance),
        object_id=str(instance.pk),
        object_label=str(instance)[:200],
        changes={k: [json_safe(v[0]), json_safe(v[1])] for k, v in changes.items()},
        reason=reason,
        source=source,
    )


def record_create(
    *, actor: Any, instance: models.Model, reason: str = "", source: str
) -> AuditEvent:
    after = snapshot(instance)
    return record_event(
        actor=actor,
        action="create",
        instance=instance,
        changes={k: [None, v] for k, v in after.items() if v not in (None, "")},
        reason=reason,
        source=source,
    )


def record_update(
    *,
    actor: Any,
    instance: models.Model,
    before: Mapping[str, Any],
    reason: str = "",
    source: str,
    action: str = "update",
) -> AuditEvent | None:
    """Audit a change; returns None (and writes nothing) when nothing actually changed."""
    changes = diff(before, snapshot(instance, before.keys()))
    if not changes:
        return None
    return record_event(
        actor=actor,
        action=action,
        instance=instance,
        changes=changes,
        reason=reason,
        source=source,
    )
