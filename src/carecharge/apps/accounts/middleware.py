"""Deny by default: every view must declare who may use it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from .roles import is_public, user_roles, view_roles

logger = logging.getLogger(__name__)

# Django's own static and media views (DEBUG only) are not ours to guard.
_EXEMPT_MODULE_PREFIXES = ("django.views.static", "django.contrib.staticfiles")


class RoleRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if is_public(view_func) or view_func.__module__.startswith(_EXEMPT_MODULE_PREFIXES):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        allowed = view_roles(view_func)
        if allowed is None:
            logger.error("View %s declares no roles: refused", view_func.__qualname__)
            return _forbidden(request)
        if not (user_roles(request.user) & allowed):
            return _forbidden(request)
        return None


def _forbidden(request: HttpRequest) -> HttpResponse:
    response = TemplateResponse(request, "web/forbidden.html", status=403)
    return response.render()
