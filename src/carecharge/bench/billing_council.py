"""The billing benchmark's council: the demo council's people and care, with who collects each
charge, a few CHC awards, top-ups and an assessment for everyone with chargeable care, and the
calendar of its billing (two years of four-weekly runs before the timed one).

Everything here runs inside a process whose Django is already configured
(`carecharge.bench.billing.configure`), so Django is imported inside the functions.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

# A fixed date, so every bench bills the same weeks under the same rules (the council's flat-rate
# prices start in April 2024; two years and a run before this Sunday is after that).
DEFAULT_THROUGH: Final = date(2026, 11, 22)
PERIOD_DAYS: Final = 28
HISTORY_RUNS: Final = 26
REVISED_SHARE: Final = 0.05
REVISED_DAYS_BACK: Final = 182


def billing_from_for(through: date) -> date:
    """The council's first billing day: the history runs and the timed run end on ``through``."""
    return through - timedelta(days=PERIOD_DAYS * (HISTORY_RUNS + 1) - 1)


def history_dates(through: date, runs: int = HISTORY_RUNS) -> list[date]:
    """The dates the history is billed to. With fewer than ``HISTORY_RUNS`` runs, one run first
    bills everything up to where the last ``runs`` four-weekly runs begin: the same charge
    records, in fewer invoices, and hours quicker to set up at 100,000 people."""
    first = billing_from_for(through)
    every = [first + timedelta(days=PERIOD_DAYS * n - 1) for n in range(1, HISTORY_RUNS + 1)]
    if not 1 <= runs <= HISTORY_RUNS:
        raise ValueError(f"history runs must be 1 to {HISTORY_RUNS}, not {runs}")
    return every if runs == HISTORY_RUNS else every[-(runs + 1) :]


PERMANENT_HOMES: Final = frozenset({"residential_permanent", "nursing"})
NET_PAID_HOMES: Final = 0.30  # of care-home residents: the home collects the contribution
NET_DIRECT_PAYMENTS: Final = 0.50  # of direct payments: the contribution is deducted
CHC_AWARDS: Final = 0.002  # of people with home care: a CHC award in the second year
NOTHING_TO_PAY: Final = 0.30  # of people at home: assessed to pay nothing
FULL_COST: Final = {False: 0.08, True: 0.05}  # by care home: capital above the upper limit
REVIEW_OVERDUE: Final = 0.05
ICB_CODE: Final = "BENCH-ICB"
OFFICER: Final = "bench.officer"
APPROVER: Final = "bench.senior"
WRITE_CHUNK: Final = 5_000


@dataclass(slots=True)
class _Line:
    pk: int
    person: int
    category: str
    charging: str
    start: date
    end: date | None
    free_package: bool


def _chunked(items: Sequence[Any], size: int = WRITE_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lines_by_person() -> dict[int, list[_Line]]:
    from carecharge.apps.care.models import ServiceLine

    found: dict[int, list[_Line]] = defaultdict(list)
    for row in ServiceLine.objects.values_list(
        "pk",
        "package__person_id",
        "service__category",
        "service__charging_method",
        "start_date",
        "end_date",
        "package__chc",
        "package__section_117",
    ).order_by("pk"):
        pk, person, category, charging, start, end, chc, s117 = row
        found[person].append(_Line(pk, person, category, charging, start, end, chc or s117))
    return found


def _funding(rng: random.Random, lines: dict[int, list[_Line]], *, through: date) -> dict[str, int]:
    """Who collects each contribution, a few CHC awards and the top-ups the payers agreed."""
    from django.utils import timezone

    from carecharge.apps.care.models import ChcAward, Collection, ServiceLine, TopUpAgreement
    from carecharge.apps.people.models import Organisation, OrganisationKind, ThirdPartyPayer

    net_homes: list[int] = []
    net_payments: list[int] = []
    home_care: list[_Line] = []
    for person_lines in lines.values():
        homes = [line.pk for line in person_lines if line.category in PERMANENT_HOMES]
        if homes and rng.random() < NET_PAID_HOMES:
            net_homes += homes
        for line in person_lines:
            if line.category == "direct_payment" and rng.random() < NET_DIRECT_PAYMENTS:
                net_payments.append(line.pk)
            if line.category == "home_care" and not line.free_package:
                home_care.append(line)
    for ids, collection in (
        (net_homes, Collection.PROVIDER),
        (net_payments, Collection.DIRECT_PAYMENT_NET),
    ):
        for chunk in _chunked(ids):
            ServiceLine.objects.filter(pk__in=chunk).update(collection=collection)

    now = timezone.now()
    icb = Organisation.objects.create(
        code=ICB_CODE,
        name="NHS Bench Integrated Care Board (fictional)",
        kind=OrganisationKind.INTEGRATED_CARE_BOARD,
        line_1="1 Civic Way",
        town="Northfield",
        postcode="NR1 1AA",
    )
    year_two = billing_from_for(through) + timedelta(days=365)
    awards = []
    for n, line in enumerate(rng.sample(home_care, int(len(home_care) * CHC_AWARDS)), 1):
        start = max(line.start, _between(rng, year_two, through - timedelta(days=PERIOD_DAYS)))
        if line.end is not None and line.end < start:
            continue
        awards.append(
            ChcAward(
                person_id=line.person,
                icb=icb,
                start_date=start,
                decided_on=start + timedelta(days=rng.randint(0, 20)),
                reference=f"BENCH-CHC-{n:05d}",
                recorded_at=now,
            )
        )
    ChcAward.objects.bulk_create(awards, batch_size=WRITE_CHUNK)

    top_ups = []
    for payer_id, person_id, payer_start in ThirdPartyPayer.objects.values_list(
        "pk", "person_id", "start_date"
    ).order_by("pk"):
        placements = sorted(
            (home for home in lines[person_id] if home.category in PERMANENT_HOMES),
            key=lambda home: home.start,
        )
        if not placements:
            continue
        current = placements[-1]
        start = max(current.start, payer_start)
        if current.end is not None and current.end < start:
            continue
        top_ups.append(
            TopUpAgreement(
                person_id=person_id,
                payer_id=payer_id,
                line_id=current.pk,
                weekly_pence=rng.randint(20, 120) * 100,
                start_date=start,
                end_date=current.end,
                signed_on=start,
                next_review_date=through + timedelta(days=rng.randint(7, 365)),
                note="Bench council: paid by a relative for a dearer room.",
                created_at=now,
            )
        )
    TopUpAgreement.objects.bulk_create(top_ups, batch_size=WRITE_CHUNK)
    return {
        "net_paid_care_home_lines": len(net_homes),
        "net_direct_payment_lines": len(net_payments),
        "chc_awards": len(awards),
        "top_ups": len(top_ups),
    }


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _weekly(rng: random.Random, *, in_home: bool) -> tuple[int, bool]:
    """A plausible assessed weekly charge in pence, and whether it is the full cost."""
    if rng.random() < FULL_COST[in_home]:
        return 0, True
    if in_home:
        return rng.randint(12_000, 32_000), False
    if rng.random() < NOTHING_TO_PAY:
        return 0, False
    # Most charges at home are modest; a few are large.
    return min(rng.randint(500, 25_000) for _ in range(2)), False


def _assessments(
    rng: random.Random, lines: dict[int, list[_Line]], *, through: date, since: date
) -> int:
    """A completed assessment for everyone with chargeable care, made directly as rows; someone
    who moved from home into a care home has the earlier version superseded from the move."""
    from django.utils import timezone

    from carecharge.apps.assessments.models import Assessment, AssessmentSetting, AssessmentState

    now = timezone.now()
    first: list[Assessment] = []
    second: list[Assessment] = []
    for person_id, person_lines in lines.items():
        chargeable = [
            line
            for line in person_lines
            if line.charging == "means_tested" and not line.free_package
        ]
        if not chargeable:
            continue
        in_home = [line.start for line in chargeable if line.category in PERMANENT_HOMES]
        at_home = [line.start for line in chargeable if line.category not in PERMANENT_HOMES]
        moved = min(in_home) if in_home else None
        begins = max(min(line.start for line in chargeable), since)
        review = through + timedelta(days=rng.randint(7, 365))
        if rng.random() < REVIEW_OVERDUE:
            review = through - timedelta(days=rng.randint(1, 60))

        def version(number: int, setting: str, start: date, *, home: bool) -> Assessment:
            weekly, full_cost = _weekly(rng, in_home=home)
            return Assessment(
                person_id=person_id,  # noqa: B023 (called at once, in this turn of the loop)
                version=number,
                state=AssessmentState.COMPLETED,
                setting=setting,
                effective_from=start,
                next_review_date=review,  # noqa: B023
                result={},
                weekly_charge_pence=weekly,
                full_cost=full_cost,
                reason="Bench council",
                created_at=now,
                completed_at=now,
            )

        if moved is not None and at_home and min(at_home) < moved and moved > begins:
            earlier = version(1, AssessmentSetting.NON_RESIDENTIAL, begins, home=False)
            earlier.state = AssessmentState.SUPERSEDED
            earlier.superseded_from = moved
            first.append(earlier)
            second.append(version(2, AssessmentSetting.RESIDENTIAL_PERMANENT, moved, home=True))
        elif moved is not None:
            first.append(version(1, AssessmentSetting.RESIDENTIAL_PERMANENT, begins, home=True))
        else:
            first.append(version(1, AssessmentSetting.NON_RESIDENTIAL, begins, home=False))
    Assessment.objects.bulk_create(first, batch_size=WRITE_CHUNK)
    Assessment.objects.bulk_create(second, batch_size=WRITE_CHUNK)
    earlier_ids = {a.person_id: a.pk for a in first if a.state == AssessmentState.SUPERSEDED}
    links = [Assessment(pk=earlier_ids[a.person_id], superseded_by_id=a.pk) for a in second]
    Assessment.objects.bulk_update(links, ["superseded_by"], batch_size=WRITE_CHUNK)
    return len(first) + len(second)


def _staff() -> tuple[Any, Any]:
    from django.contrib.auth.models import Group, User

    from carecharge.apps.accounts.roles import Role

    found = []
    for username, role in ((OFFICER, Role.CHARGING_OFFICER), (APPROVER, Role.SENIOR_OFFICER)):
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": username})
        user.groups.set(Group.objects.filter(name=role))
        found.append(user)
    return found[0], found[1]


def generate_council(*, people: int, seed: int, through: date) -> dict[str, int]:
    """The demo council's people and care as at ``through``, with who collects each charge, a
    few CHC awards, the top-ups and an assessment for everyone with chargeable care."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from carecharge.apps.demo.operations import plan_demo
    from carecharge.apps.demo.writer import write_plan

    plan = plan_demo(people=people, seed=seed, as_at=through)
    rng = random.Random(seed)
    with transaction.atomic():
        counts = write_plan(plan, now=timezone.now(), council=settings.CARECHARGE_COUNCIL)
        lines = _lines_by_person()
        made = _funding(rng, lines, through=through)
        made["assessments"] = _assessments(
            rng, lines, through=through, since=billing_from_for(through)
        )
        _staff()
    return {"people": counts.people, "service_lines": counts.lines, **made}


def revise(*, seed: int, share: float, through: date) -> int:
    """Revise the current assessment of ``share`` of the council's people from six months
    before ``through``, as a review would (the new version starts then; the old one is
    superseded from it). Most charges go down; the rest go up a little."""
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from carecharge.apps.assessments.models import Assessment, AssessmentState
    from carecharge.apps.people.models import ServiceUser

    rng = random.Random(seed + 1)
    revised_from = through - timedelta(days=REVISED_DAYS_BACK)
    current = list(
        Assessment.objects.filter(
            state=AssessmentState.COMPLETED,
            superseded_from__isnull=True,
            full_cost=False,
            effective_from__lt=revised_from,
        ).order_by("pk")
    )
    wanted = min(len(current), round(ServiceUser.objects.count() * share))
    chosen = rng.sample(current, wanted)
    versions = dict(
        Assessment.objects.filter(person_id__in=[a.person_id for a in chosen])
        .values("person_id")
        .annotate(n=Count("pk"))
        .values_list("person_id", "n")
    )
    now = timezone.now()
    newer = []
    for older in chosen:
        weekly = older.weekly_charge_pence or 0
        if rng.random() < 0.7:
            weekly = weekly * rng.randint(60, 90) // 100
        else:
            weekly += rng.randint(100, 800)
        newer.append(
            Assessment(
                person_id=older.person_id,
                version=versions[older.person_id] + 1,
                state=AssessmentState.COMPLETED,
                setting=older.setting,
                effective_from=revised_from,
                next_review_date=older.next_review_date,
                result={},
                weekly_charge_pence=weekly,
                reason="Bench council: revised at review",
                created_at=now,
                completed_at=now,
            )
        )
    with transaction.atomic():
        Assessment.objects.bulk_create(newer, batch_size=WRITE_CHUNK)
        for older, version in zip(chosen, newer, strict=True):
            older.state = AssessmentState.SUPERSEDED
            older.superseded_from = revised_from
            older.superseded_by_id = version.pk
        Assessment.objects.bulk_update(
            chosen, ["state", "superseded_from", "superseded_by"], batch_size=500
        )
    return len(chosen)
