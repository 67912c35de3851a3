"""Sign in, sign out and change password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from carecharge.apps.audit.operations import record_event

from . import operations
from .forms import SignInForm
from .roles import ALL_ROLES, public, roles


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        now = timezone.now()
        state = operations.sign_in_lock_state(username, now=now)
        if state.locked:
            error = _locked_message(state.locked_until)
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is not None:
                operations.clear_failed_sign_ins(username)
                login(request, user)
                record_event(
                    actor=user,
                    action="account.signed_in",
                    instance=user,
                    changes={},
                    reason="",
                    source="web",
                )
                return redirect(_safe_next(request))
            state = operations.record_failed_sign_in(username, now=now)
            error = (
                _locked_message(state.locked_until)
                if state.locked
                else "The user name or password is not right. "
                f"You have {state.attempts_left} more "
                f"{'try' if state.attempts_left == 1 else 'tries'} before the account is locked."
            )
    elif request.method == "POST":
        error = "Enter your user name and password."
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "error": error,
            "next": request.GET.get("next", request.POST.get("next", "")),
            "demo_mode": settings.DEMO_MODE,
        },
        status=200 if not error else 400,
    )


def _locked_message(until: object) -> str:
    minutes = settings.CARECHARGE_LOCKOUT_MINUTES
    return (
        "This account is locked after too many failed sign-in attempts. "
        f"Try again in {minutes} minutes, or ask an administrator to unlock it."
    )


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@roles(ALL_ROLES)
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # the middleware admits only signed-in users
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        record_event(
            actor=user,
            action="account.password_changed",
            instance=user,
            changes={},
            reason="",
            source="web",
        )
        return render(request, "accounts/password_changed.html")
    return render(request, "accounts/change_password.html", {"form": form})
