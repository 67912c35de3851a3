"""Uprating runs and items as plain dictionaries for the templates and the spreadsheet."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from carecharge.apps.accounts.roles import ASSESSMENT_ROLES, Role, has_any_role
from carecharge.core.money import format_pounds

from .models import ItemStatus, RunState, RunTask, UpratingItem, UpratingRun

STATE_TAGS = {
    RunState.DRAFT: "govuk-tag--yellow",
    RunState.PREVIEWED: "govuk-tag--blue",
    RunState.APPROVED: "govuk-tag--purple",
    RunState.POSTED: "govuk-tag--green",
}
STATUS_TAGS = {
    ItemStatus.PENDING: "govuk-tag--grey",
    ItemStatus.READY: "govuk-tag--blue",
    ItemStatus.NO_CHANGE: "govuk-tag--grey",
    ItemStatus.MANUAL_REVIEW: "govuk-tag--orange",
    ItemStatus.POSTED: "govuk-tag--green",
    ItemStatus.RESOLVED: "govuk-tag--turquoise",
    ItemStatus.SKIPPED: "govuk-tag--grey",
}
RESTRICTED = "Restricted record"


def money(pence: int | None) -> str:
    return "—" if pence is None else format_pounds(pence)


def change(pence: int | None) -> str:
    """A difference with its sign: "+£3.40", "-£1.20", "£0.00"."""
    if pence is None:
        return "—"
    return f"+{format_pounds(pence)}" if pence > 0 else format_pounds(pence)


def who(user: Any) -> str:
    if user is None:
        return "the command line"
    return str(user.get_full_name() or user.get_username())


def actions_may_edit(user: Any) -> bool:
    return has_any_role(user, ASSESSMENT_ROLES)


def run_summary(run: UpratingRun) -> dict[str, Any]:
    return {
        "pk": run.pk,
        "href": reverse("uprating:run", args=[run.pk]),
        "from_date": run.from_date,
        "state": run.get_state_display(),
        "state_tag": STATE_TAGS[RunState(run.state)],
        "working": bool(run.task),
        "task": run.get_task_display() if run.task else "",
        "people": run.ready_count
        + run.no_change_count
        + run.manual_review_count
        + run.posted_count
        + run.skipped_count,
        "ready": run.ready_count,
        "no_change": run.no_change_count,
        "manual_review": run.manual_review_count,
        "posted": run.posted_count,
        "skipped": run.skipped_count,
        "old_total": money(run.old_total_pence),
        "new_total": money(run.new_total_pence),
        "total_change": change(run.new_total_pence - run.old_total_pence),
        "created_by": who(run.created_by),
        "created_at": run.created_at,
    }


def actions(run: UpratingRun, user: Any, *, letters_owed: int, stalled: bool) -> dict[str, Any]:
    """Which buttons the page offers this user, and why approval is not theirs to give. A
    preview or posting whose worker has stopped can be started again (both are safe to
    repeat)."""
    may_edit = has_any_role(user, ASSESSMENT_ROLES)
    senior = has_any_role(user, {Role.SENIOR_OFFICER})
    idle = not run.task
    previewing = idle or (stalled and run.task == RunTask.PREVIEW)
    posting = idle or (stalled and run.task == RunTask.POST)
    own = user.pk in {run.created_by_id, run.previewed_by_id}
    return {
        "preview": may_edit
        and previewing
        and run.state in {RunState.DRAFT, RunState.PREVIEWED, RunState.APPROVED}
        and run.posted_count == 0
        and run.task != RunTask.POST,
        "approve": senior and idle and run.state == RunState.PREVIEWED and not own,
        "not_yours": senior and run.state == RunState.PREVIEWED and own,
        "awaiting_approval": run.state == RunState.PREVIEWED and not senior,
        "post": may_edit and posting and run.state == RunState.APPROVED,
        "letters": may_edit and posting and run.state == RunState.POSTED and letters_owed > 0,
        "may_edit": may_edit,
    }


def progress(run: UpratingRun, *, stalled: bool) -> dict[str, Any] | None:
    if not run.task:
        return None
    listing = run.task == RunTask.PREVIEW and run.total == 0
    return {
        "label": run.get_task_display(),
        "done": run.done,
        "total": run.total,
        "listing": listing,
        "stalled": stalled,
        "percent": (100 * run.done // run.total) if run.total else 0,
    }


def item_row(item: UpratingItem, *, may_see_restricted: bool) -> dict[str, Any]:
    person = item.person
    hidden = person.restricted and not may_see_restricted
    return {
        "pk": item.pk,
        "href": reverse("uprating:item", args=[item.pk]),
        "hidden": hidden,
        "restricted": person.restricted,
        "name": RESTRICTED if hidden else person.full_name,
        "person_href": None if hidden else reverse("people:detail", args=[person.pk]),
        "assessments_href": None if hidden else reverse("people:assessments", args=[person.pk]),
        # A restricted record shows nothing that identifies the person or their finances.
        "reference": "" if hidden else person.account_reference,
        "old": "" if hidden else money(item.old_weekly_charge_pence),
        "new": "" if hidden else money(item.new_weekly_charge_pence),
        "difference": "" if hidden else change(item.difference_pence),
        "status": item.get_status_display(),
        "status_value": item.status,
        "status_tag": STATUS_TAGS[ItemStatus(item.status)],
        "reasons": [] if hidden else list(item.reasons),
        "letter_problem": "" if hidden else item.letter_problem,
    }
