"""Expected income: standing orders and payment plans, the instalments they should bring, the
ones that were missed, and a forecast of what is due in the coming weeks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from carecharge.apps.audit.operations import record_create, record_event
from carecharge.apps.ledger.models import AccountKind, LedgerAccount
from carecharge.apps.web.council import rulebook
from carecharge.core.payments.schedule import (
    Frequency,
    Instalment,
    Schedule,
    ScheduleError,
    due_dates,
    match_instalments,
)

from .allocations import receipts_on
from .models import ArrangementKind, PaymentArrangement


class ArrangementError(ValueError):
    pass


def grace_days(on: date) -> int:
    return (
        rulebook()
        .as_at(on)
        .number(f"local.{settings.CARECHARGE_COUNCIL}.payments.missed_payment_grace_days")
    )


def schedule_of(arrangement: PaymentArrangement) -> Schedule | None:
    """Its schedule, or None when it ended before its first instalment fell due."""
    last = arrangement.last_due
    if arrangement.ended_on is not None:
        last = min(last, arrangement.ended_on) if last else arrangement.ended_on
    if last is not None and last < arrangement.first_due:
        return None
    return Schedule(
        arrangement.amount_pence, Frequency(arrangement.frequency), arrangement.first_due, last
    )


def record_arrangement(
    *,
    account: LedgerAccount,
    kind: str,
    amount_pence: int,
    frequency: str,
    first_due: date,
    actor: Any,
    last_due: date | None = None,
    note: str = "",
) -> PaymentArrangement:
    if account.kind != AccountKind.DEBTOR:
        raise ArrangementError(f"{account.code} is not a debtor's account")
    if kind not in ArrangementKind.values:
        raise ArrangementError(f"kind: {kind!r} is not a standing order or a payment plan")
    if frequency not in Frequency.__members__.values():
        raise ArrangementError(f"frequency: {frequency!r} is not one carecharge knows")
    try:
        Schedule(amount_pence, Frequency(frequency), first_due, last_due)
    except ScheduleError as error:
        raise ArrangementError(str(error)) from None
    with transaction.atomic():
        made = PaymentArrangement.objects.create(
            account=account, kind=kind, amount_pence=amount_pence, frequency=frequency,
            first_due=first_due, last_due=last_due, note=note.strip(),
            created_at=timezone.now(), created_by=actor,
        )  # fmt: skip
        record_create(actor=actor, instance=made, reason=note.strip(), source="payments")
    return made


def end_arrangement(
    arrangement: PaymentArrangement, *, on: date, reason: str, actor: Any
) -> PaymentArrangement:
    if not reason.strip():
        raise ArrangementError("reason: say why it ends (for example: the payer cancelled it)")
    with transaction.atomic():
        locked = PaymentArrangement.objects.select_for_update().get(pk=arrangement.pk)
        if locked.ended_on is not None:
            raise ArrangementError("It has already ended")
        locked.ended_on, locked.ended_reason = on, reason.strip()
        locked.save(update_fields=["ended_on", "ended_reason"])
        record_event(
            actor=actor, action="payments.arrangement_ended", instance=locked,
            changes={"ended_on": [None, on.isoformat()]}, reason=reason.strip(),
            source="payments",
        )  # fmt: skip
    return locked


def _receipts_on(account_id: int) -> list[tuple[str, date, int]]:
    """Receipts on the account now (not moved away, not reversed)."""
    return [
        (receipt.number, receipt.received_on, receipt.amount_pence)
        for receipt, _ in receipts_on(account_id)
    ]


def instalments(
    arrangement: PaymentArrangement, *, as_at: date, grace: int | None = None
) -> list[Instalment]:
    schedule = schedule_of(arrangement)
    if schedule is None:
        return []
    return match_instalments(
        schedule,
        _receipts_on(arrangement.account_id),
        as_at=as_at,
        grace_days=grace_days(as_at) if grace is None else grace,
    )


@dataclass(frozen=True, slots=True)
class Missed:
    arrangement: PaymentArrangement
    instalment: Instalment


def missed(*, as_at: date, since: date | None = None) -> list[Missed]:
    """Every instalment missed by ``as_at`` (due on or after ``since``, when given)."""
    found = []
    grace = grace_days(as_at)
    live = PaymentArrangement.objects.select_related("account__person").order_by("pk")
    for arrangement in live:
        for instalment in instalments(arrangement, as_at=as_at, grace=grace):
            if instalment.missed and (since is None or instalment.due >= since):
                found.append(Missed(arrangement, instalment))
    return found


def forecast(*, start: date, weeks: int) -> list[tuple[date, int, int]]:
    """(week beginning, instalments due, pence due) for each of the next ``weeks`` weeks."""
    end = start + timedelta(days=7 * weeks - 1)
    by_week: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for arrangement in PaymentArrangement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    ):
        schedule = schedule_of(arrangement)
        if schedule is None:
            continue
        for due in due_dates(schedule, end):
            if due < start:
                continue
            week = start + timedelta(days=7 * ((due - start).days // 7))
            by_week[week][0] += 1
            by_week[week][1] += arrangement.amount_pence
    weeks_from = [start + timedelta(days=7 * n) for n in range(weeks)]
    return [(week, by_week[week][0], by_week[week][1]) for week in weeks_from]
