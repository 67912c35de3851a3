"""Statements of account: a debtor account's movements over any dates, with the opening,
running and closing balances, read from the ledger's postings.

The same figures are shown on screen and printed; issuing a statement freezes them in a
snapshot and keeps the PDF in the documents store, so a statement sent in May still shows what
it said in May after later corrections are posted with earlier dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django.db import transaction

from carecharge.apps.documents.models import Document, DocumentKind, DocumentVariant
from carecharge.apps.documents.operations import DocumentError, render_document, store_document
from carecharge.apps.ledger import queries as ledger
from carecharge.apps.ledger.models import AccountKind, LedgerAccount
from carecharge.apps.people.models import Organisation, ServiceUser, ThirdPartyPayer
from carecharge.core.letters.wording import long_date
from carecharge.core.money import format_pounds
from carecharge.core.rules import RuleError

from .invoice_recipients import Addressee, NoRecipient, addressee, debtor_string
from .invoices import TITLES, council_for_bills
from .models import Invoice, InvoiceKind
from .wording import balance_words, closing_words

SCHEMA: Final = 1
EARLIEST: Final = date(2000, 1, 1)
"""No statement starts before this (a typing slip, not a real request)."""


class StatementError(ValueError):
    """A statement cannot be produced or issued; the message names the field and says why."""


@dataclass(frozen=True)
class Party:
    """Whose account it is: the service user the documents belong to, and the debtor."""

    person: ServiceUser | None
    debtor: str
    name: str
    reference: str
    """What they quote: the person's account reference, else the account code."""


def debtor_account(code: str) -> LedgerAccount | None:
    """The debtor account with this code, or None (statements are only of debtor accounts)."""
    return (
        LedgerAccount.objects.select_related("person", "payer__person", "organisation")
        .filter(code=code, kind=AccountKind.DEBTOR)
        .first()
    )


def party(account: LedgerAccount) -> Party:
    organisation: Organisation | None = account.organisation
    payer: ThirdPartyPayer | None = account.payer
    debtor = debtor_string(
        person_id=account.person_id,
        payer_id=account.payer_id,
        organisation_code=organisation.code if organisation is not None else None,
    )
    # Payments builds on billing; a payer or organisation quotes its own payment reference
    # (decision 8), given the first time one is needed.
    from carecharge.apps.payments.references import reference_for

    if payer is not None:
        return Party(payer.person, debtor, payer.name, reference_for(account))
    if organisation is not None:
        return Party(None, debtor, organisation.name, reference_for(account))
    person: ServiceUser = account.person  # type: ignore[assignment]
    return Party(person, debtor, person.full_name, person.account_reference)


def check_dates(start: date, end: date) -> None:
    if start > end:
        raise StatementError(f"to: the statement cannot end ({long_date(end)}) before it starts")
    if start < EARLIEST:
        raise StatementError(f"from: statements start on or after {long_date(EARLIEST)}")


def figures(account: LedgerAccount, start: date, end: date) -> dict[str, Any]:
    """The statement's rows and balances, formatted, from the ledger (on screen and printed)."""
    check_dates(start, end)
    found = ledger.statement(account, start, end)
    memos = {row.memo for row in found.rows if row.memo}
    kinds = dict(
        Invoice.objects.filter(account=account, number__in=memos).values_list("number", "kind")
    )
    rows = []
    debits = credits = 0
    for row in found.rows:
        kind = kinds.get(row.memo)
        debits += row.debit_pence or 0
        credits += row.credit_pence or 0
        rows.append(
            {
                "date": long_date(row.effective_date),
                "on": row.effective_date.isoformat(),
                # An invoice or credit note is named as such; anything else (payments, refunds,
                # write-offs, when they come) by the ledger's own description.
                "description": TITLES[InvoiceKind(kind)] if kind else row.description,
                "number": row.memo if kind else "",
                "debit": format_pounds(row.debit_pence) if row.debit_pence else "",
                "credit": format_pounds(row.credit_pence) if row.credit_pence else "",
                "balance": balance_words(row.balance_pence),
                "balance_pence": row.balance_pence,
            }
        )
    return {
        "from": long_date(start),
        "to": long_date(end),
        "from_iso": start.isoformat(),
        "to_iso": end.isoformat(),
        "opening": balance_words(found.opening_pence),
        "opening_pence": found.opening_pence,
        "rows": rows,
        "total_debits": format_pounds(debits),
        "total_credits": format_pounds(credits),
        "closing": balance_words(found.closing_pence),
        "closing_pence": found.closing_pence,
        "closing_words": closing_words(found.closing_pence),
    }


def statement_addressee(account: LedgerAccount, on: date) -> Addressee:
    who = party(account)
    return addressee(who.person, who.debtor, on=on)


def statement_snapshot(
    account: LedgerAccount, start: date, end: date, *, on: date, to: Addressee, variant: str
) -> dict[str, Any]:
    """Everything a printed statement shows, dated ``on``."""
    who = party(account)
    person = who.person
    died = person.date_of_death if person is not None else None
    return {
        "schema": SCHEMA,
        "kind": DocumentKind.STATEMENT.value,
        "variant": variant,
        "large_print": variant == DocumentVariant.LARGE_PRINT,
        "issued_on": on.isoformat(),
        "date": long_date(on),
        "council": council_for_bills(on),
        "recipient": to.as_dict(),
        "account": {
            "code": account.code,
            "name": to.debtor_name,
            "reference": who.reference,
            "their_reference": to.their_reference,
        },
        "person": {
            "name": person.full_name if person is not None else "",
            "account_reference": person.account_reference if person is not None else "",
            "deceased": died is not None,
            "date_of_death": long_date(died) if died else "",
        },
        "statement": figures(account, start, end),
    }


def render_statement(
    account: LedgerAccount, start: date, end: date, *, on: date, variant: str | None = None
) -> tuple[Addressee, dict[str, Any], Any]:
    """Address, snapshot and render a statement (not stored). Raises `StatementError`."""
    if variant is not None and variant not in DocumentVariant.values:
        raise StatementError(f"variant: {variant!r} is not a kind of print (standard, large_print)")
    try:
        to = statement_addressee(account, on)
        chosen = variant or (
            DocumentVariant.LARGE_PRINT if to.large_print else DocumentVariant.STANDARD
        )
        data = statement_snapshot(account, start, end, on=on, to=to, variant=chosen)
        rendered = render_document(kind=DocumentKind.STATEMENT, variant=chosen, snapshot_data=data)
    except (NoRecipient, RuleError, DocumentError) as error:
        raise StatementError(str(error)) from None
    return to, data, rendered


def issue_statement(
    account: LedgerAccount,
    start: date,
    end: date,
    *,
    on: date,
    actor: Any,
    variant: str | None = None,
    source: str = "web",
) -> Document:
    """Render a statement and keep it in the documents store, dated ``on``.

    A statement belongs to the service user whose account (or whose top-up payer's account) it
    is; an organisation's statement has no single person to file it under, so it can be viewed
    and downloaded but not stored yet.
    """
    who = party(account)
    if who.person is None:
        raise StatementError(
            f"account: {who.name}'s statement can be viewed and downloaded, but not stored: "
            "stored documents belong to a service user"
        )
    to, _, rendered = render_statement(account, start, end, on=on, variant=variant)
    with transaction.atomic():
        return store_document(
            rendered=rendered,
            person=who.person,
            recipient=to.recipient,
            issued_on=on,
            actor=actor,
            reason=(
                f"Statement of account {account.code} from {long_date(start)} to {long_date(end)}"
            ),
            source=source,
        )


def issued_for(account: LedgerAccount) -> list[Document]:
    """Statements already stored for the account's person, newest first (for the screen)."""
    who = party(account)
    if who.person is None:
        return []
    return list(
        Document.objects.filter(
            person=who.person, kind=DocumentKind.STATEMENT, snapshot__account__code=account.code
        )
        .defer("pdf")
        .order_by("-created_at", "-pk")
    )
