"""Financial assessment screens: start one, edit and complete a draft, read the calculation, and
compare two versions. Every page belongs to a person and honours restricted records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, CASEWORK_ROLES, has_any_role, roles
from carecharge.apps.people import queries as people_queries
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.people.views import _page, refuse_restricted
from carecharge.apps.web.council import rulebook

from . import operations, presenters, queries
from .editor import AssessmentEditor, form_problems
from .forms import StartForm
from .models import Assessment, AssessmentState


def _assessment_or_404(pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related("person", "completed_by", "superseded_by"), pk=pk
    )


def _frame(request: HttpRequest, person: ServiceUser, **extra: Any) -> dict[str, Any]:
    may_assess = has_any_role(request.user, ASSESSMENT_ROLES)
    return _page(request, person, "assessments", may_assess=may_assess, **extra)


@roles(ASSESSMENT_ROLES)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = people_queries.person_or_404(person_pk)
    refused = refuse_restricted(request, person, "assessment")
    if refused is not None:
        return refused
    latest = queries.versions(person).exclude(state=AssessmentState.DRAFT).first()
    form = StartForm(
        request.POST or None,
        revising=latest.version if latest else None,
        initial={"setting": latest.setting if latest else None},
    )
    if request.method == "POST" and form.is_valid():
        copied = latest is not None and form.cleaned_data.get("start_from") == "previous"
        assessment = operations.assessment_start(
            person=person,
            setting=form.cleaned_data["setting"],
            effective_from=form.cleaned_data["effective_from"],
            actor=request.user,
            request=latest.request if copied and latest else None,
            reason=form.cleaned_data.get("reason", ""),
        )
        return redirect("assessments:edit", pk=assessment.pk)
    context = _frame(
        request,
        person,
        form=form,
        problems=form_problems(form) if form.errors else [],
        latest=presenters.summary(latest) if latest else None,
    )
    return render(request, "assessments/start.html", context, status=400 if form.errors else 200)


@roles(ASSESSMENT_ROLES)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(pk)
    refused = refuse_restricted(request, assessment.person, "assessment")
    if refused is not None:
        return refused
    if assessment.state != AssessmentState.DRAFT:
        return redirect("assessments:detail", pk=assessment.pk)
    setting = assessment.setting
    problems: list[dict[str, str]] = []
    if request.method != "POST":
        editor = AssessmentEditor.from_request(assessment.request, setting=setting)
    else:
        editor = AssessmentEditor.from_post(request.POST, setting=setting)
        action = request.POST.get("action", "save")
        if action.startswith("add-"):
            editor = editor.with_another_row(action.removeprefix("add-"), setting=setting)
        elif not editor.is_valid():
            problems = editor.errors()
        else:
            body = editor.request(assessment.request)
            try:
                if action == "complete":
                    done = operations.assessment_save_and_complete(
                        assessment=assessment, request=body, actor=request.user, book=rulebook()
                    )
                    messages.success(request, f"Assessment version {done.version} is complete")
                    return redirect("assessments:detail", pk=done.pk)
                operations.assessment_save_draft(
                    assessment=assessment, request=body, actor=request.user
                )
            except operations.AssessmentError as error:
                problems = [editor.contract_problem(str(error))]
            else:
                messages.success(request, "The draft was saved")
                return redirect("assessments:edit", pk=assessment.pk)
    context = _frame(
        request,
        assessment.person,
        assessment=presenters.summary(assessment),
        editor=editor,
        problems=problems,
    )
    return render(request, "assessments/edit.html", context, status=400 if problems else 200)


@roles(CASEWORK_ROLES)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(pk)
    refused = refuse_restricted(request, assessment.person, "assessment")
    if refused is not None:
        return refused
    previous = (
        queries.versions(assessment.person)
        .filter(version__lt=assessment.version)
        .exclude(state=AssessmentState.DRAFT)
        .first()
    )
    shown = presenters.detail(
        assessment, previous=previous, may_assess=has_any_role(request.user, ASSESSMENT_ROLES)
    )
    return render(
        request, "assessments/detail.html", _frame(request, assessment.person, assessment=shown)
    )


@roles(CASEWORK_ROLES)
@require_GET
def compare(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    first, second = _assessment_or_404(pk), _assessment_or_404(other_pk)
    if first.person_id != second.person_id:
        raise Http404("These assessments belong to different people")
    refused = refuse_restricted(request, first.person, "assessment")
    if refused is not None:
        return refused
    older, newer = sorted((first, second), key=lambda a: a.version)
    shown = presenters.comparison(older, newer, queries.compare(older, newer))
    return render(
        request, "assessments/compare.html", _frame(request, first.person, comparison=shown)
    )
