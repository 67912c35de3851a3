"""Care screens: a package, the service catalogue and providers, and importing care data."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from carecharge.apps.accounts.roles import (
    CASEWORK_EDIT_ROLES,
    CASEWORK_ROLES,
    has_any_role,
    roles,
)
from carecharge.apps.people import presenters as people_presenters
from carecharge.apps.people.views import refuse_restricted
from carecharge.core.importing.care_rows import ALL_COLUMNS, COLUMNS, OPTIONAL_COLUMNS

from . import presenters, queries
from .access import ACTUALS_ROLES
from .forms import CareImportForm
from .operations import import_care_file, import_summary

# One example of each record type for the downloadable template, as in docs/import-format.md.
TEMPLATE_EXAMPLES: tuple[dict[str, str], ...] = (
    {
        "record_type": "person", "person_id": "P001", "title": "Mrs", "forename": "Margaret",
        "surname": "O'Brien", "date_of_birth": "12/03/1938", "nhs_number": "943 476 5919",
        "ni_number": "AB 12 34 56 C", "address_line_1": "12 Station Road",
        "address_line_2": "Flat 2", "town": "Leeds", "postcode": "LS1 4AP",
        "phone": "0113 496 0000", "email": "margaret@example.org",
    },
    {
        "record_type": "service_line", "person_id": "P001", "package_id": "PKG1",
        "line_id": "L001", "service_code": "DOMCARE", "provider_code": "PRV001",
        "units_per_week": "10.5", "unit_cost": "18.50", "days": "Mon Wed Fri",
        "start_date": "07/04/2025", "section_117": "no", "chc": "no",
        "funded_nursing_care": "no", "collection": "council",
    },
    {
        "record_type": "suspension", "person_id": "P001", "suspension_id": "S001",
        "reason": "hospital", "start_date": "14/04/2025", "end_date": "21/04/2025",
    },
)  # fmt: skip


@roles(CASEWORK_ROLES)
@require_GET
def package(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.package_or_404(pk)
    refused = refuse_restricted(request, found.person, "package")
    if refused is not None:
        return refused
    today = timezone.localdate()
    return render(
        request,
        "care/package.html",
        {
            "identity": people_presenters.identity(found.person, today=today),
            "package": presenters.present_package(found, today=today),
        },
    )


@roles(CASEWORK_ROLES)
@require_GET
def services(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "care/services.html",
        {
            "services": [presenters.present_service(s) for s in queries.services()],
            "providers": [presenters.present_provider(p) for p in queries.providers()],
        },
    )


@roles(CASEWORK_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    form = CareImportForm(request.POST or None, request.FILES or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        batch = import_care_file(
            data=form.file_bytes(),
            filename=form.cleaned_data["file"].name,
            actor=request.user if isinstance(request.user, User) else None,
            business_date=form.cleaned_data["business_date"],
            source="web",
        )
        return redirect("care:import_result", pk=batch.pk)
    return render(
        request,
        "care/import.html",
        {
            "form": form,
            "batches": presenters.present_batches(queries.recent_imports(), import_summary),
            "columns": COLUMNS,
            "optional_columns": OPTIONAL_COLUMNS,
            "can_import_actuals": has_any_role(request.user, ACTUALS_ROLES),
        },
        status=400 if form.errors else 200,
    )


@roles(CASEWORK_EDIT_ROLES)
@require_GET
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.import_or_404(pk)
    return render(
        request,
        "care/import_result.html",
        {"batch": presenters.present_batch(batch, import_summary(batch))},
    )


@roles(CASEWORK_EDIT_ROLES)
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ALL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for example in TEMPLATE_EXAMPLES:
        writer.writerow({column: example.get(column, "") for column in ALL_COLUMNS})
    # The byte-order mark makes Excel open the file as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="care-import-template.csv"'
    return response
