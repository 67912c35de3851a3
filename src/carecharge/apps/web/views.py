from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import resolve, reverse
from django.utils import timezone

from carecharge.apps.accounts.roles import (
    ALL_ROLES,
    Role,
    public,
    roles,
    user_roles,
    view_roles,
)

from .queries import work_to_do


@roles(ALL_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = user_roles(request.user)
    casework = bool(mine - {Role.ADMINISTRATOR})
    # Only offer work whose page this officer may open.
    work = [
        item
        for item in (work_to_do(today=today) if casework else [])
        if (view_roles(resolve(reverse(item["url_name"])).func) or frozenset()) & mine
    ]
    return render(request, "web/home.html", {"today": today, "work": work, "casework": casework})


@public
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})
