"""Billing run screens: the runs, starting one, the pre-flight results and the preview with its
Excel download, the second person's approval, posting, cancelling, and one person's lines with
the release of a held backdated charge.

The preview and the posting are queued for the background worker; the page shows the progress.
A refusal (wrong state, the same person approving) is shown on the page, never applied.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carecharge.apps.accounts.roles import Role, has_any_role, roles
from carecharge.apps.people.operations import record_restricted_opening
from carecharge.apps.people.queries import may_open_restricted
from carecharge.apps.people.views import refuse_restricted
from carecharge.apps.web.council import rulebook
from carecharge.core.letters.wording import long_date

from . import excel, operations, presenters, queries, tasks
from .document_views import EXPORT_ROLES
from .forms import CancelForm, FilterForm, ReleaseForm, StartForm
from .models import BillingRun, ChargeRecord, PersonStatus, RunPerson, RunState, RunTask

VIEW_ROLES = presenters.VIEW_ROLES
BILLING_ROLES = frozenset(operations.BILLING_ROLES)
PAGE_SIZE = 50
PROBLEMS_SHOWN = 10


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _problems(text: str, href: str = "#main-content") -> list[dict[str, str]]:
    return [{"text": _sentence(text), "href": href}]


def _form_problems(form: Any) -> list[dict[str, str]]:
    found = [
        {"text": str(error), "href": f"#{form[name].id_for_label}"}
        for name, errors in form.errors.items()
        if name in form.fields
        for error in errors
    ]
    return found + [
        {"text": str(error), "href": "#main-content"} for error in form.non_field_errors()
    ]


def _refusal_on(form: Any, error: operations.BillingRefused) -> None:
    """A refusal whose message starts with a field's name ("note: ...") is shown on that field."""
    field, sep, message = str(error).partition(": ")
    if sep and field in form.fields:
        form.add_error(field, _sentence(message))
    else:
        form.add_error(None, _sentence(str(error)))


@roles(VIEW_ROLES)
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    rows = [presenters.run_summary(run) for run in queries.runs()[:100]]
    return render(
        request,
        "billing/runs.html",
        {"rows": rows, "may_start": presenters.may_bill(request.user)},
    )


def _start_hint(suggested: date | None) -> str:
    if suggested is None:
        return "The last day of the last charging week to bill, for example 4 5 2025"
    last = operations.last_posted_through()
    why = (
        f"The end of the next charging week after the last posted run (to {long_date(last)})"
        if last is not None
        else "The end of the last whole charging week"
    )
    return (
        f"{why}: {long_date(suggested)}. For example, "
        f"{suggested.day} {suggested.month} {suggested.year}"
    )


@roles(BILLING_ROLES)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    suggested = queries.suggested_through(timezone.localdate(), book=rulebook())
    form = StartForm(
        request.POST or None, hint=_start_hint(suggested), initial={"through": suggested}
    )
    open_run = None
    if request.method == "POST" and form.is_valid():
        try:
            run = operations.start_run(through=form.cleaned_data["through"], actor=request.user)
            _queue_preview(request, run)
        except operations.BillingRefused as error:
            _refusal_on(form, error)
            open_run = BillingRun.objects.exclude(
                state__in=[RunState.POSTED, RunState.CANCELLED]
            ).first()
        else:
            return redirect("billing:run", pk=run.pk)
    return render(
        request,
        "billing/start.html",
        {"form": form, "problems": _form_problems(form), "open_run": open_run},
        status=400 if form.errors else 200,
    )


def _queue_preview(request: HttpRequest, run: BillingRun) -> None:
    operations.begin_preview(run, actor=request.user)
    result = tasks.preview_run.enqueue(run.pk)
    BillingRun.objects.filter(pk=run.pk, task__gt="").update(task_id=str(result.id))


def _query(chosen: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in chosen.items() if v})


def _record_restricted_openings(request: HttpRequest, people: list[Any], page: str) -> None:
    """Restricted records shown in full (to those allowed) are recorded as opened, as the
    person's own pages record them."""
    for person in {p.pk: p for p in people if p is not None and p.restricted}.values():
        record_restricted_opening(person=person, actor=request.user, page=page, allowed=True)


def _run_page(
    request: HttpRequest,
    run: BillingRun,
    *,
    problems: list[dict[str, str]] | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    run.refresh_from_db()
    filters = FilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {"status": "", "q": "", "check": ""}
    may_see = may_open_restricted(request.user)
    found = queries.people(
        run,
        status=chosen["status"] or "",
        text=chosen["q"] or "",
        check=chosen["check"] or "",
        may_see_restricted=may_see,
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[RunPerson] = list(page)
    previous = queries.previous_posted_run(run)
    ids = [row.person_id for row in rows]
    totals = queries.posted_totals(previous, ids) if previous is not None else None
    invoices = queries.invoices_by_person(run, ids) if run.invoices_count else {}
    groups = queries.problem_groups(run, shown=PROBLEMS_SHOWN)
    if may_see:
        shown = [row.person for row in rows] + [p.person for g in groups for p in g.problems]
        _record_restricted_openings(request, shown, f"billing run {run.pk}")
    counts = queries.status_counts(run)
    stalled = operations.stalled(run, now=timezone.now())
    posted_any = counts[PersonStatus.POSTED] > 0
    context: dict[str, Any] = {
        "run": presenters.run_summary(run),
        "record": run,
        "progress": presenters.progress(run, stalled=stalled),
        "actions": presenters.actions(
            run,
            request.user,
            stalled=stalled,
            failed=counts[PersonStatus.FAILED],
            posted_any=posted_any,
        ),
        "counts": counts,
        "failed": counts[PersonStatus.FAILED],
        "previous": previous,
        "groups": presenters.problem_groups(groups, may_see_restricted=may_see),
        "rows": [
            presenters.person_row(
                row,
                previous=totals,
                invoices=invoices.get(row.person_id),
                may_see_restricted=may_see,
            )
            for row in rows
        ],
        "page": page,
        "filters": filters,
        "status_choices": [
            ("", f"Everyone ({sum(counts.values())})"),
            *(
                (value, f"{label} ({counts[value]})")
                for value, label in PersonStatus.choices
                if counts[value]
            ),
        ],
        "check_title": queries.check_title(chosen["check"]) if chosen["check"] else "",
        "filtered": bool(chosen["status"] or chosen["q"] or chosen["check"]),
        "query": _query(chosen),
        "problems": problems or [],
        "cancel_form": cancel_form,
        "exports": run.state == RunState.POSTED and has_any_role(request.user, EXPORT_ROLES),
        "unissued": queries.unissued_count(run) if run.invoices_count else 0,
        "who": {
            "created": presenters.who(run.created_by),
            "previewed": presenters.who(run.previewed_by) if run.previewed_at else "",
            "approved": presenters.who(run.approved_by) if run.approved_by else "",
            "posted": presenters.who(run.posted_by) if run.posted_by else "",
        },
    }
    return render(request, "billing/run.html", context, status=status)


@roles(VIEW_ROLES)
@require_GET
def run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, queries.run_or_404(pk))


@roles(BILLING_ROLES)
@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    try:
        _queue_preview(request, found)
    except operations.BillingRefused as error:
        return _run_page(request, found, problems=_problems(str(error)), status=409)
    return redirect("billing:run", pk=pk)


@roles(Role.SENIOR_OFFICER)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    try:
        operations.approve(found, actor=request.user)
    except operations.BillingRefused as error:
        return _run_page(request, found, problems=_problems(str(error)), status=409)
    messages.success(request, f"Run {pk} is approved and can be posted")
    return redirect("billing:run", pk=pk)


@roles(BILLING_ROLES)
@require_POST
def post(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    if found.task == RunTask.POST and not operations.stalled(found, now=timezone.now()):
        # Posting twice at once would be safe (each person is locked as it is posted), but a
        # second click is almost always a mistake: say what is happening instead.
        message = f"run {pk} is already being posted; wait for it to finish"
        return _run_page(request, found, problems=_problems(message), status=409)
    try:
        operations.begin_post(found, actor=request.user, book=rulebook())
    except operations.BillingRefused as error:
        return _run_page(request, found, problems=_problems(str(error)), status=409)
    assert request.user.pk is not None  # signed in: the roles say so
    result = tasks.post_run.enqueue(found.pk, request.user.pk)
    BillingRun.objects.filter(pk=pk, task__gt="").update(task_id=str(result.id))
    return redirect("billing:run", pk=pk)


@roles(BILLING_ROLES)
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.cancel(found, actor=request.user, reason=form.cleaned_data["reason"])
        except operations.BillingRefused as error:
            _refusal_on(form, error)
        else:
            messages.success(request, f"Run {pk} is cancelled: nothing was posted")
            return redirect("billing:run", pk=pk)
    return render(
        request,
        "billing/cancel.html",
        {
            "run": presenters.run_summary(found),
            "form": form,
            "problems": _form_problems(form),
        },
        status=400 if form.errors else 200,
    )


@roles(VIEW_ROLES)
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    may_see = may_open_restricted(request.user)
    if may_see:
        restricted = [row.person for row in found.people.filter(person__restricted=True)]
        _record_restricted_openings(request, restricted, f"billing run {pk} spreadsheet")
    content = excel.workbook(found, may_see_restricted=may_see)
    response = HttpResponse(content, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, excel.file_name(found))
    return response


@roles(VIEW_ROLES)
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_person_or_404(pk)
    refused = refuse_restricted(request, found.person, "billing run line")
    if refused is not None:
        return refused
    return _person_page(request, found, ReleaseForm())


def _person_page(
    request: HttpRequest, row: RunPerson, form: ReleaseForm, *, status: int = 200
) -> HttpResponse:
    records = queries.posted_records(row) if row.status == PersonStatus.POSTED else []
    by_key: dict[str, list[ChargeRecord]] = {}
    for posted in records:
        by_key.setdefault(posted.key, []).append(posted)
    corrects = queries.corrected(line.get("corrects") for line in row.lines)
    links = queries.run_person_ids((r.run_id, r.person_id) for r in corrects.values())
    debtors = queries.debtor_names(line["debtor"] for line in row.lines)
    lines = []
    for stored in row.lines:
        # A key's records are in the order its lines were posted (a key may have two lines).
        waiting = by_key.get(stored["key"]) or []
        record = waiting.pop(0) if waiting else None
        lines.append(
            presenters.line(stored, debtors=debtors, corrects=corrects, rows=links, record=record)
        )
    previous = queries.previous_posted_run(row.run)
    last = queries.posted_totals(previous, [row.person_id]).get(row.person_id, 0)
    run = row.run
    context = {
        "row": presenters.person_row(
            row,
            previous={row.person_id: last} if previous is not None else None,
            invoices=queries.invoices_by_person(run, [row.person_id]).get(row.person_id),
            may_see_restricted=True,
        ),
        "record": row,
        "run": presenters.run_summary(run),
        "lines": lines,
        "previous": previous,
        "may_release": has_any_role(request.user, {Role.SENIOR_OFFICER})
        and row.status == PersonStatus.HELD
        and run.state in {RunState.PREVIEWED, RunState.APPROVED}
        and not run.task,
        "form": form,
        "problems": _form_problems(form),
        "preflight": list(run.problems.filter(person_id=row.person_id).order_by("pk")),
    }
    return render(request, "billing/person.html", context, status=status)


@roles(Role.SENIOR_OFFICER)
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_person_or_404(pk)
    refused = refuse_restricted(request, found.person, "billing run line")
    if refused is not None:
        return refused
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            operations.release_hold(found, actor=request.user, note=form.cleaned_data["note"])
        except operations.BillingRefused as error:
            _refusal_on(form, error)
        else:
            messages.success(
                request, f"{found.person.full_name}: released, to be posted with the run"
            )
            return redirect("billing:person", pk=pk)
    found.refresh_from_db()
    return _person_page(request, found, form, status=400)
