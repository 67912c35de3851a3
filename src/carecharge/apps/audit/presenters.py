"""Audit events as plain dictionaries for templates."""

from __future__ import annotations

from typing import Any

from .models import AuditEvent

_ACTION_LABELS = {
    "create": "Created",
    "update": "Changed",
    "import.create": "Created by import",
    "import.update": "Changed by import",
    "account.signed_in": "Signed in",
    "account.locked": "Account locked",
    "account.password_changed": "Password changed",
}


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


def present_event(event: AuditEvent) -> dict[str, Any]:
    return {
        "when": event.occurred_at,
        "who": event.actor_name or "system",
        "action": _ACTION_LABELS.get(event.action, event.action.replace("_", " ").capitalize()),
        "object_type": event.object_type,
        "object_label": event.object_label,
        "reason": event.reason,
        "source": event.source,
        "changes": [
            {"field": field.replace("_", " ").capitalize(), "before": _show(b), "after": _show(a)}
            for field, (b, a) in event.changes.items()
        ],
    }
