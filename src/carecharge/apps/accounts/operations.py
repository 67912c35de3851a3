"""Writes for accounts: sign-in throttling and user administration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction

from carecharge.apps.audit.operations import record_event, snapshot

from .models import SignInThrottle
from .roles import ALL_ROLES


@dataclass(frozen=True)
class LockState:
    locked: bool
    locked_until: datetime | None
    attempts_left: int


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def sign_in_lock_state(username: str, *, now: datetime) -> LockState:
    row = SignInThrottle.objects.filter(username=_key(username)).first()
    limit = settings.CARECHARGE_LOCKOUT_ATTEMPTS
    if row is None:
        return LockState(False, None, limit)
    if row.locked_until and row.locked_until > now:
        return LockState(True, row.locked_until, 0)
    return LockState(False, None, max(limit - row.failed_attempts, 0))


@transaction.atomic
def record_failed_sign_in(username: str, *, now: datetime) -> LockState:
    row, _ = SignInThrottle.objects.select_for_update().get_or_create(username=_key(username))
    if row.locked_until and row.locked_until <= now:
        # The lock has served its time: start counting afresh.
        row.failed_attempts = 0
        row.locked_until = None
    row.failed_attempts += 1
    row.last_failed_at = now
    limit = settings.CARECHARGE_LOCKOUT_ATTEMPTS
    if row.failed_attempts >= limit:
        row.locked_until = now + timedelta(minutes=settings.CARECHARGE_LOCKOUT_MINUTES)
    row.save()
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is not None and row.locked_until:
        record_event(
            actor=None,
            action="account.locked",
            instance=user,
            changes={"locked_until": [None, row.locked_until.isoformat()]},
            reason=f"{row.failed_attempts} failed sign-in attempts",
            source="web",
        )
    if row.locked_until:
        return LockState(True, row.locked_until, 0)
    return LockState(False, None, limit - row.failed_attempts)


def clear_failed_sign_ins(username: str) -> None:
    SignInThrottle.objects.filter(username=_key(username)).delete()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str,
    role_names: list[str],
    actor: Any,
    source: str = "command",
) -> User:
    unknown = set(role_names) - ALL_ROLES
    if unknown:
        raise ValueError(f"Unknown role: {', '.join(sorted(unknown))}")
    first, _, last = full_name.partition(" ")
    user = User(username=username, email=email, first_name=first, last_name=last)
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=role_names))
    after = snapshot(user, ["username", "first_name", "last_name", "email"])
    after["roles"] = sorted(role_names)
    record_event(
        actor=actor,
        action="create",
        instance=user,
        changes={k: [None, v] for k, v in after.items()},
        reason="",
        source=source,
    )
    return user
