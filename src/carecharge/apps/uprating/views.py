"""Annual uprating screens: the runs, starting one, the preview with its Excel download, the
second person's approval, posting, and closing a manual-review item by hand.

The preview and the posting are queued for the background worker; the page shows the progress.
A refusal (wrong state, the same person approving) is shown on the run's page, never applied.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, Role, roles
from carecharge.apps.assessments import presenters as assessment_presenters
from carecharge.apps.people.operations import record_restricted_opening
from carecharge.apps.people.queries import may_open_restricted
from carecharge.apps.people.views import refuse_restricted

from . import excel, operations, presenters, queries, tasks
from .forms import FilterForm, ResolveForm, StartForm
from .models import ItemStatus, UpratingRun

# Who may look at runs: the assessment team, and the auditor (read-only).
VIEW_ROLES = ASSESSMENT_ROLES | {Role.AUDITOR}
PAGE_SIZE = 50
FINDING_LABELS = {
    "uprated": "Uprated",
    "carried": "Carried over",
    "review": "Manual review",
    "note": "Note",
}


def _problems(text: str, href: str = "#main-content") -> list[dict[str, str]]:
    return [{"text": text[:1].upper() + text[1:], "href": href}]


@roles(VIEW_ROLES)
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    rows = [presenters.run_summary(run) for run in queries.runs()[:100]]
    return render(
        request,
        "uprating/runs.html",
        {"rows": rows, "may_start": presenters.actions_may_edit(request.user)},
    )


@roles(ASSESSMENT_ROLES)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    suggested = operations.next_uprating_date(timezone.localdate())
    hint = (
        f"Usually the Monday of the first full benefit week of April, when DWP rates change: "
        f"{suggested.day} {suggested:%B %Y}. For example, "
        f"{suggested.day} {suggested.month} {suggested.year}"
    )
    form = StartForm(request.POST or None, hint=hint, initial={"from_date": suggested})
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            run = operations.start_run(from_date=form.cleaned_data["from_date"], actor=request.user)
            _queue_preview(request, run)
        except operations.UpratingRefused as error:
            message = str(error).removeprefix("from: ")
            form.add_error("from_date", message[:1].upper() + message[1:])
        else:
            return redirect("uprating:run", pk=run.pk)
    if form.errors:
        problems = [
            {"text": str(error), "href": f"#{form['from_date'].id_for_label}"}
            for error in form.errors.get("from_date", [])
        ]
    status = 400 if form.errors else 200
    return render(
        request, "uprating/start.html", {"form": form, "problems": problems}, status=status
    )


def _queue_preview(request: HttpRequest, run: UpratingRun) -> None:
    operations.begin_preview(run, actor=request.user)
    result = tasks.preview_run.enqueue(run.pk)
    UpratingRun.objects.filter(pk=run.pk, task__gt="").update(task_id=str(result.id))


def _run_page(
    request: HttpRequest,
    run: UpratingRun,
    *,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    run.refresh_from_db()
    filters = FilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {"status": "", "q": ""}
    may_see = may_open_restricted(request.user)
    found = queries.items(
        run, status=chosen["status"] or "", text=chosen["q"] or "", may_see_restricted=may_see
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    if may_see:
        _record_restricted_openings(
            request, [item.person for item in page], f"uprating run {run.pk}"
        )
    letters_owed = run.items.filter(status=ItemStatus.POSTED, letter__isnull=True).count()
    stalled = operations.stalled(run, now=timezone.now())
    context: dict[str, Any] = {
        "run": presenters.run_summary(run),
        "record": run,
        "progress": presenters.progress(run, stalled=stalled),
        "actions": presenters.actions(
            run, request.user, letters_owed=letters_owed, stalled=stalled
        ),
        "letters_owed": letters_owed,
        "letter_problems": run.items.exclude(letter_problem="").count(),
        "rows": [presenters.item_row(item, may_see_restricted=may_see) for item in page],
        "page": page,
        "filters": filters,
        "filtered": bool(chosen["status"] or chosen["q"]),
        "query": _query(chosen),
        "problems": problems or [],
        "date_warning": operations.date_warning(run.from_date),
        "who": {
            "created": presenters.who(run.created_by),
            "previewed": presenters.who(run.previewed_by) if run.previewed_at else "",
            "approved": presenters.who(run.approved_by) if run.approved_by else "",
            "posted": presenters.who(run.posted_by) if run.posted_by else "",
        },
    }
    return render(request, "uprating/run.html", context, status=status)


def _query(chosen: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in chosen.items() if v})


@roles(VIEW_ROLES)
@require_GET
def run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, queries.run_or_404(pk))


@roles(ASSESSMENT_ROLES)
@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    try:
        _queue_preview(request, found)
    except operations.UpratingRefused as error:
        return _run_page(request, found, problems=_problems(str(error)), status=409)
    return redirect("uprating:run", pk=pk)


@roles(Role.SENIOR_OFFICER)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    try:
        operations.approve(found, actor=request.user)
    except operations.UpratingRefused as error:
        return _run_page(request, found, problems=_problems(str(error)), status=409)
    messages.success(request, f"Run {pk} is approved and can be posted")
    return redirect("uprating:run", pk=pk)


@roles(ASSESSMENT_ROLES)
@require_POST
def post(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    try:
        operations.begin_post(found, actor=request.user)
    except operations.UpratingRefused as error:
        return _run_page(request, found, problems=_problems(str(error)), status=409)
    assert request.user.pk is not None  # signed in: the roles say so
    result = tasks.post_run.enqueue(found.pk, request.user.pk)
    UpratingRun.objects.filter(pk=pk, task__gt="").update(task_id=str(result.id))
    return redirect("uprating:run", pk=pk)


@roles(VIEW_ROLES)
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.run_or_404(pk)
    may_see = may_open_restricted(request.user)
    if may_see:
        restricted = [item.person for item in found.items.select_related("person")]
        _record_restricted_openings(request, restricted, f"uprating run {pk} spreadsheet")
    content = excel.workbook(found, may_see_restricted=may_see)
    response = HttpResponse(content, content_type=excel.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, excel.file_name(found))
    return response


@roles(VIEW_ROLES)
@require_GET
def item(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.item_or_404(pk)
    refused = refuse_restricted(request, found.person, "uprating")
    if refused is not None:
        return refused
    return _item_page(request, found, ResolveForm())


def _item_page(
    request: HttpRequest, found: Any, form: ResolveForm, *, status: int = 200
) -> HttpResponse:
    problems = [
        {"text": str(error), "href": f"#{form[name].id_for_label}"}
        for name, errors in form.errors.items()
        if name in form.fields
        for error in errors
    ]
    problems += [{"text": str(error), "href": "#main-content"} for error in form.non_field_errors()]
    context = {
        "item": presenters.item_row(found, may_see_restricted=True),
        "record": found,
        "run": presenters.run_summary(found.run),
        "steps": [
            {**step, "from": date.fromisoformat(step["effective_from"])}
            if step.get("effective_from")
            else step
            for step in found.steps
        ],
        "findings": [
            {**finding, "label": FINDING_LABELS.get(finding["kind"], finding["kind"])}
            for finding in found.findings
        ],
        "trace": [
            {
                "label": step["label"],
                "amount": assessment_presenters.pounds(step["amount"]),
                "reference": step["reference"],
            }
            for step in (found.result or {}).get("trace", [])
        ],
        "form": form,
        "may_resolve": presenters.actions_may_edit(request.user)
        and found.status in {ItemStatus.MANUAL_REVIEW, ItemStatus.READY}
        and not found.run.task,
        "problems": problems,
    }
    return render(request, "uprating/item.html", context, status=status)


@roles(ASSESSMENT_ROLES)
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.item_or_404(pk)
    refused = refuse_restricted(request, found.person, "uprating")
    if refused is not None:
        return refused
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            operations.resolve_item(
                found,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except operations.UpratingRefused as error:
            field, _, message = str(error).partition(": ")
            form.add_error(field if field in form.fields else None, message or field)
        else:
            messages.success(request, f"{found.person.full_name}: marked as dealt with")
            return redirect("uprating:run", pk=found.run_id)
    return _item_page(request, found, form, status=400)


def _record_restricted_openings(request: HttpRequest, people: list[Any], page: str) -> None:
    """Restricted records shown in full (to those allowed) are recorded as opened, as the
    person's own pages record them."""
    for person in people:
        if person.restricted:
            record_restricted_opening(person=person, actor=request.user, page=page, allowed=True)
