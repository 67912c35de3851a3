"""A record's history, for any audited record type."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from carecharge.apps.accounts.roles import CASEWORK_ROLES, Role, roles

from .presenters import present_event
from .queries import history_for

# Only record types whose history staff may read through this generic page.
_READABLE = {
    # Administrators maintain the catalogue and providers, so they may read their history.
    "care.provider": CASEWORK_ROLES | {Role.ADMINISTRATOR},
    "care.service": CASEWORK_ROLES | {Role.ADMINISTRATOR},
    "care.importbatch": CASEWORK_ROLES,
    "auth.user": frozenset({Role.ADMINISTRATOR, Role.AUDITOR}),
}


@roles(CASEWORK_ROLES | {Role.ADMINISTRATOR})
def record_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    allowed = _READABLE.get(object_type)
    if allowed is None:
        raise Http404("No history page for that kind of record")
    from carecharge.apps.accounts.roles import has_any_role

    if not has_any_role(request.user, allowed):
        raise Http404("No history page for that kind of record")
    page = Paginator(history_for(object_type, [object_id]), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/history.html",
        {
            "events": [present_event(e) for e in page],
            "page": page,
            "object_type": object_type,
            "object_id": object_id,
        },
    )
