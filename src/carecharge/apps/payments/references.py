"""Payment references: what each debtor quotes when paying (decision 0008).

A service user's payment reference is their account reference (seven digits and a Luhn check
digit, decision 0002). A top-up payer or an organisation gets one from the top of the same
8-digit space (sequence 9,000,000 and up), so every reference on every invoice, statement and
payment card has the same shape and the same check, and no two debtors can share one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from carecharge.apps.billing.numbers import take_numbers
from carecharge.apps.ledger.models import AccountKind, LedgerAccount
from carecharge.apps.people.models import ServiceUser
from carecharge.core.identifiers import make_account_reference

from .models import PaymentReference

OTHER_DEBTORS_FROM = 9_000_000
SEQUENCE = "payment_reference"


class ReferenceError(ValueError):
    pass


def _next_other_reference() -> str:
    _, number = take_numbers(SEQUENCE, first=OTHER_DEBTORS_FROM)
    return make_account_reference(number)


def reference_for(account: LedgerAccount) -> str:
    """The debtor account's payment reference, given one the first time it is asked for."""
    if account.kind != AccountKind.DEBTOR:
        raise ReferenceError(f"{account.code} is not a debtor's account: it has no reference")
    found = PaymentReference.objects.filter(account=account).first()
    if found is not None:
        return found.reference
    with transaction.atomic():
        if account.person_id is not None:
            reference = ServiceUser.objects.get(pk=account.person_id).account_reference
        else:
            reference = _next_other_reference()
        PaymentReference.objects.get_or_create(
            account=account, defaults={"reference": reference, "created_at": timezone.now()}
        )
    return PaymentReference.objects.get(account=account).reference


def account_for_reference(reference: str) -> LedgerAccount | None:
    """The debtor account a valid reference belongs to (a service user's account is opened if
    they have never been billed), or None."""
    from carecharge.apps.ledger.operations import account_for_person

    cleaned = reference.strip()
    found = PaymentReference.objects.filter(reference=cleaned).select_related("account").first()
    if found is not None:
        return found.account
    person = ServiceUser.objects.filter(account_reference=cleaned).first()
    if person is None:
        return None
    account = account_for_person(person)
    reference_for(account)
    return account


def known_references() -> dict[str, str]:
    """Every debtor's payment reference, with the name of the debtor's account, for matching
    (service users who have never been billed included)."""
    found = dict(
        PaymentReference.objects.values_list("reference", "account__name").order_by("reference")
    )
    for reference in ServiceUser.objects.values_list("account_reference", flat=True):
        found.setdefault(reference, f"Service user {reference}")
    return found
