"""Counter and cash payment files (allpay, PayPoint, Post Office, Payzone), through a layout.

The record layouts of these daily files are set per contract and not published, so a
:class:`CounterLayout` says where each field is, in either a fixed-width file (character
positions, as a scheme's specification prints them) or a CSV file (column numbers). Every file
must end with a trailer record giving the number of payments and their total: a file without
it, or whose trailer disagrees with the payments, is refused whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from carecharge.core.importing.care_records import Problem
from carecharge.core.importing.csv_reading import _csv_lines, _decode
from carecharge.core.money import format_pounds
from carecharge.core.receipts.fields import (
    FieldProblem,
    clean_text,
    decimal_pence,
    parse_date,
    quote,
)
from carecharge.core.receipts.types import (
    Channel,
    Statement,
    StatementError,
    StatementLine,
    finish_lines,
    located,
)

__all__ = ["CounterLayout", "Span", "read_counter_file"]

_PENCE = re.compile(r"-?[0-9]{1,17}", re.ASCII)
_COUNT = re.compile(r"[0-9]{1,9}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Span:
    """Where a field is. Fixed width: the first and last character positions, counting from 1
    and both included (``Span(2, 20)``). CSV: the column number alone (``Span(3)``)."""

    start: int
    end: int | None = None


@dataclass(frozen=True, slots=True)
class CounterLayout:
    """One scheme's daily payment file.

    ``scheme`` names the source on every line (it stands where a bank account would). Records
    are told apart by the code at ``record_type``: ``header_code`` (``None`` when the file has
    no header), ``detail_code`` for a payment and ``trailer_code`` for the last record.
    Amounts are whole pence (``"000001250"``) unless ``amount_in_pence`` is false, when they are
    pounds with a decimal point (``"12.50"``); a leading minus marks a reversal. With a
    ``channel`` field, ``channel_codes`` maps the file's codes (``"PO"``) to a :class:`Channel`;
    without one every payment has ``default_channel``.
    """

    scheme: str
    delimited: bool
    record_type: Span
    reference: Span
    amount: Span
    date: Span
    trailer_count: Span
    trailer_total: Span
    detail_code: str = "D"
    trailer_code: str = "T"
    header_code: str | None = "H"
    transaction_id: Span | None = None
    channel: Span | None = None
    channel_codes: Mapping[str, Channel] = field(default_factory=dict)
    default_channel: Channel = Channel.COUNTER
    date_format: str = "%d%m%Y"
    amount_in_pence: bool = True

    def __post_init__(self) -> None:
        if not self.scheme.strip():
            raise ValueError("a counter layout needs the scheme's name")
        for name, span in self.spans().items():
            if self.delimited and (span.end is not None or span.start < 1):
                raise ValueError(f"{name}: a CSV field is a column number from 1, with no end")
            if not self.delimited and (span.end is None or not 1 <= span.start <= span.end):
                raise ValueError(f"{name}: a fixed-width field needs positions start <= end")
        codes = [self.detail_code, self.trailer_code, self.header_code]
        if len(set(codes)) != len(codes):
            raise ValueError("the header, detail and trailer codes must differ")

    def spans(self) -> dict[str, Span]:
        """The fields the layout reads, by name."""
        spans = {
            "record type": self.record_type,
            "reference": self.reference,
            "amount": self.amount,
            "date": self.date,
            "trailer count": self.trailer_count,
            "trailer total": self.trailer_total,
            "transaction id": self.transaction_id,
            "channel": self.channel,
        }
        return {name: span for name, span in spans.items() if span is not None}


@dataclass(frozen=True, slots=True)
class _Record:
    line: int
    text: str
    cells: list[str] | None  # CSV cells, or None for a fixed-width record


def read_counter_file(data: bytes, layout: CounterLayout) -> Statement:
    """Read one day's counter payment file, or refuse it."""
    problems: list[Problem] = []
    text = _decode(data, problems)
    records = list(_records(text or "", layout, problems))
    if problems:
        raise StatementError(*(located(p.line, p.column, p.message) for p in problems))
    if not records:
        raise StatementError("The file is empty")
    kinds = [_field(record, layout.record_type, "record type") for record in records]
    if layout.header_code is not None:
        if kinds[0] != layout.header_code:
            message = f"the file must start with its header record ({layout.header_code})"
            raise StatementError(located(records[0].line, "record type", message))
        records, kinds = records[1:], kinds[1:]
    if not kinds or kinds[-1] != layout.trailer_code:
        last = records[-1].line if records else None
        raise StatementError(
            located(
                last,
                None,
                f"the file has no trailer record ({layout.trailer_code}) at the end: it is cut "
                "short, so none of it has been read",
            )
        )
    messages: list[str] = []
    lines: list[StatementLine] = []
    for record, kind in zip(records[:-1], kinds[:-1], strict=True):
        if kind != layout.detail_code:
            messages.append(_unexpected_kind(record, kind, layout))
            continue
        try:
            lines.append(_payment(record, layout))
        except StatementError as error:
            messages.extend(error.problems)
    if not messages:
        messages.extend(_trailer_problems(records[-1], layout, lines))
    if messages:
        raise StatementError(*messages)
    dates = [line.booking_date for line in lines]
    return Statement(
        format="counter",
        account=layout.scheme.strip(),
        period_start=min(dates, default=None),
        period_end=max(dates, default=None),
        opening_balance=None,
        closing_balance=None,
        lines=finish_lines(lines),
    )


def _records(text: str, layout: CounterLayout, problems: list[Problem]) -> Iterator[_Record]:
    if layout.delimited:
        for line, cells in _csv_lines(text, problems):
            yield _Record(line, ",".join(cells), cells)
        return
    for line, row in enumerate(text.splitlines(), start=1):
        if row.strip():
            yield _Record(line, row, None)


def _field(record: _Record, span: Span, name: str) -> str:
    if record.cells is not None:
        if span.start > len(record.cells):
            message = (
                f"the record has {len(record.cells)} values; the layout reads column {span.start}"
            )
            raise StatementError(located(record.line, name, message))
        return record.cells[span.start - 1].strip()
    end = span.end or span.start
    if end > len(record.text):
        raise StatementError(
            located(
                record.line,
                name,
                f"the record is {len(record.text)} characters long; the layout reads "
                f"positions {span.start} to {end}",
            )
        )
    return record.text[span.start - 1 : end].strip()


def _unexpected_kind(record: _Record, kind: str, layout: CounterLayout) -> str:
    if kind == layout.trailer_code:
        return located(record.line, "record type", "a trailer record before the end of the file")
    return located(
        record.line,
        "record type",
        f"{quote(kind)} is not a payment record ({layout.detail_code})",
    )


def _amount(text: str, layout: CounterLayout) -> int:
    if not layout.amount_in_pence:
        return decimal_pence(text, signed=True)
    if not _PENCE.fullmatch(text):
        raise FieldProblem(f"{quote(text)} is not an amount in pence")
    return int(text)


def _payment(record: _Record, layout: CounterLayout) -> StatementLine:
    problems: list[str] = []
    when: date | None = None
    amount: int | None = None
    try:
        when = parse_date(_field(record, layout.date, "date"), layout.date_format)
    except FieldProblem as problem:
        problems.append(located(record.line, "date", str(problem)))
    try:
        amount = _amount(_field(record, layout.amount, "amount"), layout)
    except FieldProblem as problem:
        problems.append(located(record.line, "amount", str(problem)))
    channel = layout.default_channel
    if layout.channel is not None:
        code = _field(record, layout.channel, "channel")
        if code not in layout.channel_codes:
            known = ", ".join(sorted(layout.channel_codes)) or "none"
            message = f"{quote(code)} is not a known channel code (known: {known})"
            problems.append(located(record.line, "channel", message))
        else:
            channel = layout.channel_codes[code]
    if problems or when is None or amount is None:
        raise StatementError(*problems)
    bank_id = ""
    if layout.transaction_id is not None:
        bank_id = clean_text(_field(record, layout.transaction_id, "transaction id"))
    return StatementLine(
        account=layout.scheme.strip(),
        booking_date=when,
        value_date=when,
        amount=amount,
        payer="",
        narrative=clean_text(_field(record, layout.reference, "reference")),
        channel=channel,
        line=record.line,
        bank_transaction_id=bank_id or None,
    )


def _trailer_problems(
    record: _Record, layout: CounterLayout, lines: list[StatementLine]
) -> list[str]:
    count_text = _field(record, layout.trailer_count, "trailer count")
    total_text = _field(record, layout.trailer_total, "trailer total")
    if not _COUNT.fullmatch(count_text):
        return [located(record.line, "trailer count", f"{quote(count_text)} is not a count")]
    try:
        total = _amount(total_text, layout)
    except FieldProblem as problem:
        return [located(record.line, "trailer total", str(problem))]
    problems = []
    if int(count_text) != len(lines):
        problems.append(
            located(
                record.line,
                "trailer count",
                f"the trailer says {int(count_text)} payments but the file holds {len(lines)}; "
                "the file is incomplete or altered",
            )
        )
    actual = sum(line.amount for line in lines)
    if total != actual:
        problems.append(
            located(
                record.line,
                "trailer total",
                f"the trailer total {format_pounds(total)} does not equal the payments' total "
                f"{format_pounds(actual)}; the file is incomplete or altered",
            )
        )
    return problems
