"""The Letters section of an assessment's page (a page the assessments app renders)."""

from __future__ import annotations

from typing import Any

from django import template

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, has_any_role
from carecharge.apps.assessments.models import Assessment, AssessmentState
from carecharge.apps.people.models import PreferredFormat

from .. import presenters, queries

register = template.Library()


@register.inclusion_tag("documents/includes/assessment_letters.html", takes_context=True)
def assessment_letters(context: template.Context, assessment_pk: int) -> dict[str, Any]:
    """The letters issued for an assessment, and the buttons that create its outcome letter.

    The assessment view has already applied the restricted-record check before this renders.
    """
    assessment = Assessment.objects.select_related("person").get(pk=assessment_pk)
    return {
        "assessment_pk": assessment_pk,
        "letters": presenters.rows(queries.for_assessment(assessment_pk)),
        "may_create": has_any_role(context["request"].user, ASSESSMENT_ROLES),
        "completed": assessment.state == AssessmentState.COMPLETED,
        "prefers_large_print": assessment.person.preferred_format == PreferredFormat.LARGE_PRINT,
        "csrf_token": context.get("csrf_token"),
    }
