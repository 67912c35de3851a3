"""BAI2 cash management files, which some UK corporate banks (HSBC, Lloyds) send on request.

The nesting (file 01/99, group 02/98, account 03/49, transactions 16, continuations 88) and every
control total and record count are checked here first, with line numbers: the ``bai2`` library
never returns on a file cut short inside an account, and reports a wrong total without saying
where. Once the shape is sound, the library reads the fields of each 02, 03 and 16 record
(type codes, funds availability, references). Amounts are whole pence already; the as-of date
of the group is the booking date of every transaction in it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NoReturn

from bai2.constants import FundsType, TypeCodeTransaction
from bai2.helpers import IteratorHelper
from bai2.parsers import AccountIdentifierParser, GroupHeaderParser, TransactionDetailParser

from carecharge.core.money import format_pounds
from carecharge.core.receipts.fields import clean_text, quote
from carecharge.core.receipts.types import (
    Channel,
    Statement,
    StatementError,
    StatementLine,
    finish_lines,
    located,
)

__all__ = ["read_bai2"]

_CODES = frozenset({"01", "02", "03", "16", "49", "88", "98", "99"})
_WHOLE = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)
_UNSIGNED = re.compile(r"[0-9]{1,18}", re.ASCII)
_CURRENCY = "GBP"
_OPENING_LEDGER = "010"
_CLOSING_LEDGER = "015"
_TOTAL_CREDITS = "100"
_TOTAL_DEBITS = "400"


@dataclass
class _Record:
    code: str
    line: int
    rows: list[str]  # the record's physical lines, its 88 continuations included

    def fields(self) -> list[str]:
        """The comma-separated fields of a trailer (no free text), its closing '/' removed."""
        return "".join(row[3:] for row in self.rows).rstrip().removesuffix("/").split(",")


@dataclass
class _Account:
    header: _Record
    details: list[_Record]
    trailer: _Record

    @property
    def size(self) -> int:
        return sum(len(record.rows) for record in (self.header, *self.details, self.trailer))


@dataclass
class _Group:
    header: _Record
    accounts: list[_Account] = field(default_factory=list)
    trailer: _Record | None = None


@dataclass(frozen=True, slots=True)
class _Read:
    account: str
    line: int
    opening: int | None
    closing: int | None
    lines: list[StatementLine]


def read_bai2(data: bytes) -> Statement:
    """Read a BAI2 file for one sterling account (one or more days), or refuse it."""
    records = _records(data)
    groups = _structure(records)
    _check_file_totals(records, groups)
    days: list[tuple[date, _Read]] = []
    for group in groups:
        as_of, currency = _group_header(group.header)
        for account in group.accounts:
            days.append((as_of, _read_account(account, as_of, currency)))
    first = days[0][1]
    for (_, previous), (_, current) in itertools.pairwise(days):
        if current.account != first.account:
            _fail(
                current.line,
                "03",
                f"this is account {current.account} but the file's first is {first.account}; "
                "ask the bank for one file per account",
            )
        if (
            previous.closing is not None
            and current.opening is not None
            and previous.closing != current.opening
        ):
            _fail(
                current.line,
                "03 (010)",
                f"the opening ledger balance {format_pounds(current.opening)} is not the "
                f"previous closing ledger balance {format_pounds(previous.closing)}; a day is "
                "missing",
            )
    return Statement(
        format="bai2",
        account=first.account,
        period_start=min(day for day, _ in days),
        period_end=max(day for day, _ in days),
        opening_balance=first.opening,
        closing_balance=days[-1][1].closing,
        lines=finish_lines(line for _, read in days for line in read.lines),
    )


def _fail(line: int, field: str | None, message: str) -> NoReturn:
    raise StatementError(located(line, field, message))


def _records(data: bytes) -> list[_Record]:
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("ascii")
    except UnicodeDecodeError as error:
        _fail(
            data[: error.start].count(b"\n") + 1,
            None,
            f"byte 0x{data[error.start]:02X} is not text a BAI2 file holds",
        )
    records: list[_Record] = []
    for number, row in enumerate(text.splitlines(), start=1):
        row = row.strip()
        if not row:
            continue
        code = row[:2]
        if code not in _CODES or row[2:3] != ",":
            _fail(number, None, f"{quote(row)} does not start with a BAI2 record code")
        if code == "88":
            if not records:
                _fail(number, "88", "a continuation cannot be the first record")
            records[-1].rows.append(row)
        else:
            records.append(_Record(code, number, [row]))
    if not records:
        raise StatementError("The file is empty")
    return records


def _structure(records: list[_Record]) -> list[_Group]:
    """Check the nesting record by record, so a cut-short file is named by its last line."""
    if records[0].code != "01":
        _fail(records[0].line, records[0].code, "a BAI2 file starts with its 01 header")
    groups: list[_Group] = []
    account: _Account | None = None
    for record in records[1:]:
        group = groups[-1] if groups and groups[-1].trailer is None else None
        expected = _expected(group, account)
        if record.code not in expected:
            _fail(
                record.line,
                record.code,
                f"a {record.code} record cannot come here; expected "
                + " or ".join(sorted(expected)),
            )
        if record.code == "02":
            groups.append(_Group(record))
        elif record.code == "03":
            account = _Account(record, [], record)
        elif record.code == "16" and account is not None:
            account.details.append(record)
        elif record.code == "49" and account is not None and group is not None:
            account.trailer = record
            group.accounts.append(account)
            account = None
        elif record.code == "98" and group is not None:
            group.trailer = record
        elif record.code == "99":
            if record is not records[-1]:
                _fail(records[-1].line, None, "there are records after the 99 file trailer")
            if not groups:
                _fail(record.line, "99", "the file holds no group (02 to 98) of accounts")
            return groups
    last = records[-1]
    missing = "99 file trailer"
    if groups and groups[-1].trailer is None:
        missing = "98 group trailer and " + missing
    if account is not None:
        missing = "49 account trailer, " + missing
    _fail(
        last.line,
        last.code,
        f"the file stops here without its {missing}: it is cut short, so none of it has been read",
    )


def _expected(group: _Group | None, account: _Account | None) -> set[str]:
    if account is not None:
        return {"16", "49"}
    if group is not None:
        return {"03", "98"} if group.accounts else {"03"}
    return {"02", "99"}


def _numbers(record: _Record, names: Sequence[str]) -> list[int]:
    fields = record.fields()
    if len(fields) < len(names):
        _fail(record.line, record.code, f"the record needs {', '.join(names)}")
    numbers = []
    for name, text in zip(names, fields, strict=False):
        pattern = _WHOLE if "total" in name else _UNSIGNED
        if not pattern.fullmatch(text.strip()):
            _fail(record.line, f"{record.code} {name}", f"{quote(text)} is not a whole number")
        numbers.append(int(text))
    return numbers


def _check_file_totals(records: list[_Record], groups: list[_Group]) -> None:
    file_total = 0
    for group in groups:
        assert group.trailer is not None  # _structure closed every group
        group_total = sum(_check_account_totals(account) for account in group.accounts)
        group_size = len(group.header.rows) + len(group.trailer.rows)
        group_size += sum(account.size for account in group.accounts)
        stated = _numbers(group.trailer, ("control total", "number of accounts", "records"))
        _compare(group.trailer, "control total", stated[0], group_total, money=True)
        _compare(group.trailer, "number of accounts", stated[1], len(group.accounts))
        _compare(group.trailer, "number of records", stated[2], group_size)
        file_total += group_total
    trailer = records[-1]
    stated = _numbers(trailer, ("control total", "number of groups", "records"))
    _compare(trailer, "control total", stated[0], file_total, money=True)
    _compare(trailer, "number of groups", stated[1], len(groups))
    _compare(trailer, "number of records", stated[2], sum(len(r.rows) for r in records))


def _compare(record: _Record, what: str, stated: int, actual: int, *, money: bool = False) -> None:
    if stated != actual:
        shown = (format_pounds(stated), format_pounds(actual)) if money else (stated, actual)
        _fail(
            record.line,
            f"{record.code} {what}",
            f"the file says {shown[0]} but the records it closes give {shown[1]}; the file is "
            "incomplete or altered",
        )


def _library_record(record: _Record, parser_class: Any) -> Any:
    try:
        return parser_class(IteratorHelper(iter(record.rows)), check_integrity=False).parse()
    except Exception as error:  # the library signals a bad field with many exception types
        detail = str(error) or f"{type(error).__name__}: a field is missing or malformed"
        _fail(record.line, record.code, f"the record cannot be read ({detail})")


def _group_header(record: _Record) -> tuple[date, str]:
    # The library fills a blank currency with USD, as BAI2 does; read the raw field instead.
    fields = record.fields()
    header = _library_record(record, GroupHeaderParser)
    if header.as_of_date is None:
        _fail(record.line, "02 as-of date", "the group has no as-of date")
    currency = fields[5].strip() if len(fields) > 5 else ""
    return header.as_of_date, currency


def _check_account_totals(account: _Account) -> int:
    header = _library_record(account.header, AccountIdentifierParser)
    total = sum(item.amount or 0 for item in header.summary_items)
    for record in account.details:
        fields = record.fields()
        if len(fields) < 2 or not _UNSIGNED.fullmatch(fields[1].strip()):
            shown = quote(fields[1]) if len(fields) > 1 else "nothing"
            _fail(record.line, "16 amount", f"{shown} is not an amount in pence")
        total += int(fields[1])
    stated = _numbers(account.trailer, ("control total", "records"))
    _compare(account.trailer, "control total", stated[0], total, money=True)
    _compare(account.trailer, "number of records", stated[1], account.size)
    return total


def _read_account(account: _Account, as_of: date, group_currency: str) -> _Read:
    header = _library_record(account.header, AccountIdentifierParser)
    number = clean_text(header.customer_account_number or "")
    if not number:
        _fail(account.header.line, "03 account", "the account number is blank")
    currency = clean_text(header.currency or "") or group_currency
    if currency != _CURRENCY:
        _fail(
            account.header.line,
            "03 currency",
            f"the currency is '{currency or 'not given (BAI2 then means US dollars)'}'; only "
            "sterling (GBP) accounts can be read",
        )
    summary = {item.type_code.code: item for item in header.summary_items}
    lines = list(_detail_lines(account.details, number, as_of))
    opening = _summary_amount(summary, _OPENING_LEDGER)
    closing = _summary_amount(summary, _CLOSING_LEDGER)
    line = account.header.line
    if opening is not None and closing is not None:
        total = opening + sum(item.amount for item in lines)
        if total != closing:
            _fail(
                line,
                "03 (015)",
                f"the closing ledger balance {format_pounds(closing)} does not equal the opening "
                f"ledger balance {format_pounds(opening)} plus the {len(lines)} transactions "
                f"({format_pounds(total)}); the file is incomplete or altered",
            )
    for code, credit in ((_TOTAL_CREDITS, True), (_TOTAL_DEBITS, False)):
        item = summary.get(code)
        if item is None:
            continue
        side = [abs(x.amount) for x in lines if (x.amount > 0) == credit]
        if (item.amount or 0) != sum(side) or item.item_count not in (None, len(side)):
            _fail(
                line,
                f"03 ({code})",
                f"the file says {item.item_count} items totalling "
                f"{format_pounds(item.amount or 0)} but holds {len(side)} totalling "
                f"{format_pounds(sum(side))}",
            )
    return _Read(number, line, opening, closing, lines)


def _summary_amount(summary: dict[str, Any], code: str) -> int | None:
    item = summary.get(code)
    return None if item is None or item.amount is None else int(item.amount)


def _detail_lines(records: list[_Record], account: str, as_of: date) -> Iterator[StatementLine]:
    for record in records:
        detail = _library_record(record, TransactionDetailParser)
        direction = detail.type_code.transaction
        if direction not in (TypeCodeTransaction.credit, TypeCodeTransaction.debit):
            _fail(
                record.line,
                "16 type code",
                f"type code {detail.type_code.code} ({detail.type_code.description}) is neither "
                "a credit nor a debit",
            )
        value = as_of
        if detail.funds_type == FundsType.value_dated and detail.availability.get("date"):
            value = detail.availability["date"]
        pence = int(detail.amount)
        reference = clean_text(detail.bank_reference or "")
        yield StatementLine(
            account=account,
            booking_date=as_of,
            value_date=value,
            amount=pence if direction == TypeCodeTransaction.credit else -pence,
            payer="",
            narrative=" ".join(
                part
                for part in (
                    clean_text(detail.customer_reference or ""),
                    clean_text((detail.text or "").removesuffix("/")),
                )
                if part
            ),
            channel=Channel.BANK,
            line=record.line,
            bank_transaction_id=reference or None,
        )
