"""The payment card: a letter giving a debtor their payment reference and every way to pay
(issue 5, item 1), kept in the documents store as a reproducible PDF like every letter."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from django.db import transaction

from carecharge.apps.billing.invoice_recipients import NoRecipient
from carecharge.apps.billing.invoices import council_for_bills
from carecharge.apps.billing.statements import party, statement_addressee
from carecharge.apps.documents.models import Document, DocumentKind, DocumentVariant
from carecharge.apps.documents.operations import DocumentError, render_document, store_document
from carecharge.apps.ledger.models import AccountKind, LedgerAccount
from carecharge.core.letters.wording import long_date
from carecharge.core.rules import RuleError

SCHEMA: Final = 1


class CardError(ValueError):
    pass


def issue_payment_card(
    account: LedgerAccount, *, on: date, actor: Any, variant: str | None = None
) -> Document:
    """Render and keep the account's payment card, dated ``on``, addressed as its statements
    are. An organisation's has no service user to be filed under and is refused."""
    if account.kind != AccountKind.DEBTOR:
        raise CardError(f"{account.code} is not a debtor's account")
    if variant is not None and variant not in DocumentVariant.values:
        raise CardError(f"variant: {variant!r} is not standard or large_print")
    who = party(account)
    if who.person is None:
        raise CardError(
            f"account: {who.name}'s payment card cannot be kept: stored letters belong to a "
            "service user"
        )
    try:
        to = statement_addressee(account, on)
        chosen = variant or (
            DocumentVariant.LARGE_PRINT if to.large_print else DocumentVariant.STANDARD
        )
        data = {
            "schema": SCHEMA,
            "kind": DocumentKind.PAYMENT_CARD.value,
            "variant": chosen,
            "large_print": chosen == DocumentVariant.LARGE_PRINT,
            "issued_on": on.isoformat(),
            "date": long_date(on),
            "council": council_for_bills(on),
            "recipient": to.as_dict(),
            "account": {"code": account.code, "name": to.debtor_name, "reference": who.reference},
            "person": {
                "name": who.person.full_name,
                "account_reference": who.person.account_reference,
            },
        }
        rendered = render_document(
            kind=DocumentKind.PAYMENT_CARD, variant=chosen, snapshot_data=data
        )
    except (NoRecipient, RuleError, DocumentError) as error:
        raise CardError(str(error)) from None
    with transaction.atomic():
        return store_document(
            rendered=rendered,
            person=who.person,
            recipient=to.recipient,
            issued_on=on,
            actor=actor,
            reason=f"Payment card for {account.code}",
            source="web",
        )
