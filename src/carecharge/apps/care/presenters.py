"""Care records as plain dictionaries for templates. Money is shown in pounds, stored in pence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from carecharge.core.money import format_pounds

from .models import (
    CarePackage,
    ChargingMethod,
    ImportBatch,
    ImportStatus,
    Provider,
    Service,
    ServiceLine,
    Suspension,
)

_STATUS_TAGS = {
    ImportStatus.APPLIED: "govuk-tag--green",
    ImportStatus.REJECTED: "govuk-tag--red",
    ImportStatus.DUPLICATE: "govuk-tag--grey",
}
_STATUS_WORDS = {
    ImportStatus.APPLIED: "Loaded",
    ImportStatus.REJECTED: "Rejected",
    ImportStatus.DUPLICATE: "Already loaded",
}
_COLUMN_WORDS = {"nhs_number": "NHS number", "ni_number": "National Insurance number"}


def units(value: Decimal) -> str:
    """10.50 -> "10.5", 7.00 -> "7"."""
    text = f"{value.normalize():f}"
    return text


def line_state(line: ServiceLine, today: date) -> tuple[str, str]:
    """A short word for where a line is in its life, and its tag colour."""
    if line.end_date is not None and line.end_date < today:
        return "Ended", "govuk-tag--grey"
    if line.start_date > today:
        return "Not started", "govuk-tag--blue"
    return "Current", "govuk-tag--green"


def present_line(line: ServiceLine, *, today: date) -> dict[str, Any]:
    state, tag = line_state(line, today)
    return {
        "id": line.case_system_id,
        "service": line.service.name,
        "service_code": line.service.code,
        "provider": line.provider.name if line.provider else "",
        "units_per_week": units(line.units_per_week),
        "unit": line.service.get_unit_display().lower(),
        "unit_cost": format_pounds(line.unit_cost_pence),
        "weekly_cost": format_pounds(line.weekly_cost_pence),
        "days": line.days or "Spread over the week",
        "start_date": line.start_date,
        "end_date": line.end_date,
        "state": state,
        "state_tag": tag,
        "ended": state == "Ended",
    }


def funding_flags(package: CarePackage) -> list[str]:
    flags = []
    if package.section_117:
        flags.append("Section 117 aftercare")
    if package.chc:
        flags.append("NHS Continuing Healthcare")
    if package.funded_nursing_care:
        flags.append("NHS-funded nursing care")
    return flags


def present_package(package: CarePackage, *, today: date) -> dict[str, Any]:
    lines = [present_line(line, today=today) for line in package.lines.all()]
    current = [line for line in package.lines.all() if line_state(line, today)[0] == "Current"]
    return {
        "pk": package.pk,
        "id": package.case_system_id,
        "href": reverse("care:package", args=[package.pk]),
        "flags": funding_flags(package),
        "lines": lines,
        "current_weekly_cost": format_pounds(sum(line.weekly_cost_pence for line in current)),
        "has_current_lines": bool(current),
    }


def present_suspension(suspension: Suspension, *, today: date) -> dict[str, Any]:
    open_today = suspension.start_date <= today and (
        suspension.end_date is None or suspension.end_date >= today
    )
    return {
        "reason": suspension.get_reason_display(),
        "start_date": suspension.start_date,
        "end_date": suspension.end_date,
        "note": suspension.note,
        "open_today": open_today,
    }


def how_charged(service: Service) -> str:
    if service.charging_method == ChargingMethod.FREE:
        return f"Free: {service.get_free_reason_display()}"
    if service.charging_method == ChargingMethod.FLAT_RATE:
        rule = f" (rule {service.flat_rate_rule})" if service.flat_rate_rule else ""
        return f"Flat rate per {service.get_unit_display().lower()}{rule}"
    return "Means-tested"


def present_service(service: Service) -> dict[str, Any]:
    return {
        "code": service.code,
        "name": service.name,
        "category": service.get_category_display(),
        "how_charged": how_charged(service),
        "unit": service.get_unit_display(),
        "cost_centre": service.cost_centre,
        "subjective_code": service.subjective_code,
        "active": service.active,
    }


def present_provider(provider: Provider) -> dict[str, Any]:
    return {
        "code": provider.code,
        "name": provider.name,
        "address": ", ".join(p for p in [provider.line_1, provider.town, provider.postcode] if p),
        "cqc_location_id": provider.cqc_location_id,
        "active": provider.active,
    }


def column_words(column: str) -> str:
    return _COLUMN_WORDS.get(column, column.replace("_", " "))


def present_problem(problem: Mapping[str, Any], number: int) -> dict[str, Any]:
    line, column = problem.get("line"), problem.get("column")
    where = f"Line {line}" if line else "Whole file"
    if column:
        where = f"{where}, {column_words(str(column))}"
    return {
        "anchor": f"problem-{number}",
        "line": line or "",
        "column": column or "",
        "message": problem.get("message", ""),
        "summary": f"{where}: {problem.get('message', '')}",
    }


def _who(batch: ImportBatch) -> str:
    user = batch.received_by
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()


def present_batch(batch: ImportBatch, summary: str) -> dict[str, Any]:
    status = ImportStatus(batch.status)
    return {
        "pk": batch.pk,
        "href": reverse("care:import_result", args=[batch.pk]),
        "filename": batch.filename,
        "received_at": batch.received_at,
        "business_date": batch.business_date,
        "who": _who(batch),
        "status": status.value,
        "status_label": _STATUS_WORDS[status],
        "status_tag": _STATUS_TAGS[status],
        "summary": summary,
        "size_kb": max(1, round(batch.size_bytes / 1024)),
        "counts": [
            {"label": str(key).replace("_", " ").capitalize(), "value": value}
            for key, value in (batch.counts or {}).items()
        ],
        "problems": [present_problem(p, n) for n, p in enumerate(batch.problems or [], start=1)],
        "sha256": batch.sha256,
        "duplicate_of": batch.duplicate_of_id,
    }


def present_batches(batches: Iterable[ImportBatch], summarise: Any) -> list[dict[str, Any]]:
    return [present_batch(b, summarise(b)) for b in batches]
