"""Writes for annual uprating: start a run, preview it, approve it (a second person), post it.

A run is a record of batch work (DESIGN.md principle 6). The preview is worked out in chunks,
each in its own transaction, and stored item by item; posting takes each ready item in its own
transaction, so a crash part-way leaves every item either posted (with its new assessment) or
not, and running the posting again finishes the rest without posting anyone twice. New
assessments are made through the assessments app's own operations, so an uprated version is
completed, audited and supersedes the old one exactly as an officer's revision does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, Role, has_any_role
from carecharge.apps.assessments import operations as assessments
from carecharge.apps.assessments.models import Assessment, AssessmentState
from carecharge.apps.audit.operations import record_create, record_update, snapshot
from carecharge.apps.web.council import rulebook
from carecharge.core.money import to_decimal_string
from carecharge.core.rules import RuleBook
from carecharge.core.uprating import rule_names

from . import queries
from .letters import issue_letters
from .models import ItemStatus, RunState, RunTask, UpratingItem, UpratingRun
from .proposal import work_out

PREVIEW_CHUNK = 200
# A chunk of the preview takes seconds and a letter about one; this long without progress
# means nothing is working on the run any more.
STALLED_AFTER = timedelta(minutes=10)
RUN_AUDITED = [
    "state",
    "task",
    "rules_hash",
    "ready_count",
    "no_change_count",
    "manual_review_count",
    "posted_count",
    "skipped_count",
    "old_total_pence",
    "new_total_pence",
    "previewed_by",
    "approved_by",
    "posted_by",
]
ITEM_AUDITED = ["status", "new_assessment", "reasons", "resolved_by"]
# The statuses whose charges the run's totals add up: the people it changes or confirms.
IN_TOTALS = [ItemStatus.READY, ItemStatus.NO_CHANGE, ItemStatus.POSTED]


class UpratingRefused(ValueError):
    """The run cannot do what was asked; the message says why in one line."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _require(actor: Any, allowed: Iterable[str], doing: str, *, anyone: bool = False) -> None:
    """Refuse a user without one of the roles. ``anyone``: the command line may act unnamed."""
    if _user(actor) is None:
        if anyone:
            return
        raise UpratingRefused(f"say who you are to {doing}")
    if not has_any_role(actor, allowed):
        raise UpratingRefused(f"{actor.get_username()} does not have a role that may {doing}")


def _day(when: date) -> str:
    return f"{when:%d/%m/%Y}"


def check_from_date(from_date: date, book: RuleBook) -> None:
    """The rules must hold this year's value of every benefit rate uprating reads: a rate whose
    latest value is more than a year old means the year's figures are not loaded yet, and every
    amount would be "uprated" to itself."""
    rules = book.as_at(from_date)
    missing = [name for name in rule_names() if name not in rules]
    if missing:
        raise UpratingRefused(
            f"from: the rules hold no benefit rates on {_day(from_date)} ({missing[0]} and "
            f"{len(missing) - 1} more have no value in force); choose a later date"
        )
    year_before = from_date - timedelta(days=366)
    stale = [
        (name, latest)
        for name in rule_names()
        if (latest := rules.entry(name).effective_from) <= year_before
    ]
    if stale:
        name, latest = stale[0]
        raise UpratingRefused(
            f"from: the rules hold no new rates for the year to {_day(from_date)}: {name} last "
            f"changed on {_day(latest)} ({len(stale) - 1} more the same). Load the year's "
            "benefit rates into the rules first"
        )


def date_warning(from_date: date, book: RuleBook | None = None) -> str:
    """Why the date looks wrong, if no benefit rate the rules hold changes on it (a typing
    slip, like the day before the uprating, would leave every rate as it was)."""
    book = book or rulebook()
    changes = {
        value.effective_from
        for name in rule_names()
        for value in book.rule(name).values
        if value.effective_from <= from_date
    }
    if not changes or from_date in changes:
        return ""
    return (
        f"No benefit rate in the rules changes on {_day(from_date)}: they last changed on "
        f"{_day(max(changes))}. Check the date before this run is approved."
    )


def _lock(run: UpratingRun) -> UpratingRun:
    return UpratingRun.objects.select_for_update().get(pk=run.pk)


def refresh_counts(run: UpratingRun) -> UpratingRun:
    """Store the items' counts and the totals of the weekly charges on the run."""
    found = queries.counts(run)
    run.ready_count = found[ItemStatus.READY]
    run.no_change_count = found[ItemStatus.NO_CHANGE]
    run.manual_review_count = found[ItemStatus.MANUAL_REVIEW]
    run.posted_count = found[ItemStatus.POSTED]
    run.skipped_count = found[ItemStatus.SKIPPED] + found[ItemStatus.RESOLVED]
    sums = run.items.filter(status__in=IN_TOTALS).aggregate(
        old=Sum("old_weekly_charge_pence"), new=Sum("new_weekly_charge_pence")
    )
    run.old_total_pence, run.new_total_pence = sums["old"] or 0, sums["new"] or 0
    run.save()
    return run


@transaction.atomic
def start_run(
    *, from_date: date, actor: Any, book: RuleBook | None = None, source: str = "web"
) -> UpratingRun:
    """A new run for the date, or the draft or previewed run for it that is already open."""
    _require(actor, ASSESSMENT_ROLES, "start an uprating run", anyone=source == "command")
    check_from_date(from_date, book or rulebook())
    existing = queries.open_run_for(from_date)
    if existing is not None:
        if existing.state == RunState.APPROVED:
            raise UpratingRefused(
                f"run {existing.pk} from {_day(from_date)} is already approved: post it first"
            )
        return existing
    try:
        with transaction.atomic():
            run = UpratingRun.objects.create(
                from_date=from_date, created_at=timezone.now(), created_by=_user(actor)
            )
    except IntegrityError:  # someone else started the same date at the same moment
        raced = queries.open_run_for(from_date)
        if raced is None:
            raise
        return raced
    record_create(
        actor=actor,
        instance=run,
        reason=f"Annual uprating from {_day(from_date)}",
        source=source,
    )
    return run


# --- Preview ---------------------------------------------------------------------------------


@transaction.atomic
def begin_preview(run: UpratingRun, *, actor: Any, source: str = "web") -> UpratingRun:
    """Check the run may be previewed (again) and mark it as being worked out. Previewing an
    approved run that has posted nobody yet withdraws the approval: the figures may change."""
    _require(actor, ASSESSMENT_ROLES, "preview an uprating run", anyone=source == "command")
    locked = _lock(run)
    if locked.task == RunTask.POST:
        raise UpratingRefused(f"run {locked.pk} is being posted; it cannot be previewed again")
    if locked.task == RunTask.PREVIEW and not stalled(locked, now=timezone.now()):
        raise UpratingRefused(
            f"run {locked.pk} is already being worked out; wait for it to finish (a preview "
            f"that makes no progress for {STALLED_AFTER.seconds // 60} minutes may be restarted)"
        )
    if locked.state == RunState.POSTED or locked.items.filter(status=ItemStatus.POSTED).exists():
        raise UpratingRefused(
            f"run {locked.pk} has already posted new assessments; it cannot be previewed again"
        )
    before = snapshot(locked, RUN_AUDITED)
    locked.state = RunState.DRAFT
    locked.task = RunTask.PREVIEW
    locked.done = locked.total = 0
    locked.progress_at = timezone.now()
    locked.last_error = ""
    locked.approved_by = locked.approved_at = None
    locked.previewed_by = _user(actor)
    locked.save()
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        source=source,
        reason="Preview started",
        action="uprating.preview_started",
    )
    return locked


@transaction.atomic
def _list_people(run: UpratingRun) -> None:
    """Replace the run's items with one pending item per person to be uprated."""
    run.items.all().delete()
    chosen = queries.current_assessments(run.from_date)
    UpratingItem.objects.bulk_create(
        [
            UpratingItem(
                run=run,
                person_id=assessment.person_id,
                old_assessment=assessment,
                old_weekly_charge_pence=assessment.weekly_charge_pence or 0,
            )
            for assessment in chosen
        ],
        batch_size=1000,
    )
    UpratingRun.objects.filter(pk=run.pk).update(
        total=len(chosen), done=0, progress_at=timezone.now()
    )


def work_out_pending(
    run: UpratingRun,
    *,
    book: RuleBook,
    chunk: int = PREVIEW_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Work out every pending item, a chunk at a time, each chunk in its own transaction.
    Workers may share a run: on PostgreSQL each takes chunks the others have not locked."""
    while True:
        with transaction.atomic():
            batch = list(
                UpratingItem.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(run=run, status=ItemStatus.PENDING)
                .select_related("person", "old_assessment")
                .order_by("pk")[:chunk]
            )
            if not batch:
                return
            for item in batch:
                # An update, not save(): a preview restarted meanwhile may have removed it.
                UpratingItem.objects.filter(pk=item.pk, status=ItemStatus.PENDING).update(
                    **work_out(item, run, book)
                )
            UpratingRun.objects.filter(pk=run.pk).update(
                done=F("done") + len(batch), progress_at=timezone.now()
            )
        if progress is not None:
            run.refresh_from_db(fields=["done", "total"])
            progress(run.done, run.total)


@transaction.atomic
def finish_preview(run: UpratingRun, *, book: RuleBook, source: str = "web") -> UpratingRun:
    locked = _lock(run)
    if locked.task != RunTask.PREVIEW or locked.items.filter(status=ItemStatus.PENDING).exists():
        return locked  # another worker finished it, or it is still being worked out
    before = snapshot(locked, RUN_AUDITED)
    locked.state = RunState.PREVIEWED
    locked.task = RunTask.NONE
    locked.rules_hash = book.content_hash
    locked.previewed_at = timezone.now()
    refresh_counts(locked)
    record_update(
        actor=locked.previewed_by,
        instance=locked,
        before=before,
        source=source,
        reason=(
            f"Previewed: {locked.ready_count} ready, {locked.no_change_count} no change, "
            f"{locked.manual_review_count} for manual review"
        ),
        action="uprating.previewed",
    )
    return locked


def continue_preview(
    run: UpratingRun,
    *,
    book: RuleBook | None = None,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
) -> UpratingRun:
    """List the people and work the preview out (what the background task does)."""
    book = book or rulebook()
    _list_people(run)
    work_out_pending(run, book=book, progress=progress)
    return finish_preview(run, book=book, source=source)


def preview(
    run: UpratingRun,
    *,
    actor: Any,
    book: RuleBook | None = None,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
) -> UpratingRun:
    """Preview a run from start to finish, here and now (the command, and tests)."""
    begun = begin_preview(run, actor=actor, source=source)
    return continue_preview(begun, book=book, source=source, progress=progress)


# --- Approval --------------------------------------------------------------------------------


@transaction.atomic
def approve(run: UpratingRun, *, actor: Any, source: str = "web") -> UpratingRun:
    """A senior officer who neither started nor previewed the run approves its figures."""
    _require(actor, {Role.SENIOR_OFFICER}, "approve an uprating run")
    locked = _lock(run)
    if locked.state != RunState.PREVIEWED or locked.task:
        raise UpratingRefused(
            f"run {locked.pk} is {locked.get_state_display().lower()}"
            f"{' and still being worked out' if locked.task else ''}: only a previewed run can "
            "be approved"
        )
    if locked.previewed_by_id is None:
        raise UpratingRefused(
            f"nobody is recorded as having previewed run {locked.pk}, so a second person "
            "cannot be shown to approve it: preview it again as a named user "
            "(carecharge uprate --from DATE --as USER, or on screen)"
        )
    if actor.pk in {locked.created_by_id, locked.previewed_by_id}:
        raise UpratingRefused(
            f"a second person must approve: {actor.get_username()} started or previewed "
            f"run {locked.pk}"
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
        reason=f"Approved: {locked.ready_count} new assessments to post",
        action="uprating.approved",
    )
    return locked


# --- Posting ---------------------------------------------------------------------------------


@transaction.atomic
def begin_post(
    run: UpratingRun, *, actor: Any, book: RuleBook | None = None, source: str = "web"
) -> UpratingRun:
    """Check the run may be posted and mark it as posting. A posted run may be posted again:
    that only issues any letters still owed."""
    _require(actor, ASSESSMENT_ROLES, "post an uprating run")
    book = book or rulebook()
    locked = _lock(run)
    if locked.state not in {RunState.APPROVED, RunState.POSTED}:
        raise UpratingRefused(
            f"run {locked.pk} is {locked.get_state_display().lower()}: it must be approved by a "
            "second person before it is posted"
        )
    started = locked.items.filter(status=ItemStatus.POSTED).exists()
    if locked.state == RunState.APPROVED and not started and locked.rules_hash != book.content_hash:
        raise UpratingRefused(
            f"the rules have changed since run {locked.pk} was previewed: preview it again "
            "and have it approved again"
        )
    before = snapshot(locked, RUN_AUDITED)
    locked.task = RunTask.POST
    locked.last_error = ""
    locked.posted_by = locked.posted_by or actor
    locked.total = locked.items.filter(status__in=[ItemStatus.READY, ItemStatus.POSTED]).count()
    locked.done = locked.items.filter(status=ItemStatus.POSTED).count()
    locked.progress_at = timezone.now()
    locked.save()
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        source=source,
        reason="Posting started",
        action="uprating.posting_started",
    )
    return locked


class _NotAsApproved(Exception):
    """The completed assessment's charge is not the one approved; nothing of it is kept."""


def _skip(item: UpratingItem, reason: str, *, actor: Any, source: str) -> None:
    before = snapshot(item, ITEM_AUDITED)
    item.status = ItemStatus.SKIPPED
    item.reasons = [*item.reasons, reason]
    item.save(update_fields=["status", "reasons"])
    record_update(actor=actor, instance=item, before=before, source=source, reason=reason)


def post_item(
    item_pk: int, *, run: UpratingRun, actor: Any, book: RuleBook, source: str = "web"
) -> str:
    """Post one ready item in its own transaction; returns its status afterwards."""
    try:
        with transaction.atomic():
            item = (
                UpratingItem.objects.select_for_update(of=("self",))
                .select_related("person", "old_assessment")
                .get(pk=item_pk)
            )
            if item.status != ItemStatus.READY:
                return str(item.status)  # posted by an earlier (or another) run of the posting
            why_not = _why_not_now(item, run)
            if why_not:
                _skip(item, why_not, actor=actor, source=source)
                return ItemStatus.SKIPPED
            old = item.old_assessment
            reason = f"Annual uprating from {_day(run.from_date)}"
            draft = assessments.assessment_start(
                person=item.person,
                setting=old.setting,
                effective_from=run.from_date,
                actor=actor,
                request=item.proposed_request,
                reason=reason,
            )
            # Uprating is not a review: the person's review date stays as it was.
            kept = old.next_review_date
            review = kept if kept is not None and kept > run.from_date else None
            done = assessments.assessment_complete(
                assessment=draft, actor=actor, book=book, next_review_date=review, reason=reason
            )
            if done.weekly_charge_pence != item.new_weekly_charge_pence:
                raise _NotAsApproved(
                    f"not posted: the charge worked out now (£"
                    f"{to_decimal_string(done.weekly_charge_pence or 0)}) is not the one approved "
                    f"(£{to_decimal_string(item.new_weekly_charge_pence or 0)}); revise by hand"
                )
            before = snapshot(item, ITEM_AUDITED)
            item.status = ItemStatus.POSTED
            item.new_assessment = done
            item.posted_at = timezone.now()
            item.save(update_fields=["status", "new_assessment", "posted_at"])
            record_update(
                actor=actor,
                instance=item,
                before=before,
                source=source,
                reason=reason,
                action="uprating.item_posted",
            )
            return ItemStatus.POSTED
    except (_NotAsApproved, assessments.AssessmentError) as error:
        with transaction.atomic():
            item = UpratingItem.objects.select_for_update(of=("self",)).get(pk=item_pk)
            if item.status == ItemStatus.READY:
                _skip(item, f"could not be posted: {error}", actor=actor, source=source)
        return ItemStatus.SKIPPED


def _why_not_now(item: UpratingItem, run: UpratingRun) -> str | None:
    """Newer work or a death since the preview: never overwrite it."""
    newer = queries.newer_version(item)
    if newer is not None:
        return (
            f"skipped: assessment version {newer.version} (from {_day(newer.effective_from)}) "
            f"was started after the preview; it is left as it is"
        )
    died = item.person.date_of_death
    if died is not None and died < run.from_date:
        return f"skipped: the person died on {_day(died)}, before the uprating date"
    return None


def post_ready_items(
    run: UpratingRun,
    *,
    actor: Any,
    book: RuleBook,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
) -> None:
    ready = list(
        run.items.filter(status=ItemStatus.READY).order_by("pk").values_list("pk", flat=True)
    )
    for pk in ready:
        if post_item(pk, run=run, actor=actor, book=book, source=source) == ItemStatus.POSTED:
            UpratingRun.objects.filter(pk=run.pk).update(
                done=F("done") + 1, progress_at=timezone.now()
            )
        if progress is not None:
            run.refresh_from_db(fields=["done", "total"])
            progress(run.done, run.total)


@transaction.atomic
def finish_post(run: UpratingRun, *, actor: Any, source: str = "web") -> UpratingRun:
    locked = _lock(run)
    before = snapshot(locked, RUN_AUDITED)
    finished = (
        locked.state == RunState.APPROVED
        and not locked.items.filter(status=ItemStatus.READY).exists()
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
        reason=f"Posted: {locked.posted_count} new assessments, {locked.skipped_count} skipped",
        action="uprating.posted" if finished else "uprating.posting_finished",
    )
    return locked


def continue_post(
    run: UpratingRun,
    *,
    actor: Any,
    book: RuleBook | None = None,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
) -> UpratingRun:
    """Post every ready item, then issue the letters (what the background task does)."""
    book = book or rulebook()
    post_ready_items(run, actor=actor, book=book, source=source, progress=progress)
    issue_letters(run, actor=actor, source=source)
    return finish_post(run, actor=actor, source=source)


def post(
    run: UpratingRun,
    *,
    actor: Any,
    book: RuleBook | None = None,
    source: str = "web",
    progress: Callable[[int, int], None] | None = None,
) -> UpratingRun:
    """Post an approved run from start to finish, here and now; run again to resume."""
    book = book or rulebook()
    begun = begin_post(run, actor=actor, book=book, source=source)
    return continue_post(begun, actor=actor, book=book, source=source, progress=progress)


# --- Manual review ---------------------------------------------------------------------------


@transaction.atomic
def resolve_item(
    item: UpratingItem, *, actor: Any, outcome: str, reason: str, source: str = "web"
) -> UpratingItem:
    """Close an item by hand: ``resolved`` once the officer has revised the assessment, or
    ``skipped`` to leave the person's assessment as it is. A reason is always recorded."""
    _require(actor, ASSESSMENT_ROLES, "deal with an uprating item")
    locked = (
        UpratingItem.objects.select_for_update(of=("self",))
        .select_related("run", "old_assessment", "person")
        .get(pk=item.pk)
    )
    reason = reason.strip()
    if outcome not in {ItemStatus.RESOLVED, ItemStatus.SKIPPED}:
        raise UpratingRefused("outcome: choose revised by hand or leave as it is")
    if not reason:
        raise UpratingRefused("reason: say what was done, or why the person is left as they are")
    allowed = {ItemStatus.MANUAL_REVIEW} | (
        {ItemStatus.READY} if outcome == ItemStatus.SKIPPED else set()
    )
    if locked.status not in allowed or locked.run.task:
        raise UpratingRefused(
            f"this item is {locked.get_status_display().lower()}; it cannot be "
            f"{'resolved' if outcome == ItemStatus.RESOLVED else 'skipped'} now"
        )
    if outcome == ItemStatus.RESOLVED:
        revised = (
            Assessment.objects.filter(
                person_id=locked.person_id, version__gt=locked.old_assessment.version
            )
            .exclude(state=AssessmentState.DRAFT)
            .exists()
        )
        if not revised:
            raise UpratingRefused(
                "outcome: complete the revised assessment first; no version after "
                f"{locked.old_assessment.version} is completed yet"
            )
    before = snapshot(locked, ITEM_AUDITED)
    locked.status = outcome
    locked.reasons = [*locked.reasons, reason]
    locked.resolved_by = _user(actor)
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["status", "reasons", "resolved_by", "resolved_at"])
    record_update(actor=actor, instance=locked, before=before, source=source, reason=reason)
    refresh_counts(UpratingRun.objects.select_for_update().get(pk=locked.run_id))
    return locked


def record_failure(run: UpratingRun, error: BaseException) -> None:
    """A background task stopped: show why on the run and let an officer run it again."""
    UpratingRun.objects.filter(pk=run.pk).update(
        task=RunTask.NONE, last_error=f"{type(error).__name__}: {error}"[:2000]
    )


def stalled(run: UpratingRun, *, now: datetime) -> bool:
    """A preview or posting that has not moved for a while: its worker has stopped (killed,
    or the machine restarted) without recording an error. Starting it again is safe."""
    if not run.task:
        return False
    return run.progress_at is None or now - run.progress_at > STALLED_AFTER


def next_uprating_date(today: date) -> date:
    """The next Monday on or after 6 April (from ``today``): DWP's usual uprating day, the
    first full benefit week of the tax year. Only a hint; the officer types the date."""

    def monday_from_the_sixth(year: int) -> date:
        sixth = date(year, 4, 6)
        return sixth + timedelta(days=(7 - sixth.weekday()) % 7)

    this_year = monday_from_the_sixth(today.year)
    return this_year if today <= this_year else monday_from_the_sixth(today.year + 1)
