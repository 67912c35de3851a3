"""Pre-flight checks: the data errors a charging officer wants caught before invoices go out.

Each check is a named function over a chunk of people that returns problems. A **blocker**
keeps the person out of this run (nothing is posted for them until it is fixed: an invoice
that cannot be sent, or a charge that cannot be priced, is worse than a late one); a
**warning** is listed for the officer to look at before approving. Every check reads in bulk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q

from carecharge.apps.assessments.models import Assessment, AssessmentState
from carecharge.apps.care.models import (
    ActualStatus,
    ChargingMethod,
    ProviderActual,
    ServiceLine,
    TopUpAgreement,
)
from carecharge.apps.people.models import Address, AddressRole, Representative, ServiceUser
from carecharge.core.charging import types as ct
from carecharge.core.money import format_pounds
from carecharge.core.rules import RuleBook, RuleError

from .models import Severity


@dataclass(frozen=True, slots=True)
class Problem:
    person_id: int | None
    check: str
    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class Context:
    through: date
    since: date
    book: RuleBook
    council: str
    inputs: dict[int, ct.PersonCharging]


def _day(when: date | None) -> str:
    return f"{when:%d/%m/%Y}" if when is not None else "an unknown date"


def no_assessment_no_provisional(ids: list[int], ctx: Context) -> Iterable[Problem]:
    for person_id in ids:
        person = ctx.inputs.get(person_id)
        if person is None or person.assessed:
            continue
        chargeable = [
            line
            for line in person.lines
            if line.charging == ChargingMethod.MEANS_TESTED
            and not line.chc
            and not line.section_117
        ]
        if chargeable:
            yield Problem(
                person_id,
                "no_assessment",
                Severity.WARNING,
                "Receives chargeable care but has no financial assessment and the council's "
                "policy gives no provisional charge: nothing is charged until assessed.",
            )


def deceased_with_live_services(ids: list[int], ctx: Context) -> Iterable[Problem]:
    lines = (
        ServiceLine.objects.filter(
            package__person_id__in=ids, package__person__date_of_death__isnull=False
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=F("package__person__date_of_death")))
        .values_list("package__person_id", "case_system_id", "package__person__date_of_death")
    )
    for person_id, line_id, died in lines:
        yield Problem(
            person_id,
            "deceased_with_services",
            Severity.WARNING,
            f"Died on {_day(died)} but service line {line_id} has not ended: charges stop the "
            "day after death, but the care record should be closed.",
        )


def no_billing_address(ids: list[int], ctx: Context) -> Iterable[Problem]:
    alive = list(
        ServiceUser.objects.filter(pk__in=ids, date_of_death__isnull=True).values_list(
            "pk", flat=True
        )
    )
    # Invoices go to the estate of someone who has died; the executor check covers them.
    addressed = set(
        Address.objects.filter(
            person_id__in=alive, role__in=[AddressRole.BILLING, AddressRole.HOME]
        ).values_list("person_id", flat=True)
    )
    addressed.update(
        Representative.objects.filter(
            person_id__in=[pk for pk in alive if pk not in addressed],
            receives_invoices=True,
            start_date__lte=ctx.through,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=ctx.through))
        .values_list("person_id", flat=True)
    )
    for person_id in alive:
        if person_id not in addressed:
            yield Problem(
                person_id,
                "no_billing_address",
                Severity.BLOCKER,
                "No billing or home address and no representative who receives invoices: an "
                "invoice could not be sent.",
            )


def deceased_without_executor(ids: list[int], ctx: Context) -> Iterable[Problem]:
    died = dict(
        ServiceUser.objects.filter(pk__in=ids, date_of_death__isnull=False).values_list(
            "pk", "date_of_death"
        )
    )
    executors = set(
        Representative.objects.filter(person_id__in=list(died), kind="executor").values_list(
            "person_id", flat=True
        )
    )
    for person_id, day in died.items():
        if person_id not in executors:
            yield Problem(
                person_id,
                "deceased_no_executor",
                Severity.BLOCKER,
                f"Died on {_day(day)} with no executor or administrator "
                "recorded: the final account cannot be addressed to the estate.",
            )


def service_with_no_price(ids: list[int], ctx: Context) -> Iterable[Problem]:
    for person_id in ids:
        person = ctx.inputs.get(person_id)
        for line in person.lines if person else ():
            if line.charging == ChargingMethod.MEANS_TESTED and line.unit_cost_pence == 0:
                yield Problem(
                    person_id,
                    "no_price",
                    Severity.BLOCKER,
                    f"Service line {line.ref} ({line.service_name}) has no unit cost: the cost of "
                    "care, which caps the charge, is unknown.",
                )
            if line.charging == ChargingMethod.FLAT_RATE:
                problem = _flat_rate_problem(line, ctx)
                if problem:
                    yield Problem(person_id, "no_price", Severity.BLOCKER, problem)
            cost_centre, _, subjective = line.income_code.partition("/")
            if not cost_centre or not subjective:
                yield Problem(
                    person_id,
                    "no_price",
                    Severity.BLOCKER,
                    f"Service {line.service_code} has no cost centre or subjective code: its "
                    "income could not be posted.",
                )


def _flat_rate_problem(line: ct.ServiceLine, ctx: Context) -> str:
    if not line.flat_rate_rule:
        return f"Flat-rate service {line.service_code} names no price rule."
    prices = f"local.{ctx.council}.flat_rates."
    if not line.flat_rate_rule.startswith(prices):
        return (
            f"Flat-rate service {line.service_code}'s price rule {line.flat_rate_rule} is not "
            f"one of the council's flat-rate prices ({prices}...): charging cannot read it."
        )
    start = max(line.days.start, ctx.since)
    if start > line.days.end:
        return ""
    for day in {start, line.days.end}:
        try:
            ctx.book.as_at(day).pence(line.flat_rate_rule)
        except RuleError:
            return (
                f"Flat-rate service {line.service_code} has no price in the rules on "
                f"{_day(day)} ({line.flat_rate_rule})."
            )
    return ""


def review_overdue(ids: list[int], ctx: Context) -> Iterable[Problem]:
    for person_id, review in (
        Assessment.objects.filter(
            person_id__in=ids,
            state=AssessmentState.COMPLETED,
            superseded_from__isnull=True,
            next_review_date__lt=ctx.through,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=ctx.through))
        .values_list("person_id", "next_review_date")
    ):
        yield Problem(
            person_id,
            "review_overdue",
            Severity.WARNING,
            f"The financial assessment was due for review on {_day(review)}.",
        )


def capital_over_limit_assessed(ids: list[int], ctx: Context) -> Iterable[Problem]:
    try:
        upper = ctx.book.as_at(ctx.through).pence("england.charging.capital.upper_limit")
    except RuleError:
        return
    for person_id, result in (
        Assessment.objects.filter(
            person_id__in=ids,
            state=AssessmentState.COMPLETED,
            superseded_from__isnull=True,
            full_cost=False,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=ctx.through))
        .values_list("person_id", "result")
    ):
        counted = (result or {}).get("capital_counted")
        if isinstance(counted, int) and counted > upper:
            yield Problem(
                person_id,
                "capital_over_upper_limit",
                Severity.WARNING,
                f"Capital counted ({format_pounds(counted)}) is above the upper limit "
                f"({format_pounds(upper)}) but an assessed rate is charged, not the full cost.",
            )


def likely_duplicates(ids: list[int], ctx: Context) -> Iterable[Problem]:
    people = list(
        ServiceUser.objects.filter(pk__in=ids).values(
            "pk", "surname", "date_of_birth", "nhs_number", "ni_number", "account_reference"
        )
    )
    checks = (
        ("nhs_number", "the same NHS number"),
        ("ni_number", "the same National Insurance number"),
    )
    for field, words in checks:
        values = {p[field] for p in people if p[field]}  # type: ignore[literal-required]
        if not values:
            continue
        clashes = (
            ServiceUser.objects.filter(**{f"{field}__in": values})
            .values(field)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list(field, flat=True)
        )
        clashing = set(clashes)
        for person in people:
            if person[field] in clashing:  # type: ignore[literal-required]
                yield Problem(
                    person["pk"],
                    "likely_duplicate",
                    Severity.WARNING,
                    f"Another person record has {words}: check it is not the same person "
                    "billed twice.",
                )
    births = {p["date_of_birth"] for p in people}
    counts: dict[tuple[str, date], int] = defaultdict(int)
    for surname, born in ServiceUser.objects.filter(date_of_birth__in=births).values_list(
        "surname", "date_of_birth"
    ):
        counts[(surname.lower(), born)] += 1
    for person in people:
        if counts[(person["surname"].lower(), person["date_of_birth"])] > 1:
            yield Problem(
                person["pk"],
                "likely_duplicate",
                Severity.WARNING,
                "Another person record has the same surname and date of birth: check it is not "
                "the same person billed twice.",
            )


def actuals_awaiting_review(ids: list[int], ctx: Context) -> Iterable[Problem]:
    for person_id, n in (
        ProviderActual.objects.filter(line__package__person_id__in=ids, status=ActualStatus.HELD)
        .values("line__package__person_id")
        .annotate(n=Count("pk"))
        .values_list("line__package__person_id", "n")
    ):
        yield Problem(
            person_id,
            "actuals_held",
            Severity.WARNING,
            f"{n} provider actual{'s' if n != 1 else ''} outside tolerance await review in the "
            "exceptions queue: the planned care is billed until they are accepted.",
        )


def actuals_outside_service(ids: list[int], ctx: Context) -> Iterable[Problem]:
    found = (
        ProviderActual.objects.filter(
            line__package__person_id__in=ids,
            status=ActualStatus.ACCEPTED,
            units__gt=0,
            week_start__lte=ctx.through,
        )
        .filter(
            Q(line__end_date__lt=F("week_start"))
            | Q(line__start_date__gt=F("week_start") + timedelta(days=6))
            | Q(line__package__person__date_of_death__lt=F("week_start"))
        )
        .values_list("line__package__person_id", "line__case_system_id", "week_start")
    )
    for person_id, line_id, week_start in found:
        yield Problem(
            person_id,
            "actuals_outside_service",
            Severity.WARNING,
            f"The provider reported care on service line {line_id} in the week beginning "
            f"{_day(week_start)}, when the service was not running (or after the person's "
            "death): it is not charged. Check the care record or the provider's return.",
        )


def care_before_first_assessment(ids: list[int], ctx: Context) -> Iterable[Problem]:
    for person_id in ids:
        person = ctx.inputs.get(person_id)
        if person is None or not person.assessed or person.assessed[0].provisional:
            continue
        first_assessed = person.assessed[0].days.start
        chargeable_starts = [
            line.days.start
            for line in person.lines
            if line.charging == ChargingMethod.MEANS_TESTED
            and not line.chc
            and not line.section_117
        ]
        if (
            chargeable_starts
            and min(chargeable_starts) < first_assessed
            and first_assessed > ctx.since
        ):
            yield Problem(
                person_id,
                "care_before_assessment",
                Severity.WARNING,
                f"Chargeable care started on {_day(min(chargeable_starts))} but the first "
                f"assessment takes effect on {_day(first_assessed)}: the days between are not "
                "charged.",
            )


def top_up_review_overdue(ids: list[int], ctx: Context) -> Iterable[Problem]:
    for person_id, review in (
        TopUpAgreement.objects.filter(person_id__in=ids, next_review_date__lt=ctx.through)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=ctx.through))
        .values_list("person_id", "next_review_date")
    ):
        yield Problem(
            person_id,
            "top_up_review_overdue",
            Severity.WARNING,
            f"A top-up agreement was due for review on {_day(review)}.",
        )


CHECKS: tuple[tuple[str, str, Callable[[list[int], Context], Iterable[Problem]]], ...] = (
    (
        "no_assessment",
        "Chargeable care with no assessment and no provisional charge",
        no_assessment_no_provisional,
    ),
    ("deceased_with_services", "Deceased with live services", deceased_with_live_services),
    ("deceased_no_executor", "Deceased with no executor recorded", deceased_without_executor),
    ("no_billing_address", "No billing address", no_billing_address),
    ("no_price", "Service with no price or no ledger code", service_with_no_price),
    ("review_overdue", "Assessment past its review date", review_overdue),
    (
        "capital_over_upper_limit",
        "Capital above the upper limit but charged an assessed rate",
        capital_over_limit_assessed,
    ),
    ("likely_duplicate", "Likely duplicate people", likely_duplicates),
    ("actuals_held", "Provider actuals awaiting review", actuals_awaiting_review),
    (
        "care_before_assessment",
        "Care before the first assessment takes effect",
        care_before_first_assessment,
    ),
    ("top_up_review_overdue", "Top-up agreement past its review date", top_up_review_overdue),
)


def run_checks(ids: list[int], ctx: Context) -> list[Problem]:
    found: list[Problem] = []
    for _, _, check in CHECKS:
        found.extend(check(ids, ctx))
    return found
