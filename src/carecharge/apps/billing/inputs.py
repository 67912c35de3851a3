"""Reading what decides a person's charges from the database into `core.charging` types.

Everything for a chunk of people is read in a handful of queries (never one query per person),
so a run over 100,000 people costs a few hundred queries, not millions. A fingerprint of the
inputs (with the rules' content hash) lets a later run skip the weeks already billed when
nothing about the person has changed.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import fields, is_dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q

from carecharge.apps.assessments.models import Assessment, AssessmentSetting, AssessmentState
from carecharge.apps.care.models import (
    ActualStatus,
    ChcAward,
    ChargingMethod,
    ProviderActual,
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


def _assessed_periods(versions: Sequence[Assessment], through: date) -> list[ct.AssessedPeriod]:
    """Cut the versions into days on which each is the one in force (the latest version covering
    a day wins, as `assessments.queries.in_force_on` decides for one day)."""
    spans: list[tuple[int, Assessment, date, date]] = []
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
    for start, next_cut in zip(cuts, cuts[1:], strict=False):
        covering = [span for span in spans if span[2] <= start and span[3] >= start]
        if not covering:
            continue
        _, winner, _, _ = max(covering, key=lambda span: span[0])
        setting = (
            ct.Setting.NON_RESIDENTIAL
            if winner.setting == AssessmentSetting.NON_RESIDENTIAL
            or (winner.result or {}).get("charged_as") == "non_residential"
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
    person: ServiceUser,
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
                date_of_birth=person.date_of_birth,
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


def _clip(start: date, end: date | None, through: date) -> DateRange | None:
    last = min(end or through, through)
    return DateRange(start, last) if last >= start else None


def gather(
    person_ids: Iterable[int],
    *,
    through: date,
    since: date,
    book: RuleBook,
    council: str,
) -> dict[int, ct.PersonCharging]:
    """What is known now about each person, cut at ``through``."""
    ids = list(person_ids)
    people = {p.pk: p for p in ServiceUser.objects.filter(pk__in=ids)}
    versions: dict[int, list[Assessment]] = defaultdict(list)
    assessed_ever: set[int] = set()
    for version in (
        Assessment.objects.filter(person_id__in=ids)
        .exclude(state=AssessmentState.DRAFT)
        .only(
            "pk",
            "person_id",
            "version",
            "setting",
            "effective_from",
            "effective_to",
            "superseded_from",
            "weekly_charge_pence",
            "full_cost",
            "result",
        )
        .order_by("person_id", "version")
    ):
        versions[version.person_id].append(version)
        assessed_ever.add(version.person_id)

    lines: dict[int, list[ct.ServiceLine]] = defaultdict(list)
    first_chargeable: dict[int, date] = {}
    line_person: dict[int, int] = {}
    line_refs: dict[int, str] = {}
    for line in ServiceLine.objects.filter(
        package__person_id__in=ids, start_date__lte=through
    ).select_related("service", "package"):
        days = _clip(line.start_date, line.end_date, through)
        if days is None:
            continue
        person_id = line.package.person_id
        line_person[line.pk] = person_id
        line_refs[line.pk] = line.case_system_id
        service = line.service
        lines[person_id].append(
            ct.ServiceLine(
                ref=line.case_system_id,
                service_code=service.code,
                service_name=service.name,
                category=service.category,
                charging=service.charging_method,
                free_reason=service.free_reason,
                days=days,
                units_per_week=line.units_per_week,
                unit_cost_pence=line.unit_cost_pence,
                income_code=income_code(service.cost_centre, service.subjective_code),
                unit=service.unit,
                flat_rate_rule=service.flat_rate_rule,
                collection=ct.Collection(line.collection),
                section_117=line.package.section_117,
                chc=line.package.chc,
            )
        )
        chargeable = (
            service.charging_method == ChargingMethod.MEANS_TESTED
            and not line.package.chc
            and not line.package.section_117
        )
        if chargeable:
            first = first_chargeable.get(person_id)
            first_chargeable[person_id] = min(first, line.start_date) if first else line.start_date

    actuals: dict[int, list[ct.Actual]] = defaultdict(list)
    for line_id, week_start, units in _current_actuals(list(line_person), through):
        actuals[line_person[line_id]].append(
            ct.Actual(line_ref=line_refs[line_id], week_start=week_start, units=units)
        )

    suspensions: dict[int, list[ct.Suspension]] = defaultdict(list)
    for suspension in Suspension.objects.filter(person_id__in=ids, start_date__lte=through):
        days = _clip(suspension.start_date, suspension.end_date, through)
        if days is not None:
            suspensions[suspension.person_id].append(ct.Suspension(days, suspension.reason))

    awards: dict[int, list[ct.ChcAward]] = defaultdict(list)
    for award in ChcAward.objects.filter(
        person_id__in=ids, start_date__lte=through, withdrawn_at__isnull=True
    ).select_related("icb"):
        days = _clip(award.start_date, award.end_date, through)
        if days is not None:
            awards[award.person_id].append(
                ct.ChcAward(ref=str(award.pk), days=days, icb=f"organisation:{award.icb.code}")
            )

    top_ups: dict[int, list[ct.TopUp]] = defaultdict(list)
    for agreement in TopUpAgreement.objects.filter(
        person_id__in=ids, start_date__lte=through
    ).select_related("line__service"):
        days = _clip(agreement.start_date, agreement.end_date, through)
        if days is None:
            continue
        service = agreement.line.service
        top_ups[agreement.person_id].append(
            ct.TopUp(
                ref=str(agreement.pk),
                payer=f"third_party:{agreement.payer_id}" if agreement.payer_id else ct.PERSON,
                days=days,
                weekly_pence=agreement.weekly_pence,
                line_ref=agreement.line.case_system_id,
                income_code=income_code(service.cost_centre, service.subjective_code),
            )
        )

    found: dict[int, ct.PersonCharging] = {}
    for person_id, person in people.items():
        if person_id in assessed_ever:
            assessed = _assessed_periods(versions[person_id], through)
        elif person_id in first_chargeable:
            assessed = _provisional_periods(
                person,
                first_chargeable[person_id],
                through,
                book=book,
                council=council,
                since=since,
            )
        else:
            assessed = []
        found[person_id] = ct.PersonCharging(
            person_ref=person.account_reference,
            date_of_death=person.date_of_death,
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


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready data, exactly as ``plain(dataclasses.asdict(value))`` would give
    (a date range becomes ``{"start", "end"}``), without the deep copy ``asdict`` makes: the
    fingerprint is taken for every person twice a run, and for the posting's check again."""
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if kind is tuple or kind is list:
        return [_plain(item) for item in value]
    if kind is date or kind is Decimal:
        return str(value)
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, date | Decimal):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        _FIELDS[kind] = tuple(f.name for f in fields(value))
        return _plain(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


_FIELDS: dict[type, tuple[str, ...]] = {}


def fingerprint(person: ct.PersonCharging, *, rules_hash: str, since: date) -> str:
    """A hash of everything that decides the person's charges, open ends left open: equal
    fingerprints mean every week already billed would be charged the same again."""
    body = json.dumps(
        {"person": _plain(person), "rules": rules_hash, "since": since.isoformat()},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()
