"""The roles a council gives its staff, and how a view says which of them may use it.

Access is deny-by-default: `RoleRequiredMiddleware` refuses any view that has not declared its
roles with `@roles(...)` or `@public`, so a forgotten declaration fails closed, not open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import models


class Role(models.TextChoices):
    CHARGING_OFFICER = "charging_officer", "Charging officer"
    ASSESSMENT_OFFICER = "financial_assessment_officer", "Financial assessment officer"
    SENIOR_OFFICER = "senior_officer", "Senior officer (approver)"
    FINANCE_OFFICER = "finance_officer", "Finance officer (payments and banking)"
    RECOVERY_OFFICER = "debt_recovery_officer", "Debt recovery officer"
    AUDITOR = "auditor", "Auditor (read-only)"
    ADMINISTRATOR = "administrator", "Administrator"


ALL_ROLES: frozenset[str] = frozenset(Role.values)
# Everyone who works on service users' cases and accounts; administrators manage users and
# settings but do not browse personal finances unless also given a case role.
CASEWORK_ROLES: frozenset[str] = frozenset(
    {
        Role.CHARGING_OFFICER,
        Role.ASSESSMENT_OFFICER,
        Role.SENIOR_OFFICER,
        Role.FINANCE_OFFICER,
        Role.RECOVERY_OFFICER,
        Role.AUDITOR,
    }
)
# Roles that may change service user and care records (the auditor only reads).
CASEWORK_EDIT_ROLES: frozenset[str] = CASEWORK_ROLES - {Role.AUDITOR}
# Financial assessments are done by assessment officers and their seniors (who approve).
ASSESSMENT_ROLES: frozenset[str] = frozenset({Role.ASSESSMENT_OFFICER, Role.SENIOR_OFFICER})

F = TypeVar("F", bound=Callable[..., Any])


def roles(*allowed: str | Iterable[str]) -> Callable[[F], F]:
    """Declare which roles may use a view."""
    names: set[str] = set()
    for item in allowed:
        names.update([item] if isinstance(item, str) else item)
    unknown = names - ALL_ROLES
    if unknown or not names:
        raise ValueError(f"unknown or missing roles: {sorted(unknown)}")

    def decorate(view: F) -> F:
        view.carecharge_roles = frozenset(names)  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: F) -> F:
    """Declare a view open to everyone (sign-in, health check)."""
    view.carecharge_public = True  # type: ignore[attr-defined]
    return view


def view_roles(view: Callable[..., Any]) -> frozenset[str] | None:
    """The roles a view declared, looking through class-based view wrappers."""
    for candidate in (view, getattr(view, "view_class", None)):
        if candidate is not None and hasattr(candidate, "carecharge_roles"):
            return frozenset(candidate.carecharge_roles)
    return None


def is_public(view: Callable[..., Any]) -> bool:
    return any(
        getattr(candidate, "carecharge_public", False)
        for candidate in (view, getattr(view, "view_class", None))
        if candidate is not None
    )


def user_roles(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_carecharge_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._carecharge_roles = cached
    return frozenset(cached)


def has_any_role(user: Any, allowed: Iterable[str]) -> bool:
    return bool(user_roles(user) & frozenset(allowed))
