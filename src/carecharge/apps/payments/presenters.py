"""Payments as officers read them: pounds, dates, who the debtor is."""

from __future__ import annotations

from typing import Any

from carecharge.apps.ledger.models import LedgerAccount
from carecharge.core.money import format_pounds

from .models import Channel, MatchRule, Receipt, Refund, RefundMethod, RefundState


def debtor_name(account: LedgerAccount | None) -> str:
    if account is None:
        return "Unallocated (suspense)"
    person = account.person
    if person is not None:
        return f"{person.forename} {person.surname} ({person.account_reference})"
    return account.name


def receipt_row(receipt: Receipt, account: LedgerAccount | None) -> dict[str, Any]:
    """``account``: the one the receipt is on now (None: in the unallocated queue)."""
    reversed_ = bool(getattr(receipt, "reversed", False))
    in_suspense = account is None
    return {
        "number": receipt.number,
        "received_on": receipt.received_on,
        "channel": Channel(receipt.channel).label,
        "amount": format_pounds(receipt.amount_pence),
        "payer": receipt.payer_name,
        "reference": receipt.reference_text,
        "debtor": debtor_name(account),
        "matched_by": MatchRule(receipt.match_rule).label,
        "status": "Reversed" if reversed_ else ("Unallocated" if in_suspense else "On account"),
        "status_tag": "govuk-tag--red"
        if reversed_
        else ("govuk-tag--yellow" if in_suspense else "govuk-tag--green"),
    }


REFUND_TAGS = {
    RefundState.REQUESTED: "govuk-tag--yellow",
    RefundState.APPROVED: "govuk-tag--blue",
    RefundState.REJECTED: "govuk-tag--red",
    RefundState.PAID: "govuk-tag--green",
}


def refund_row(refund: Refund) -> dict[str, Any]:
    bank = ""
    if refund.method == RefundMethod.BACS:
        sort = refund.sort_code
        bank = f"{sort[:2]}-{sort[2:4]}-{sort[4:]}, account ending {refund.account_number[-4:]}"
    return {
        "number": refund.number,
        "debtor": debtor_name(refund.account),
        "amount": format_pounds(refund.amount_pence),
        "payee": refund.payee_name,
        "method": RefundMethod(refund.method).label,
        "bank": bank,
        "state": RefundState(refund.state).label,
        "state_tag": REFUND_TAGS[RefundState(refund.state)],
        "requested": refund.requested_at,
        "requested_by": refund.requested_by.get_username(),
        "decided_by": refund.decided_by.get_username() if refund.decided_by else "",
    }
