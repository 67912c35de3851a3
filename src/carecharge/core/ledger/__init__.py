"""The ledger's rules, in pure Python: postings, balanced transactions and account codes.

Usage::

    from carecharge.core import ledger
    entry = ledger.transfer("receipt:981", effective_date=date(2026, 5, 1), source="receipt",
                            source_id="981", description="Payment, thank you",
                            debit=ledger.BANK, credit=ledger.person_code("00000018"), pence=2000)
    ledger.check(entry)          # raises LedgerError with an officer's message if it is wrong

The apps write what this builds (`carecharge.apps.ledger.operations.post`); nothing here
touches a database or reads the clock.
"""

from carecharge.core.ledger.build import Line, balances, compound, reversal, transfer
from carecharge.core.ledger.codes import (
    BANK,
    SUSPENSE,
    SYSTEM_CODES,
    WRITE_OFF,
    AccountKind,
    income_code,
    organisation_code,
    payer_code,
    person_code,
)
from carecharge.core.ledger.entries import (
    ACCOUNT_MAX,
    DESCRIPTION_MAX,
    KEY_MAX,
    MEMO_MAX,
    SOURCE_ID_MAX,
    SOURCE_MAX,
    LedgerError,
    Posting,
    Transaction,
    check,
)

__all__ = [
    "ACCOUNT_MAX",
    "BANK",
    "DESCRIPTION_MAX",
    "KEY_MAX",
    "MEMO_MAX",
    "SOURCE_ID_MAX",
    "SOURCE_MAX",
    "SUSPENSE",
    "SYSTEM_CODES",
    "WRITE_OFF",
    "AccountKind",
    "LedgerError",
    "Line",
    "Posting",
    "Transaction",
    "balances",
    "check",
    "compound",
    "income_code",
    "organisation_code",
    "payer_code",
    "person_code",
    "reversal",
    "transfer",
]
