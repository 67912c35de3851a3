"""Account codes: how a ledger account is named from the party or income code it is for.

Codes are the ledger's stable names (they appear in exports and in the trial balance); the
prefixes keep the families apart so that no two parties can ever be given the same code.
"""

from __future__ import annotations

from enum import StrEnum

from carecharge.core.ledger.entries import LedgerError

__all__ = [
    "BANK",
    "SUSPENSE",
    "SYSTEM_CODES",
    "WRITE_OFF",
    "AccountKind",
    "income_code",
    "organisation_code",
    "payer_code",
    "person_code",
]


class AccountKind(StrEnum):
    DEBTOR = "debtor"
    """Money owed to the council by one party: a service user, a third-party payer, an
    integrated care board or another council. Together they are the receivables control."""
    INCOME = "income"
    """Charges earned, one account per ledger income code (cost centre and subjective)."""
    BANK = "bank"
    SUSPENSE = "suspense"
    """Money received that cannot yet be matched to a debtor."""
    DEFERRED = "deferred"
    """Amounts deferred under a deferred payment agreement."""
    WRITE_OFF = "write_off"
    """Debts written off as not recoverable."""


BANK = "BANK"
SUSPENSE = "SUSPENSE"
WRITE_OFF = "WRITEOFF"

SYSTEM_CODES: dict[AccountKind, str] = {
    AccountKind.BANK: BANK,
    AccountKind.SUSPENSE: SUSPENSE,
    AccountKind.WRITE_OFF: WRITE_OFF,
}
"""The council's single accounts of these kinds."""


def _present(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LedgerError(f"{what} is needed to name its ledger account")
    return value.strip()


def person_code(account_reference: str) -> str:
    """A service user's debtor account: ``D-`` and the account reference, ``D-00000018``."""
    return f"D-{_present(account_reference, 'the account reference')}"


def payer_code(payer_id: int) -> str:
    """A third-party payer's debtor account, ``D-TP12``."""
    if isinstance(payer_id, bool) or not isinstance(payer_id, int) or payer_id <= 0:
        raise LedgerError(f"a third-party payer's id must be a positive whole number: {payer_id!r}")
    return f"D-TP{payer_id}"


def organisation_code(code: str) -> str:
    """An organisation's debtor account (an ICB or another council), ``D-ORG-QWE``."""
    return f"D-ORG-{_present(code, 'the organisation code')}"


def income_code(code: str) -> str:
    """An income account, ``I-`` and the ledger income code: ``I-ASC100/9001``."""
    return f"I-{_present(code, 'the income code')}"
