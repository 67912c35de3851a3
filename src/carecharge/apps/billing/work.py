"""Working out one chunk of a billing run: what each person should have been charged, from
what is known now, minus what has been charged, as lines ready to post.

A person whose inputs (and the rules) are unchanged since the last run that settled them has
every earlier week charged correctly already, so only the weeks from that run's date on are
worked out again (none at all when that run was to the same date). A change is worked out from
the latest earlier run whose inputs, as far as its date, are still the same and after which
nothing was posted for earlier weeks; failing that, from the start of billing. Each is the same
answer as working everything out every time, only faster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Min

from carecharge.core.charging import charges
from carecharge.core.charging import types as ct
from carecharge.core.charging.errors import ChargingError
from carecharge.core.charging.policy import CouncilRules, charging_rules_hash
from carecharge.core.charging.weeks import charging_weeks
from carecharge.core.periods import DateRange
from carecharge.core.rerating import (
    Adjustment,
    Charged,
    hold_for_review,
    rerate,
    review_threshold,
)
from carecharge.core.rules import RuleBook, RuleError

from . import inputs as gathered
from .models import BillingRun, ChargeRecord, PersonStatus, RunPerson, RunState

ONE_DAY = timedelta(days=1)
SETTLED = [PersonStatus.POSTED, PersonStatus.NO_CHANGE]


def restrict(person: ct.PersonCharging, through: date) -> ct.PersonCharging:
    """The person's inputs as they bear on days up to ``through`` only."""

    def cut(days: DateRange) -> DateRange | None:
        return DateRange(days.start, min(days.end, through)) if days.start <= through else None

    def keep(items: Iterable[Any]) -> tuple[Any, ...]:
        kept = []
        for item in items:
            days = cut(item.days)
            if days is not None:
                kept.append(replace(item, days=days))
        return tuple(kept)

    died = person.date_of_death
    return replace(
        person,
        date_of_death=died if died is not None and died <= through else None,
        assessed=keep(person.assessed),
        lines=keep(person.lines),
        actuals=tuple(a for a in person.actuals if a.week_start <= through),
        suspensions=keep(person.suspensions),
        chc_awards=keep(person.chc_awards),
        top_ups=keep(person.top_ups),
    )


def last_settled(person_ids: Sequence[int]) -> dict[int, tuple[date, str]]:
    """Each person's most recent posted run that left them fully charged: (its date, the
    fingerprint of their inputs then)."""
    found: dict[int, tuple[date, str]] = {}
    settled = RunPerson.objects.filter(status__in=SETTLED, run__state=RunState.POSTED)
    latest = (
        BillingRun.objects.filter(state=RunState.POSTED)
        .order_by("-through_date", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is None:
        return found
    # Nearly everyone was settled by the latest run: look there first, with the run's own
    # index, and through every earlier run only for the few who were not.
    for person_id, through, digest in (
        settled.filter(run_id=latest, person_id__in=person_ids)
        .values_list("person_id", "run__through_date", "inputs_hash")
        .order_by("-pk")
    ):
        found.setdefault(person_id, (through, digest))
    rest = [pk for pk in person_ids if pk not in found]
    if rest:
        # Rows come newest first, so the first one seen for a person is theirs.
        for person_id, through, digest in (
            settled.filter(person_id__in=rest)
            .values_list("person_id", "run__through_date", "inputs_hash")
            .order_by("person_id", "-run__through_date", "-pk")
        ):
            found.setdefault(person_id, (through, digest))
    return found


def week_after(day: date, weeks: CouncilRules) -> date:
    """The first day of the charging week holding the day after ``day``, from the council's
    real weeks (which follow any change to its week-start rule)."""
    following = day + ONE_DAY
    return charging_weeks(weeks, following, following)[0].start


def unchanged_before(
    people: Mapping[int, ct.PersonCharging],
    *,
    through: date,
    since: date,
    rules_hash: str,
    weeks: CouncilRules,
) -> dict[int, date]:
    """For people whose inputs changed since the run that last settled them, the date of an
    earlier run that settled them whose inputs, as far as its date, are still the same, and
    after which nothing has been posted for them for the weeks before the one after it.

    Every earlier week is then charged exactly as it would be now (that run left them charged
    correctly, nothing that decides them has changed, and nothing has been posted for them
    since), so only the weeks from there on need working out. A revision backdated six months
    is worked out over six months, not over every week since billing began.
    """
    if not people:
        return {}
    ids = list(people)
    runs: dict[int, list[tuple[int, date, str]]] = defaultdict(list)
    for person_id, run_id, day, digest in (
        RunPerson.objects.filter(person_id__in=ids, status__in=SETTLED, run__state=RunState.POSTED)
        .values_list("person_id", "run_id", "run__through_date", "inputs_hash")
        .order_by("person_id", "-run__through_date", "-run_id")
    ):
        runs[person_id].append((run_id, day, digest))
    # The first week each run posted anything for, per person (runs are numbered in order).
    posted: dict[int, dict[int, date]] = defaultdict(dict)
    for person_id, run_id, first in (
        ChargeRecord.objects.filter(person_id__in=ids)
        .values("person_id", "run_id")
        .annotate(first=Min("week_end"))
        .values_list("person_id", "run_id", "first")
    ):
        posted[person_id][run_id] = first
    found: dict[int, date] = {}
    for person_id, person in people.items():
        for run_id, day, digest in runs[person_id]:
            if day > through:
                continue
            start = week_after(day, weeks)
            touched = any(
                first < start for other, first in posted[person_id].items() if other > run_id
            )
            if touched:
                continue
            cut = restrict(person, day)
            if gathered.fingerprint(cut, rules_hash=rules_hash, since=since) == digest:
                found[person_id] = day
                break
    return found


CHARGED_FIELDS = (
    "pk",
    "person_id",
    "key",
    "kind",
    "debtor",
    "week_start",
    "week_end",
    "amount_pence",
    "income",
    "invoiced",
    "basis",
)


def _charge_rows(
    person_ids: Sequence[int], from_week: Mapping[int, date], nothing_after: Collection[int]
) -> Iterable[dict[str, Any]]:
    """The records each person's re-rating needs, oldest first: for someone on the fast path
    only those from their first week worked out again (older weeks are settled and need not
    even be read; for those in ``nothing_after`` there are none), for anyone else all of them."""
    fast = [pk for pk in person_ids if pk in from_week and pk not in nothing_after]
    slow = [pk for pk in person_ids if pk not in from_week]
    if fast:
        # By the week's end, not its start: a week that began before the go-live date (or
        # before a change of week-start day) still has its earlier records read.
        rows = ChargeRecord.objects.filter(
            person_id__in=fast, week_end__gte=min(from_week[pk] for pk in fast)
        )
        for row in rows.order_by("pk").values(*CHARGED_FIELDS):
            if row["week_end"] >= from_week[row["person_id"]]:
                yield row
    if slow:
        rows = ChargeRecord.objects.filter(person_id__in=slow)
        yield from rows.order_by("pk").values(*CHARGED_FIELDS)


def charged_so_far(
    person_ids: Sequence[int],
    *,
    from_week: Mapping[int, date],
    nothing_after: Collection[int] = (),
) -> dict[int, dict[str, Charged]]:
    """What has been posted for each key, summed over every record for it (from each person's
    ``from_week`` on, when they have one; ``nothing_after``: people known to have no record
    for a week ending on or after it, whose records are not read at all)."""
    totals: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in _charge_rows(person_ids, from_week, set(nothing_after)):
        entry = totals[row["person_id"]].setdefault(
            row["key"], {"amount": 0, "income": defaultdict(int), "row": row}
        )
        entry["amount"] += row["amount_pence"]
        for code, pence in row["income"]:
            entry["income"][code] += pence
        entry["row"] = row
    found: dict[int, dict[str, Charged]] = {}
    for person_id, keys in totals.items():
        found[person_id] = {}
        for key, entry in keys.items():
            row = entry["row"]
            found[person_id][key] = Charged(
                key=key,
                kind=ct.ChargeKind(row["kind"]),
                debtor=row["debtor"],
                week=DateRange(row["week_start"], row["week_end"]),
                amount_pence=entry["amount"],
                income=tuple(sorted((c, p) for c, p in entry["income"].items() if p)),
                invoiced=row["invoiced"],
                last_record=str(row["pk"]),
                basis=_basis(row["basis"]),
            )
    return found


def _basis(stored: dict[str, Any] | None) -> ct.Basis | None:
    if not stored:
        return None
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()}
    return ct.Basis(**values)


def adjustment_json(adjustment: Adjustment) -> dict[str, Any]:
    """An adjustment as stored on the preview (and posted from it exactly)."""
    return {
        "key": adjustment.key,
        "kind": str(adjustment.kind),
        "debtor": adjustment.debtor,
        "week": [adjustment.week.start.isoformat(), adjustment.week.end.isoformat()],
        "days": (
            [adjustment.days.start.isoformat(), adjustment.days.end.isoformat()]
            if adjustment.days is not None
            else None
        ),
        "amount_pence": adjustment.amount_pence,
        "income": [[code, pence] for code, pence in adjustment.income],
        "invoiced": adjustment.invoiced,
        "reason": str(adjustment.reason),
        "corrects": adjustment.corrects,
        "backdated": adjustment.backdated,
        "description": adjustment.description,
        "units": str(adjustment.units) if adjustment.units is not None else None,
        "basis": _basis_json(adjustment.basis) if adjustment.basis is not None else None,
        "trace": [
            {"label": s.label, "amount_pence": s.amount_pence, "reference": s.reference}
            for s in adjustment.trace
        ],
    }


BASIS_FIELDS = tuple(f.name for f in fields(ct.Basis))


def _basis_json(basis: ct.Basis) -> dict[str, Any]:
    """What ``_plain(asdict(basis))`` gives, without ``asdict``'s deep copy (a line each)."""
    return {name: _plain(getattr(basis, name)) for name in BASIS_FIELDS}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def work_out_people(
    inputs: Mapping[int, ct.PersonCharging],
    *,
    through: date,
    since: date,
    book: RuleBook,
    council: str,
) -> dict[int, dict[str, Any]]:
    """For each person (their inputs from `inputs.gather`): the status, the fingerprint, the
    lines and their totals."""
    person_ids = list(inputs)
    rules_hash = charging_rules_hash(book, council)
    settled = last_settled(person_ids)
    weeks = CouncilRules(book, council)
    from_week: dict[int, date] = {}
    digests: dict[int, str] = {}
    results: dict[int, dict[str, Any]] = {}

    known_after: dict[date, date] = {}

    def after(day: date) -> date:
        # Nearly everyone shares a date or two: the weeks are cut once per date, not per person.
        if day not in known_after:
            known_after[day] = week_after(day, weeks)
        return known_after[day]

    def settled_to(person_id: int, day: date) -> None:
        """Every week before the one after ``day`` is charged correctly already."""
        if day == through:
            # Settled by a run to this very date and nothing has changed since: there is no
            # week left to work out, and the answer is that nothing is to be posted.
            results[person_id] = {
                "status": PersonStatus.NO_CHANGE,
                "inputs_hash": digests[person_id],
                "lines": [],
                "problem": "",
            }
        else:
            from_week[person_id] = max(since, after(day))

    # Settled by their last run to the last day of a charging week: every record of theirs is
    # for a week ending on or before it (a run posted after it would have settled them, and a
    # record's week begins by its run's date), so none is for the weeks worked out again and
    # there is nothing to read. Reading them would read all of them: there is no index by
    # week, and two years of history made that most of a run's time.
    nothing_after: set[int] = set()
    behind: list[int] = []
    for person_id, person in inputs.items():
        digest = digests[person_id] = gathered.fingerprint(
            person, rules_hash=rules_hash, since=since
        )
        previous = settled.get(person_id)
        if previous is None or previous[0] > through:
            continue
        cut = restrict(person, previous[0])
        before = (
            digest
            if cut == person
            else gathered.fingerprint(cut, rules_hash=rules_hash, since=since)
        )
        if before == previous[1]:
            settled_to(person_id, previous[0])
            if person_id in from_week and after(previous[0]) > previous[0]:
                nothing_after.add(person_id)
        else:
            behind.append(person_id)
    for person_id, day in unchanged_before(
        {pk: inputs[pk] for pk in behind},
        through=through,
        since=since,
        rules_hash=rules_hash,
        weeks=weeks,
    ).items():
        settled_to(person_id, day)
    to_work_out = [pk for pk in person_ids if pk not in results]
    # Records for weeks before the go-live date are left out even on a full recompute: moving
    # the date later must not reverse what was billed before it.
    charged = charged_so_far(
        to_work_out,
        from_week={pk: from_week.get(pk, since) for pk in to_work_out},
        nothing_after=nothing_after,
    )
    threshold = review_threshold(book, council, through)
    for person_id in to_work_out:
        person = inputs[person_id]
        digest = digests[person_id]
        start = from_week.get(person_id, since)
        previous = settled.get(person_id)
        try:
            expected = charges(person, book=book, council=council, since=start, through=through)
            adjustments = rerate(
                expected,
                charged.get(person_id, {}),
                billed_through=previous[0] if previous else None,
            )
        except (ChargingError, RuleError) as problem:
            results[person_id] = {
                "status": PersonStatus.FAILED,
                "inputs_hash": digest,
                "lines": [],
                "problem": str(problem),
            }
            continue
        lines = [adjustment_json(a) for a in adjustments]
        invoiced = sum(a.amount_pence for a in adjustments if a.invoiced and a.amount_pence > 0)
        credited = sum(a.amount_pence for a in adjustments if a.invoiced and a.amount_pence < 0)
        backdated = sum(
            a.amount_pence
            for a in adjustments
            if a.invoiced and a.backdated and a.debtor == ct.PERSON
        )
        held = bool(threshold) and hold_for_review(adjustments, threshold_pence=threshold)
        status = (
            PersonStatus.NO_CHANGE
            if not lines
            else PersonStatus.HELD
            if held
            else PersonStatus.READY
        )
        results[person_id] = {
            "status": status,
            "inputs_hash": digest,
            "lines": lines,
            "invoiced_pence": invoiced,
            "credited_pence": credited,
            "not_invoiced_pence": sum(a.amount_pence for a in adjustments if not a.invoiced),
            "backdated_pence": backdated,
            "problem": "",
        }
    return results
