"""Billing runs, their people, lines and pre-flight problems as plain dictionaries for the
templates and the spreadsheet."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from carecharge.apps.accounts.roles import Role, has_any_role
from carecharge.core.money import format_pounds

from . import queries
from .models import (
    BillingRun,
    ChargeRecord,
    Invoice,
    InvoiceKind,
    PersonStatus,
    RunPerson,
    RunState,
    RunTask,
    Severity,
)
from .operations import BILLING_ROLES
from .queries import ProblemGroup
from .wording import period_words

# Who may look at runs: the officers who bill and approve, and the auditor (read-only).
VIEW_ROLES: frozenset[str] = frozenset({Role.CHARGING_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR})
RESTRICTED = "Restricted record"
HIDDEN_REASON = "(restricted record: open it to see why)"
STATE_TAGS = {
    RunState.DRAFT: "govuk-tag--yellow",
    RunState.PREVIEWED: "govuk-tag--blue",
    RunState.APPROVED: "govuk-tag--purple",
    RunState.POSTED: "govuk-tag--green",
    RunState.CANCELLED: "govuk-tag--grey",
}
STATUS_TAGS = {
    PersonStatus.PENDING: "govuk-tag--grey",
    PersonStatus.NO_CHANGE: "govuk-tag--grey",
    PersonStatus.READY: "govuk-tag--blue",
    PersonStatus.HELD: "govuk-tag--orange",
    PersonStatus.RELEASED: "govuk-tag--turquoise",
    PersonStatus.EXCLUDED: "govuk-tag--red",
    PersonStatus.FAILED: "govuk-tag--red",
    PersonStatus.POSTED: "govuk-tag--green",
    PersonStatus.CHANGED: "govuk-tag--yellow",
}
# Why a line is posted, for the officer (the invoice has its own words for the citizen). The
# codes are `core.rerating.Reason`.
REASONS = {
    "new": "New charge",
    "first_assessment": "The first financial assessment replaces the provisional charge",
    "assessment_revised": "The financial assessment was revised",
    "actuals_received": "The provider's actual care delivered replaces the plan",
    "suspension": "A suspension (hospital, holiday or other) was recorded or changed",
    "death": "The date of death was recorded or changed: nothing is due after it",
    "chc_award": "NHS Continuing Healthcare was awarded for days in the week",
    "correction": "Correction: care records, prices or rules changed",
}
KINDS = {
    "contribution": "Assessed contribution",
    "flat_rate": "Flat-rate charge",
    "top_up": "Top-up",
    "arrangement_fee": "Arrangement fee",
    "chc_recharge": "NHS Continuing Healthcare recharge",
}


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


def reason_words(reason: str) -> str:
    return REASONS.get(reason, "Correction to an earlier charge")


def may_bill(user: Any) -> bool:
    return has_any_role(user, BILLING_ROLES)


def run_summary(run: BillingRun) -> dict[str, Any]:
    return {
        "pk": run.pk,
        "href": reverse("billing:run", args=[run.pk]),
        "through": run.through_date,
        "state": run.get_state_display(),
        "state_value": run.state,
        "state_tag": STATE_TAGS[RunState(run.state)],
        "working": bool(run.task),
        "task": run.get_task_display() if run.task else "",
        "people": run.people_count,
        "changed": run.changed_count,
        "held": run.held_count,
        "excluded": run.excluded_count,
        "blockers": run.blocker_count,
        "warnings": run.warning_count,
        "invoices": run.invoices_count,
        "credit_notes": run.credit_notes_count,
        "to_invoice": money(run.invoiced_pence),
        "to_credit": money(run.credited_pence),
        "not_invoiced": money(run.not_invoiced_pence),
        "net": change(run.invoiced_pence + run.credited_pence),
        "posted_amount": money(run.amount_posted_pence),
        "lines_posted": run.lines_posted,
        "created_by": who(run.created_by),
        "created_at": run.created_at,
    }


def actions(
    run: BillingRun, user: Any, *, stalled: bool, failed: int, posted_any: bool
) -> dict[str, Any]:
    """Which buttons the page offers this user, and why approval is not theirs to give. A
    preview or posting whose worker has stopped can be started again (both are safe to
    repeat)."""
    billing = may_bill(user)
    senior = has_any_role(user, {Role.SENIOR_OFFICER})
    idle = not run.task
    previewing = idle or (stalled and run.task == RunTask.PREVIEW)
    posting = idle or (stalled and run.task == RunTask.POST)
    own = user.pk in {run.created_by_id, run.previewed_by_id}
    is_open = run.state in {RunState.DRAFT, RunState.PREVIEWED, RunState.APPROVED}
    return {
        "preview": billing
        and previewing
        and is_open
        and not posted_any
        and run.task != RunTask.POST,
        "approve": senior and idle and run.state == RunState.PREVIEWED and not own and not failed,
        "not_yours": senior and run.state == RunState.PREVIEWED and own,
        "awaiting_approval": run.state == RunState.PREVIEWED and not senior,
        "failed_block": run.state == RunState.PREVIEWED and failed > 0,
        "post": billing and posting and run.state == RunState.APPROVED,
        "cancel": billing
        and is_open
        and not posted_any
        and run.task != RunTask.POST
        and (idle or stalled),
        "may_bill": billing,
    }


def progress(run: BillingRun, *, stalled: bool) -> dict[str, Any] | None:
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


# A person's lines count towards what the run posts in these statuses (a held person's once a
# senior officer releases them); an excluded or changed person's lines are worked out but kept
# out, so they count as nothing posted.
POSTS = frozenset(
    {PersonStatus.READY, PersonStatus.HELD, PersonStatus.RELEASED, PersonStatus.POSTED}
)


def this_run_pence(row: RunPerson) -> int:
    """What the run invoices the person, net of credits (nothing if they are kept out)."""
    return row.invoiced_pence + row.credited_pence if row.status in POSTS else 0


def hidden(person: Any, may_see_restricted: bool) -> bool:
    return bool(person.restricted) and not may_see_restricted


def person_row(
    row: RunPerson,
    *,
    previous: dict[int, int] | None,
    invoices: list[Invoice] | None = None,
    may_see_restricted: bool,
) -> dict[str, Any]:
    """One person in the run's table. ``previous`` is last run's posted totals by person (None
    when there was no earlier posted run): the change since then is this run's net invoiced
    amount less what was invoiced (net) last time."""
    person = row.person
    masked = hidden(person, may_see_restricted)
    worked_out = row.invoiced_pence + row.credited_pence
    this_run = this_run_pence(row)
    last = None if previous is None else previous.get(row.person_id, 0)
    return {
        "pk": row.pk,
        "href": reverse("billing:person", args=[row.pk]),
        "hidden": masked,
        "restricted": person.restricted,
        "name": RESTRICTED if masked else person.full_name,
        "person_href": None if masked else reverse("people:detail", args=[person.pk]),
        # A restricted record shows nothing that identifies the person or their finances.
        "reference": "" if masked else person.account_reference,
        "status": row.get_status_display(),
        "status_value": row.status,
        "status_tag": STATUS_TAGS[PersonStatus(row.status)],
        "to_invoice": "" if masked else money(row.invoiced_pence),
        "to_credit": "" if masked else money(row.credited_pence),
        "not_invoiced": "" if masked else money(row.not_invoiced_pence),
        "backdated": "" if masked else money(row.backdated_pence),
        "this_run": "" if masked else change(this_run),
        "kept_out": "" if masked or this_run == worked_out else change(worked_out),
        "last_run": "" if masked else money(last),
        "since_last": "" if masked else change(None if last is None else this_run - last),
        "lines": 0 if masked else len(row.lines),
        "problem": "" if masked else row.problem,
        "invoices": [] if masked else [invoice_link(i) for i in invoices or []],
    }


def invoice_link(invoice: Invoice) -> dict[str, Any]:
    return {
        "pk": invoice.pk,
        "number": invoice.number,
        "kind": invoice.get_kind_display(),
        "is_credit": invoice.kind == InvoiceKind.CREDIT_NOTE,
        "total": money(invoice.total_pence),
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "debtor": invoice.debtor,
        "pdf_href": reverse("billing:invoice_pdf", args=[invoice.pk]),
        "issued": invoice.document_id is not None,
    }


def problem_groups(groups: list[ProblemGroup], *, may_see_restricted: bool) -> list[dict[str, Any]]:
    shown = []
    for group in groups:
        problems = []
        for problem in group.problems:
            person = problem.person
            masked = person is not None and hidden(person, may_see_restricted)
            row_pk = group.row_ids.get(problem.person_id) if problem.person_id else None
            problems.append(
                {
                    "name": (
                        "Not about one person"
                        if person is None
                        else RESTRICTED
                        if masked
                        else person.full_name
                    ),
                    "hidden": masked,
                    "reference": "" if masked or person is None else person.account_reference,
                    "person_href": (
                        None
                        if masked or person is None
                        else reverse("people:detail", args=[person.pk])
                    ),
                    "row_href": (
                        None
                        if masked or row_pk is None
                        else reverse("billing:person", args=[row_pk])
                    ),
                    "message": HIDDEN_REASON if masked else problem.message,
                }
            )
        shown.append(
            {
                "check": group.check,
                "title": group.title,
                "blocker": group.severity == Severity.BLOCKER,
                "count": group.count,
                "problems": problems,
                "more": group.count - len(problems),
            }
        )
    return shown


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def line(
    stored: dict[str, Any],
    *,
    debtors: dict[str, str],
    corrects: dict[int, ChargeRecord],
    rows: dict[tuple[int, int], int],
    record: ChargeRecord | None = None,
) -> dict[str, Any]:
    """One line of a person's preview (as stored on the run), with the invoice it went on once
    posted and the earlier charge it corrects."""
    week_start, week_end = _day(stored["week"][0]), _day(stored["week"][1])
    days = stored.get("days")
    days_start, days_end = (_day(days[0]), _day(days[1])) if days else (None, None)
    fixed = corrects.get(int(stored["corrects"])) if stored.get("corrects") else None
    fixed_row = rows.get((fixed.run_id, fixed.person_id)) if fixed is not None else None
    amount = int(stored["amount_pence"])
    return {
        "key": stored["key"],
        "kind": KINDS.get(stored["kind"], stored["kind"]),
        "week": period_words(week_start, week_end) if week_start and week_end else "",
        "week_start": week_start,
        "days": (
            period_words(days_start, days_end) if days_start and days_end else "No days charged"
        ),
        "day_count": (days_end - days_start).days + 1 if days_start and days_end else 0,
        "whole_week": bool(days_start and (days_start, days_end) == (week_start, week_end)),
        "description": stored["description"],
        "units": stored.get("units") or "",
        "amount": money(amount),
        "amount_pence": amount,
        "invoiced": bool(stored["invoiced"]),
        "debtor": debtors.get(stored["debtor"], stored["debtor"]),
        "reason": reason_words(stored["reason"]),
        "reason_value": stored["reason"],
        "backdated": bool(stored.get("backdated")),
        "corrects": (
            {
                "text": (
                    f"{money(fixed.amount_pence)} charged in run {fixed.run_id} "
                    f"(to {fixed.run.through_date:%d/%m/%Y})"
                    + (f" on {fixed.invoice.number}" if fixed.invoice is not None else "")
                ),
                "href": reverse("billing:person", args=[fixed_row]) if fixed_row else None,
            }
            if fixed is not None
            else None
        ),
        "trace": [
            {
                "label": step.get("label", ""),
                "amount": money(step["amount_pence"])
                if step.get("amount_pence") is not None
                else "",
                "reference": step.get("reference", ""),
            }
            for step in stored.get("trace") or []
        ],
        "invoice": (
            invoice_link(record.invoice)
            if record is not None and record.invoice is not None
            else None
        ),
    }


def account_charges(
    invoices: list[Invoice], *, debtors: dict[str, str], may_open_runs: bool
) -> list[dict[str, Any]]:
    """A person's invoices and credit notes for their Account tab, each linked to its run's
    lines for the person when the officer may open billing runs."""
    return [
        {
            **invoice_link(invoice),
            "billed_to": debtors.get(invoice.debtor, invoice.debtor),
            "row_href": (
                reverse("billing:person", args=[invoice.row_pk])  # type: ignore[attr-defined]
                if may_open_runs and getattr(invoice, "row_pk", None)
                else None
            ),
        }
        for invoice in invoices
    ]


def person_charges(person: Any, user: Any) -> list[dict[str, Any]]:
    """What the person's Account tab lists under "Charges"."""
    invoices = queries.invoices_for(person)
    return account_charges(
        invoices,
        debtors=queries.debtor_names(i.debtor for i in invoices),
        may_open_runs=has_any_role(user, VIEW_ROLES),
    )
