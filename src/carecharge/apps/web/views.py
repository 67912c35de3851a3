from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from carecharge.apps.accounts.roles import ALL_ROLES, public, roles, user_roles, Role

from .queries import work_to_do


@roles(ALL_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = user_roles(request.user)
    casework = bool(mine - {Role.ADMINISTRATOR})
    return render(
        request,
        "web/home.html",
        {"today": today, "work": work_to_do(today=today) if casework else [], "casework": casework},
    )


@public
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})
