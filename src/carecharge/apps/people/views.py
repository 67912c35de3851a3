"""Service user screens: search, the person's tabs, and changing details and addresses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from carecharge.apps.accounts.roles import (
    CASEWORK_EDIT_ROLES,
    CASEWORK_ROLES,
    has_any_role,
    roles,
)
from carecharge.apps.audit.queries import history_for_many
from carecharge.apps.billing import presenters as billing_presenters
from carecharge.apps.care import presenters as care_presenters
from carecharge.apps.care import queries as care_queries
from carecharge.apps.care import tab as care_tab

from . import operations, presenters, queries
from .forms import AddressForm, PersonDetailsForm
from .models import AddressRole, ServiceUser

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50
PersonView = Callable[..., HttpResponse]


def refuse_restricted(request: HttpRequest, person: ServiceUser, page: str) -> HttpResponse | None:
    """The refusal page if the user may not open this restricted record, else None.

    Every opening of a restricted record, allowed or refused, is recorded in the audit trail.
    """
    if not person.restricted:
        return None
    allowed = queries.may_open_restricted(request.user)
    operations.record_restricted_opening(
        person=person, actor=request.user, page=page, allowed=allowed
    )
    return None if allowed else render(request, "people/restricted.html", status=403)


def person_page(
    tab: str, load: Callable[[int], ServiceUser] = queries.person_or_404
) -> Callable[[PersonView], PersonView]:
    """Load the person for a page and apply `refuse_restricted` before the view runs."""

    def decorate(view: PersonView) -> PersonView:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
            person = load(pk)
            refused = refuse_restricted(request, person, tab)
            if refused is not None:
                return refused
            return view(request, person, *args, **kwargs)

        return wrapper

    return decorate


def _page(request: HttpRequest, person: ServiceUser, tab: str, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "identity": presenters.identity(person, today=today),
        "tabs": presenters.tabs(person, tab),
        "tab": tab,
        "today": today,
        "can_edit": has_any_role(request.user, CASEWORK_EDIT_ROLES),
        **extra,
    }


@roles(CASEWORK_ROLES)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    filters = queries.known_filters(request.GET)
    people = queries.search_people(text=text, filters=filters, today=timezone.localdate())
    page = None
    rows: list[dict[str, Any]] = []
    if people is not None:
        page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
        may = queries.may_open_restricted(request.user)
        rows = [presenters.search_row(p, may_see_restricted=may) for p in page]
    return render(
        request,
        "people/search.html",
        {
            "q": text,
            "filters": [
                {"name": name, "value": value, "label": queries.FILTERS[name][value]}
                for name, value in filters.items()
            ],
            "page": page,
            "rows": rows,
            "base_query": urlencode({"q": text, **filters}),
        },
    )


@roles(CASEWORK_ROLES)
@require_GET
@person_page("details", load=queries.person_details)
def detail(request: HttpRequest, person: ServiceUser) -> HttpResponse:
    may = queries.may_open_restricted(request.user)
    shown = presenters.details(person, today=timezone.localdate(), may_see_restricted=may)
    return render(request, "people/detail.html", _page(request, person, "details", details=shown))


@roles(CASEWORK_ROLES)
@require_GET
@person_page("care")
def care(request: HttpRequest, person: ServiceUser) -> HttpResponse:
    today = timezone.localdate()
    packages = [
        care_presenters.present_package(p, today=today) for p in care_queries.packages_for(person)
    ]
    suspensions = [
        care_presenters.present_suspension(s, today=today)
        for s in care_queries.suspensions_for(person)
    ]
    funding = care_tab.funding_context(request.user, person, today=today)
    return render(
        request,
        "people/care.html",
        _page(request, person, "care", packages=packages, suspensions=suspensions, **funding),
    )


@roles(CASEWORK_ROLES)
@require_GET
@person_page("assessments")
def assessments(request: HttpRequest, person: ServiceUser) -> HttpResponse:
    incomes, capital = queries.financial_items(person)
    items = presenters.financial_items(incomes, capital)
    context = _page(request, person, "assessments", **items)
    return render(request, "people/assessments.html", context)


@roles(CASEWORK_ROLES)
@require_GET
@person_page("account", load=queries.person_details)
def account(request: HttpRequest, person: ServiceUser) -> HttpResponse:
    today = timezone.localdate()
    shown = presenters.account(person, queries.invoice_recipient(person, today=today), today=today)
    charges = billing_presenters.person_charges(person, request.user)
    return render(
        request,
        "people/account.html",
        _page(request, person, "account", account=shown, charges=charges),
    )


@roles(CASEWORK_ROLES)
@require_GET
@person_page("history")
def history(request: HttpRequest, person: ServiceUser) -> HttpResponse:
    events = history_for_many(queries.history_pairs(person))
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/history.html",
        _page(request, person, "history", events=presenters.history(page), page=page),
    )


@roles(CASEWORK_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
@person_page("edit")
def edit(request: HttpRequest, person: ServiceUser) -> HttpResponse:
    initial = {name: getattr(person, name) for name in operations.EDITABLE_DETAILS}
    form = PersonDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        event = operations.person_update_details(
            person=person,
            changes=form.changes(),
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Details saved" if event else "Nothing was changed")
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/edit.html",
        _page(request, person, "details", form=form),
        status=400 if form.errors else 200,
    )


@roles(CASEWORK_EDIT_ROLES)
@require_http_methods(["GET", "POST"])
@person_page("address")
def address(request: HttpRequest, person: ServiceUser, role: str) -> HttpResponse:
    if role not in AddressRole.values:
        raise Http404("No such kind of address")
    existing = queries.address_for(person, role)
    initial = (
        {name: getattr(existing, name) for name in operations.ADDRESS_FIELDS} if existing else {}
    )
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        event = operations.person_set_address(
            person=person,
            role=role,
            values=form.values(),
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        label = AddressRole(role).label.lower()
        messages.success(
            request, f"The {label} address was saved" if event else "Nothing was changed"
        )
        return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/address.html",
        _page(
            request,
            person,
            "details",
            form=form,
            role_label=AddressRole(role).label,
            adding=existing is None,
        ),
        status=400 if form.errors else 200,
    )
