"""The audit trail is append-only in the database itself, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.audit.operations import diff, record_event, record_update, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    user = User.objects.create_user("asha.patel")
    return record_event(
        actor=user,
        action="update",
        instance=user,
        changes={"email": ["", "asha@example.org"]},
        reason="Typo",
        source="web",
    )


def test_an_event_records_who_what_and_why(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_name == "asha.patel"
    assert stored.object_type == "auth.user"
    assert stored.changes == {"email": ["", "asha@example.org"]}
    assert stored.reason == "Typo"


def test_update_through_the_orm_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).reason == "Typo"


def test_delete_through_the_orm_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == "Typo"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 1


def test_record_update_writes_only_real_changes() -> None:
    user = User.objects.create_user("asha.patel", email="old@example.org")
    before = snapshot(user, ["email", "first_name"])
    assert record_update(actor=None, instance=user, before=before, source="web") is None
    user.email = "new@example.org"
    event = record_update(actor=None, instance=user, before=before, reason="Moved", source="web")
    assert event is not None
    assert event.changes == {"email": ["old@example.org", "new@example.org"]}
    assert event.actor_name == "web"


def test_diff_lists_before_and_after() -> None:
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
