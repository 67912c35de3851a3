"""The audit trail: who did what to which record, when, and why.

Rows are append-only. Database triggers (see migration 0002) refuse UPDATE and DELETE on both
SQLite and PostgreSQL, so even a mistaken script cannot rewrite history.
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text too, so the trail still reads correctly if a user is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=200, blank=True)
    # {field: [before, after]} in JSON-safe form.
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=20)  # web, import, command, demo, system

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "occurred_at"])]
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
        )
