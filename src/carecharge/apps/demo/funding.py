"""One example each of what billing reads beside care and assessments: an integrated care
board, a top-up agreement and an NHS Continuing Healthcare award.

Added after the people are written, through the same audited operations an officer's screen
uses, and picked by a fixed rule (the first person, in database order, who fits), so the same
seed gives the same examples.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from carecharge.apps.care import operations
from carecharge.apps.care.models import (
    CARE_HOME_CATEGORIES,
    ChargingMethod,
    ServiceCategory,
    ServiceLine,
)
from carecharge.apps.people.models import Organisation, ThirdPartyPayer

SOURCE = "demo"
ICB_CODE = "NFD-ICB"
TOP_UP_WEEKLY_PENCE = 5000
# A backdated award, as most are: it starts some weeks before the board's decision.
CHC_START_WEEKS_BEFORE = 8
CHC_DECIDED_WEEKS_BEFORE = 2


def add_funding_examples(*, as_at: date) -> dict[str, int]:
    """Create the examples that fit the demo's people; returns how many of each were made."""
    icb = operations.record_organisation(
        code=ICB_CODE,
        name="NHS Northfield Integrated Care Board (fictional)",
        kind="icb",
        line_1="1 Civic Way",
        town="Northfield",
        postcode="NR1 1AA",
        actor=SOURCE,
        source=SOURCE,
    )
    made = {"organisations": 1, "top_ups": 0, "chc_awards": 0}
    if _top_up(as_at):
        made["top_ups"] = 1
    if _chc_award(icb, as_at):
        made["chc_awards"] = 1
    return made


def _current(as_at: date) -> Q:
    return Q(start_date__lte=as_at) & (Q(end_date__isnull=True) | Q(end_date__gte=as_at))


def _top_up(as_at: date) -> bool:
    for payer in ThirdPartyPayer.objects.filter(start_date__lte=as_at).order_by("pk"):
        line = (
            ServiceLine.objects.filter(
                _current(as_at),
                package__person_id=payer.person_id,
                service__category__in=CARE_HOME_CATEGORIES,
            )
            .select_related("service", "package")
            .order_by("pk")
            .first()
        )
        if line is None or payer.person.date_of_death is not None:
            continue
        start = max(line.start_date, payer.start_date)
        operations.record_top_up_agreement(
            person=payer.person,
            payer=payer,
            line=line,
            weekly_pence=TOP_UP_WEEKLY_PENCE,
            start_date=start,
            end_date=None,
            signed_on=start,
            next_review_date=start + timedelta(days=365),
            note="Demo example: paid by a relative for a dearer room.",
            actor=SOURCE,
            today=as_at,
            source=SOURCE,
        )
        return True
    return False


def _chc_award(icb: Organisation, as_at: date) -> bool:
    start = as_at - timedelta(weeks=CHC_START_WEEKS_BEFORE)
    line = (
        ServiceLine.objects.filter(
            _current(as_at),
            start_date__lte=start,
            service__category=ServiceCategory.HOME_CARE,
            service__charging_method=ChargingMethod.MEANS_TESTED,
            package__chc=False,
            package__section_117=False,
            package__person__date_of_death__isnull=True,
            package__person__restricted=False,
        )
        .select_related("package__person")
        .order_by("pk")
        .first()
    )
    if line is None:
        return False
    operations.record_chc_award(
        person=line.package.person,
        icb=icb,
        start_date=start,
        end_date=None,
        decided_on=as_at - timedelta(weeks=CHC_DECIDED_WEEKS_BEFORE),
        reference="NFD-CHC-0001",
        note="Demo example: a backdated award after a fast-track assessment.",
        actor=SOURCE,
        today=as_at,
        source=SOURCE,
    )
    return True
