"""What the actuals validator needs from the database and the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from carecharge.apps.care.importing.constants import QUERY_CHUNK
from carecharge.apps.care.models import ChargingMethod, Provider, ServiceLine
from carecharge.apps.web.council import rulebook
from carecharge.core.importing.actuals_records import LineFacts
from carecharge.core.rules import RuleBook, RuleError


def tolerance_rule() -> str:
    return f"local.{settings.CARECHARGE_COUNCIL}.billing.actuals_tolerance_percent"


def week_start_rule() -> str:
    return f"local.{settings.CARECHARGE_COUNCIL}.billing.week_start"


@dataclass(frozen=True)
class ActualsRules:
    tolerance_percent: Decimal
    week_start_for: Callable[[date], int | None]


def actuals_rules(business_date: date, book: RuleBook | None = None) -> ActualsRules:
    """The tolerance in force on the business date and the charging-week rule by date.

    Raises `RuleError` when the tolerance has no value then (the file cannot be checked).
    """
    book = book or rulebook()
    tolerance = book.as_at(business_date).percent(tolerance_rule())
    found: dict[date, int | None] = {}

    def week_start_for(day: date) -> int | None:
        if day not in found:
            try:
                found[day] = book.as_at(day).number(week_start_rule())
            except RuleError:
                found[day] = None
        return found[day]

    return ActualsRules(tolerance_percent=tolerance, week_start_for=week_start_for)


def known_provider_codes() -> frozenset[str]:
    return frozenset(Provider.objects.values_list("code", flat=True))


def lines_named(
    line_ids: Iterable[str], queryset: QuerySet[ServiceLine] | None = None
) -> dict[str, ServiceLine]:
    """The lines with these case management system ids, with what their facts need."""
    base = queryset if queryset is not None else ServiceLine.objects.all()
    base = base.select_related("service", "provider", "package__person")
    wanted = sorted(set(line_ids))
    found: dict[str, ServiceLine] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        for line in base.filter(case_system_id__in=wanted[start : start + QUERY_CHUNK]):
            found[line.case_system_id] = line
    return found


def line_facts(line: ServiceLine) -> LineFacts:
    package = line.package
    return LineFacts(
        line_id=line.case_system_id,
        provider_code=line.provider.code if line.provider is not None else None,
        person_id=package.person.case_system_id,
        account_reference=package.person.account_reference,
        start_date=line.start_date,
        end_date=line.end_date,
        units_per_week=line.units_per_week,
        never_charged=(
            line.service.charging_method == ChargingMethod.FREE
            or package.chc
            or package.section_117
        ),
    )
