"""A billing run shared between processes on SQLite: each process takes its own share of the
people, works a chunk out before it takes the write lock, and writes only the rows still as it
found them. (The processes themselves are forked by `share_work`; here the shares are worked
one after the other in this process, which is what each process does.)"""

from __future__ import annotations

import zlib
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from carecharge.apps.billing import operations
from carecharge.apps.billing.fields import pack, unpack
from carecharge.apps.billing.models import BillingRun, ChargeRecord, PersonStatus, RunPerson
from carecharge.apps.web.council import rulebook
from carecharge.bench.billing_council import (
    APPROVER,
    DEFAULT_THROUGH,
    OFFICER,
    billing_from_for,
    generate_council,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(settings: Any) -> tuple[User, User]:
    settings.CARECHARGE_BILLING_FROM = billing_from_for(DEFAULT_THROUGH).isoformat()
    generate_council(people=24, seed=11, through=DEFAULT_THROUGH)
    return User.objects.get(username=OFFICER), User.objects.get(username=APPROVER)


def _previewing(officer: User) -> BillingRun:
    run = operations.start_run(through=DEFAULT_THROUGH, actor=officer, source="command")
    run = operations.begin_preview(run, actor=officer, source="command")
    operations._list_people(run)
    return run


def _statuses(run: BillingRun) -> Counter[str]:
    return Counter(RunPerson.objects.filter(run=run).values_list("status", flat=True))


def test_each_share_works_out_its_own_people_only(council: tuple[User, User]) -> None:
    officer, _ = council
    run = _previewing(officer)
    rows = list(RunPerson.objects.filter(run=run).order_by("pk"))
    assert len(rows) == 24
    operations.work_out_pending(run, book=rulebook(), chunk=5, part=(1, 2))
    pending = set(
        RunPerson.objects.filter(run=run, status=PersonStatus.PENDING).values_list("pk", flat=True)
    )
    assert pending == {row.pk for row in rows if row.pk % 2 == 0}
    run.refresh_from_db()
    assert run.done == 12
    operations.work_out_pending(run, book=rulebook(), chunk=5, part=(0, 2))
    run.refresh_from_db()
    assert run.done == 24
    assert _statuses(run)[PersonStatus.PENDING] == 0
    finished = operations.finish_preview(run, book=rulebook(), source="command")
    assert finished.state == "previewed"
    assert finished.changed_count > 0


def test_shares_give_the_same_preview_as_one_process(council: tuple[User, User]) -> None:
    officer, _ = council
    shared = _previewing(officer)
    operations.work_out_pending(shared, book=rulebook(), part=(0, 3))
    operations.work_out_pending(shared, book=rulebook(), part=(2, 3))
    operations.work_out_pending(shared, book=rulebook(), part=(1, 3))
    found = {
        person: (status, digest, lines)
        for person, status, digest, lines in RunPerson.objects.filter(run=shared).values_list(
            "person_id", "status", "inputs_hash", "lines"
        )
    }
    operations.cancel(shared, actor=officer, reason="compare", source="command")
    alone = _previewing(officer)
    operations.work_out_pending(alone, book=rulebook())
    again = {
        person: (status, digest, lines)
        for person, status, digest, lines in RunPerson.objects.filter(run=alone).values_list(
            "person_id", "status", "inputs_hash", "lines"
        )
    }
    assert found == again
    assert sum(len(lines) for _, _, lines in found.values()) > 24


def test_a_row_changed_while_its_chunk_is_worked_out_is_left_alone(
    council: tuple[User, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL a chunk is worked out under its rows' locks")
    officer, _ = council
    run = _previewing(officer)
    first = RunPerson.objects.filter(run=run).order_by("pk").first()
    assert first is not None
    real = operations._work_out_chunk

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        # Someone else settles the first row while this chunk is being worked out.
        RunPerson.objects.filter(pk=first.pk, status=PersonStatus.PENDING).update(
            status=PersonStatus.FAILED, problem="set elsewhere"
        )
        return found

    monkeypatch.setattr(operations, "_work_out_chunk", meanwhile)
    operations.work_out_pending(run, book=rulebook(), chunk=10)
    first.refresh_from_db()
    assert (first.status, first.problem, first.lines) == (PersonStatus.FAILED, "set elsewhere", [])
    run.refresh_from_db()
    assert run.done == 23


def test_each_share_posts_its_own_people_once(council: tuple[User, User]) -> None:
    officer, approver = council
    run = _previewing(officer)
    operations.work_out_pending(run, book=rulebook())
    run = operations.finish_preview(run, book=rulebook(), source="command")
    run = operations.approve(run, actor=approver, source="command")
    run = operations.begin_post(run, actor=officer, book=rulebook(), source="command")
    ready = list(RunPerson.objects.filter(run=run, status__in=operations.POSTABLE))
    assert len(ready) == run.changed_count > 4
    operations.post_ready(run, actor=officer, book=rulebook(), chunk=3, part=(0, 2))
    posted = set(
        RunPerson.objects.filter(run=run, status=PersonStatus.POSTED).values_list("pk", flat=True)
    )
    assert posted == {row.pk for row in ready if row.pk % 2 == 0}
    operations.post_ready(run, actor=officer, book=rulebook(), chunk=3, part=(1, 2))
    operations.post_ready(run, actor=officer, book=rulebook(), chunk=3, part=(1, 2))
    run = operations.finish_post(run, actor=officer, source="command")
    assert run.state == "posted"
    assert _statuses(run)[PersonStatus.POSTED] == len(ready)
    assert (
        ChargeRecord.objects.filter(run=run).count()
        == run.lines_posted
        == sum(len(row.lines) for row in ready)
    )


def test_a_preview_is_stored_deflated_and_read_back_as_it_was(council: tuple[User, User]) -> None:
    officer, _ = council
    run = _previewing(officer)
    operations.work_out_pending(run, book=rulebook())
    row = RunPerson.objects.filter(run=run).exclude(lines=[]).first()
    assert row is not None and row.lines and row.lines[0]["trace"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT lines FROM billing_runperson WHERE id = %s", [row.pk])
        (stored,) = cursor.fetchone()
    assert unpack(bytes(stored)) == row.lines
    assert zlib.decompress(bytes(stored)).startswith(b'[{"key":')
    assert len(bytes(stored)) * 3 < len(zlib.decompress(bytes(stored)))
    assert unpack(pack([])) == [] and unpack(pack({"a": [1, "£"]})) == {"a": [1, "£"]}
