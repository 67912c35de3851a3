"""Screens for provider actuals: the upload and its result, the template file, the exceptions
queue of figures held outside the tolerance, and the page where an officer decides one."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from carecharge.apps.accounts.roles import has_any_role, roles
from carecharge.apps.assessments.editor import form_problems
from carecharge.apps.people import queries as people_queries
from carecharge.apps.people.views import refuse_restricted
from carecharge.core.importing.actuals_rows import COLUMNS

from . import operations, presenters, queries
from .access import ACTUALS_QUEUE_ROLES, ACTUALS_ROLES
from .actuals.summary import actuals_summary
from .forms import AcceptActualForm, ActualsImportForm, RejectActualForm
from .models import ImportKind

# An example line for the downloadable template, as in docs/provider-actuals.md.
TEMPLATE_EXAMPLE = {
    "provider_code": "PRV001",
    "person_id": "P001",
    "account_reference": "",
    "line_id": "L001",
    "week_start": "07/04/2025",
    "units": "10.5",
    "note": "",
}
ACCEPT, REJECT = "accept", "reject"


@roles(ACTUALS_ROLES)
@require_http_methods(["GET", "POST"])
def actuals_import(request: HttpRequest) -> HttpResponse:
    form = ActualsImportForm(
        request.POST or None, request.FILES or None, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        batch = operations.import_actuals_file(
            data=form.file_bytes(),
            filename=form.cleaned_data["file"].name,
            actor=request.user if isinstance(request.user, User) else None,
            business_date=form.cleaned_data["business_date"],
            source="web",
        )
        return redirect("care:actuals_import_result", pk=batch.pk)
    batches = queries.recent_imports(kind=ImportKind.ACTUALS)
    return render(
        request,
        "care/actuals_import.html",
        {
            "form": form,
            "batches": presenters.present_batches(batches, actuals_summary),
            "columns": COLUMNS,
            "held": len(queries.held_actuals()),
        },
        status=400 if form.errors else 200,
    )


@roles(ACTUALS_ROLES)
@require_GET
def actuals_import_result(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.import_or_404(pk, kind=ImportKind.ACTUALS)
    return render(
        request,
        "care/import_result.html",
        {
            "batch": presenters.present_batch(batch, actuals_summary(batch)),
            "held_href": "care:actuals_exceptions",
            "held": (batch.counts or {}).get("actuals_held", 0),
        },
    )


@roles(ACTUALS_ROLES)
@require_GET
def actuals_template(request: HttpRequest) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(TEMPLATE_EXAMPLE)
    # The byte-order mark makes Excel open the file as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="provider-actuals-template.csv"'
    return response


@roles(ACTUALS_QUEUE_ROLES)
@require_GET
def actuals_exceptions(request: HttpRequest) -> HttpResponse:
    providers = queries.providers_with_held_actuals()
    # Provider codes are at most 20 characters; anything else simply matches nothing.
    chosen = request.GET.get("provider", "").strip()[:20]
    may_see = people_queries.may_open_restricted(request.user)
    held = [
        presenters.present_actual(a, may_see_restricted=may_see)
        for a in queries.held_actuals(provider_code=chosen)
    ]
    return render(
        request,
        "care/actuals_exceptions.html",
        {
            "held": held,
            "providers": [{"code": p.code, "name": p.name} for p in providers],
            "chosen": chosen,
            "may_decide": has_any_role(request.user, ACTUALS_ROLES),
        },
    )


@roles(ACTUALS_ROLES)
@require_http_methods(["GET", "POST"])
def actual(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.actual_or_404(pk)
    refused = refuse_restricted(request, found.line.package.person, "actual")
    if refused is not None:
        return refused
    decision = request.POST.get("decision") if request.method == "POST" else None
    accept_form = AcceptActualForm(request.POST if decision == ACCEPT else None)
    reject_form = RejectActualForm(request.POST if decision == REJECT else None)
    form = {ACCEPT: accept_form, REJECT: reject_form}.get(decision or "")
    if form is not None and form.is_valid():
        try:
            if form is accept_form:
                operations.accept_actual(
                    actual=found, note=form.cleaned_data["note"], actor=request.user
                )
                done = "The figure was accepted: billing will use it"
            else:
                operations.reject_actual(
                    actual=found, reason=form.cleaned_data["reason"], actor=request.user
                )
                done = "The figure was rejected: billing keeps to the plan for that week"
        except operations.ReviewError as error:
            field, _, message = str(error).partition(": ")
            form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, done)
            return redirect("care:actuals_exceptions")
    return _show_actual(request, found, accept_form, reject_form)


def _show_actual(
    request: HttpRequest, found: Any, accept_form: Any, reject_form: Any
) -> HttpResponse:
    # Whoever reaches this page passed `refuse_restricted`, so the person is shown.
    history = [
        presenters.present_actual(a, may_see_restricted=True) for a in queries.figures_for(found)
    ]
    problems = form_problems(accept_form) + form_problems(reject_form)
    return render(
        request,
        "care/actual.html",
        {
            "actual": presenters.present_actual(found, may_see_restricted=True),
            "history": history,
            "accept_form": accept_form,
            "reject_form": reject_form,
            "problems": problems,
        },
        status=400 if problems else 200,
    )
