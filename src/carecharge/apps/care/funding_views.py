"""Screens for top-up agreements, NHS Continuing Healthcare awards and organisations.

The record and end forms sit under the person's Care tab; every write goes through
`operations` (audited), and a refusal there is shown against the field it is about.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from carecharge.apps.accounts.roles import roles
from carecharge.apps.assessments.editor import form_problems
from carecharge.apps.people import presenters as people_presenters
from carecharge.apps.people import queries as people_queries
from carecharge.apps.people.models import ServiceUser
from carecharge.apps.people.views import refuse_restricted

from . import operations, presenters, queries
from .access import FUNDING_ROLES, ORGANISATION_ROLES
from .forms import (
    ChcAwardForm,
    EndChcAwardForm,
    EndForm,
    OrganisationForm,
    TopUpForm,
    WithdrawForm,
)

RESTRICTED_PAGE = "care"


def _frame(person: ServiceUser, form: forms.Form, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "identity": people_presenters.identity(person, today=today),
        "tabs": people_presenters.tabs(person, "care"),
        "tab": "care",
        "form": form,
        "problems": form_problems(form),
        **extra,
    }


def _show(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=400 if context["form"].errors else 200)


def _refused_field(form: forms.Form, error: operations.FundingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- Top-up agreements ------------------------------------------------------------------------


@roles(FUNDING_ROLES)
@require_http_methods(["GET", "POST"])
def top_up_new(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = people_queries.person_or_404(person_pk)
    refused = refuse_restricted(request, person, RESTRICTED_PAGE)
    if refused is not None:
        return refused
    lines = queries.care_home_lines_for(person)
    form = TopUpForm(request.POST or None, payers=queries.payers_for(person), lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.record_top_up_agreement(
                person=person,
                payer=form.chosen_payer(),
                line=form.chosen_line(),
                weekly_pence=data["weekly_amount"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                signed_on=data["signed_on"],
                next_review_date=data["next_review_date"],
                first_party_basis=form.basis(),
                note=data["note"],
                actor=request.user,
            )
        except operations.FundingError as error:
            _refused_field(form, error)
        else:
            messages.success(request, "The top-up agreement was recorded")
            return redirect("people:care", pk=person.pk)
    context = _frame(person, form, has_lines=bool(lines))
    return _show(request, "care/top_up_new.html", context)


@roles(FUNDING_ROLES)
@require_http_methods(["GET", "POST"])
def top_up_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = queries.top_up_or_404(pk)
    refused = refuse_restricted(request, agreement.person, RESTRICTED_PAGE)
    if refused is not None:
        return refused
    form = EndForm(request.POST or None, initial={"end_date": agreement.end_date})
    if request.method == "POST" and form.is_valid():
        try:
            operations.end_top_up_agreement(
                agreement=agreement,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except operations.FundingError as error:
            _refused_field(form, error)
        else:
            messages.success(request, "The top-up agreement's end date was saved")
            return redirect("people:care", pk=agreement.person_id)
    shown = presenters.present_top_up(agreement, today=timezone.localdate())
    context = _frame(agreement.person, form, agreement=shown)
    return _show(request, "care/top_up_end.html", context)


# --- NHS Continuing Healthcare awards ---------------------------------------------------------


@roles(FUNDING_ROLES)
@require_http_methods(["GET", "POST"])
def chc_new(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = people_queries.person_or_404(person_pk)
    refused = refuse_restricted(request, person, RESTRICTED_PAGE)
    if refused is not None:
        return refused
    icbs = queries.active_icbs()
    form = ChcAwardForm(request.POST or None, icbs=icbs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.record_chc_award(
                person=person,
                icb=form.chosen_icb(),
                start_date=data["start_date"],
                end_date=data["end_date"],
                decided_on=data["decided_on"],
                reference=data["reference"],
                note=data["note"],
                actor=request.user,
            )
        except operations.FundingError as error:
            _refused_field(form, error)
        else:
            messages.success(request, "The NHS Continuing Healthcare award was recorded")
            return redirect("people:care", pk=person.pk)
    context = _frame(person, form, has_icbs=bool(icbs))
    return _show(request, "care/chc_new.html", context)


@roles(FUNDING_ROLES)
@require_http_methods(["GET", "POST"])
def chc_end(request: HttpRequest, pk: int) -> HttpResponse:
    award = queries.chc_award_or_404(pk)
    refused = refuse_restricted(request, award.person, RESTRICTED_PAGE)
    if refused is not None:
        return refused
    form = EndChcAwardForm(request.POST or None, initial={"end_date": award.end_date})
    if request.method == "POST" and form.is_valid():
        try:
            operations.end_chc_award(
                award=award,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except operations.FundingError as error:
            _refused_field(form, error)
        else:
            messages.success(request, "The award's end date was saved")
            return redirect("people:care", pk=award.person_id)
    shown = presenters.present_chc_award(award, today=timezone.localdate())
    context = _frame(award.person, form, award=shown)
    return _show(request, "care/chc_end.html", context)


@roles(FUNDING_ROLES)
@require_http_methods(["GET", "POST"])
def chc_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    award = queries.chc_award_or_404(pk)
    refused = refuse_restricted(request, award.person, RESTRICTED_PAGE)
    if refused is not None:
        return refused
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operations.withdraw_chc_award(
                award=award, reason=form.cleaned_data["reason"], actor=request.user
            )
        except operations.FundingError as error:
            _refused_field(form, error)
        else:
            messages.success(request, "The NHS Continuing Healthcare award was withdrawn")
            return redirect("people:care", pk=award.person_id)
    shown = presenters.present_chc_award(award, today=timezone.localdate())
    context = _frame(award.person, form, award=shown)
    return _show(request, "care/chc_withdraw.html", context)


# --- Organisations ----------------------------------------------------------------------------


@roles(ORGANISATION_ROLES)
@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    shown = [presenters.present_organisation(o) for o in queries.organisations()]
    return render(request, "care/organisations.html", {"organisations": shown})


@roles(ORGANISATION_ROLES)
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = operations.record_organisation(actor=request.user, **form.cleaned_data)
        except operations.FundingError as error:
            _refused_field(form, error)
        else:
            messages.success(request, f"{organisation.name} ({organisation.code}) was added")
            return redirect("care:organisations")
    context = {"form": form, "problems": form_problems(form)}
    return _show(request, "care/organisation_new.html", context)
