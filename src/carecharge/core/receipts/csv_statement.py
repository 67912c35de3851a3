"""Bank statements exported as CSV from online banking, read through a per-bank column layout.

Every bank lays its export out differently (Lloyds: ``Transaction Date``, ``Debit Amount``,
``Credit Amount``; others one signed ``Amount`` column), so a :class:`CsvLayout` names the
columns to read and the file's other columns are ignored. The bytes are decoded and split into
records by the same helpers as the care imports, so the same files open the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from carecharge.core.importing.care_records import Problem
from carecharge.core.importing.csv_reading import _csv_lines, _decode
from carecharge.core.money import MoneyError, format_pounds, parse_pounds
from carecharge.core.receipts.fields import FieldProblem, clean_text, parse_date, quote
from carecharge.core.receipts.types import (
    Channel,
    Statement,
    StatementError,
    StatementLine,
    finish_lines,
    located,
)

__all__ = ["CsvLayout", "read_csv_statement"]


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """Which columns of one bank's CSV export hold what.

    Column names are matched ignoring case and surrounding spaces. Give either ``amount`` (one
    signed column, money in positive) or both ``credit`` and ``debit`` (two unsigned columns,
    one of them blank or zero on each line). ``skip_rows`` is the number of physical lines
    before the header (some banks put the account name and dates there). With
    ``control_total_label`` set, the file must end with a row whose first cell is that text
    (any case) and whose amount (or credit and debit) cells hold the totals of the lines above:
    a file without it is taken to be cut short.
    """

    date: str
    reference: str
    amount: str | None = None
    credit: str | None = None
    debit: str | None = None
    value_date: str | None = None
    payer: str | None = None
    transaction_id: str | None = None
    date_format: str = "%d/%m/%Y"
    skip_rows: int = 0
    control_total_label: str | None = None

    def __post_init__(self) -> None:
        split = self.credit is not None or self.debit is not None
        if (self.amount is None) == (not split) or (split and None in (self.credit, self.debit)):
            raise ValueError("a CSV layout needs either an amount column or credit and debit")
        if self.skip_rows < 0:
            raise ValueError("skip_rows cannot be negative")
        names = [name.strip().lower() for name in self.columns().values()]
        if any(not name for name in names) or len(set(names)) != len(names):
            raise ValueError("a CSV layout's column names must be non-blank and different")

    def columns(self) -> dict[str, str]:
        """The columns the layout reads, by the field they fill."""
        fields = {
            "date": self.date,
            "reference": self.reference,
            "amount": self.amount,
            "credit": self.credit,
            "debit": self.debit,
            "value date": self.value_date,
            "payer": self.payer,
            "transaction id": self.transaction_id,
        }
        return {field: name for field, name in fields.items() if name is not None}


def read_csv_statement(data: bytes, layout: CsvLayout, *, account: str) -> Statement:
    """Read a CSV bank statement for ``account`` (CSV exports rarely name it) or refuse it."""
    if not account.strip():
        raise ValueError("the account the CSV statement is for must be given")
    problems: list[Problem] = []
    text = _decode(data, problems)
    if text is None:
        raise StatementError(*_messages(problems))
    records = [
        (line, cells) for line, cells in _csv_lines(text, problems) if line > layout.skip_rows
    ]
    if problems:
        raise StatementError(*_messages(problems))
    if not records:
        raise StatementError("The file is empty")
    header_line, header_cells = records[0]
    positions = _positions(header_line, header_cells, layout)
    rows = records[1:]
    control = None
    if layout.control_total_label is not None:
        control, rows = _split_control_row(rows, layout.control_total_label, positions)
    messages: list[str] = []
    lines: list[StatementLine] = []
    for line, cells in rows:
        try:
            lines.append(_statement_line(line, cells, positions, layout, account.strip()))
        except StatementError as error:
            messages.extend(error.problems)
    if not messages and not lines:
        messages.append("The file has a header but no transactions")
    if control is not None and not messages:
        messages.extend(_control_problems(control, positions, layout, lines))
    if messages:
        raise StatementError(*messages)
    dates = [line.booking_date for line in lines]
    return Statement(
        format="csv",
        account=account.strip(),
        period_start=min(dates),
        period_end=max(dates),
        opening_balance=None,
        closing_balance=None,
        lines=finish_lines(lines),
    )


def _messages(problems: Sequence[Problem]) -> list[str]:
    return [located(problem.line, problem.column, problem.message) for problem in problems]


def _positions(line: int, cells: list[str], layout: CsvLayout) -> dict[str, int]:
    names = [cell.strip().lower() for cell in cells]
    positions: dict[str, int] = {}
    missing: list[str] = []
    for field, column in layout.columns().items():
        wanted = column.strip().lower()
        found = [index for index, name in enumerate(names) if name == wanted]
        if not found:
            missing.append(column)
        elif len(found) > 1:
            raise StatementError(
                located(line, None, f"the header has the column {column} more than once")
            )
        else:
            positions[field] = found[0]
    if missing:
        raise StatementError(
            located(
                line,
                None,
                "the header is missing these columns: "
                + ", ".join(missing)
                + f" (the header read was: {', '.join(cell.strip() for cell in cells)})",
            )
        )
    positions["width"] = len(cells)
    return positions


def _split_control_row(
    rows: list[tuple[int, list[str]]], label: str, positions: dict[str, int]
) -> tuple[tuple[int, list[str]], list[tuple[int, list[str]]]]:
    wanted = label.strip().lower()
    at = [i for i, (_, cells) in enumerate(rows) if cells and cells[0].strip().lower() == wanted]
    if not at:
        raise StatementError(
            f"The file has no control total row (a last row starting '{label}'); it may have "
            "been cut short, so none of it has been read"
        )
    if at[0] != len(rows) - 1:
        after = rows[at[0] + 1][0]
        raise StatementError(
            located(after, None, f"there is a row after the control total row '{label}'")
        )
    return rows[-1], rows[:-1]


def _cell(cells: list[str], positions: dict[str, int], field: str) -> str:
    index = positions.get(field)
    return "" if index is None else cells[index].strip()


def _statement_line(
    line: int, cells: list[str], positions: dict[str, int], layout: CsvLayout, account: str
) -> StatementLine:
    if len(cells) != positions["width"]:
        raise StatementError(
            located(
                line,
                None,
                f"this line has {len(cells)} values but the header has {positions['width']} "
                "columns; a value containing a comma may not be in double quotes",
            )
        )
    problems: list[str] = []
    booking = _date(line, cells, positions, layout, "date", problems)
    value = booking
    if _cell(cells, positions, "value date"):
        value = _date(line, cells, positions, layout, "value date", problems)
    amount = _line_amounts(line, cells, positions, layout, problems)
    if problems or booking is None or value is None or amount is None:
        raise StatementError(*problems)
    bank_id = _cell(cells, positions, "transaction id")
    return StatementLine(
        account=account,
        booking_date=booking,
        value_date=value,
        amount=amount,
        payer=clean_text(_cell(cells, positions, "payer")),
        narrative=clean_text(_cell(cells, positions, "reference")),
        channel=Channel.BANK,
        line=line,
        bank_transaction_id=clean_text(bank_id) or None,
    )


def _date(
    line: int,
    cells: list[str],
    positions: dict[str, int],
    layout: CsvLayout,
    field: str,
    problems: list[str],
) -> date | None:
    text = _cell(cells, positions, field)
    column = layout.columns()[field]
    if not text:
        problems.append(located(line, column, "no date is given"))
        return None
    try:
        return parse_date(text, layout.date_format)
    except FieldProblem as problem:
        problems.append(located(line, column, str(problem)))
        return None


def _line_amounts(
    line: int,
    cells: list[str],
    positions: dict[str, int],
    layout: CsvLayout,
    problems: list[str],
) -> int | None:
    if layout.amount is not None:
        return _pounds(
            line, _cell(cells, positions, "amount"), layout.amount, problems, signed=True
        )
    assert layout.credit is not None and layout.debit is not None  # checked by the layout
    credit_text = _cell(cells, positions, "credit")
    debit_text = _cell(cells, positions, "debit")
    if not credit_text and not debit_text:
        problems.append(
            located(line, None, f"neither {layout.credit} nor {layout.debit} has an amount")
        )
        return None
    credit = _pounds(line, credit_text or "0", layout.credit, problems, signed=False)
    debit = _pounds(line, debit_text or "0", layout.debit, problems, signed=False)
    if credit is None or debit is None:
        return None
    if credit and debit:
        problems.append(
            located(
                line,
                None,
                f"both {layout.credit} ({quote(credit_text)}) and {layout.debit} "
                f"({quote(debit_text)}) have an amount; a transaction is one or the other",
            )
        )
        return None
    return credit - debit


def _pounds(line: int, text: str, column: str, problems: list[str], *, signed: bool) -> int | None:
    if not text:
        problems.append(located(line, column, "no amount is given"))
        return None
    try:
        return parse_pounds(text, allow_negative=signed)
    except MoneyError as error:
        problems.append(located(line, column, str(error)))
        return None


def _control_problems(
    control: tuple[int, list[str]],
    positions: dict[str, int],
    layout: CsvLayout,
    lines: list[StatementLine],
) -> list[str]:
    line, cells = control
    if len(cells) != positions["width"]:
        return [
            located(
                line,
                None,
                f"the control total row has {len(cells)} values but the header has "
                f"{positions['width']} columns",
            )
        ]
    problems: list[str] = []
    if layout.amount is not None:
        columns = [("amount", layout.amount, sum(item.amount for item in lines))]
    else:
        assert layout.credit is not None and layout.debit is not None  # checked by the layout
        columns = [
            ("credit", layout.credit, sum(item.amount for item in lines if item.amount > 0)),
            ("debit", layout.debit, -sum(item.amount for item in lines if item.amount < 0)),
        ]
    for field, column, actual in columns:
        stated = _pounds(
            line, _cell(cells, positions, field), column, problems, signed=field == "amount"
        )
        if stated is not None and stated != actual:
            problems.append(
                located(
                    line,
                    column,
                    f"the control total {format_pounds(stated)} does not equal the sum of the "
                    f"{len(lines)} transactions, {format_pounds(actual)}; the file may be "
                    "incomplete or altered",
                )
            )
    return problems
