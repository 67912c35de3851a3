"""Turn the bytes of an uploaded CSV file into trimmed rows keyed by column name.

This layer knows nothing about care data: it checks the encoding, the header and the shape of
each line, so that the same reader can serve other imports. Every problem becomes a ``Problem``;
nothing here raises on bad input, because a council officer needs a list to fix, not a crash.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from carecharge.core.importing.care_records import Problem

SAVE_AS_HINT = 'Open it in Excel and save it again choosing "CSV UTF-8 (Comma delimited)"'


@dataclass(frozen=True)
class RawRow:
    """One data line: its physical line number and its values, trimmed, keyed by column."""

    line: int
    values: dict[str, str]


@dataclass
class Table:
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Optional columns the header left out; every row reads them as blank.
    absent: frozenset[str] = frozenset()


def read_table(
    data: bytes, expected_columns: Sequence[str], optional_columns: Sequence[str] = ()
) -> Table:
    """Decode ``data`` and return its data rows, or the problems that stop it being read.

    ``optional_columns`` may be left out of the header (a format that grew a column keeps
    accepting files made before it); rows then read them as blank, and ``Table.absent`` names
    them so a caller can tell "left out" from "blank".
    """
    table = Table()
    text = _decode(data, table.problems)
    if text is None:
        return table
    lines = _csv_lines(text, table.problems)
    header = next(lines, None)
    if header is None:
        table.problems.append(Problem(None, None, "The file is empty"))
        return table
    _, header_cells = header
    names = [cell.strip().lower() for cell in header_cells]
    table.problems.extend(_header_problems(names, expected_columns, optional_columns))
    if table.problems:
        # Without a sound header no value can be matched to its column, so checking the rows
        # would only produce a flood of misleading messages.
        return table
    table.absent = frozenset(optional_columns) - set(names)
    _read_rows(lines, names, table)
    if not table.rows and not table.problems:
        table.problems.append(Problem(None, None, "The file has a header but no records"))
    return table


def _decode(data: bytes, problems: list[Problem]) -> str | None:
    # Excel's "CSV UTF-8" starts the file with a byte-order mark; it is not part of the header.
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = _line_of_offset(body, error.start)
        bad_byte = body[error.start]
        problems.append(
            Problem(
                None,
                None,
                f"The file is not saved as UTF-8 text: line {line} contains a character that "
                f"cannot be read (byte 0x{bad_byte:02X}). {SAVE_AS_HINT}",
            )
        )
        return None


def _line_of_offset(body: bytes, offset: int) -> int:
    # Count line breaks the way the CSV reader does (\r\n, \n or a lone \r), so the line number
    # matches the ones given for every other problem.
    before = body[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return before.count(b"\n") + 1


def _csv_lines(text: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Yield (first physical line, cells) for each non-blank CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        # A quoted value may span several physical lines, so a record's line number is the line
        # after the end of the previous record, not a count of records.
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(
                Problem(
                    start,
                    None,
                    f"This line cannot be read as CSV ({error}); this usually means a double "
                    'quote (") was opened and never closed',
                )
            )
            continue
        # Blank lines, and Excel's rows of bare commas, carry no data.
        if any(cell.strip() for cell in cells):
            yield start, cells


def _header_problems(
    names: list[str], expected: Sequence[str], optional: Sequence[str]
) -> list[Problem]:
    problems: list[Problem] = []
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(
                Problem(
                    None,
                    None,
                    f"Column {position} of the header has no name; remove the column "
                    "(or any extra commas at the end of the header)",
                )
            )
    problems.extend(_duplicate_header_problems(names))
    present = set(names)
    missing = [name for name in expected if name not in present]
    if missing:
        problems.append(
            Problem(None, None, "The header is missing these columns: " + ", ".join(missing))
        )
    expected_set = {*expected, *optional}
    unexpected = [name for name in dict.fromkeys(names) if name and name not in expected_set]
    if unexpected:
        problems.append(
            Problem(
                None,
                None,
                "The header has columns that are not part of the format: " + ", ".join(unexpected),
            )
        )
    return problems


def _duplicate_header_problems(names: list[str]) -> list[Problem]:
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        if name:
            positions.setdefault(name, []).append(position)
    return [
        Problem(
            None,
            None,
            f"The header has the column {name} more than once (columns "
            + ", ".join(str(p) for p in where)
            + ")",
        )
        for name, where in positions.items()
        if len(where) > 1
    ]


def _read_rows(lines: Iterator[tuple[int, list[str]]], names: list[str], table: Table) -> None:
    for line, cells in lines:
        trimmed = [cell.strip() for cell in cells]
        if [cell.lower() for cell in trimmed] == names:
            table.problems.append(
                Problem(
                    line,
                    None,
                    "This line repeats the header row; remove it (two files may have been "
                    "joined together)",
                )
            )
        elif len(trimmed) != len(names):
            table.problems.append(
                Problem(
                    line,
                    None,
                    f"This line has {len(trimmed)} values but the header has {len(names)} "
                    "columns; a comma may be missing or extra, or a value containing a comma "
                    "may not be in double quotes",
                )
            )
        else:
            values = dict.fromkeys(table.absent, "")
            values.update(zip(names, trimmed, strict=True))
            table.rows.append(RawRow(line, values))
