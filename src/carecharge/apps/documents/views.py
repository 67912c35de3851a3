"""Letters screens: issue an assessment's outcome letter, download a stored PDF, and the
person's Letters tab. Every page belongs to a person and honours restricted records."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, CASEWORK_ROLES, roles
from carecharge.apps.assessments.models import Assessment
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.people.views import _page, person_page, refuse_restricted

from . import operations, presenters, queries
from .models import DocumentVariant

log = logging.getLogger(__name__)


@roles(ASSESSMENT_ROLES)
@require_POST
def create_outcome_letter(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.select_related("person"), pk=pk)
    refused = refuse_restricted(request, assessment.person, "letters")
    if refused is not None:
        return refused
    variant = request.POST.get("variant", DocumentVariant.STANDARD)
    try:
        document = operations.issue_assessment_outcome_letter(
            assessment=assessment,
            actor=request.user,
            variant=variant,
            reason=request.POST.get("reason", ""),
        )
    except operations.DocumentError as error:
        back = reverse("assessments:detail", args=[assessment.pk])
        context = _page(
            request,
            assessment.person,
            "assessments",
            problems=[
                {"text": str(error).partition(": ")[2] or str(error), "href": back + "#letters"}
            ],
            back_href=back,
            version=assessment.version,
        )
        return render(request, "documents/refused.html", context, status=400)
    messages.success(
        request, f"The {document.get_variant_display().lower()} outcome letter was created"
    )
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + "#letters")


@roles(CASEWORK_ROLES)
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    document = queries.document_or_404(pk)
    refused = refuse_restricted(request, document.person, "letter download")
    if refused is not None:
        return refused
    try:
        content = queries.stored_pdf(document)
    except queries.DocumentAltered:
        log.exception("Refused to serve an altered document")
        context = _page(request, document.person, "letters")
        return render(request, "documents/altered.html", context, status=500)
    if document.person.restricted:
        operations.record_download(document=document, actor=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, document.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@roles(CASEWORK_ROLES)
@require_GET
@person_page("letters")
def person_letters(request: HttpRequest, person: ServiceUser) -> HttpResponse:
    letters = presenters.rows(queries.for_person(person.pk))
    return render(
        request, "documents/person_letters.html", _page(request, person, "letters", letters=letters)
    )
