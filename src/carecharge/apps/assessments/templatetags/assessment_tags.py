"""The versions list shown on a person's Assessments tab (a page the people app renders)."""

from __future__ import annotations

from typing import Any

from django import template

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, has_any_role

from .. import presenters
from ..models import Assessment

register = template.Library()


@register.inclusion_tag("assessments/includes/versions.html", takes_context=True)
def assessment_versions(context: template.Context, person_pk: int) -> dict[str, Any]:
    """The person's assessment versions, newest first, and whether the user may start one.

    The people view has already applied the restricted-record check before this renders.
    """
    found = (
        Assessment.objects.filter(person_id=person_pk)
        .select_related("completed_by")
        .order_by("-version")
    )
    return {
        "person_pk": person_pk,
        "versions": presenters.version_rows(found),
        "may_assess": has_any_role(context["request"].user, ASSESSMENT_ROLES),
    }
