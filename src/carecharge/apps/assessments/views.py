"""Financial assessment screens: start one, edit and complete a draft, read the calculation, and
compare two versions. Every page belongs to a person and honours restricted records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, CASEWORK_ROLES, has_any_role, roles
from carecharge.apps.people import queries as people_queries
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.people.views import _page, refuse_restricted
from carecharge.apps.web.council import rulebook
from carecharge.core.money import parse_pounds

from . import operations, presenters, queries
from .editor import AssessmentEditor, form_problems
from .evidence import MAX_BYTES as MAX_EVIDENCE_BYTES
from .forms import DeprivationForm, EvidenceForm, NoteForm, StartForm, WithdrawForm
from .models import Assessment, AssessmentState, DeprivationDecision, EvidenceDocument


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
        try:
            assessment = operations.assessment_start(
                person=person,
                setting=form.cleaned_data["setting"],
                effective_from=form.cleaned_data["effective_from"],
                actor=request.user,
                request=latest.request if copied and latest else None,
                reason=form.cleaned_data.get("reason", ""),
            )
        except operations.AssessmentError as error:
            form.add_error("effective_from", str(error).partition(": ")[2])
        else:
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
    deferred = operations.DeferredPayment(
        assessment.deferred_payment_agreement, assessment.disposable_income_allowance_pence
    )
    if request.method != "POST":
        editor = AssessmentEditor.from_request(
            assessment.request, setting=setting, deferred=deferred
        )
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
                        assessment=assessment,
                        request=body,
                        actor=request.user,
                        book=rulebook(),
                        deferred_payment=editor.deferred_payment(),
                    )
                    messages.success(request, f"Assessment version {done.version} is complete")
                    return redirect("assessments:detail", pk=done.pk)
                operations.assessment_save_draft(
                    assessment=assessment,
                    request=body,
                    actor=request.user,
                    deferred_payment=editor.deferred_payment(),
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
    return _detail_page(request, assessment)


def _detail_page(
    request: HttpRequest,
    assessment: Assessment,
    *,
    note_form: NoteForm | None = None,
    evidence_form: EvidenceForm | None = None,
    problems: list[dict[str, str]] | None = None,
) -> HttpResponse:
    may_assess = has_any_role(request.user, ASSESSMENT_ROLES)
    previous = (
        queries.versions(assessment.person)
        .filter(version__lt=assessment.version)
        .exclude(state=AssessmentState.DRAFT)
        .first()
    )
    shown = presenters.detail(assessment, previous=previous, may_assess=may_assess)
    context = _frame(
        request,
        assessment.person,
        assessment=shown,
        casework=presenters.casework(assessment, queries.deferred_payment_split(assessment)),
        note_form=note_form or NoteForm(),
        evidence_form=evidence_form or EvidenceForm(),
        problems=problems or [],
    )
    return render(request, "assessments/detail.html", context, status=400 if problems else 200)


@roles(ASSESSMENT_ROLES)
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(pk)
    refused = refuse_restricted(request, assessment.person, "assessment")
    if refused is not None:
        return refused
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            operations.add_note(
                assessment=assessment, text=form.cleaned_data["text"], actor=request.user
            )
        except operations.AssessmentError as error:
            form.add_error("text", str(error).partition(": ")[2])
        else:
            messages.success(request, "The note was added")
            return redirect(reverse("assessments:detail", args=[pk]) + "#notes")
    return _detail_page(request, assessment, note_form=form, problems=form_problems(form))


@roles(ASSESSMENT_ROLES)
@require_POST
def upload_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(pk)
    refused = refuse_restricted(request, assessment.person, "assessment")
    if refused is not None:
        return refused
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            # Refused by its size before its bytes are read into memory for hashing and storing.
            if upload.size > MAX_EVIDENCE_BYTES:
                raise operations.AssessmentError(
                    "document: The selected file must be smaller than 10 MB"
                )
            operations.upload_evidence(
                assessment=assessment,
                description=form.cleaned_data["description"],
                file_name=upload.name or "",
                content=upload.read(),
                actor=request.user,
            )
        except operations.AssessmentError as error:
            field, _, message = str(error).partition(": ")
            form.add_error("description" if field == "description" else "document", message)
        else:
            messages.success(request, "The document was uploaded")
            return redirect(reverse("assessments:detail", args=[pk]) + "#evidence")
    return _detail_page(request, assessment, evidence_form=form, problems=form_problems(form))


@roles(CASEWORK_ROLES)
@require_GET
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(EvidenceDocument.objects.select_related("person"), pk=pk)
    refused = refuse_restricted(request, document.person, "evidence")
    if refused is not None:
        return refused
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@roles(ASSESSMENT_ROLES)
@require_http_methods(["GET", "POST"])
def deprivation_new(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = people_queries.person_or_404(person_pk)
    refused = refuse_restricted(request, person, "assessment")
    if refused is not None:
        return refused
    form = DeprivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.record_deprivation_decision(
                person=person,
                asset=data["asset"],
                amount_pence=parse_pounds(data["amount"]),
                disposed_on=data["disposed_on"],
                decided_on=data["decided_on"],
                reason=data["reason"],
                actor=request.user,
            )
        except operations.AssessmentError as error:
            field, _, message = str(error).partition(": ")
            form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "The deprivation decision was recorded")
            return redirect("people:assessments", pk=person.pk)
    context = _frame(request, person, form=form, problems=form_problems(form))
    status = 400 if form.errors else 200
    return render(request, "assessments/deprivation_new.html", context, status=status)


@roles(ASSESSMENT_ROLES)
@require_http_methods(["GET", "POST"])
def deprivation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(DeprivationDecision.objects.select_related("person"), pk=pk)
    refused = refuse_restricted(request, decision.person, "assessment")
    if refused is not None:
        return refused
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.withdraw_deprivation_decision(
                decision=decision,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except operations.AssessmentError as error:
            field, _, message = str(error).partition(": ")
            form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "The deprivation decision was withdrawn")
            return redirect("people:assessments", pk=decision.person_id)
    context = _frame(
        request,
        decision.person,
        form=form,
        decision=presenters.deprivation_row(decision),
        problems=form_problems(form),
    )
    status = 400 if form.errors else 200
    return render(request, "assessments/deprivation_withdraw.html", context, status=status)


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
