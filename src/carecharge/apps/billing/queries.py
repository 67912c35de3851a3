"""Reading billing runs for the screens: the runs, the people in a run filtered for the table,
the pre-flight problems grouped by check, what each person was charged in the run before, the
lines a person was posted, and a person's invoices for their Account tab."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer
from carecharge.core.charging.types import PERSON
from carecharge.core.rules import RuleBook, RuleError

from . import inputs
from .models import (
    BillingRun,
    ChargeRecord,
    Invoice,
    PersonStatus,
    PreflightProblem,
    RunPerson,
    RunState,
    Severity,
)
from .operations import billing_from, last_posted_through
from .preflight import CHECKS

ONE_DAY = timedelta(days=1)
# Statuses whose stored lines are (or will be) what this run posts for the person.
WITH_LINES = [
    PersonStatus.READY,
    PersonStatus.HELD,
    PersonStatus.RELEASED,
    PersonStatus.EXCLUDED,
    PersonStatus.POSTED,
    PersonStatus.CHANGED,
]


def runs() -> QuerySet[BillingRun]:
    return BillingRun.objects.select_related(
        "created_by", "previewed_by", "approved_by", "posted_by"
    )


def run_or_404(pk: int) -> BillingRun:
    return get_object_or_404(runs(), pk=pk)


def run_person_or_404(pk: int) -> RunPerson:
    return get_object_or_404(
        RunPerson.objects.select_related(
            "run", "run__created_by", "run__previewed_by", "person", "released_by"
        ),
        pk=pk,
    )


def awaiting_count() -> int:
    """Runs a person must act on: approve (previewed) or post (approved)."""
    return BillingRun.objects.filter(state__in=[RunState.PREVIEWED, RunState.APPROVED]).count()


def suggested_through(today: date, *, book: RuleBook) -> date | None:
    """The date to offer for a new run: the end of the charging week after the last posted run,
    or, for the first run, the end of the last whole charging week before today (never before
    the first week carecharge bills). None if the rules give no charging week for the date."""
    council = settings.CARECHARGE_COUNCIL
    last = last_posted_through()
    try:
        if last is not None:
            day = last + ONE_DAY
            return inputs.week_containing(day, inputs.week_start_day(book, council, day)).end
        week_start = inputs.week_start_day(book, council, today)
        ended = inputs.week_containing(today, week_start).start - ONE_DAY
        first = billing_from()
        first_end = inputs.week_containing(first, inputs.week_start_day(book, council, first)).end
        return max(ended, first_end)
    except RuleError:
        return None


def previous_posted_run(run: BillingRun) -> BillingRun | None:
    """The posted run before this one. Runs are worked one at a time and each reaches at least
    as far as the last posted, so creation order is billing order."""
    return BillingRun.objects.filter(state=RunState.POSTED, pk__lt=run.pk).order_by("-pk").first()


def posted_totals(
    run: BillingRun | None, person_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """Each person's invoiced total posted in a run (credits count against it), in pence.

    `RunPerson.previous_pence` is not filled in by the run, so the "change since the last run"
    is worked out here from the charge records, which are the memory of what was posted."""
    if run is None:
        return {}
    records = ChargeRecord.objects.filter(run=run, invoiced=True)
    if person_ids is not None:
        records = records.filter(person_id__in=list(person_ids))
    return {
        row["person_id"]: row["total"] or 0
        for row in records.values("person_id").annotate(total=Sum("amount_pence")).order_by()
    }


def people(
    run: BillingRun,
    *,
    status: str = "",
    text: str = "",
    check: str = "",
    may_see_restricted: bool = True,
) -> QuerySet[RunPerson]:
    """A run's people for the preview table: by status, by a pre-flight check they failed, and
    by name or account reference. A search never finds a restricted record for someone who may
    not open it."""
    found = run.people.select_related("person")
    if status in PersonStatus.values:
        found = found.filter(status=status)
    if check:
        found = found.filter(
            person_id__in=run.problems.filter(check_name=check).values("person_id")
        )
    if text.split() and not may_see_restricted:
        found = found.exclude(person__restricted=True)
    for word in text.split():
        found = found.filter(
            Q(person__account_reference=word)
            | Q(person__surname__istartswith=word)
            | Q(person__forename__istartswith=word)
        )
    return found.order_by("person__surname", "person__forename", "pk")


def status_counts(run: BillingRun) -> dict[str, int]:
    found = dict.fromkeys(PersonStatus.values, 0)
    for row in run.people.values("status").annotate(n=Count("pk")).order_by():
        found[row["status"]] = row["n"]
    return found


CHECK_TITLES: dict[str, str] = {code: title for code, title, _ in CHECKS}


def check_title(code: str) -> str:
    # A check may report under a code of its own (the price check also finds missing ledger
    # codes); it is still shown, named from its code.
    return CHECK_TITLES.get(code) or code.replace("_", " ").capitalize()


@dataclass
class ProblemGroup:
    check: str
    severity: str
    count: int
    problems: list[PreflightProblem] = field(default_factory=list)
    row_ids: dict[int, int] = field(default_factory=dict)
    """The run's row for each person listed, for a link to their lines."""

    @property
    def title(self) -> str:
        return check_title(self.check)


def problem_groups(run: BillingRun, *, shown: int = 10) -> list[ProblemGroup]:
    """The run's pre-flight problems by check, blockers first, each with its count and the
    first ``shown`` problems (the table filtered by the check lists everyone)."""
    order = {code: n for n, (code, _, _) in enumerate(CHECKS)}
    counted = run.problems.values("severity", "check_name").annotate(n=Count("pk")).order_by()
    groups = sorted(
        (ProblemGroup(row["check_name"], row["severity"], row["n"]) for row in counted),
        key=lambda g: (g.severity != Severity.BLOCKER, order.get(g.check, len(order)), g.check),
    )
    for group in groups:
        group.problems = list(
            run.problems.filter(check_name=group.check, severity=group.severity)
            .select_related("person")
            .order_by("person__surname", "person__forename", "pk")[:shown]
        )
        ids = [p.person_id for p in group.problems if p.person_id is not None]
        group.row_ids = dict(run.people.filter(person_id__in=ids).values_list("person_id", "pk"))
    return groups


def invoices_by_person(run: BillingRun, person_ids: Iterable[int]) -> dict[int, list[Invoice]]:
    found: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in Invoice.objects.filter(run=run, person_id__in=list(person_ids)).order_by(
        "-kind", "number"
    ):
        found[invoice.person_id].append(invoice)
    return found


def unissued_count(run: BillingRun) -> int:
    """The run's invoices and credit notes with no document yet (not rendered and stored)."""
    return Invoice.objects.filter(run=run, document__isnull=True).count()


def posted_records(row: RunPerson) -> list[ChargeRecord]:
    """The charge records the run posted for the person, in the order of the preview's lines."""
    return list(
        ChargeRecord.objects.filter(run_id=row.run_id, person_id=row.person_id)
        .select_related("invoice")
        .order_by("pk")
    )


def corrected(record_ids: Iterable[str | int | None]) -> dict[int, ChargeRecord]:
    """The earlier charge records that lines correct, with their run and invoice."""
    ids = {int(pk) for pk in record_ids if pk}
    return {
        record.pk: record
        for record in ChargeRecord.objects.filter(pk__in=ids).select_related("run", "invoice")
    }


def run_person_ids(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The run row for each (run, person), for links from a charge record to its run's page."""
    wanted = set(pairs)
    if not wanted:
        return {}
    runs_wanted = {run for run, _ in wanted}
    people_wanted = {person for _, person in wanted}
    return {
        (run, person): pk
        for pk, run, person in RunPerson.objects.filter(
            run_id__in=runs_wanted, person_id__in=people_wanted
        ).values_list("pk", "run_id", "person_id")
        if (run, person) in wanted
    }


def debtor_names(debtors: Iterable[str]) -> dict[str, str]:
    """Who each debtor string is, in words: the person, a top-up payer, an ICB."""
    names: dict[str, str] = {}
    payers: dict[int, str] = {}
    codes: set[str] = set()
    wanted = set(debtors)
    for debtor in wanted:
        kind, _, ref = debtor.partition(":")
        if debtor == PERSON:
            names[debtor] = "the person"
        elif kind == "third_party" and ref.isdigit():
            payers[int(ref)] = debtor
        elif kind == "organisation":
            codes.add(ref)
        else:
            names[debtor] = debtor
    for pk, name in ThirdPartyPayer.objects.filter(pk__in=payers).values_list("pk", "name"):
        names[payers[pk]] = f"{name} (top-up payer)"
    for code, name in Organisation.objects.filter(code__in=codes).values_list("code", "name"):
        names[f"organisation:{code}"] = name
    for debtor in wanted:  # a payer or organisation since removed keeps its code
        names.setdefault(debtor, debtor)
    return names


def debtor_names_for_run(run: BillingRun) -> dict[str, str]:
    """Every debtor a run's lines can name, in words, without reading the lines: the person,
    the top-up payers of the people in the run, and the organisations."""
    payers = ThirdPartyPayer.objects.filter(person_id__in=run.people.values("person_id"))
    return debtor_names(
        [
            PERSON,
            *(f"third_party:{pk}" for pk in payers.values_list("pk", flat=True)),
            *(
                f"organisation:{code}"
                for code in Organisation.objects.values_list("code", flat=True)
            ),
        ]
    )


def invoices_for(person: ServiceUser) -> list[Invoice]:
    """A person's invoices and credit notes, newest first, each with the pk of its run's row
    for the person (``row_pk``)."""
    row = RunPerson.objects.filter(run_id=OuterRef("run_id"), person_id=OuterRef("person_id"))
    return list(
        Invoice.objects.filter(person=person)
        .annotate(row_pk=Subquery(row.values("pk")[:1]))
        .order_by("-issued_on", "-number")
    )
