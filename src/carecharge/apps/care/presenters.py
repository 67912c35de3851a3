"""Care records as plain dictionaries for templates. Money is shown in pounds, stored in pence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse

from carecharge.core.money import format_pounds

from .models import (
    ActualStatus,
    CarePackage,
    ChargingMethod,
    ChcAward,
    Collection,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Provider,
    ProviderActual,
    Service,
    ServiceLine,
    Suspension,
    TopUpAgreement,
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
        "collection": line.collection,
        "collection_label": Collection(line.collection).label,
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


_COUNT_WORDS = {
    "actuals_accepted": "Weekly figures accepted",
    "actuals_held": "Weekly figures held for review",
    "actuals_unchanged": "Weekly figures already held (nothing changed)",
    "weeks_restated": "Weeks restated from an earlier file",
    "never_charged": "Figures for services that are never charged",
    "held_replaced": "Held figures replaced by this file",
}
_IMPORT_PAGES = {
    ImportKind.CARE: ("care:import", "care:import_result", "Import care data"),
    ImportKind.ACTUALS: ("care:actuals_import", "care:actuals_import_result", "Import actuals"),
}


def present_batch(batch: ImportBatch, summary: str) -> dict[str, Any]:
    status = ImportStatus(batch.status)
    upload, result, upload_label = _IMPORT_PAGES[ImportKind(batch.kind)]
    return {
        "pk": batch.pk,
        "kind": batch.kind,
        "href": reverse(result, args=[batch.pk]),
        "upload_href": reverse(upload),
        "upload_label": upload_label,
        "result_url_name": result,
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
            {
                "label": _COUNT_WORDS.get(key, str(key).replace("_", " ").capitalize()),
                "value": value,
            }
            for key, value in (batch.counts or {}).items()
        ],
        "problems": [present_problem(p, n) for n, p in enumerate(batch.problems or [], start=1)],
        "sha256": batch.sha256,
        "duplicate_of": batch.duplicate_of_id,
    }


def present_batches(batches: Iterable[ImportBatch], summarise: Any) -> list[dict[str, Any]]:
    return [present_batch(b, summarise(b)) for b in batches]


# --- Top-ups and NHS Continuing Healthcare awards on the Care tab -----------------------------


def _span_state(start: date, end: date | None, today: date) -> tuple[str, str]:
    if end is not None and end < today:
        return "Ended", "govuk-tag--grey"
    if start > today:
        return "Not started", "govuk-tag--blue"
    return "Current", "govuk-tag--green"


def payer_words(agreement: TopUpAgreement) -> str:
    if agreement.payer is not None:
        relationship = f" ({agreement.payer.relationship})" if agreement.payer.relationship else ""
        return f"{agreement.payer.name}{relationship}"
    return f"The resident: {agreement.get_first_party_basis_display().lower()}"


def present_top_up(agreement: TopUpAgreement, *, today: date) -> dict[str, Any]:
    state, tag = _span_state(agreement.start_date, agreement.end_date, today)
    line = agreement.line
    return {
        "pk": agreement.pk,
        "payer": payer_words(agreement),
        "first_party": agreement.payer_id is None,
        "line": f"{line.service.name} (line {line.case_system_id})",
        "provider": line.provider.name if line.provider else "",
        "weekly": format_pounds(agreement.weekly_pence),
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        "signed_on": agreement.signed_on,
        "next_review_date": agreement.next_review_date,
        "review_due": state != "Ended" and agreement.next_review_date <= today,
        "note": agreement.note,
        "state": state,
        "state_tag": tag,
        "end_href": reverse("care:top_up_end", args=[agreement.pk]),
    }


def present_chc_award(award: ChcAward, *, today: date) -> dict[str, Any]:
    if award.withdrawn_at is not None:
        state, tag = "Withdrawn", "govuk-tag--red"
    else:
        state, tag = _span_state(award.start_date, award.end_date, today)
    return {
        "pk": award.pk,
        "icb": award.icb.name,
        "icb_code": award.icb.code,
        "reference": award.reference,
        "start_date": award.start_date,
        "end_date": award.end_date,
        "decided_on": award.decided_on,
        "note": award.note,
        "state": state,
        "state_tag": tag,
        "withdrawn": award.withdrawn_at is not None,
        "withdrawn_at": award.withdrawn_at,
        "withdrawn_reason": award.withdrawn_reason,
        "end_href": reverse("care:chc_end", args=[award.pk]),
        "withdraw_href": reverse("care:chc_withdraw", args=[award.pk]),
    }


def present_organisation(organisation: Any) -> dict[str, Any]:
    return {
        "code": organisation.code,
        "name": organisation.name,
        "kind": organisation.get_kind_display(),
        "address": ", ".join(
            p
            for p in [
                organisation.line_1,
                organisation.line_2,
                organisation.town,
                organisation.postcode,
            ]
            if p
        ),
        "email": organisation.email,
        "invoice_reference": organisation.invoice_reference,
        "active": organisation.active,
    }


# --- Provider actuals -------------------------------------------------------------------------

_ACTUAL_TAGS = {
    ActualStatus.ACCEPTED: "govuk-tag--green",
    ActualStatus.HELD: "govuk-tag--orange",
    ActualStatus.REJECTED: "govuk-tag--red",
    ActualStatus.SUPERSEDED: "govuk-tag--grey",
}


def signed_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else ""
    return f"{sign}{value.normalize():f}%"


def present_actual(actual: ProviderActual, *, may_see_restricted: bool) -> dict[str, Any]:
    line = actual.line
    person = line.package.person
    hidden = person.restricted and not may_see_restricted
    unit = line.service.get_unit_display().lower()
    return {
        "pk": actual.pk,
        "href": reverse("care:actual", args=[actual.pk]),
        "person": "Restricted record" if hidden else person.full_name,
        "person_reference": "" if hidden else person.account_reference,
        "person_href": "" if hidden else reverse("people:care", args=[person.pk]),
        "restricted": person.restricted,
        "service": line.service.name,
        "line_id": line.case_system_id,
        "provider": line.provider.name if line.provider else "",
        "provider_code": line.provider.code if line.provider else "",
        "week_start": actual.week_start,
        "planned": units(actual.planned_units),
        "units": units(actual.units),
        "unit": unit,
        "variance": signed_percent(actual.variance_percent),
        "tolerance": signed_percent(actual.tolerance_percent).lstrip("+"),
        "note": actual.note,
        "status": actual.status,
        "status_label": ActualStatus(actual.status).label,
        "status_tag": _ACTUAL_TAGS[ActualStatus(actual.status)],
        "held": actual.status == ActualStatus.HELD,
        "batch_pk": actual.batch_id,
        "batch_href": reverse("care:actuals_import_result", args=[actual.batch_id]),
        "received_at": actual.batch.received_at,
        "decided_at": actual.decided_at,
        "decided_by": _user_name(actual.decided_by),
        "decision_note": actual.decision_note,
    }


def _user_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())
