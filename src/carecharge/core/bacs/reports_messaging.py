"""Bacs messaging advices: ADDACS, AUDDIS returned DDIs and the AUDDIS file acceptance report.

All three share ``BACSDocument/Data/MessagingAdvices``: a ``MessagingHeader`` whose
``advice-type`` says which report it is, then one ``MessagingAdvice`` per item, with the data in
hyphenated attributes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from carecharge.core.bacs.reports_common import Element, Where

__all__ = [
    "ADDACS_CODES",
    "AUDDIS_CODES",
    "AddacsAdvice",
    "AddacsReason",
    "AddacsReport",
    "AuddisAcceptanceReport",
    "AuddisFileResult",
    "AuddisReason",
    "AuddisReport",
    "AuddisReturn",
    "parse_addacs",
    "parse_auddis",
    "parse_auddis_acceptance",
]

_INSTRUCTION_CODES = frozenset({"0N", "0C", "0S"})
_ERROR_LINE = re.compile(r"line([0-9]+)", re.ASCII)


class AddacsReason(StrEnum):
    """Why a paying bank changed or cancelled an instruction (ADDACS reason codes)."""

    INSTRUCTION_CANCELLED = "instruction_cancelled"  # 0: by the paying bank; refer to payer
    CANCELLED_BY_PAYER = "cancelled_by_payer"  # 1
    PAYER_DECEASED = "payer_deceased"  # 2
    ACCOUNT_TRANSFERRED = "account_transferred"  # 3: new details given; update, don't send 0C
    ACCOUNT_CLOSED = "account_closed"  # B
    TRANSFERRED_TO_NEW_BANK = "transferred_to_new_bank"  # C: to another bank or branch
    ADVANCE_NOTICE_DISPUTED = "advance_notice_disputed"  # D
    INSTRUCTION_AMENDED = "instruction_amended"  # E
    INSTRUCTION_REINSTATED = "instruction_reinstated"  # R


ADDACS_CODES: Mapping[str, AddacsReason] = MappingProxyType(
    {
        "0": AddacsReason.INSTRUCTION_CANCELLED,
        "1": AddacsReason.CANCELLED_BY_PAYER,
        "2": AddacsReason.PAYER_DECEASED,
        "3": AddacsReason.ACCOUNT_TRANSFERRED,
        "B": AddacsReason.ACCOUNT_CLOSED,
        "C": AddacsReason.TRANSFERRED_TO_NEW_BANK,
        "D": AddacsReason.ADVANCE_NOTICE_DISPUTED,
        "E": AddacsReason.INSTRUCTION_AMENDED,
        "R": AddacsReason.INSTRUCTION_REINSTATED,
    }
)


class AuddisReason(StrEnum):
    """Why a paying bank rejected an instruction the council lodged (AUDDIS reason codes)."""

    CANCELLED_BY_PAYER = "cancelled_by_payer"  # 1
    PAYER_DECEASED = "payer_deceased"  # 2
    ACCOUNT_TRANSFERRED = "account_transferred"  # 3
    NO_ACCOUNT = "no_account"  # 5
    NO_INSTRUCTION = "no_instruction"  # 6
    AMOUNT_NOT_ZERO = "amount_not_zero"  # 7: an instruction record must carry a zero amount
    ACCOUNT_CLOSED = "account_closed"  # B
    TRANSFERRED_TO_ANOTHER_BRANCH = "transferred_to_another_branch"  # C
    INVALID_ACCOUNT_TYPE = "invalid_account_type"  # F
    DIRECT_DEBITS_NOT_ALLOWED = "direct_debits_not_allowed"  # G: bank won't take DDs on it
    INSTRUCTION_EXPIRED = "instruction_expired"  # H
    REFERENCE_NOT_UNIQUE = "reference_not_unique"  # I
    CANCELLED_BY_BANK = "cancelled_by_bank"  # K
    INCORRECT_PAYER_DETAILS = "incorrect_payer_details"  # L
    CODE_INCOMPATIBLE = "code_incompatible"  # M: transaction code vs service user status
    DISALLOWED_AT_BRANCH = "disallowed_at_branch"  # N
    INVALID_REFERENCE = "invalid_reference"  # O
    PAYER_NAME_MISSING = "payer_name_missing"  # P
    SERVICE_USER_NAME_BLANK = "service_user_name_blank"  # Q


AUDDIS_CODES: Mapping[str, AuddisReason] = MappingProxyType(
    {
        "1": AuddisReason.CANCELLED_BY_PAYER,
        "2": AuddisReason.PAYER_DECEASED,
        "3": AuddisReason.ACCOUNT_TRANSFERRED,
        "5": AuddisReason.NO_ACCOUNT,
        "6": AuddisReason.NO_INSTRUCTION,
        "7": AuddisReason.AMOUNT_NOT_ZERO,
        "B": AuddisReason.ACCOUNT_CLOSED,
        "C": AuddisReason.TRANSFERRED_TO_ANOTHER_BRANCH,
        "F": AuddisReason.INVALID_ACCOUNT_TYPE,
        "G": AuddisReason.DIRECT_DEBITS_NOT_ALLOWED,
        "H": AuddisReason.INSTRUCTION_EXPIRED,
        "I": AuddisReason.REFERENCE_NOT_UNIQUE,
        "K": AuddisReason.CANCELLED_BY_BANK,
        "L": AuddisReason.INCORRECT_PAYER_DETAILS,
        "M": AuddisReason.CODE_INCOMPATIBLE,
        "N": AuddisReason.DISALLOWED_AT_BRANCH,
        "O": AuddisReason.INVALID_REFERENCE,
        "P": AuddisReason.PAYER_NAME_MISSING,
        "Q": AuddisReason.SERVICE_USER_NAME_BLANK,
    }
)


@dataclass(frozen=True, slots=True)
class AddacsAdvice:
    """One change to, or cancellation of, a payer's instruction."""

    reference: str
    reason: AddacsReason
    reason_code: str
    payer_name: str
    payer_sort_code: str
    payer_account_number: str
    new_sort_code: str | None
    new_account_number: str | None
    effective_date: date
    due_date: date | None
    payment_frequency: str | None
    aosn: str | None
    line: int


@dataclass(frozen=True, slots=True)
class AddacsReport:
    """A whole ADDACS report."""

    service_user_number: str
    report_date: date
    advices: tuple[AddacsAdvice, ...]


@dataclass(frozen=True, slots=True)
class AuddisReturn:
    """One instruction (0N/0C/0S) the paying bank sent back."""

    reference: str
    transaction_code: str
    reason: AuddisReason
    reason_code: str
    payer_name: str
    payer_sort_code: str
    payer_account_number: str
    new_sort_code: str | None
    new_account_number: str | None
    effective_date: date
    original_processing_date: date | None
    aosn: str | None
    line: int


@dataclass(frozen=True, slots=True)
class AuddisReport:
    """A whole AUDDIS returned-instructions report."""

    service_user_number: str
    report_date: date
    returns: tuple[AuddisReturn, ...]


@dataclass(frozen=True, slots=True)
class AuddisFileResult:
    """Whether Bacs accepted one AUDDIS file the council submitted, and how many DDIs."""

    accepted: bool
    processing_date: date
    originator_file_number: str
    volume_serial_number: str
    work_code: str | None
    file_type: str
    accepted_ddis: int | None
    rejected_ddis: int | None
    bureau_number: str | None
    file_error_code: str | None
    line: int

    @property
    def live(self) -> bool:
        """A live file, as opposed to a test submission."""
        return self.file_type == "LIVE"


@dataclass(frozen=True, slots=True)
class AuddisAcceptanceReport:
    """A whole AUDDIS file acceptance report (AUDACC)."""

    service_user_number: str
    report_date: date
    files: tuple[AuddisFileResult, ...]
    messages: tuple[str, ...]  # MessagingError lines, e.g. why a file was rejected


def _header(advices: Element, report: str) -> tuple[str, date]:
    header = advices.find("MessagingHeader")
    assert header is not None  # the dispatcher found it
    where = Where(report, header)
    return where.service_user_number("user-number"), where.required_date("report-generation-date")


def _records(advices: Element, report: str, record_types: frozenset[str]) -> list[Element]:
    records = advices.find_all("MessagingAdvice")
    for record in records:
        record_type = Where(report, record).text("record-type")
        if record_type not in record_types:
            expected = "/".join(sorted(record_types))
            raise Where(report, record).fail(
                f"record-type {record_type!r} does not belong in this report (expected {expected})"
            )
    return records


def parse_addacs(advices: Element) -> AddacsReport:
    """Read an ADDACS report; refuse unknown reason codes."""
    report = "ADDACS"
    sun, report_date = _header(advices, report)
    parsed = []
    for record in _records(advices, report, frozenset({"A"})):
        reference = Where(report, record).text("reference")
        where = Where(report, record, f"reference {reference!r}")
        code = where.text("reason-code").upper()
        reason = ADDACS_CODES.get(code)
        if reason is None:
            raise where.fail(f"reason-code {code!r} is not a known ADDACS reason code")
        new_sort_code = where.sort_code("payer-new-sort-code", required=False)
        new_account = where.account("payer-new-account-number", required=False)
        if reason is AddacsReason.ACCOUNT_TRANSFERRED and not (new_sort_code and new_account):
            raise where.fail("reason-code 3 (account transferred) without the new account details")
        parsed.append(
            AddacsAdvice(
                reference=reference,
                reason=reason,
                reason_code=code,
                payer_name=where.text("payer-name"),
                payer_sort_code=where.required_sort_code("payer-sort-code"),
                payer_account_number=where.required_account("payer-account-number"),
                new_sort_code=new_sort_code,
                new_account_number=new_account,
                effective_date=where.required_date("effective-date"),
                due_date=where.optional_date("due-date"),
                payment_frequency=where.optional("payment-frequency"),
                aosn=where.optional("aosn"),
                line=record.line,
            )
        )
    return AddacsReport(sun, report_date, tuple(parsed))


def parse_auddis(advices: Element) -> AuddisReport:
    """Read an AUDDIS returned-instructions report; refuse unknown codes."""
    report = "AUDDIS"
    sun, report_date = _header(advices, report)
    parsed = []
    for record in _records(advices, report, frozenset({"D", "N"})):
        reference = Where(report, record).text("reference")
        where = Where(report, record, f"reference {reference!r}")
        transaction_code = where.text("transaction-code").upper()
        if transaction_code not in _INSTRUCTION_CODES:
            raise where.fail(
                f"transaction-code {transaction_code!r} is not an instruction code (0N/0C/0S)"
            )
        code = where.text("reason-code").upper()
        reason = AUDDIS_CODES.get(code)
        if reason is None:
            raise where.fail(f"reason-code {code!r} is not a known AUDDIS reason code")
        parsed.append(
            AuddisReturn(
                reference=reference,
                transaction_code=transaction_code,
                reason=reason,
                reason_code=code,
                payer_name=where.text("payer-name"),
                payer_sort_code=where.required_sort_code("payer-sort-code"),
                payer_account_number=where.required_account("payer-account-number"),
                new_sort_code=where.sort_code("payer-new-sort-code", required=False),
                new_account_number=where.account("payer-new-account-number", required=False),
                effective_date=where.required_date("effective-date"),
                original_processing_date=where.optional_date("original-proc-date"),
                aosn=where.optional("aosn"),
                line=record.line,
            )
        )
    return AuddisReport(sun, report_date, tuple(parsed))


def parse_auddis_acceptance(advices: Element) -> AuddisAcceptanceReport:
    """Read an AUDDIS file acceptance report (record type V accepted, R rejected)."""
    report = "AUDDIS file acceptance"
    sun, report_date = _header(advices, report)
    files = []
    for record in _records(advices, report, frozenset({"V", "R"})):
        accepted = record.attributes["record-type"].strip() == "V"
        file_number = Where(report, record).text("originator-file-number")
        where = Where(report, record, f"file {file_number}")
        files.append(
            AuddisFileResult(
                accepted=accepted,
                processing_date=where.required_date("processing-date"),
                originator_file_number=file_number,
                volume_serial_number=where.text("vol-serial-number"),
                work_code=where.optional("work-code"),
                file_type=where.text("file-type"),
                accepted_ddis=where.count("accepted-ddi", required=accepted),
                rejected_ddis=where.count("rejected-ddi", required=accepted),
                bureau_number=where.optional("bureau-number"),
                file_error_code=where.optional("file-error-code"),
                line=record.line,
            )
        )
    messages = tuple(
        text for error in advices.find_all("MessagingError") for text in _error_lines(error)
    )
    return AuddisAcceptanceReport(sun, report_date, tuple(files), messages)


def _error_lines(error: Element) -> list[str]:
    # Bacs writes "0" in unused lines; keep line1, line2, ... in numeric order.
    numbered = []
    for name, value in error.attributes.items():
        match = _ERROR_LINE.fullmatch(name)
        if match and value.strip() not in ("", "0"):
            numbered.append((int(match[1]), value.strip()))
    return [text for _, text in sorted(numbered)]
