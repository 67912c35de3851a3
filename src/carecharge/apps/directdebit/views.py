"""The Direct Debit screens: mandates (set up, read, cancel), the AUDDIS file, collection runs
(build, settle, cancel) and their Standard 18 files, and the Bacs reports imported.

Everyone on cases may read; only finance officers and senior officers change mandates, make
files, settle runs or import reports. Every refusal from the operations is shown on the form,
on the field it names, with status 400 and nothing changed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse as url_for
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from carecharge.apps.accounts.roles import CASEWORK_ROLES, Role, has_any_role, roles
from carecharge.apps.assessments.forms import DateWidget
from carecharge.apps.audit.queries import history_for
from carecharge.apps.web.forms import govuk_classes
from carecharge.core.money import format_pounds

from . import operations, presenters, queries
from .forms import ConfirmForm, MandateFilterForm, MandateForm, ReasonForm, ReportForm, RunForm
from .models import (
    OPEN_STATUSES,
    AdvanceNotice,
    BacsFile,
    BacsReportImport,
    CollectionRun,
    FileKind,
    Mandate,
    RunState,
)

VIEW_ROLES = CASEWORK_ROLES
# Mandates, Bacs files, collections and reports move money: income officers and their seniors.
EDIT_ROLES = frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER})
PAGE = 50

# The field names the operations put at the start of a refusal, and the form field they mean.
MANDATE_FIELDS = {
    "account": "account",
    "payer_name": "payer_name",
    "bacs_name": "bacs_name",
    "sort_code": "sort_code",
    "account_number": "account_number",
    "signed_on": "signed_on",
    "basis": "basis",
    "instalment_pence": "instalment",
    "collection_day": "collection_day",
}
LABELS = {
    "payer_name": "The account holder's name",
    "bacs_name": "The name for Bacs",
}
RUN_FIELDS = {"collection date": "collection_date"}
REASON_FIELDS = {"reason": "reason"}


def _may_edit(request: HttpRequest) -> bool:
    return has_any_role(request.user, EDIT_ROLES)


def _today() -> Any:
    return timezone.localdate()


def _problems(*forms: Any) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for form in forms:
        if form is None or not form.errors:
            continue
        found += [
            {"text": str(error), "href": f"#{form[name].id_for_label}"}
            for name, errors in form.errors.items()
            if name in form.fields
            for error in errors
        ]
        found += [{"text": str(e), "href": "#main-content"} for e in form.non_field_errors()]
    return found


def _field_error(form: Any, field: str, message: str) -> None:
    """An error found after the form was cleaned, styled as GOV.UK styles one found during."""
    form.add_error(field, message)
    widget = form.fields[field].widget
    if isinstance(widget, DateWidget):
        widget.has_error = True
        return
    _, error_css = govuk_classes(widget)
    classes = str(widget.attrs.get("class", "")).split()
    if error_css and error_css not in classes:
        widget.attrs["class"] = " ".join([*classes, error_css])


def _refused(form: Any, error: Exception, fields: dict[str, str]) -> None:
    """Put an operation's refusal on the field it names ("field: why" or "field 'x' is ...")."""
    message = str(error).replace("give bacs_name,", "give a name for Bacs,")
    message = message.replace("`directdebit notices`", "“Send the advance notices only”")
    for prefix, field in fields.items():
        if message.startswith(f"{prefix}: "):
            rest = message[len(prefix) + 2 :]
            _field_error(form, field, rest[:1].upper() + rest[1:])
            return
        if message.startswith(f"{prefix} "):
            label = LABELS.get(prefix, prefix.replace("_", " ").capitalize())
            _field_error(form, field, label + message[len(prefix) :])
            return
    form.add_error(None, message)


# --- Mandates --------------------------------------------------------------------------------


@roles(VIEW_ROLES)
@require_GET
def mandate_list(request: HttpRequest) -> HttpResponse:
    form = MandateFilterForm(request.GET or None)
    chosen: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    found = queries.mandates(chosen.get("status") or None)
    text = (chosen.get("q") or "").strip()
    if text:
        found = found.filter(
            Q(payer_name__icontains=text)
            | Q(bacs_name__icontains=text)
            | Q(reference__icontains=text)
            | Q(account__code__icontains=text)
        )
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directdebit/mandates.html",
        {
            "form": form,
            "page": page,
            "rows": [presenters.mandate_row(m) for m in page],
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
            "filtered": bool(text or chosen.get("status")),
            "may_edit": _may_edit(request),
        },
    )


@roles(EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def mandate_new(request: HttpRequest) -> HttpResponse:
    today = _today()
    form = MandateForm(request.POST or None, initial={"signed_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = operations.create_mandate(
                account=data["account"],
                payer_name=data["payer_name"],
                bacs_name=data.get("bacs_name") or None,
                sort_code=data["sort_code"],
                account_number=data["account_number"],
                signed_on=data["signed_on"],
                basis=data["basis"],
                instalment_pence=data.get("instalment"),
                collection_day=data.get("collection_day"),
                actor=request.user,
                today=today,
            )
        except operations.DirectDebitError as error:
            _refused(form, error, MANDATE_FIELDS)
        else:
            return redirect("directdebit:mandate", pk=made.pk)
    return render(
        request,
        "directdebit/mandate_new.html",
        {"form": form, "problems": _problems(form)},
        status=400 if form.errors else 200,
    )


def _mandate_or_404(pk: int) -> Mandate:
    found = Mandate.objects.select_related("account__person", "created_by").filter(pk=pk).first()
    if found is None:
        raise Http404("No such mandate")
    return found


def _mandate_page(request: HttpRequest, pk: int, cancel_form: Any = None) -> HttpResponse:
    mandate = _mandate_or_404(pk)
    events = history_for("directdebit.mandate", [str(mandate.pk)]).order_by("occurred_at", "id")
    items = mandate.items.select_related("run", "receipt", "returned").order_by(
        "run__collection_date", "id"
    )
    actions = mandate.report_actions.select_related("report", "item__receipt").order_by("id")
    failed = cancel_form is not None and bool(cancel_form.errors)
    return render(
        request,
        "directdebit/mandate.html",
        {
            "mandate": mandate,
            "row": presenters.mandate_row(mandate),
            "history": [presenters.history_row(e) for e in events],
            "instructions": [
                presenters.instruction_row(i)
                for i in mandate.instructions.select_related("file", "mandate").order_by(
                    "queued_at", "id"
                )
            ],
            "notices": [
                {
                    "sent_on": n.sent_on,
                    "amount": format_pounds(n.amount_pence),
                    "collection_date": n.collection_date,
                    "schedule": n.schedule,
                    "earliest": n.earliest_collection,
                    "reason": n.reason,
                    "channel": n.get_channel_display(),
                }
                for n in queries.notices_for(mandate)
            ],
            "items": [presenters.item_row(i) | {"run": i.run} for i in items],
            "actions": [presenters.action_row(a) | {"report": a.report} for a in actions],
            "may_cancel": _may_edit(request) and mandate.status in OPEN_STATUSES,
            "cancel_form": cancel_form or _mandate_reason_form(None),
            "problems": _problems(cancel_form) if failed else [],
        },
        status=400 if failed else 200,
    )


def _mandate_reason_form(data: Any) -> ReasonForm:
    return ReasonForm(
        data,
        label="Why is the mandate cancelled?",
        required_message="Say why the mandate is cancelled",
    )


@roles(VIEW_ROLES)
@require_GET
def mandate(request: HttpRequest, pk: int) -> HttpResponse:
    return _mandate_page(request, pk)


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def mandate_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = _mandate_or_404(pk)
    form = _mandate_reason_form(request.POST)
    if form.is_valid():
        try:
            operations.cancel_mandate(
                found, reason=form.cleaned_data["reason"], actor=request.user, today=_today()
            )
        except operations.DirectDebitError as error:
            _refused(form, error, REASON_FIELDS)
        else:
            return redirect("directdebit:mandate", pk=pk)
    return _mandate_page(request, pk, cancel_form=form)


# --- AUDDIS ----------------------------------------------------------------------------------


def _auddis_page(request: HttpRequest, form: Any = None) -> HttpResponse:
    failed = form is not None and bool(form.errors)
    return render(
        request,
        "directdebit/auddis.html",
        {
            "waiting": [presenters.instruction_row(i) for i in queries.waiting_instructions()],
            "files": BacsFile.objects.filter(kind=FileKind.AUDDIS).select_related("created_by")[
                :20
            ],
            "may_edit": _may_edit(request),
            "form": form or ConfirmForm(),
            "problems": _problems(form) if failed else [],
        },
        status=400 if failed else 200,
    )


@roles(VIEW_ROLES)
@require_GET
def auddis(request: HttpRequest) -> HttpResponse:
    return _auddis_page(request)


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def auddis_make(request: HttpRequest) -> HttpResponse:
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        made = operations.write_auddis_file(actor=request.user, today=_today())
    except operations.DirectDebitError as error:
        form.add_error(None, str(error))
        return _auddis_page(request, form)
    return redirect("directdebit:file", pk=made.pk)


# --- Bacs files ------------------------------------------------------------------------------


def _file_or_404(pk: int) -> BacsFile:
    # Refund credit files are the payments app's, shown on its refund pages.
    kinds = [FileKind.AUDDIS, FileKind.COLLECTIONS]
    found = BacsFile.objects.select_related("created_by").filter(pk=pk, kind__in=kinds).first()
    if found is None:
        raise Http404("No such Bacs file")
    return found


@roles(VIEW_ROLES)
@require_GET
def bacs_file(request: HttpRequest, pk: int) -> HttpResponse:
    found = _file_or_404(pk)
    run = CollectionRun.objects.filter(file=found).first()
    return render(
        request,
        "directdebit/file.html",
        {
            "file": found,
            "total": format_pounds(found.total_pence),
            "run": run,
            "instructions": [
                presenters.instruction_row(i)
                for i in found.instructions.select_related("mandate", "file").order_by("id")
            ],
            "may_download": _may_edit(request),
        },
    )


# The file carries payers' full bank details: only those who send it to Bacs may download it.
@roles(EDIT_ROLES)
@require_GET
def bacs_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    found = _file_or_404(pk)
    response = HttpResponse(operations.file_bytes(found), content_type="text/plain; charset=ascii")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response


# --- Collection runs -------------------------------------------------------------------------


@roles(VIEW_ROLES)
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.runs(), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directdebit/runs.html",
        {
            "page": page,
            "rows": [presenters.run_row(r) for r in page],
            "representations": len(queries.waiting_representations()),
            "may_edit": _may_edit(request),
        },
    )


@roles(EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def run_new(request: HttpRequest) -> HttpResponse:
    today = _today()
    form = RunForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["collection_date"]
        why_not = presenters.not_a_bacs_day(day)
        if why_not:
            _field_error(form, "collection_date", why_not)
        else:
            try:
                if request.POST.get("action") == "notices":
                    result = operations.send_notices(day, actor=request.user, today=today)
                else:
                    result = operations.build_run(day, actor=request.user, today=today)
            except operations.DirectDebitError as error:
                _refused(form, error, RUN_FIELDS)
            else:
                if result.run is not None:
                    return redirect("directdebit:run", pk=result.run.pk)
    return render(
        request,
        "directdebit/run_new.html",
        {
            "form": form,
            "problems": _problems(form),
            "today": today,
            "result": result,
            "notices": [
                {
                    "reference": n.mandate.reference,
                    "mandate_pk": n.mandate_id,
                    "amount": format_pounds(n.amount_pence),
                    "earliest": n.earliest_collection,
                    "reason": n.reason,
                }
                for n in (result.notices if result else ())
            ],
            "skipped": presenters.skipped_rows([s.as_json() for s in result.skipped])
            if result
            else [],
            "ready_total": format_pounds(result.ready_pence) if result else "",
        },
        status=400 if form.errors else 200,
    )


def _run_or_404(pk: int) -> CollectionRun:
    found = CollectionRun.objects.select_related("file", "created_by", "settled_by").filter(pk=pk)
    run = found.first()
    if run is None:
        raise Http404("No such collection run")
    return run


def _run_page(request: HttpRequest, pk: int, **forms: Any) -> HttpResponse:
    run = _run_or_404(pk)
    today = _today()
    failed = [f for f in forms.values() if f is not None and f.errors]
    items = queries.run_items(run).select_related("returned")
    notices = (
        AdvanceNotice.objects.filter(Q(items__run=run) | Q(collection_date=run.collection_date))
        .select_related("mandate")
        .distinct()
        .order_by("created_at", "id")
    )
    may_edit = _may_edit(request)
    return render(
        request,
        "directdebit/run.html",
        {
            "run": run,
            "row": presenters.run_row(run),
            "items": [presenters.item_row(i) for i in items],
            "skipped": presenters.skipped_rows(run.skipped),
            "notices": [
                {
                    "reference": n.mandate.reference,
                    "mandate_pk": n.mandate_id,
                    "sent_on": n.sent_on,
                    "amount": format_pounds(n.amount_pence),
                    "collection_date": n.collection_date,
                    "earliest": n.earliest_collection,
                    "reason": n.reason,
                }
                for n in notices
            ],
            "may_download": may_edit,
            "may_settle": may_edit and run.state == RunState.BUILT and today >= run.collection_date,
            "settle_waits": run.state == RunState.BUILT and today < run.collection_date,
            "may_cancel": may_edit and run.state == RunState.BUILT,
            "settle_form": forms.get("settle_form") or ConfirmForm(),
            "cancel_form": forms.get("cancel_form") or _run_reason_form(None),
            "problems": _problems(*failed),
        },
        status=400 if failed else 200,
    )


def _run_reason_form(data: Any) -> ReasonForm:
    return ReasonForm(
        data,
        label="Why is the run cancelled?",
        required_message="Say why the run is cancelled",
    )


@roles(VIEW_ROLES)
@require_GET
def run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, pk)


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def run_settle(request: HttpRequest, pk: int) -> HttpResponse:
    found = _run_or_404(pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        operations.settle(found, actor=request.user, today=_today())
    except operations.DirectDebitError as error:
        form.add_error(None, str(error))
        return _run_page(request, pk, settle_form=form)
    return redirect("directdebit:run", pk=pk)


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = _run_or_404(pk)
    form = _run_reason_form(request.POST)
    if form.is_valid():
        try:
            operations.cancel_run(found, reason=form.cleaned_data["reason"], actor=request.user)
        except operations.DirectDebitError as error:
            _refused(form, error, REASON_FIELDS)
        else:
            return redirect("directdebit:run", pk=pk)
    return _run_page(request, pk, cancel_form=form)


# --- Bacs reports ----------------------------------------------------------------------------


@roles(VIEW_ROLES)
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.reports().select_related("imported_by"), PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directdebit/reports.html",
        {"page": page, "reports": list(page), "may_edit": _may_edit(request)},
    )


@roles(EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def report_import(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = operations.import_report(
                upload.read(),
                filename=str(upload.name or "bacs-report.xml"),
                actor=request.user,
                today=_today(),
            )
        except operations.DirectDebitError as error:
            lines = [line for line in str(error).split("\n") if line.strip()]
            if "nothing was changed" not in lines[0]:
                lines[0] = f"The report was not applied, nothing was changed: {lines[0]}"
            for line in lines:
                _field_error(form, "file", line)
        else:
            suffix = "?again=1" if result.duplicate else ""
            return redirect(url_for("directdebit:report", args=[result.report.pk]) + suffix)
    return render(
        request,
        "directdebit/report_import.html",
        {"form": form, "problems": _problems(form)},
        status=400 if form.errors else 200,
    )


@roles(VIEW_ROLES)
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = BacsReportImport.objects.defer("content").select_related("imported_by").filter(pk=pk)
    kept = found.first()
    if kept is None:
        raise Http404("No such Bacs report")
    actions = kept.actions.select_related("item__receipt").order_by("id")
    return render(
        request,
        "directdebit/report.html",
        {
            "report": kept,
            "counts": [
                (presenters.ACTION_LABELS.get(k, k), v) for k, v in sorted(kept.counts.items())
            ],
            "actions": [presenters.action_row(a) for a in actions],
            "again": request.GET.get("again") == "1",
        },
    )
