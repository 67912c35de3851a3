"""The versions list shown on a person's Assessments tab (a page the people app renders)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, has_any_role
from carecharge.apps.people.models import ServiceUser
from carecharge.core.money import format_pounds

from .. import presenters, queries
from ..models import Assessment, DeprivationDecision

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


@register.inclusion_tag("assessments/includes/person_casework.html", takes_context=True)
def assessment_casework(context: template.Context, person_pk: int) -> dict[str, Any]:
    """The provisional charge (flagged until a first assessment) and the deprivation decisions
    on the person's Assessments tab."""
    person = ServiceUser.objects.get(pk=person_pk)
    provisional = queries.provisional_charge(person, timezone.localdate())
    decisions = DeprivationDecision.objects.filter(person_id=person_pk).select_related("decided_by")
    return {
        "person_pk": person_pk,
        "provisional": (
            {
                **provisional,
                "weekly": format_pounds(provisional["weekly_pence"]),
                "trace": [
                    {**step, "amount": format_pounds(step["amount_pence"])}
                    for step in provisional["trace"]
                ],
            }
            if provisional
            else None
        ),
        "decisions": [presenters.deprivation_row(d) for d in decisions],
        "may_assess": has_any_role(context["request"].user, ASSESSMENT_ROLES),
    }
