"""An officer's decision on a held actual: accept it (billing then uses it) or reject it
(billing keeps to the plan, or to the figure accepted before it). Each decision is final and
audited; a provider who disagrees sends a corrected figure in a later file."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from carecharge.apps.audit.operations import record_update, snapshot
from carecharge.apps.care.models import ActualStatus, ProviderActual

NOTE_LIMIT = 500
_DECISION_FIELDS = ["status", "decided_at", "decided_by", "decision_note"]


class ReviewError(ValueError):
    """The decision cannot be made; the message is ``"<field>: <why>"``."""


def accept_actual(
    *, actual: ProviderActual, note: str = "", actor: Any, source: str = "web"
) -> ProviderActual:
    """Accept a held figure despite its difference from the plan."""
    return _decide(actual, ActualStatus.ACCEPTED, note.strip(), actor, source)


def reject_actual(
    *, actual: ProviderActual, reason: str, actor: Any, source: str = "web"
) -> ProviderActual:
    """Reject a held figure: it is kept, never used for billing."""
    reason = reason.strip()
    if not reason:
        raise ReviewError("reason: say why the figure is rejected, like 'Provider confirmed typo'")
    return _decide(actual, ActualStatus.REJECTED, reason, actor, source)


@transaction.atomic
def _decide(
    actual: ProviderActual, status: ActualStatus, note: str, actor: Any, source: str
) -> ProviderActual:
    if len(note) > NOTE_LIMIT:
        field = "reason" if status == ActualStatus.REJECTED else "note"
        raise ReviewError(f"{field}: must be {NOTE_LIMIT} characters or fewer")
    locked = ProviderActual.objects.select_for_update().get(pk=actual.pk)
    if locked.status != ActualStatus.HELD:
        raise ReviewError(
            f"status: this figure is no longer waiting for review "
            f"({locked.get_status_display().lower()})"
        )
    before = snapshot(locked, _DECISION_FIELDS)
    locked.status = status
    locked.decided_at = timezone.now()
    locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.decision_note = note
    locked.save(update_fields=_DECISION_FIELDS)
    verb = "accepted" if status == ActualStatus.ACCEPTED else "rejected"
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        reason=note or f"Actual {verb} after review",
        source=source,
        action=f"actual.{'accept' if status == ActualStatus.ACCEPTED else 'reject'}",
    )
    return locked
