"""Writes for billing runs: start, check and preview, approve (a second person), post.

A run is a record of batch work (DESIGN.md principle 6). The preview runs the pre-flight
checks and works out every person's lines in chunks, each chunk in its own transaction, and
stores them; posting takes chunks of ready people, each chunk in one transaction that numbers
its invoices, posts the ledger and records the charges, so a crash part-way leaves each person
either fully posted or not at all, and running the posting again finishes the rest.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Sum
from django.db.models.functions import Mod
from django.utils import timezone

from carecharge.apps.accounts.roles import Role, has_any_role
from carecharge.apps.audit.operations import record_create, record_update, snapshot
from carecharge.apps.care.models import ServiceLine
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.web.council import rulebook
from carecharge.core.charging.policy import charging_rules_hash
from carecharge.core.rules import RuleBook, RuleError

from . import inputs as gathered
from . import preflight
from .models import (
    BillingRun,
    ChargeRecord,
    PersonStatus,
    PreflightProblem,
    RunPerson,
    RunState,
    RunTask,
    Severity,
)
from .posting import insert_rows, plan_people, post_people, update_rows
from .work import work_out_people

CHUNK = 500
STALLED_AFTER = timedelta(minutes=10)
BILLING_ROLES = {Role.CHARGING_OFFICER, Role.SENIOR_OFFICER}
RUN_AUDITED = [
    "state",
    "task",
    "rules_hash",
    "people_count",
    "changed_count",
    "held_count",
    "excluded_count",
    "invoiced_pence",
    "credited_pence",
    "invoices_count",
    "credit_notes_count",
    "lines_posted",
    "amount_posted_pence",
    "previewed_by",
    "approved_by",
    "posted_by",
    "cancelled_reason",
]
POSTABLE = [PersonStatus.READY, PersonStatus.RELEASED]


class BillingRefused(ValueError):
    """The run cannot do what was asked; the message says why in one line."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require(actor: Any, allowed: Iterable[str], doing: str, *, anyone: bool = False) -> None:
    if _user(actor) is None:
        if anyone:
            return
        raise BillingRefused(f"say who you are to {doing}")
    if not has_any_role(actor, allowed):
        raise BillingRefused(f"{actor.get_username()} does not have a role that may {doing}")


def _day(when: date) -> str:
    return f"{when:%d/%m/%Y}"


def billing_from() -> date:
    """The first day carecharge bills (the council's go-live): earlier care was billed by the
    system it replaced."""
    return date.fromisoformat(settings.CARECHARGE_BILLING_FROM)


def _lock(run: BillingRun) -> BillingRun:
    return BillingRun.objects.select_for_update().get(pk=run.pk)


def last_posted_through() -> date | None:
    last = BillingRun.objects.filter(state=RunState.POSTED).order_by("-through_date").first()
    return last.through_date if last else None


REQUIRED_RULES = ("week_start", "payment_terms_days", "backdated_review_threshold")


def check_rules(book: RuleBook, council: str, through: date) -> None:
    """Refuse a run the council's billing policy does not cover, before anything is worked out."""
    missing = []
    for name in REQUIRED_RULES:
        rule = f"local.{council}.billing.{name}"
        try:
            book.as_at(through).get(rule)
        except RuleError:
            missing.append(rule)
    if missing:
        raise BillingRefused(
            f"through: the rules have no billing policy in force on {_day(through)} "
            f"({', '.join(missing)}); add it to rules/local/{council}/billing/ first"
        )


@transaction.atomic
def start_run(*, through: date, actor: Any, source: str = "web") -> BillingRun:
    """A new draft run billing up to ``through``, or the open run if there is one for that date."""
    _require(actor, BILLING_ROLES, "start a billing run", anyone=source == "command")
    if through < billing_from():
        raise BillingRefused(
            f"through: billing in carecharge starts on {_day(billing_from())}; choose a later date"
        )
    check_rules(rulebook(), settings.CARECHARGE_COUNCIL, through)
    previous = last_posted_through()
    if previous is not None and through < previous:
        raise BillingRefused(
            f"through: a run to {_day(previous)} is already posted; a run must reach at least "
            "as far (corrections to earlier weeks are found by every run)"
        )
    open_run = BillingRun.objects.exclude(state__in=[RunState.POSTED, RunState.CANCELLED]).first()
    if open_run is not None:
        if open_run.through_date == through and open_run.state != RunState.APPROVED:
            return open_run
        raise BillingRefused(
            f"run {open_run.pk} to {_day(open_run.through_date)} is "
            f"{open_run.get_state_display().lower()}: post or cancel it first"
        )
    try:
        with transaction.atomic():
            run = BillingRun.objects.create(
                through_date=through, created_at=timezone.now(), created_by=_user(actor)
            )
    except IntegrityError:
        raise BillingRefused("another billing run was started at the same moment") from None
    record_create(
        actor=actor, instance=run, reason=f"Billing run to {_day(through)}", source=source
    )
    return run


def people_in_scope(through: date) -> list[int]:
    """Everyone with care up to the date, and everyone ever charged (their charges may need
    reversing even if their care record has gone)."""
    # One look-up per person in each index, not a read of every line and every charge record
    # ever posted (millions, after a few years).
    with_care = ServiceLine.objects.filter(package__person=OuterRef("pk"), start_date__lte=through)
    charged = ChargeRecord.objects.filter(person=OuterRef("pk"))
    return list(
        ServiceUser.objects.filter(Exists(with_care) | Exists(charged))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def begin_preview(run: BillingRun, *, actor: Any, source: str = "web") -> BillingRun:
    _require(actor, BILLING_ROLES, "preview a billing run", anyone=source == "command")
    locked = _lock(run)
    if locked.state not in {RunState.DRAFT, RunState.PREVIEWED, RunState.APPROVED}:
        raise BillingRefused(
            f"run {locked.pk} is {locked.get_state_display().lower()}; it cannot be previewed"
        )
    if locked.task == RunTask.POST or locked.people.filter(status=PersonStatus.POSTED).exists():
        raise BillingRefused(f"run {locked.pk} has started posting; it cannot be previewed again")
    if locked.task == RunTask.PREVIEW and not stalled(locked, now=timezone.now()):
        raise BillingRefused(f"run {locked.pk} is already being worked out; wait for it to finish")
    before = snapshot(locked, RUN_AUDITED)
    locked.state = RunState.DRAFT
    locked.task = RunTask.PREVIEW
    locked.done = locked.total = 0
    locked.progress_at = timezone.now()
    locked.last_error = ""
    locked.approved_by = None
    locked.approved_at = None
    locked.previewed_by = _user(actor)
    locked.save()
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        source=source,
        reason="Pre-flight checks and preview started",
        action="billing.preview_started",
    )
    return locked


@transaction.atomic
def _list_people(run: BillingRun) -> None:
    run.people.all().delete()
    run.problems.all().delete()
    ids = people_in_scope(run.through_date)
    # Every field at its default but the person: one row is built as a model, the rest copied.
    template = RunPerson(run=run)
    found = [f for f in RunPerson._meta.concrete_fields if not f.primary_key]
    values = [getattr(template, f.attname) for f in found]
    person = [f.name for f in found].index("person")
    rows = []
    for pk in ids:
        row = list(values)
        row[person] = pk
        rows.append(row)
    insert_rows(RunPerson, [f.name for f in found], rows)
    BillingRun.objects.filter(pk=run.pk).update(total=len(ids), done=0, progress_at=timezone.now())


def _claims_by_lock() -> bool:
    """PostgreSQL: processes take chunks by locking rows no other process has locked, and
    work each chunk out inside the transaction that holds the lock. SQLite has no row locks
    and one writer at a time: each process takes its own share of the people (``part``) and
    works a chunk out before it takes the write lock, which it holds only to store the
    chunk, so two processes can work out at once and the database is never locked for long."""
    return connection.vendor == "postgresql"


def _share(rows: QuerySet[RunPerson], part: tuple[int, int] | None) -> QuerySet[RunPerson]:
    """The rows of process ``part[0]`` of ``part[1]`` (by row id), or all of them."""
    if part is None or part[1] <= 1:
        return rows
    index, count = part
    return rows.annotate(share=Mod(F("pk"), count)).filter(share=index)


def _still(rows: Sequence[RunPerson], statuses: Sequence[str]) -> list[RunPerson]:
    """The rows that still have one of ``statuses`` (read inside the writing transaction:
    anything changed while the chunk was worked out is left alone)."""
    current = set(
        RunPerson.objects.filter(pk__in=[row.pk for row in rows], status__in=statuses).values_list(
            "pk", flat=True
        )
    )
    return [row for row in rows if row.pk in current]


def work_out_pending(
    run: BillingRun,
    *,
    book: RuleBook,
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    part: tuple[int, int] | None = None,
) -> None:
    chunk = chunk or CHUNK
    pending = RunPerson.objects.filter(run=run, status=PersonStatus.PENDING).order_by("pk")
    after = 0
    while True:
        if _claims_by_lock():
            with transaction.atomic():
                rows = list(_share(pending, part).select_for_update(skip_locked=True)[:chunk])
                if not rows:
                    return
                _store_worked_out(run, rows, _work_out_chunk(run, rows, book=book))
        else:
            # This process's share is its own, taken in order: nothing before the last row it
            # took is still to do, so it is not read again (at 100,000 people, reading from the
            # start every time read the run's rows fifty times over).
            rows = list(_share(pending, part).filter(pk__gt=after)[:chunk])
            if not rows:
                return
            after = rows[-1].pk
            found = _work_out_chunk(run, rows, book=book)
            with transaction.atomic():
                _store_worked_out(run, _still(rows, [PersonStatus.PENDING]), found)
        if progress is not None:
            run.refresh_from_db(fields=["done", "total"])
            progress(run.done, run.total)


def _work_out_chunk(
    run: BillingRun, rows: Sequence[RunPerson], *, book: RuleBook
) -> tuple[dict[int, dict[str, Any]], list[preflight.Problem]]:
    """Each person's result and the pre-flight problems (reads only)."""
    council = settings.CARECHARGE_COUNCIL
    since = billing_from()
    ids = [row.person_id for row in rows]
    inputs = gathered.gather(ids, through=run.through_date, since=since, book=book, council=council)
    found = work_out_people(
        inputs, through=run.through_date, since=since, book=book, council=council
    )
    context = preflight.Context(
        through=run.through_date, since=since, book=book, council=council, inputs=inputs
    )
    return found, preflight.run_checks(ids, context)


def _store_worked_out(
    run: BillingRun,
    rows: Sequence[RunPerson],
    worked_out: tuple[dict[int, dict[str, Any]], list[preflight.Problem]],
) -> None:
    if not rows:
        return
    found, problems = worked_out
    ids = {row.person_id for row in rows}
    problems = [p for p in problems if p.person_id is None or p.person_id in ids]
    blocked = {p.person_id for p in problems if p.severity == Severity.BLOCKER}
    PreflightProblem.objects.bulk_create(
        [
            PreflightProblem(
                run=run,
                person_id=p.person_id,
                check_name=p.check,
                severity=p.severity,
                message=p.message,
            )
            for p in problems
        ]
    )
    for row in rows:
        result = found[row.person_id]
        row.status = result["status"]
        if row.person_id in blocked and result["status"] != PersonStatus.NO_CHANGE:
            row.status = PersonStatus.EXCLUDED
        row.inputs_hash = result["inputs_hash"]
        row.lines = result["lines"]
        row.invoiced_pence = result.get("invoiced_pence", 0)
        row.credited_pence = result.get("credited_pence", 0)
        row.not_invoiced_pence = result.get("not_invoiced_pence", 0)
        row.backdated_pence = result.get("backdated_pence", 0)
        row.problem = result["problem"]
    save_rows(rows, WORKED_OUT)
    BillingRun.objects.filter(pk=run.pk).update(
        done=F("done") + len(rows), progress_at=timezone.now()
    )


def refresh_counts(run: BillingRun) -> BillingRun:
    people = run.people
    run.people_count = people.count()
    run.changed_count = people.filter(status__in=[*POSTABLE, PersonStatus.POSTED]).count()
    run.held_count = people.filter(status=PersonStatus.HELD).count()
    run.excluded_count = people.filter(status=PersonStatus.EXCLUDED).count()
    run.blocker_count = run.problems.filter(severity=Severity.BLOCKER).count()
    run.warning_count = run.problems.filter(severity=Severity.WARNING).count()
    sums = people.filter(status__in=[*POSTABLE, PersonStatus.POSTED]).aggregate(
        invoiced=Sum("invoiced_pence"),
        credited=Sum("credited_pence"),
        not_invoiced=Sum("not_invoiced_pence"),
    )
    run.invoiced_pence = sums["invoiced"] or 0
    run.credited_pence = sums["credited"] or 0
    run.not_invoiced_pence = sums["not_invoiced"] or 0
    posted = run.invoices
    run.invoices_count = posted.filter(kind="invoice").count()
    run.credit_notes_count = posted.filter(kind="credit_note").count()
    run.lines_posted = run.charges.count()
    run.amount_posted_pence = (
        run.charges.filter(invoiced=True).aggregate(total=Sum("amount_pence"))["total"] or 0
    )
    run.save()
    return run


@transaction.atomic
def finish_preview(run: BillingRun, *, book: RuleBook, source: str = "web") -> BillingRun:
    locked = _lock(run)
    if locked.task != RunTask.PREVIEW or locked.people.filter(status=PersonStatus.PENDING).exists():
        return locked
    before = snapshot(locked, RUN_AUDITED)
    locked.state = RunState.PREVIEWED
    locked.task = RunTask.NONE
    locked.rules_hash = charging_rules_hash(book, settings.CARECHARGE_COUNCIL)
    locked.previewed_at = locked.checked_at = timezone.now()
    refresh_counts(locked)
    record_update(
        actor=locked.previewed_by,
        instance=locked,
        before=before,
        source=source,
        reason=(
            f"Previewed: {locked.changed_count} people to post, {locked.held_count} held, "
            f"{locked.excluded_count} excluded by pre-flight checks"
        ),
        action="billing.previewed",
    )
    return locked


def continue_preview(
    run: BillingRun,
    *,
    book: RuleBook | None = None,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> BillingRun:
    book = book or rulebook()
    _list_people(run)
    share_work(workers, lambda part: work_out_pending(run, book=book, progress=progress, part=part))
    return finish_preview(run, book=book, source=source)


def preview(
    run: BillingRun,
    *,
    actor: Any,
    book: RuleBook | None = None,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> BillingRun:
    begun = begin_preview(run, actor=actor, source=source)
    return continue_preview(begun, book=book, source=source, progress=progress, workers=workers)


@transaction.atomic
def release_hold(row: RunPerson, *, actor: Any, note: str, source: str = "web") -> RunPerson:
    """A senior officer has reviewed a large backdated amount (and offered a payment plan):
    the person's lines are posted with the run."""
    _require(actor, {Role.SENIOR_OFFICER}, "release a held backdated charge")
    locked = RunPerson.objects.select_for_update(of=("self",)).select_related("run").get(pk=row.pk)
    note = note.strip()
    if not note:
        raise BillingRefused("note: say what was reviewed and whether a payment plan was offered")
    if locked.status != PersonStatus.HELD or locked.run.task:
        raise BillingRefused(
            f"this person is {locked.get_status_display().lower()}; nothing to release"
        )
    # Released amounts are then approved with the run, so the release comes first and is not
    # made by whoever started or previewed the run: two people see every held amount.
    if locked.run.state != RunState.PREVIEWED:
        raise BillingRefused(
            f"run {locked.run_id} is {locked.run.get_state_display().lower()}: holds are "
            "released before the run is approved (preview it again to withdraw the approval)"
        )
    if actor.pk in {locked.run.created_by_id, locked.run.previewed_by_id}:
        raise BillingRefused(
            f"a second person must release it: {actor.get_username()} started or previewed "
            f"run {locked.run_id}"
        )
    before = snapshot(locked, ["status", "release_note", "released_by"])
    locked.status = PersonStatus.RELEASED
    locked.released_by = actor
    locked.released_at = timezone.now()
    locked.release_note = note
    locked.save(update_fields=["status", "released_by", "released_at", "release_note"])
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        source=source,
        reason=note,
        action="billing.hold_released",
    )
    refresh_counts(BillingRun.objects.select_for_update().get(pk=locked.run_id))
    return locked


@transaction.atomic
def approve(run: BillingRun, *, actor: Any, source: str = "web") -> BillingRun:
    """A senior officer who neither started nor previewed the run approves its figures."""
    _require(actor, {Role.SENIOR_OFFICER}, "approve a billing run")
    locked = _lock(run)
    if locked.state != RunState.PREVIEWED or locked.task:
        raise BillingRefused(
            f"run {locked.pk} is {locked.get_state_display().lower()}: only a previewed run can "
            "be approved"
        )
    if locked.previewed_by_id is None and locked.created_by_id is None:
        raise BillingRefused(
            f"nobody is recorded as having started or previewed run {locked.pk}, so a second "
            "person cannot be shown to approve it: preview it again as a named user"
        )
    if actor.pk in {locked.created_by_id, locked.previewed_by_id}:
        raise BillingRefused(
            f"a second person must approve: {actor.get_username()} started or previewed "
            f"run {locked.pk}"
        )
    failed = locked.people.filter(status=PersonStatus.FAILED).count()
    if failed:
        raise BillingRefused(
            f"{failed} {'person' if failed == 1 else 'people'} could not be worked out: fix the "
            "data shown on the run and preview it again"
        )
    before = snapshot(locked, RUN_AUDITED)
    locked.state = RunState.APPROVED
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.save()
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        source=source,
        reason=f"Approved: {locked.changed_count} people to post",
        action="billing.approved",
    )
    return locked


@transaction.atomic
def begin_post(run: BillingRun, *, actor: Any, book: RuleBook, source: str = "web") -> BillingRun:
    _require(actor, BILLING_ROLES, "post a billing run", anyone=source == "command")
    locked = _lock(run)
    if locked.state not in {RunState.APPROVED, RunState.POSTED}:
        raise BillingRefused(
            f"run {locked.pk} is {locked.get_state_display().lower()}: it must be approved by a "
            "second person before it is posted"
        )
    if locked.task == RunTask.POST and not stalled(locked, now=timezone.now()):
        raise BillingRefused(f"run {locked.pk} is already being posted; wait for it to finish")
    started = locked.people.filter(status=PersonStatus.POSTED).exists()
    rules_now = charging_rules_hash(book, settings.CARECHARGE_COUNCIL)
    if locked.state == RunState.APPROVED and not started and locked.rules_hash != rules_now:
        raise BillingRefused(
            f"the rules have changed since run {locked.pk} was previewed: preview it again and "
            "have it approved again"
        )
    before = snapshot(locked, RUN_AUDITED)
    locked.task = RunTask.POST
    locked.last_error = ""
    locked.posted_by = locked.posted_by or _user(actor)
    locked.total = locked.people.filter(status__in=[*POSTABLE, PersonStatus.POSTED]).count()
    locked.done = locked.people.filter(status=PersonStatus.POSTED).count()
    locked.progress_at = timezone.now()
    locked.save()
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        source=source,
        reason="Posting started",
        action="billing.posting_started",
    )
    return locked


def post_ready(
    run: BillingRun,
    *,
    actor: Any,
    book: RuleBook,
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    part: tuple[int, int] | None = None,
) -> None:
    """Post ready people a chunk at a time. A person whose inputs changed since the preview is
    left for the next run: what is posted is always exactly what was approved."""
    chunk = chunk or CHUNK
    ready_rows = (
        RunPerson.objects.filter(run=run, status__in=POSTABLE)
        .select_related("person")
        .order_by("pk")
    )
    after = 0
    while True:
        if _claims_by_lock():
            with transaction.atomic():
                rows = list(
                    _share(ready_rows, part).select_for_update(skip_locked=True, of=("self",))[
                        :chunk
                    ]
                )
                if not rows:
                    return
                unchanged = _unchanged(run, rows, book=book)
                plans = plan_people([row for row in rows if row.pk in unchanged])
                _post_chunk(run, rows, unchanged, plans, actor=actor, book=book)
        else:
            rows = list(_share(ready_rows, part).filter(pk__gt=after)[:chunk])
            if not rows:
                return
            after = rows[-1].pk
            # Everything but the writing is done before the write lock is taken.
            unchanged = _unchanged(run, rows, book=book)
            plans = plan_people([row for row in rows if row.pk in unchanged])
            with transaction.atomic():
                _post_chunk(run, _still(rows, POSTABLE), unchanged, plans, actor=actor, book=book)
        if progress is not None:
            run.refresh_from_db(fields=["done", "total"])
            progress(run.done, run.total)


def _unchanged(run: BillingRun, rows: Sequence[RunPerson], *, book: RuleBook) -> set[int]:
    """The rows whose person's inputs (and the rules) are as they were at the preview."""
    council = settings.CARECHARGE_COUNCIL
    since = billing_from()
    rules_now = charging_rules_hash(book, council)
    inputs = gathered.gather(
        [row.person_id for row in rows],
        through=run.through_date,
        since=since,
        book=book,
        council=council,
    )
    return {
        row.pk
        for row in rows
        if gathered.fingerprint(inputs[row.person_id], rules_hash=rules_now, since=since)
        == row.inputs_hash
    }


def _post_chunk(
    run: BillingRun,
    rows: Sequence[RunPerson],
    unchanged: set[int],
    plans: dict[int, Any],
    *,
    actor: Any,
    book: RuleBook,
) -> None:
    if not rows:
        return
    ready = [row for row in rows if row.pk in unchanged]
    changed = [row for row in rows if row.pk not in unchanged]
    post_people(
        run,
        ready,
        book=book,
        council=settings.CARECHARGE_COUNCIL,
        actor=_user(actor),
        today=timezone.localdate(),
        plans=plans,
    )
    now = timezone.now()
    for row in ready:
        row.status = PersonStatus.POSTED
        row.posted_at = now
    for row in changed:
        row.status = PersonStatus.CHANGED
    save_rows(rows, ["status", "posted_at"])
    BillingRun.objects.filter(pk=run.pk).update(
        done=F("done") + len(rows), progress_at=timezone.now()
    )


@transaction.atomic
def finish_post(run: BillingRun, *, actor: Any, source: str = "web") -> BillingRun:
    locked = _lock(run)
    before = snapshot(locked, RUN_AUDITED)
    finished = (
        locked.state == RunState.APPROVED and not locked.people.filter(status__in=POSTABLE).exists()
    )
    if finished:
        locked.state = RunState.POSTED
        locked.posted_at = timezone.now()
    locked.task = RunTask.NONE
    refresh_counts(locked)
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        source=source,
        reason=(
            f"Posted: {locked.invoices_count} invoices, {locked.credit_notes_count} credit "
            f"notes, {locked.lines_posted} lines"
        ),
        action="billing.posted" if finished else "billing.posting_finished",
    )
    return locked


def continue_post(
    run: BillingRun,
    *,
    actor: Any,
    book: RuleBook | None = None,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> BillingRun:
    book = book or rulebook()
    share_work(
        workers,
        lambda part: post_ready(run, actor=actor, book=book, progress=progress, part=part),
    )
    return finish_post(run, actor=actor, source=source)


def post(
    run: BillingRun,
    *,
    actor: Any,
    book: RuleBook | None = None,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> BillingRun:
    """Post an approved run from start to finish, here and now; run again to resume."""
    book = book or rulebook()
    begun = begin_post(run, actor=actor, book=book, source=source)
    return continue_post(
        begun, actor=actor, book=book, source=source, progress=progress, workers=workers
    )


@transaction.atomic
def cancel(run: BillingRun, *, actor: Any, reason: str, source: str = "web") -> BillingRun:
    """Abandon a run that has posted nothing (its preview is kept for the record)."""
    _require(actor, BILLING_ROLES, "cancel a billing run", anyone=source == "command")
    locked = _lock(run)
    reason = reason.strip()
    if not reason:
        raise BillingRefused("reason: say why the run is cancelled")
    if (
        locked.state in {RunState.POSTED, RunState.CANCELLED}
        or locked.people.filter(status=PersonStatus.POSTED).exists()
        or locked.task == RunTask.POST
    ):
        raise BillingRefused(
            f"run {locked.pk} is {locked.get_state_display().lower()} or has posted charges; "
            "it cannot be cancelled"
        )
    before = snapshot(locked, RUN_AUDITED)
    locked.state = RunState.CANCELLED
    locked.task = RunTask.NONE
    locked.approved_by = None
    locked.cancelled_reason = reason
    locked.save()
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        source=source,
        reason=reason,
        action="billing.cancelled",
    )
    return locked


WORKED_OUT = [
    "status",
    "inputs_hash",
    "lines",
    "invoiced_pence",
    "credited_pence",
    "not_invoiced_pence",
    "backdated_pence",
    "problem",
]


def save_rows(rows: Sequence[RunPerson], names: Sequence[str]) -> None:
    """Write ``names`` of each row (``bulk_update``'s job, many rows to a statement)."""
    attributes = [getattr(RunPerson._meta.get_field(name), "attname", name) for name in names]
    update_rows(
        RunPerson, names, [[getattr(row, a) for a in attributes] + [row.pk] for row in rows]
    )


def record_failure(run: BillingRun, error: BaseException) -> None:
    BillingRun.objects.filter(pk=run.pk).update(
        task=RunTask.NONE, last_error=f"{type(error).__name__}: {error}"[:2000]
    )


def stalled(run: BillingRun, *, now: datetime) -> bool:
    if not run.task:
        return False
    return run.progress_at is None or now - run.progress_at > STALLED_AFTER


def run_to_posted(
    *,
    through: date,
    actor: Any,
    approver: Any,
    source: str = "command",
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> BillingRun:
    """Draft to posted in one go (the command line): the approver must be a different senior
    officer, exactly as on screen. ``workers`` processes share the working out and the posting
    on PostgreSQL (see `share_work`)."""
    if approver is None or actor is None or approver.pk == actor.pk:
        raise BillingRefused("--approve-as: a second, different person must approve the run")
    run = start_run(through=through, actor=actor, source=source)
    try:
        run = preview(run, actor=actor, source=source, progress=progress, workers=workers)
        run = approve(run, actor=approver, source=source)
        return post(run, actor=actor, source=source, progress=progress, workers=workers)
    except BillingRefused:
        raise
    except Exception as error:
        # Say so on the run (the screen then offers to carry on) before the error is reported.
        record_failure(run, error)
        raise


def configured_workers() -> int:
    """How many processes share a run unless told (``CARECHARGE_BILLING_WORKERS``)."""
    setting = str(settings.CARECHARGE_BILLING_WORKERS).strip()
    if not setting.isdigit() or int(setting) < 1:
        raise ImproperlyConfigured(
            f"CARECHARGE_BILLING_WORKERS: {setting!r} is not a whole number of processes "
            "(1 or more)"
        )
    return int(setting)


def share_work(workers: int | None, job: Callable[[tuple[int, int] | None], None]) -> None:
    """Do ``job`` in this process and in ``workers - 1`` more at the same time (``workers``:
    `configured_workers` unless given).

    The chunked jobs (`work_out_pending`, `post_ready`) never take the same person twice: on
    PostgreSQL each process takes the next chunk no other has locked (``part`` is None); on
    SQLite each takes its own share of the people (``part``: its number and how many share),
    works a chunk out, then waits its turn to write it. When called inside a transaction
    (whose work a new process could not see), or on an in-memory database, the job runs here
    alone. The extra processes are forked, so they start with this one's rules already
    loaded; each opens its own database connection.
    """
    name = str(connection.settings_dict["NAME"])
    in_memory = connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name)
    alone = connection.in_atomic_block or in_memory
    workers = configured_workers() if workers is None else workers
    if workers <= 1 or alone:
        job(None)
        return
    connections.close_all()
    forked = multiprocessing.get_context("fork")
    shares: list[tuple[int, int] | None] = (
        [None] * workers if _claims_by_lock() else [(n, workers) for n in range(workers)]
    )
    helpers = [forked.Process(target=_helper, args=(job, share)) for share in shares[1:]]
    for helper in helpers:
        helper.start()
    try:
        job(shares[0])
    finally:
        for helper in helpers:
            helper.join()
    failed = sum(1 for helper in helpers if helper.exitcode)
    if failed:
        raise RuntimeError(
            f"{failed} of the {workers} worker processes stopped with an error (shown above); "
            "what they had not finished is still to do: run the same step again to finish it"
        )


def _helper(job: Callable[[tuple[int, int] | None], None], part: tuple[int, int] | None) -> None:
    try:
        job(part)
    finally:
        connections.close_all()
