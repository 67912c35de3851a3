from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from carecharge.apps.accounts.roles import Role, user_roles
from carecharge.apps.billing.presenters import VIEW_ROLES as BILLING_VIEW_ROLES

from .council import council_name


def carecharge(request: HttpRequest) -> dict[str, Any]:
    mine = user_roles(getattr(request, "user", None))
    return {
        "council_name": council_name(timezone.localdate()),
        "my_roles": mine,
        "my_role_labels": [Role(r).label for r in sorted(mine)],
        "is_casework": bool(mine - {Role.ADMINISTRATOR}),
        "may_see_billing": bool(mine & BILLING_VIEW_ROLES),
    }
