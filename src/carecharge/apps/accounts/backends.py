"""Authentication: Django's password check, but demo accounts only work in demo mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

# Members of this group were made by `carecharge demo`; their passwords were printed on a
# terminal, so they must never open a real council's data.
DEMO_GROUP = "demo"


class CareChargeBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if settings.DEMO_MODE:
            return True
        return not user.groups.filter(name=DEMO_GROUP).exists()
