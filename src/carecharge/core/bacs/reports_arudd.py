"""ARUDD: the Automated Return of Unpaid Direct Debits.

The paying banks return collections they did not pay; each comes back in the ARUDD with the
original collection's reference, amount and a reason. The numeric ``returnCode`` differs between
banks and samples (0026 and 0128 both mean "refer to payer"), so the reason is read from the
*description* text through a map a council can extend (:data:`DEFAULT_ARUDD_REASONS`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from carecharge.core.bacs.reports_common import Element, Where, show_pence

__all__ = [
    "DEFAULT_ARUDD_REASONS",
    "AruddReason",
    "AruddReport",
    "OriginatingAccountReturns",
    "ReturnedDebit",
    "normalise_description",
    "parse_arudd",
]

_REPORT = "ARUDD"
_DEBIT_CODES = frozenset({"01", "17", "18", "19"})
_SPACES = re.compile(r"\s+")


class AruddReason(StrEnum):
    """Why a paying bank returned a collection (Bacs ARUDD reason codes 0-9, A, B)."""

    REFER_TO_PAYER = "refer_to_payer"  # 0: usually no funds; may be re-presented (code 18)
    INSTRUCTION_CANCELLED = "instruction_cancelled"  # 1
    PAYER_DECEASED = "payer_deceased"  # 2
    ACCOUNT_TRANSFERRED = "account_transferred"  # 3
    ADVANCE_NOTICE_DISPUTED = "advance_notice_disputed"  # 4
    NO_ACCOUNT = "no_account"  # 5: no account, or the wrong type of account
    NO_INSTRUCTION = "no_instruction"  # 6
    AMOUNT_DIFFERS = "amount_differs"  # 7
    AMOUNT_NOT_YET_DUE = "amount_not_yet_due"  # 8
    PRESENTATION_OVERDUE = "presentation_overdue"  # 9
    SERVICE_USER_DIFFERS = "service_user_differs"  # A
    ACCOUNT_CLOSED = "account_closed"  # B

    @property
    def may_represent(self) -> bool:
        """Whether the scheme lets the collection be presented again (transaction code 18)."""
        return self is AruddReason.REFER_TO_PAYER


DEFAULT_ARUDD_REASONS: Mapping[str, AruddReason] = MappingProxyType(
    {
        "REFER TO PAYER": AruddReason.REFER_TO_PAYER,
        "INSTRUCTION CANCELLED": AruddReason.INSTRUCTION_CANCELLED,
        "PAYER DECEASED": AruddReason.PAYER_DECEASED,
        "ACCOUNT TRANSFERRED": AruddReason.ACCOUNT_TRANSFERRED,
        "ADVANCE NOTICE DISPUTED": AruddReason.ADVANCE_NOTICE_DISPUTED,
        "NO ACCOUNT": AruddReason.NO_ACCOUNT,
        "NO INSTRUCTION": AruddReason.NO_INSTRUCTION,
        "AMOUNT DIFFERS": AruddReason.AMOUNT_DIFFERS,
        "AMOUNT NOT YET DUE": AruddReason.AMOUNT_NOT_YET_DUE,
        "PRESENTATION OVERDUE": AruddReason.PRESENTATION_OVERDUE,
        "SERVICE USER DIFFERS": AruddReason.SERVICE_USER_DIFFERS,
        "ACCOUNT CLOSED": AruddReason.ACCOUNT_CLOSED,
    }
)
"""Description text (normalised by :func:`normalise_description`) -> reason."""


@dataclass(frozen=True, slots=True)
class ReturnedDebit:
    """One unpaid collection."""

    reference: str
    transaction_code: str
    return_code: str
    description: str
    reason: AruddReason
    original_processing_date: date
    amount_pence: int
    payer_sort_code: str
    payer_account_number: str
    payer_name: str
    line: int


@dataclass(frozen=True, slots=True)
class OriginatingAccountReturns:
    """The returns against one of the council's collection accounts, with the bank's totals."""

    sort_code: str
    account_number: str
    name: str
    items: tuple[ReturnedDebit, ...]
    total_count: int
    total_pence: int


@dataclass(frozen=True, slots=True)
class AruddReport:
    """A whole ARUDD advice."""

    processing_date: date
    service_user_number: str
    service_user_name: str
    advice_number: str | None
    report_type: str | None
    accounts: tuple[OriginatingAccountReturns, ...]

    @property
    def items(self) -> tuple[ReturnedDebit, ...]:
        """Every returned collection, across all originating accounts."""
        return tuple(item for account in self.accounts for item in account.items)

    @property
    def total_pence(self) -> int:
        """The value of every returned collection."""
        return sum(account.total_pence for account in self.accounts)


def normalise_description(text: str) -> str:
    """Upper case with runs of spaces collapsed: the key into an ARUDD reason map."""
    return _SPACES.sub(" ", text).strip().upper()


def parse_arudd(arudd: Element, reasons: Mapping[str, AruddReason]) -> AruddReport:
    """Read ``BACSDocument/Data/ARUDD``; refuse unknown reasons and totals that don't add up."""
    keyed = {normalise_description(text): reason for text, reason in reasons.items()}
    header = arudd.find("Header")
    if header is None:
        raise Where(_REPORT, arudd).fail("Header is missing")
    head = Where(_REPORT, header)
    licence_element = arudd.find("ServiceLicenseInformation")
    if licence_element is None:
        raise Where(_REPORT, arudd).fail("ServiceLicenseInformation is missing")
    licence = Where(_REPORT, licence_element)
    records = arudd.path("Advice", "OriginatingAccountRecords")
    if records is None:
        raise Where(_REPORT, arudd).fail("Advice/OriginatingAccountRecords is missing")
    accounts = tuple(
        _originating_account(record, keyed)
        for record in records.find_all("OriginatingAccountRecord")
    )
    return AruddReport(
        processing_date=head.required_date("currentProcessingDate"),
        service_user_number=licence.service_user_number("userNumber"),
        service_user_name=licence.optional("userName") or "",
        advice_number=head.optional("adviceNumber"),
        report_type=head.optional("reportType"),
        accounts=accounts,
    )


def _originating_account(
    record: Element, reasons: Mapping[str, AruddReason]
) -> OriginatingAccountReturns:
    account_element = record.find("OriginatingAccount")
    if account_element is None:
        raise Where(_REPORT, record).fail("OriginatingAccount is missing")
    account = Where(_REPORT, account_element)
    sort_code = account.required_sort_code("sortCode")
    number = account.required_account("number")
    items = tuple(_item(item, reasons) for item in record.find_all("ReturnedDebitItem"))
    totals_element = record.find("Totals")
    if totals_element is None:
        raise Where(_REPORT, record).fail("Totals is missing")
    totals = Where(_REPORT, totals_element, f"account {sort_code} {number}")
    totals.currency()
    count = totals.count("numberOf")
    value = totals.pence("valueOf")
    item_value = sum(item.amount_pence for item in items)
    if count != len(items):
        raise totals.fail(f"numberOf {count} does not equal the {len(items)} returned items")
    if value != item_value:
        raise totals.fail(
            f"valueOf {show_pence(value)} does not equal the sum of the returned items "
            f"{show_pence(item_value)}"
        )
    return OriginatingAccountReturns(
        sort_code=sort_code,
        account_number=number,
        name=account.optional("name") or "",
        items=items,
        total_count=len(items),
        total_pence=value,
    )


def _item(element: Element, reasons: Mapping[str, AruddReason]) -> ReturnedDebit:
    reference = Where(_REPORT, element).text("ref")
    item = Where(_REPORT, element, f"reference {reference!r}")
    item.currency()
    transaction_code = item.text("transCode")
    if transaction_code not in _DEBIT_CODES:
        raise item.fail(f"transCode {transaction_code!r} is not a Direct Debit code (01/17/18/19)")
    description = normalise_description(item.text("returnDescription"))
    reason = reasons.get(description)
    if reason is None:
        raise item.fail(
            f"returnDescription {description!r} is not a known ARUDD reason; add it to the "
            "ARUDD reason map once its meaning is confirmed with the bank"
        )
    payer_element = element.find("PayerAccount")
    if payer_element is None:
        raise item.fail("PayerAccount is missing")
    payer = Where(_REPORT, payer_element, f"reference {reference!r}")
    return ReturnedDebit(
        reference=reference,
        transaction_code=transaction_code,
        return_code=item.text("returnCode"),
        description=description,
        reason=reason,
        original_processing_date=item.required_date("originalProcessingDate"),
        amount_pence=item.pence("valueOf"),
        payer_sort_code=payer.required_sort_code("sortCode"),
        payer_account_number=payer.required_account("number"),
        payer_name=payer.text("name"),
        line=element.line,
    )
