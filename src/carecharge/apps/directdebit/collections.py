"""Collection runs: what each live mandate collects on a date, the advance notices that must come
first, the Standard 18 file, and settling the run into receipts on the collection date.

The collection date is the day the payers are debited (Bacs day 3). Its file is processed the
Bacs day before and sent the day before that, and Bacs takes it at most 30 days ahead. What is
due: for a "balance" mandate, what the account owes on invoices due by the collection date; for
an "instalment" mandate, the fixed amount once a month, on or after its day. Either way, money
already on its way (an earlier run not yet settled, a re-presentation in this run) is taken off.

The Direct Debit Guarantee needs the payer told the amount and date at least 10 working days
before (the rule ``advance_notice_days``). A run records a new advance notice for every item
whose amount or date differs from the last notice; an item whose notice went out too recently
is held back and listed, never collected early.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carecharge.apps.audit.operations import record_create, record_update, snapshot
from carecharge.apps.billing.models import NumberSequence
from carecharge.apps.documents.outcome_letter import council_details
from carecharge.apps.ledger.queries import balance
from carecharge.apps.payments.allocations import open_invoices
from carecharge.apps.payments.models import Channel, MatchRule
from carecharge.apps.payments.receipts import NewReceipt, post_receipts
from carecharge.core.bacs.calendar import (
    BacsCalendarError,
    BacsCycle,
    cycle_for_collection,
    earliest_collection_date,
)
from carecharge.core.bacs.standard18 import Standard18Item
from carecharge.core.letters.wording import long_date
from carecharge.core.money import format_pounds

from .files import SERIAL_SEQUENCE, store_file
from .mandates import (
    BANKING_ROLES,
    SOURCE,
    activate_lodged,
    cancel_for_death,
    describe_instalment,
    end_mandate,
    people_of,
    require_role,
    show_day,
)
from .models import (
    OPEN_STATUSES,
    AdvanceNotice,
    CollectionBasis,
    CollectionItem,
    CollectionRun,
    FileKind,
    ItemReturn,
    Mandate,
    MandateStatus,
    NoticeChannel,
    ReturnOutcome,
    RunState,
)
from .policy import DirectDebitError, Policy, bank_holidays, policy_on

MAX_DAYS_AHEAD = 30
"""Bacs takes a file at most 30 days before its processing day."""
RUN_AUDITED = ["state", "settled_at", "cancelled_at", "cancelled_reason"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A collection a mandate is due to make on the date, before its advance notice is checked."""

    mandate: Mandate
    amount_pence: int
    transaction_code: str
    schedule: str = ""
    represents: CollectionItem | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    reference: str
    account: str
    amount_pence: int
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "account": self.account,
            "amount_pence": self.amount_pence,
            "reason": self.reason,
        }


@dataclass(slots=True)
class _Plan:
    """The run being worked out."""

    collection_date: date
    cycle: BacsCycle
    notices: list[AdvanceNotice] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ended_for_death: list[Mandate] = field(default_factory=list)
    ready: list[tuple[Candidate, AdvanceNotice]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RunResult:
    """What building a run (or only sending its notices) did. ``run`` is None when nothing could
    be collected yet (or only notices were asked for)."""

    collection_date: date
    cycle: BacsCycle
    run: CollectionRun | None
    notices: tuple[AdvanceNotice, ...]
    skipped: tuple[Skipped, ...]
    ended_for_death: tuple[Mandate, ...]
    ready_count: int
    ready_pence: int

    @classmethod
    def of(cls, plan: _Plan, run: CollectionRun | None) -> RunResult:
        return cls(
            collection_date=plan.collection_date,
            cycle=plan.cycle,
            run=run,
            notices=tuple(plan.notices),
            skipped=tuple(plan.skipped),
            ended_for_death=tuple(plan.ended_for_death),
            ready_count=len(plan.ready),
            ready_pence=sum(candidate.amount_pence for candidate, _ in plan.ready),
        )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def cycle_for(collection_date: date) -> BacsCycle:
    """The Bacs cycle that debits payers on ``collection_date``; refused if it is not a Bacs
    processing day."""
    try:
        return cycle_for_collection(collection_date, bank_holidays=bank_holidays(collection_date))
    except BacsCalendarError as error:
        raise DirectDebitError(f"collection date: {error}") from None


# --- What is due ------------------------------------------------------------------------------


def _active_runs() -> Q:
    return ~Q(run__state=RunState.CANCELLED)


def in_flight_by_account() -> dict[int, int]:
    """Pence being collected by runs built but not yet settled, by ledger account."""
    found: dict[int, int] = defaultdict(int)
    for account_id, pence in CollectionItem.objects.filter(run__state=RunState.BUILT).values_list(
        "account_id", "amount_pence"
    ):
        found[account_id] += pence
    return found


def waiting_representations() -> list[CollectionItem]:
    """Returned collections marked to be presented again that no live run presents yet."""
    presented = CollectionItem.objects.filter(_active_runs(), represents__isnull=False).values_list(
        "represents_id", flat=True
    )
    return list(
        CollectionItem.objects.filter(
            returned__outcome=ReturnOutcome.REPRESENT, mandate__status__in=OPEN_STATUSES
        )
        .exclude(pk__in=presented)
        .select_related("run", "mandate", "mandate__account")
        .order_by("run__processing_day", "pk")
    )


def balance_due(mandate: Mandate, on: date) -> int:
    """What the account owes on invoices due by ``on`` (never more than its balance)."""
    owed = sum(
        invoice.outstanding_pence
        for invoice in open_invoices(mandate.account)
        if invoice.due_on <= on
    )
    return max(0, min(owed, balance(mandate.account)))


def _code(mandate: Mandate) -> str:
    if mandate.final_collection:
        return "19"
    collected_before = CollectionItem.objects.filter(_active_runs(), mandate=mandate).exists()
    return "17" if collected_before else "01"


def _instalment_taken(mandate: Mandate, on: date) -> bool:
    return CollectionItem.objects.filter(
        _active_runs(),
        mandate=mandate,
        represents__isnull=True,
        run__collection_date__year=on.year,
        run__collection_date__month=on.month,
    ).exists()


def _regular(mandate: Mandate, on: date, already: int) -> Candidate | None:
    if mandate.basis == CollectionBasis.INSTALMENT:
        day = mandate.collection_day or 1
        if on.day < day or _instalment_taken(mandate, on):
            return None
        amount = min(mandate.instalment_pence or 0, balance(mandate.account) - already)
        schedule = describe_instalment(mandate)
    else:
        amount = balance_due(mandate, on) - already
        schedule = ""
    if amount <= 0:
        return None
    return Candidate(mandate, amount, _code(mandate), schedule=schedule)


def _plan(
    collection_date: date, cycle: BacsCycle, policy: Policy, *, actor: Any, today: date
) -> _Plan:
    result = _Plan(collection_date, cycle)
    already = in_flight_by_account()
    candidates: list[Candidate] = []
    for returned in waiting_representations():
        mandate = returned.mandate
        if mandate.status != MandateStatus.LIVE:
            continue
        latest = returned.run.processing_day + timedelta(days=policy.represent_within_days)
        if cycle.processing_day > latest:
            result.skipped.append(
                Skipped(
                    mandate.reference,
                    mandate.account.code,
                    returned.amount_pence,
                    "too late to present the collection of "
                    f"{show_day(returned.run.collection_date)} again (by {show_day(latest)}): "
                    "left for recovery",
                )
            )
            continue
        owed = balance(mandate.account) - already[mandate.account_id]
        if owed < returned.amount_pence:
            # Bacs presents again only the exact amount returned: if the payer has paid since
            # (or a credit note reduced the debt), it would take money no longer owed.
            result.skipped.append(
                Skipped(
                    mandate.reference,
                    mandate.account.code,
                    returned.amount_pence,
                    f"not presented again: only {format_pounds(max(owed, 0))} is owed now",
                )
            )
            continue
        candidates.append(Candidate(mandate, returned.amount_pence, "18", represents=returned))
        already[mandate.account_id] += returned.amount_pence
    mandates = Mandate.objects.filter(status=MandateStatus.LIVE).select_related("account")
    for mandate in mandates.order_by("reference"):
        regular = _regular(mandate, collection_date, already[mandate.account_id])
        if regular is not None:
            candidates.append(regular)
    for candidate in candidates:
        mandate = candidate.mandate
        person = people_of(mandate.account)
        if person is not None and person.date_of_death is not None:
            if mandate.status in OPEN_STATUSES:
                result.ended_for_death += cancel_for_death(person, actor=actor, today=today)
            result.skipped.append(
                Skipped(
                    mandate.reference,
                    mandate.account.code,
                    candidate.amount_pence,
                    f"the service user died on {show_day(person.date_of_death)}: mandate "
                    "cancelled, nothing collected",
                )
            )
            continue
        # Accounts on a recovery hold will be skipped here once recovery (issue 7) has holds.
        notice, new = _notice_for(candidate, collection_date, policy, actor=actor, today=today)
        if new:
            result.notices.append(notice)
        if notice.earliest_collection > collection_date:
            result.skipped.append(
                Skipped(
                    mandate.reference,
                    mandate.account.code,
                    candidate.amount_pence,
                    f"advance notice sent on {show_day(notice.sent_on)}: the earliest it may be "
                    f"collected is {show_day(notice.earliest_collection)}",
                )
            )
            continue
        result.ready.append((candidate, notice))
    return result


# --- Advance notices --------------------------------------------------------------------------


def _notice_matches(notice: AdvanceNotice, candidate: Candidate, on: date) -> bool:
    if notice.amount_pence != candidate.amount_pence or notice.schedule != candidate.schedule:
        return False
    if candidate.schedule:
        # A standing monthly schedule, once notified, covers every month that follows.
        return notice.collection_date <= on
    return notice.collection_date == on


def _notice_reason(last: AdvanceNotice | None, candidate: Candidate, on: date) -> str:
    if candidate.represents is not None:
        return (
            f"collection of {show_day(candidate.represents.run.collection_date)} returned unpaid: "
            "presented again"
        )
    if last is None:
        return "first collection"
    changes = []
    if last.amount_pence != candidate.amount_pence:
        changes.append(
            f"amount changed from {format_pounds(last.amount_pence)} to "
            f"{format_pounds(candidate.amount_pence)}"
        )
    if last.collection_date != on and not candidate.schedule:
        changes.append(f"date changed from {show_day(last.collection_date)} to {show_day(on)}")
    if last.schedule != candidate.schedule:
        changes.append("schedule changed")
    return "; ".join(changes) or "notice repeated"


def _notice_text(candidate: Candidate, on: date, today: date) -> str:
    council = council_details(today)
    mandate = candidate.mandate
    amount = format_pounds(candidate.amount_pence)
    if candidate.schedule:
        when = (
            f"{amount} each month, on or after day {mandate.collection_day}, the first on "
            f"{long_date(on)}"
        )
    else:
        when = f"{amount} on {long_date(on)}"
    lines = [
        f"Dear {mandate.payer_name},",
        "",
        f"Direct Debit reference: {mandate.reference}",
        f"{council['name']} will collect {when} from your bank account under your Direct Debit "
        "Instruction.",
    ]
    if candidate.represents is not None:
        lines.append(
            f"This is the collection of {long_date(candidate.represents.run.collection_date)}, "
            "which your bank returned unpaid, presented again."
        )
    lines += [
        f"If this is not right, please call us on {council['phone']} straight away.",
        "Your payments are protected by the Direct Debit Guarantee.",
    ]
    return "\n".join(lines)


def _notice_for(
    candidate: Candidate, on: date, policy: Policy, *, actor: Any, today: date
) -> tuple[AdvanceNotice, bool]:
    """The notice covering the collection: the last one if amount and date are unchanged,
    otherwise a new one sent today."""
    last = (
        AdvanceNotice.objects.filter(mandate=candidate.mandate, represents=candidate.represents)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None and _notice_matches(last, candidate, on):
        return last, False
    days = (
        policy.representation_notice_days
        if candidate.represents is not None
        else policy.notice_days
    )
    notice = AdvanceNotice.objects.create(
        mandate=candidate.mandate,
        amount_pence=candidate.amount_pence,
        collection_date=on,
        schedule=candidate.schedule,
        represents=candidate.represents,
        reason=_notice_reason(last, candidate, on)[:200],
        channel=NoticeChannel.LETTER,
        sent_on=today,
        earliest_collection=earliest_collection_date(
            today, days, bank_holidays=bank_holidays(today, on)
        ),
        text=_notice_text(candidate, on, today),
        created_at=timezone.now(),
        created_by=_user(actor),
    )
    return notice, True


# --- Building, settling and cancelling runs ---------------------------------------------------


def _serialise_runs() -> None:
    # Two runs worked out at once would each collect the same balance: take the file serial
    # number's row first, so they queue (PostgreSQL; SQLite writes one at a time anyway).
    NumberSequence.objects.get_or_create(
        name=SERIAL_SEQUENCE, defaults={"prefix": "", "next_number": 1}
    )
    NumberSequence.objects.select_for_update().get(name=SERIAL_SEQUENCE)


def send_notices(collection_date: date, *, actor: Any, today: date | None = None) -> RunResult:
    """Record the advance notices a collection on ``collection_date`` needs, without making a
    run: the step a council takes 10 working days or more ahead, before the file can be made."""
    today = today or timezone.localdate()
    require_role(actor, BANKING_ROLES, "run Direct Debit collections")
    cycle = cycle_for(collection_date)
    if collection_date <= today:
        raise DirectDebitError(
            f"collection date: {show_day(collection_date)} is not after {show_day(today)}"
        )
    policy = policy_on(today)
    with transaction.atomic():
        _serialise_runs()
        activate_lodged(today=today, actor=actor)
        plan = _plan(collection_date, cycle, policy, actor=actor, today=today)
    return RunResult.of(plan, None)


def build_run(collection_date: date, *, actor: Any, today: date | None = None) -> RunResult:
    """Work out the collections for ``collection_date``, record the advance notices they need,
    and make the run and its Standard 18 file (checked by the validator before it is stored).
    If nothing can be collected yet, no run is made; the notices are still recorded."""
    today = today or timezone.localdate()
    require_role(actor, BANKING_ROLES, "run Direct Debit collections")
    cycle = cycle_for(collection_date)
    if today > cycle.input_day:
        raise DirectDebitError(
            f"collection date: too late for {show_day(collection_date)}; its file had to be "
            f"sent to Bacs by {show_day(cycle.input_day)} (processing day "
            f"{show_day(cycle.processing_day)})"
        )
    if (cycle.processing_day - today).days > MAX_DAYS_AHEAD:
        opens = cycle.processing_day - timedelta(days=MAX_DAYS_AHEAD)
        raise DirectDebitError(
            f"collection date: too early for {show_day(collection_date)}; Bacs takes a file at "
            f"most {MAX_DAYS_AHEAD} days before its processing day "
            f"({show_day(cycle.processing_day)}), so build the run from {show_day(opens)} "
            "(send the advance notices now with `directdebit notices`)"
        )
    policy = policy_on(today)
    with transaction.atomic():
        _serialise_runs()
        existing = (
            CollectionRun.objects.filter(collection_date=collection_date)
            .exclude(state=RunState.CANCELLED)
            .first()
        )
        if existing is not None:
            raise DirectDebitError(
                f"collection date: run {existing.pk} already collects on "
                f"{show_day(collection_date)} ({existing.get_state_display().lower()}); cancel it "
                "first or choose another date"
            )
        activate_lodged(today=today, actor=actor)
        plan = _plan(collection_date, cycle, policy, actor=actor, today=today)
        run = _make_run(plan, policy, actor=actor, today=today) if plan.ready else None
    return RunResult.of(plan, run)


def _make_run(result: _Plan, policy: Policy, *, actor: Any, today: date) -> CollectionRun:
    ready = result.ready
    file = store_file(
        kind=FileKind.COLLECTIONS,
        items=[
            Standard18Item(
                sort_code=c.mandate.sort_code,
                account_number=c.mandate.account_number,
                payer_name=c.mandate.bacs_name,
                transaction_code=c.transaction_code,
                amount_pence=c.amount_pence,
                reference=c.mandate.reference,
            )
            for c, _ in ready
        ],
        processing_day=result.cycle.processing_day,
        created_on=today,
        policy=policy,
        actor=actor,
    )
    run = CollectionRun.objects.create(
        collection_date=result.collection_date,
        processing_day=result.cycle.processing_day,
        input_day=result.cycle.input_day,
        built_on=today,
        file=file,
        item_count=len(ready),
        total_pence=sum(c.amount_pence for c, _ in ready),
        skipped=[s.as_json() for s in result.skipped],
        notices_count=len(result.notices),
        created_at=timezone.now(),
        created_by=_user(actor),
    )
    CollectionItem.objects.bulk_create(
        [
            CollectionItem(
                run=run,
                mandate=c.mandate,
                account=c.mandate.account,
                transaction_code=c.transaction_code,
                amount_pence=c.amount_pence,
                reference=c.mandate.reference,
                sort_code=c.mandate.sort_code,
                account_number=c.mandate.account_number,
                bacs_name=c.mandate.bacs_name,
                notice=notice,
                represents=c.represents,
            )
            for c, notice in ready
        ]
    )
    record_create(actor=actor, instance=run, source=SOURCE)
    return run


def settle(
    run: CollectionRun, *, actor: Any, today: date | None = None
) -> tuple[CollectionRun, int]:
    """On (or after) the collection date, post each item as a Direct Debit receipt on its
    account, which pays its invoices. Returns the run and how many receipts were posted; a run
    already settled posts nothing."""
    today = today or timezone.localdate()
    require_role(actor, BANKING_ROLES, "settle Direct Debit collections")
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(pk=run.pk)
        if run.state == RunState.SETTLED:
            return run, 0
        if run.state == RunState.CANCELLED:
            raise DirectDebitError(f"Run {run.pk} was cancelled: it collected nothing")
        if today < run.collection_date:
            raise DirectDebitError(
                f"Run {run.pk} collects on {show_day(run.collection_date)}: it cannot be settled "
                f"before then (today is {show_day(today)})"
            )
        items = list(run.items.filter(receipt__isnull=True).select_related("account", "mandate"))
        receipts = post_receipts(
            [
                NewReceipt(
                    channel=Channel.DIRECT_DEBIT,
                    received_on=run.collection_date,
                    amount_pence=item.amount_pence,
                    duplicate_key=f"dd:{run.pk}:{item.pk}",
                    payer_name=item.bacs_name,
                    reference_text=item.reference,
                    account=item.account,
                    match_rule=MatchRule.DIRECT_DEBIT,
                    match_trace=(
                        f"Direct Debit collection (code {item.transaction_code}) under mandate "
                        f"{item.reference}, run {run.pk}.",
                    ),
                )
                for item in items
            ],
            actor=actor,
        )
        for item, receipt in zip(items, receipts, strict=True):
            CollectionItem.objects.filter(pk=item.pk).update(receipt=receipt)
            if item.transaction_code == "19" and item.mandate.status in OPEN_STATUSES:
                end_mandate(
                    item.mandate,
                    status=MandateStatus.CANCELLED,
                    reason=f"Final collection (code 19) taken on {show_day(run.collection_date)}",
                    on=run.collection_date,
                    actor=actor,
                    tell_bank=False,
                )
        before = snapshot(run, RUN_AUDITED)
        run.state = RunState.SETTLED
        run.settled_at = timezone.now()
        run.settled_by = _user(actor)
        run.save(update_fields=["state", "settled_at", "settled_by"])
        record_update(
            actor=actor,
            instance=run,
            before=before,
            source=SOURCE,
            action="directdebit.settle",
            reason=f"{len(receipts)} receipts posted",
        )
    return run, len(receipts)


def cancel_run(run: CollectionRun, *, reason: str, actor: Any) -> CollectionRun:
    """Cancel a run whose file was never sent to Bacs; its items collect nothing and the
    balances are free for another run. Its advance notices stay sent."""
    require_role(actor, BANKING_ROLES, "cancel Direct Debit runs")
    if not reason.strip():
        raise DirectDebitError("reason: say why the run is cancelled")
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(pk=run.pk)
        if run.state != RunState.BUILT:
            raise DirectDebitError(
                f"Run {run.pk} is {run.get_state_display().lower()}: only a run not yet settled "
                "can be cancelled"
            )
        # After its input day the file may be with Bacs: cancelling would free the balances
        # for another run and collect the same money twice.
        if timezone.localdate() > run.input_day:
            raise DirectDebitError(
                f"Run {run.pk}'s file had to reach Bacs by {show_day(run.input_day)}: it may have "
                "been sent, so it cannot be cancelled here; settle it, and refund or reverse "
                "what was not collected"
            )
        before = snapshot(run, RUN_AUDITED)
        run.state = RunState.CANCELLED
        run.cancelled_at = timezone.now()
        run.cancelled_reason = reason.strip()[:500]
        run.save(update_fields=["state", "cancelled_at", "cancelled_reason"])
        record_update(
            actor=actor,
            instance=run,
            before=before,
            source=SOURCE,
            action="directdebit.cancel_run",
            reason=reason.strip(),
        )
    return run


def returned_item(item: CollectionItem) -> ItemReturn | None:
    return ItemReturn.objects.filter(item=item).first()
