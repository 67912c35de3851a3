"""Which debtor a receipt pays, decided by three rules in order, each explained in the trace.

1. **Payment reference.** The narrative quotes a debtor's account reference with a valid check
   digit (``12345674``, ``1234 5674``, ``1234-5674``).
2. **Reference without its check digit.** No valid reference, but the narrative quotes exactly
   the seven digits before a known debtor's check digit (``1234567``).
3. **Invoice amount and surname.** The amount equals what is outstanding on exactly one open
   invoice in the whole council, and the payer's name contains that debtor's surname.

Anything else is left unallocated, with the reason, for an officer. The rules never choose
between debtors: two references, or two invoices of the amount, mean no match.

An eight-digit reference with a wrong check digit is never used. A wrong check digit says
some digit was mistyped, not which: with references issued in sequence nearly every
seven-digit body belongs to somebody, so trusting the body would post the money to a stranger.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from carecharge.core.identifiers import is_valid_account_reference, luhn_check_digit
from carecharge.core.money import format_pounds
from carecharge.core.receipts.types import StatementLine

__all__ = [
    "DebtorRef",
    "Match",
    "OpenInvoice",
    "Rule",
    "Step",
    "duplicate_key",
    "index_open_invoices",
    "match_receipt",
    "reference_candidates",
]

# Digits, possibly broken up by spaces or dashes as people type references ("1234 5674").
_DIGIT_RUN = re.compile(r"[0-9]+(?:[\s\-]+[0-9]+)*", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_NOT_LETTERS = re.compile(r"[^A-Z]+")
_REFERENCE_LENGTH = 8
_BODY_LENGTH = 7


class Rule(StrEnum):
    """Which rule matched a receipt, or that none did."""

    PAYMENT_REFERENCE = "payment_reference"
    REFERENCE_WITHOUT_CHECK_DIGIT = "reference_without_check_digit"
    INVOICE_AMOUNT = "invoice_amount"
    UNALLOCATED = "unallocated"


@dataclass(frozen=True, slots=True)
class DebtorRef:
    """A debtor as matching sees it: the app's id, their account reference and surname.

    For an organisation, ``surname`` is the name it pays under, as a bank shows it.
    """

    debtor_id: str
    reference: str
    surname: str


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice with money still owed: its number, its debtor's reference, pence outstanding."""

    number: str
    debtor_reference: str
    outstanding: int


@dataclass(frozen=True, slots=True)
class Step:
    """One rule tried and what it found, in words an officer can check against the statement."""

    rule: Rule
    finding: str


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome: the rule that matched (or ``UNALLOCATED``), the debtor, the invoice rule 3
    matched on, the reason in one sentence, and every rule tried, in order."""

    rule: Rule
    debtor: DebtorRef | None
    invoice: OpenInvoice | None
    reason: str
    trace: tuple[Step, ...]

    @property
    def matched(self) -> bool:
        return self.debtor is not None


def index_open_invoices(invoices: Iterable[OpenInvoice]) -> dict[int, tuple[OpenInvoice, ...]]:
    """Open invoices by pence outstanding, the shape :func:`match_receipt` reads (built once per
    run, not per receipt)."""
    index: dict[int, list[OpenInvoice]] = {}
    for invoice in invoices:
        index.setdefault(invoice.outstanding, []).append(invoice)
    return {amount: tuple(found) for amount, found in index.items()}


def reference_candidates(text: str, length: int) -> list[str]:
    """Every run of exactly ``length`` digits in ``text``, joined across spaces and dashes.

    Digits are taken in whole groups as written: ``"ref 1234 5674"`` gives ``"12345674"`` for
    length 8, and a 9-digit number never gives an 8-digit candidate. For any other length than
    8, a candidate that one more neighbouring digit would make 8 long is left out: it is an
    eight-digit reference, read as such.
    """
    found: list[str] = []
    for run in _DIGIT_RUN.finditer(text):
        groups = _DIGITS.findall(run.group())
        for first in range(len(groups)):
            total = 0
            for last in range(first, len(groups)):
                total += len(groups[last])
                if total >= length:
                    break
            if total != length:
                continue
            if length != _REFERENCE_LENGTH and _extends_to_reference(groups, first, last, total):
                continue
            candidate = "".join(groups[first : last + 1])
            if candidate not in found:
                found.append(candidate)
    return found


def _extends_to_reference(groups: list[str], first: int, last: int, total: int) -> bool:
    neighbours = [groups[i] for i in (first - 1, last + 1) if 0 <= i < len(groups)]
    return any(total + len(group) == _REFERENCE_LENGTH for group in neighbours)


def match_receipt(
    line: StatementLine,
    *,
    references: Mapping[str, DebtorRef],
    open_invoices: Mapping[int, Sequence[OpenInvoice]],
) -> Match:
    """Decide which debtor ``line`` pays.

    ``references`` maps each debtor's 8-digit account reference to the debtor;
    ``open_invoices`` is :func:`index_open_invoices` of every open invoice in the council.
    """
    trace: list[Step] = []
    if line.amount <= 0:
        return _unallocated(
            trace,
            f"{format_pounds(line.amount)} is not money received, so it is not matched",
        )
    text = line.narrative.upper()
    by_reference = _rule_payment_reference(text, references, trace)
    if by_reference is not None:
        return by_reference
    by_body = _rule_reference_body(text, references, trace)
    if by_body is not None:
        return by_body
    return _rule_invoice_amount(line, references, open_invoices, trace)


def _rule_payment_reference(
    text: str, references: Mapping[str, DebtorRef], trace: list[Step]
) -> Match | None:
    rule = Rule.PAYMENT_REFERENCE
    known: list[DebtorRef] = []
    for candidate in reference_candidates(text, _REFERENCE_LENGTH):
        if not is_valid_account_reference(candidate):
            trace.append(Step(rule, f"{candidate} has a wrong check digit, so it is not used"))
        elif candidate not in references:
            trace.append(
                Step(rule, f"{candidate} has a valid check digit but is no debtor's reference")
            )
        else:
            known.append(references[candidate])
            trace.append(Step(rule, f"{candidate} is the reference of debtor {_who(known[-1])}"))
    if not known:
        trace.append(Step(rule, "no debtor's reference with a valid check digit was found"))
        return None
    if len(known) > 1:
        return _unallocated(trace, _several("references", known))
    return Match(rule, known[0], None, f"the narrative quotes {known[0].reference}", tuple(trace))


def _rule_reference_body(
    text: str, references: Mapping[str, DebtorRef], trace: list[Step]
) -> Match | None:
    rule = Rule.REFERENCE_WITHOUT_CHECK_DIGIT
    known: list[DebtorRef] = []
    for body in reference_candidates(text, _BODY_LENGTH):
        debtor = references.get(body + luhn_check_digit(body))
        if debtor is not None:
            known.append(debtor)
            trace.append(
                Step(rule, f"{body} is the reference of {_who(debtor)} without its check digit")
            )
    if not known:
        trace.append(Step(rule, "no seven digits are a debtor's reference without its check digit"))
        return None
    if len(known) > 1:
        return _unallocated(trace, _several("references without check digits", known))
    reason = f"the narrative quotes {known[0].reference} without its check digit"
    return Match(rule, known[0], None, reason, tuple(trace))


def _rule_invoice_amount(
    line: StatementLine,
    references: Mapping[str, DebtorRef],
    open_invoices: Mapping[int, Sequence[OpenInvoice]],
    trace: list[Step],
) -> Match:
    rule = Rule.INVOICE_AMOUNT
    amount = format_pounds(line.amount)
    invoices = open_invoices.get(line.amount, ())
    if len(invoices) != 1:
        count = "no open invoice is" if not invoices else f"{len(invoices)} open invoices are"
        trace.append(Step(rule, f"{count} for {amount}"))
        return _unallocated(trace, "no reference was found and the amount alone is not enough")
    invoice = invoices[0]
    debtor = references.get(invoice.debtor_reference)
    if debtor is None:
        finding = f"invoice {invoice.number} is for {amount} but its debtor is not known"
        trace.append(Step(rule, finding))
        return _unallocated(trace, "no reference was found and the amount alone is not enough")
    # A statement that gives no payer name often has it in the narrative instead.
    name = line.payer or line.narrative
    if not _names_surname(name, debtor.surname):
        trace.append(
            Step(
                rule,
                f"invoice {invoice.number} ({_who(debtor)}) is the only one for {amount}, but "
                f"the payer '{name}' does not include the surname '{debtor.surname}'",
            )
        )
        return _unallocated(trace, "no reference was found and the amount alone is not enough")
    trace.append(
        Step(
            rule,
            f"invoice {invoice.number} is the only open invoice for {amount} and the payer "
            f"'{name}' includes the surname '{debtor.surname}'",
        )
    )
    reason = f"the amount pays invoice {invoice.number} and the payer's name matches"
    return Match(rule, debtor, invoice, reason, tuple(trace))


def _names_surname(name: str, surname: str) -> bool:
    wanted = _words(surname)
    have = _words(name)
    if not wanted:
        return False
    return any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))


def _words(text: str) -> list[str]:
    # Apostrophes vanish (O'Brien is OBRIEN on most bank systems); other marks split words.
    return _NOT_LETTERS.sub(" ", text.upper().replace("'", "").replace("’", "")).split()


def _who(debtor: DebtorRef) -> str:
    return f"{debtor.debtor_id} ({debtor.surname})"


def _several(what: str, debtors: list[DebtorRef]) -> str:
    listed = ", ".join(f"{debtor.reference} ({debtor.surname})" for debtor in debtors)
    return f"the narrative quotes {len(debtors)} debtors' {what} ({listed}); an officer decides"


def _unallocated(trace: list[Step], reason: str) -> Match:
    return Match(Rule.UNALLOCATED, None, None, reason, tuple(trace))


def duplicate_key(line: StatementLine) -> str:
    """The key that stops the same transaction being posted twice, across files and re-imports.

    The bank's transaction id with the account it is on where the bank gives one; otherwise
    the line's stable hash of account, date, amount, narrative and occurrence in its file.
    """
    if line.bank_transaction_id is not None:
        return f"bank:{line.account}:{line.bank_transaction_id}"
    return line.transaction_id
