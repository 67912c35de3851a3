"""Direct Debit records as officers read them: pounds, dates, bank details masked."""

from __future__ import annotations

from datetime import date
from typing import Any

from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.payments.presenters import debtor_name
from carecharge.core.money import format_pounds

from .mandates import describe_instalment
from .models import (
    AuddisInstruction,
    CollectionItem,
    CollectionRun,
    Mandate,
    MandateStatus,
    ReportAction,
    RunState,
)
from .policy import bank_holidays

MANDATE_TAGS = {
    MandateStatus.PENDING: "govuk-tag--yellow",
    MandateStatus.LODGED: "govuk-tag--blue",
    MandateStatus.LIVE: "govuk-tag--green",
    MandateStatus.REJECTED: "govuk-tag--red",
    MandateStatus.CANCELLED: "govuk-tag--grey",
}
RUN_TAGS = {
    RunState.BUILT: "govuk-tag--blue",
    RunState.SETTLED: "govuk-tag--green",
    RunState.CANCELLED: "govuk-tag--grey",
}
CODE_MEANINGS = {
    "01": "First collection",
    "17": "Regular collection",
    "18": "Presented again",
    "19": "Final collection",
}
ACTION_LABELS = {
    "returned": "Returned unpaid",
    "represent": "To be presented again",
    "recovery": "Left for recovery",
    "mandate_cancelled": "Mandate cancelled",
    "details_changed": "Bank details changed",
    "reinstated": "Mandate live again",
    "rejected": "Mandate rejected",
    "requeued": "Instruction queued again",
    "live": "Mandate live",
    "accepted": "File accepted",
    "claimed": "Claimed back (indemnity)",
    "withdrawn": "Claim withdrawn",
    "noted": "Noted",
}
RECEIPT_ACTIONS = {"returned", "claimed"}
HISTORY_LABELS = {
    "create": "Set up",
    "update": "Changed",
    "directdebit.lodged": "Sent to Bacs",
    "directdebit.live": "Live",
    "directdebit.cancelled": "Cancelled",
    "directdebit.rejected": "Rejected",
}
# Bank details are personal data: an account number is shown only by its last four digits.
MASKED_FIELDS = {"account_number"}


def masked_account(number: str) -> str:
    return f"****{number[-4:]}" if number else ""


def sort_code(code: str) -> str:
    return f"{code[:2]}-{code[2:4]}-{code[4:]}" if len(code) == 6 else code


def mandate_row(mandate: Mandate) -> dict[str, Any]:
    return {
        "pk": mandate.pk,
        "reference": mandate.reference,
        "payer": mandate.payer_name,
        "bacs_name": mandate.bacs_name,
        "debtor": debtor_name(mandate.account),
        "account_code": mandate.account.code,
        "bank": f"{sort_code(mandate.sort_code)}, {masked_account(mandate.account_number)}",
        "basis": describe_instalment(mandate) or "The balance due",
        "status": mandate.get_status_display(),
        "status_tag": MANDATE_TAGS[MandateStatus(mandate.status)],
    }


def instruction_row(instruction: AuddisInstruction) -> dict[str, Any]:
    if instruction.withdrawn_at is not None:
        state = f"Withdrawn, never sent: {instruction.withdrawn_reason}"
    elif instruction.file is not None:
        state = f"Sent in AUDDIS file {instruction.file.serial_number:06d}"
    else:
        state = "Waiting for the next AUDDIS file"
    return {
        "code": instruction.code,
        "label": instruction.get_code_display(),
        "mandate_pk": instruction.mandate_id,
        "reference": instruction.mandate.reference,
        "payer": instruction.mandate.bacs_name,
        "reason": instruction.reason,
        "queued_on": instruction.queued_on,
        "file_pk": instruction.file_id,
        "state": state,
    }


def item_row(item: CollectionItem) -> dict[str, Any]:
    returned = getattr(item, "returned", None)
    return {
        "pk": item.pk,
        "code": item.transaction_code,
        "meaning": CODE_MEANINGS.get(item.transaction_code, ""),
        "reference": item.reference,
        "mandate_pk": item.mandate_id,
        "payer": item.bacs_name,
        "bank": f"{sort_code(item.sort_code)}, {masked_account(item.account_number)}",
        "amount": format_pounds(item.amount_pence),
        "receipt": item.receipt.number if item.receipt is not None else "",
        "returned": returned.get_kind_display() if returned is not None else "",
        "returned_why": returned.description if returned is not None else "",
        "outcome": returned.get_outcome_display() if returned is not None else "",
    }


def run_row(run: CollectionRun) -> dict[str, Any]:
    return {
        "pk": run.pk,
        "collection_date": run.collection_date,
        "processing_day": run.processing_day,
        "input_day": run.input_day,
        "built_on": run.built_on,
        "state": run.get_state_display(),
        "state_tag": RUN_TAGS[RunState(run.state)],
        "items": run.item_count,
        "total": format_pounds(run.total_pence),
        "held_back": len(run.skipped),
        "serial": f"{run.file.serial_number:06d}",
    }


def skipped_rows(skipped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "reference": s["reference"],
            "account": s["account"],
            "amount": format_pounds(int(s["amount_pence"])),
            "reason": s["reason"],
        }
        for s in skipped
    ]


def action_row(action: ReportAction) -> dict[str, Any]:
    item = action.item
    # Only a return or a claim acted on the receipt; other actions on the item did not.
    receipt = item.receipt if item is not None and action.action in RECEIPT_ACTIONS else None
    return {
        "line": action.line,
        "reference": action.reference,
        "mandate_pk": action.mandate_id,
        "action": action.action,
        "label": ACTION_LABELS.get(action.action, action.action.replace("_", " ").capitalize()),
        "detail": action.detail,
        "run_pk": item.run_id if item is not None else None,
        "receipt": receipt.number if receipt is not None else "",
    }


def _shown(field: str, value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if field in MASKED_FIELDS:
        return masked_account(str(value))
    return str(value)


def history_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "when": event.occurred_at,
        "who": event.actor_name or "system",
        "action": HISTORY_LABELS.get(event.action, event.action.replace("_", " ").capitalize()),
        "reason": event.reason,
        "changes": [
            f"{field.replace('_', ' ').capitalize()}: {_shown(field, before)} → "
            f"{_shown(field, after)}"
            for field, (before, after) in event.changes.items()
            if field in {"status", "sort_code", "account_number", "live_from", "ended_on"}
        ],
    }


def not_a_bacs_day(day: date) -> str | None:
    """Why Bacs cannot debit payers on ``day`` (a weekend or which bank holiday), or None."""
    shown = f"{day:%A} {day.day} {day:%B %Y}"
    if day.weekday() >= 5:
        return f"{shown} is a weekend: Bacs collects only on weekdays"
    if day in bank_holidays(day):
        import holidays

        name = holidays.country_holidays("GB", subdiv="ENG", years=[day.year]).get(day)
        return (
            f"{shown} is a bank holiday in England and Wales ({name}): Bacs does not process on "
            "bank holidays"
        )
    return None
