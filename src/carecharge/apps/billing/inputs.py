"""Reading what decides a person's charges from the database into `core.charging` types.

Everything for a chunk of people is read in a handful of queries (never one query per person),
so a run over 100,000 people costs a few hundred queries, not millions. A fingerprint of the
inputs (with the rules' content hash) lets a later run skip the weeks already billed when
nothing about the person has changed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any, NamedTuple

from carecharge.apps.assessments.models import Assessment, AssessmentSetting, AssessmentState
from carecharge.apps.care.models import (
    ActualStatus,
    ChargingMethod,
    ChcAward,
    ProviderActual,
    Service,
    ServiceLine,
    Suspension,
    TopUpAgreement,
)
from carecharge.apps.people.models import ServiceUser
from carecharge.core.assessment.errors import AssessmentRulesError
from carecharge.core.assessment.provisional import provisional_charge
from carecharge.core.charging import types as ct
from carecharge.core.periods import DateRange
from carecharge.core.rules import RuleBook

ONE_DAY = timedelta(days=1)


def income_code(cost_centre: str, subjective: str) -> str:
    return f"{cost_centre}/{subjective}"


def week_start_day(book: RuleBook, council: str, on: date) -> int:
    return book.as_at(on).number(f"local.{council}.billing.week_start")


def week_containing(day: date, week_start: int) -> DateRange:
    start = day - timedelta(days=(day.weekday() - week_start) % 7)
    return DateRange(start, start + timedelta(days=6))


class Version(NamedTuple):
    """What billing reads of one assessment version (a row, not a model instance: a run reads
    every version of every person)."""

    pk: int
    person_id: int
    version: int
    setting: str
    effective_from: date
    effective_to: date | None
    superseded_from: date | None
    weekly_charge_pence: int | None
    full_cost: bool
    charged_as: Any


VERSION_FIELDS = (
    "pk",
    "person_id",
    "version",
    "setting",
    "effective_from",
    "effective_to",
    "superseded_from",
    "weekly_charge_pence",
    "full_cost",
    # Only this one key of the stored result is needed; the result itself can be large.
    "result__charged_as",
)


def _assessed_periods(versions: Sequence[Version], through: date) -> list[ct.AssessedPeriod]:
    """Cut the versions into days on which each is the one in force (the latest version covering
    a day wins, as `assessments.queries.in_force_on` decides for one day)."""
    spans: list[tuple[int, Version, date, date]] = []
    for version in versions:
        end = version.effective_to or through
        if version.superseded_from is not None:
            end = min(end, version.superseded_from - ONE_DAY)
        end = min(end, through)
        if end >= version.effective_from:
            spans.append((version.version, version, version.effective_from, end))
    if not spans:
        return []
    cuts = sorted({s for _, _, s, _ in spans} | {e + ONE_DAY for _, _, _, e in spans})
    periods: list[ct.AssessedPeriod] = []
    for start, next_cut in pairwise(cuts):
        covering = [span for span in spans if span[2] <= start and span[3] >= start]
        if not covering:
            continue
        _, winner, _, _ = max(covering, key=lambda span: span[0])
        setting = (
            ct.Setting.NON_RESIDENTIAL
            if winner.setting == AssessmentSetting.NON_RESIDENTIAL
            or winner.charged_as == "non_residential"
            else ct.Setting.RESIDENTIAL
        )
        period = ct.AssessedPeriod(
            source=f"assessment:{winner.pk}",
            days=DateRange(start, next_cut - ONE_DAY),
            weekly_pence=winner.weekly_charge_pence or 0,
            setting=setting,
            full_cost=winner.full_cost,
        )
        last = periods[-1] if periods else None
        if (
            last is not None
            and last.source == period.source
            and last.days.end + ONE_DAY == period.days.start
        ):
            periods[-1] = replace(last, days=DateRange(last.days.start, period.days.end))
        else:
            periods.append(period)
    return periods


def _provisional_periods(
    date_of_birth: date,
    first_care_day: date,
    through: date,
    *,
    book: RuleBook,
    council: str,
    since: date,
) -> list[ct.AssessedPeriod]:
    """Before the first assessment: the council's provisional charge, week by week (it depends
    on the rules and the person's age on each week's first day)."""
    periods: list[ct.AssessedPeriod] = []
    start = max(first_care_day, since)
    if start > through:
        return periods
    week_start = week_start_day(book, council, start)
    for week in DateRange(start, through).charging_weeks(week_start):
        try:
            found = provisional_charge(
                book.as_at(week.start),
                council,
                date_of_birth=date_of_birth,
                weekly_cost_of_care=None,
            )
        except AssessmentRulesError:
            found = None
        if found is None:
            continue
        periods.append(
            ct.AssessedPeriod(
                source="provisional",
                days=week,
                weekly_pence=found.weekly,
                setting=ct.Setting.NON_RESIDENTIAL,
                provisional=True,
            )
        )
    return periods


def _ran_that_week(days: DateRange, week_start: date, died: date | None) -> bool:
    last = min(days.end, died) if died is not None else days.end
    return days.start <= week_start + timedelta(days=6) and week_start <= last


def _clip(start: date, end: date | None, through: date) -> DateRange | None:
    last = min(end or through, through)
    return DateRange(start, last) if last >= start else None


def _services() -> dict[int, Any]:
    """The service catalogue by id (a few dozen rows, read once per chunk)."""
    return {
        row[0]: row
        for row in Service.objects.values_list(
            "pk",
            "code",
            "name",
            "category",
            "charging_method",
            "free_reason",
            "unit",
            "flat_rate_rule",
            "cost_centre",
            "subjective_code",
        )
    }


def gather(
    person_ids: Iterable[int],
    *,
    through: date,
    since: date,
    book: RuleBook,
    council: str,
) -> dict[int, ct.PersonCharging]:
    """What is known now about each person, cut at ``through``.

    Rows are read as plain values, never as model instances: this runs for every person in a
    run, twice (working out, and checking again before posting).
    """
    ids = list(person_ids)
    people = {
        row[0]: row
        for row in ServiceUser.objects.filter(pk__in=ids).values_list(
            "pk", "account_reference", "date_of_death", "date_of_birth"
        )
    }
    versions: dict[int, list[Version]] = defaultdict(list)
    assessed_ever: set[int] = set()
    for row in (
        Assessment.objects.filter(person_id__in=ids)
        .exclude(state=AssessmentState.DRAFT)
        .order_by("person_id", "version")
        .values_list(*VERSION_FIELDS)
    ):
        version = Version(*row)
        versions[version.person_id].append(version)
        assessed_ever.add(version.person_id)

    services = _services()
    lines: dict[int, list[ct.ServiceLine]] = defaultdict(list)
    first_chargeable: dict[int, date] = {}
    line_person: dict[int, int] = {}
    line_refs: dict[int, str] = {}
    line_days: dict[int, DateRange] = {}
    for (
        line_id,
        person_id,
        ref,
        start_date,
        end_date,
        units_per_week,
        unit_cost_pence,
        collection,
        section_117,
        chc,
        service_id,
    ) in ServiceLine.objects.filter(
        package__person_id__in=ids, start_date__lte=through
    ).values_list(
        "pk",
        "package__person_id",
        "case_system_id",
        "start_date",
        "end_date",
        "units_per_week",
        "unit_cost_pence",
        "collection",
        "package__section_117",
        "package__chc",
        "service_id",
    ):
        days = _clip(start_date, end_date, through)
        if days is None:
            continue
        line_person[line_id] = person_id
        line_refs[line_id] = ref
        line_days[line_id] = days
        (_, code, name, category, charging, free_reason, unit, flat_rule, centre, subjective) = (
            services[service_id]
        )
        lines[person_id].append(
            ct.ServiceLine(
                ref=ref,
                service_code=code,
                service_name=name,
                category=category,
                charging=charging,
                free_reason=free_reason,
                days=days,
                units_per_week=units_per_week,
                unit_cost_pence=unit_cost_pence,
                income_code=income_code(centre, subjective),
                unit=unit,
                flat_rate_rule=flat_rule,
                collection=ct.Collection(collection),
                section_117=section_117,
                chc=chc,
            )
        )
        chargeable = charging == ChargingMethod.MEANS_TESTED and not chc and not section_117
        if chargeable:
            first = first_chargeable.get(person_id)
            first_chargeable[person_id] = min(first, start_date) if first else start_date

    actuals: dict[int, list[ct.Actual]] = defaultdict(list)
    for line_id, week_start, units in _current_actuals(list(line_person), through):
        person_id = line_person[line_id]
        if not _ran_that_week(line_days[line_id], week_start, people[person_id][2]):
            # A figure for a week the service no longer runs in (its dates were corrected after
            # the return, or the person had died) is care the council did not arrange: it is
            # not charged, and the pre-flight check `actuals_outside_service` lists it.
            continue
        actuals[person_id].append(
            ct.Actual(line_ref=line_refs[line_id], week_start=week_start, units=units)
        )

    suspensions: dict[int, list[ct.Suspension]] = defaultdict(list)
    for person_id, start_date, end_date, reason in Suspension.objects.filter(
        person_id__in=ids, start_date__lte=through
    ).values_list("person_id", "start_date", "end_date", "reason"):
        days = _clip(start_date, end_date, through)
        if days is not None:
            suspensions[person_id].append(ct.Suspension(days, reason))

    awards: dict[int, list[ct.ChcAward]] = defaultdict(list)
    for award_id, person_id, start_date, end_date, icb in ChcAward.objects.filter(
        person_id__in=ids, start_date__lte=through, withdrawn_at__isnull=True
    ).values_list("pk", "person_id", "start_date", "end_date", "icb__code"):
        days = _clip(start_date, end_date, through)
        if days is not None:
            awards[person_id].append(
                ct.ChcAward(ref=str(award_id), days=days, icb=f"organisation:{icb}")
            )

    top_ups: dict[int, list[ct.TopUp]] = defaultdict(list)
    for (
        agreement_id,
        person_id,
        payer_id,
        start_date,
        end_date,
        weekly_pence,
        line_ref,
        service_id,
    ) in TopUpAgreement.objects.filter(person_id__in=ids, start_date__lte=through).values_list(
        "pk",
        "person_id",
        "payer_id",
        "start_date",
        "end_date",
        "weekly_pence",
        "line__case_system_id",
        "line__service_id",
    ):
        days = _clip(start_date, end_date, through)
        if days is None:
            continue
        service = services[service_id]
        top_ups[person_id].append(
            ct.TopUp(
                ref=str(agreement_id),
                payer=f"third_party:{payer_id}" if payer_id else ct.PERSON,
                days=days,
                weekly_pence=weekly_pence,
                line_ref=line_ref,
                income_code=income_code(service[8], service[9]),
            )
        )

    found: dict[int, ct.PersonCharging] = {}
    for person_id, (_, reference, died, born) in people.items():
        if person_id in assessed_ever:
            assessed = _assessed_periods(versions[person_id], through)
        elif person_id in first_chargeable:
            assessed = _provisional_periods(
                born,
                first_chargeable[person_id],
                through,
                book=book,
                council=council,
                since=since,
            )
        else:
            assessed = []
        found[person_id] = ct.PersonCharging(
            person_ref=reference,
            date_of_death=died,
            assessed=tuple(assessed),
            lines=tuple(sorted(lines[person_id], key=lambda line: line.ref)),
            actuals=tuple(sorted(actuals[person_id], key=lambda a: (a.line_ref, a.week_start))),
            suspensions=tuple(sorted(suspensions[person_id], key=lambda s: s.days.start)),
            chc_awards=tuple(sorted(awards[person_id], key=lambda a: a.ref)),
            top_ups=tuple(sorted(top_ups[person_id], key=lambda t: t.ref)),
        )
    return found


def _current_actuals(line_ids: list[int], through: date) -> list[tuple[int, date, Decimal]]:
    """The current accepted figure per line and week: the newest batch's wins."""
    latest: dict[tuple[int, date], tuple[int, Decimal]] = {}
    for row in (
        ProviderActual.objects.filter(
            line_id__in=line_ids, week_start__lte=through, status=ActualStatus.ACCEPTED
        )
        .values_list("line_id", "week_start", "units", "pk")
        .order_by("pk")
    ):
        line_id, week_start, units, pk = row
        latest[(line_id, week_start)] = (pk, units)
    return [(line, week, units) for (line, week), (_, units) in sorted(latest.items())]


FINGERPRINT_FORMAT = "carecharge-billing-inputs/2"
"""Changed whenever the fingerprint is worked out differently: every stored fingerprint then
differs from a new one, so the next run works everyone out in full once (the slow path, with
the same answer), and nothing is skipped on the strength of a fingerprint made another way."""


def fingerprint(person: ct.PersonCharging, *, rules_hash: str, since: date) -> str:
    """A hash of everything that decides the person's charges, open ends left open: equal
    fingerprints mean every week already billed would be charged the same again.

    The inputs are plain frozen values (dates, Decimals, strings, enums, tuples of frozen
    dataclasses), whose ``repr`` names every field and value: the same inputs always give the
    same text, and any difference in them gives different text. It is taken two or three times
    per person per run, so it is built the cheapest exact way.
    """
    body = repr((FINGERPRINT_FORMAT, person, rules_hash, since))
    return hashlib.sha256(body.encode()).hexdigest()
