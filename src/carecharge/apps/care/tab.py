"""What the person's Care tab shows beyond packages and suspensions: top-up agreements and NHS
Continuing Healthcare awards, with links to record them for those allowed to."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from carecharge.apps.accounts.roles import has_any_role
from carecharge.apps.people.models import ServiceUser

from . import presenters, queries
from .access import FUNDING_ROLES


def funding_context(user: Any, person: ServiceUser, *, today: date) -> dict[str, Any]:
    return {
        "top_ups": [presenters.present_top_up(a, today=today) for a in queries.top_ups_for(person)],
        "chc_awards": [
            presenters.present_chc_award(a, today=today) for a in queries.chc_awards_for(person)
        ],
        "can_record_funding": has_any_role(user, FUNDING_ROLES),
        "top_up_new_href": reverse("care:top_up_new", args=[person.pk]),
        "chc_new_href": reverse("care:chc_new", args=[person.pk]),
    }
