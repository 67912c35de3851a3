"""The finance export layout: which columns the journal and accounts-receivable invoice files
have, what they are headed, how dates and amounts are written, and the delimiter.

A council's finance system decides the layout, so it is data: a YAML file (the default ships
as `finance_export_layout.yaml` beside this module; `settings.CARECHARGE_FINANCE_EXPORT_LAYOUT`
points at a council's own). Everything in it is checked before a file is written, and every
problem is reported at once with where it is (``journal.columns[3].field``).

Pure: reading and checking a layout needs no database.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import yaml

DEFAULT_LAYOUT: Final = Path(__file__).with_name("finance_export_layout.yaml")

JOURNAL_FIELDS: Final[dict[str, str]] = {
    "journal_reference": "the journal's reference: reference_prefix and the run number",
    "run": "the billing run's number",
    "line": "the row's number in the file, from 1",
    "transaction_date": "the date the transaction takes effect in the ledger",
    "posted_date": "the date the billing run posted it",
    "financial_year": "the financial year of the transaction date, like 2025/26",
    "period": "the month of the financial year of the transaction date (April is 1)",
    "transaction_reference": "the ledger transaction's key (blank when summarised)",
    "account_code": "the ledger account code (D-00000018, I-ASC100/9001)",
    "account_name": "the ledger account's name",
    "account_kind": "debtor, income, bank, suspense, deferred or write_off",
    "cost_centre": "the cost centre: an income code's first part, else control_codes",
    "subjective": "the subjective (account) code: an income code's second part, else control_codes",
    "debtor_reference": "the debtor's reference (account reference, TP<id>, organisation code)",
    "document_number": "the invoice or credit note number (blank when summarised)",
    "description": "what the row is for",
    "debit": "the amount debited (blank or 0.00 on a credit row)",
    "credit": "the amount credited, as a positive amount (blank or 0.00 on a debit row)",
    "amount": "the signed amount: debits positive, credits negative",
}
INVOICE_FIELDS: Final[dict[str, str]] = {
    "run": "the billing run's number",
    "line": "the row's number in the file, from 1",
    "type": "Invoice or Credit note",
    "type_code": "INV or CRN",
    "number": "the invoice or credit note number",
    "issue_date": "the date on the invoice",
    "due_date": "the date payment is due",
    "debtor_reference": "the debtor's reference (account reference, TP<id>, organisation code)",
    "debtor_account": "the debtor's ledger account code",
    "debtor_name": "who owes it (the person, their estate, the payer, the organisation)",
    "recipient_name": "who it is addressed to (the debtor or their representative)",
    "address_1": "the first line of the postal address it was sent to",
    "address_2": "the second line of the address",
    "address_3": "the third line of the address",
    "address_4": "the fourth line of the address",
    "address_5": "the fifth line of the address",
    "postcode": "the postcode it was sent to",
    "customer_reference": "an organisation's purchase order or contract reference",
    "person_reference": "the service user's account reference",
    "person_name": "the service user's name",
    "payment_reference": "the reference to quote when paying",
    "description": "the dates of care it is for",
    "amount": "the signed amount: invoices positive, credit notes negative",
    "gross": "the amount as a positive number",
    "lines": "how many charge lines it has",
}
GRANULARITIES: Final = {
    "posting": "one row per ledger posting",
    "account_per_date": "one row per ledger account per transaction date",
}
CONTROL_KINDS: Final = ("debtor", "bank", "suspense", "deferred", "write_off")
LINE_ENDINGS: Final = {"crlf": "\r\n", "lf": "\n"}
ENCODINGS: Final = ("utf-8", "utf-8-sig")
# strftime codes that write a part of a date. Times (and so the moment of export) are refused:
# a re-export must give the same bytes.
DATE_CODES: Final = set("dmyYbBj")
FILE_KEYS: Final = {
    "file_name", "delimiter", "date_format", "header", "line_ending", "encoding", "blank_zero",
    "columns",
}  # fmt: skip
JOURNAL_KEYS: Final = FILE_KEYS | {"granularity", "reference_prefix", "control_codes"}
NAME_FIELDS: Final = {"run", "through"}


class LayoutError(ValueError):
    """The layout cannot be used; the message lists every problem with where it is."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"finance export layout {source}:\n" + "\n".join(f"  {p}" for p in problems)
        )


@dataclass(frozen=True)
class Column:
    field: str
    header: str


@dataclass(frozen=True)
class FileLayout:
    file_name: str
    delimiter: str
    date_format: str
    header: bool
    line_ending: str
    encoding: str
    blank_zero: bool
    columns: tuple[Column, ...]

    def name_for(self, *, run: int, through: date) -> str:
        return self.file_name.format(run=run, through=through.strftime("%Y%m%d"))


@dataclass(frozen=True)
class JournalLayout:
    file: FileLayout
    granularity: str
    reference_prefix: str
    control_codes: Mapping[str, tuple[str, str]]
    """Account kind -> (cost centre, subjective) for accounts that are not income accounts."""


@dataclass(frozen=True)
class Layout:
    source: str
    journal: JournalLayout
    invoices: FileLayout


class _Problems:
    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.found.append(f"{where}: {message}")


def _text(raw: Mapping[str, Any], key: str, where: str, problems: _Problems, default: str) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str):
        problems.add(f"{where}.{key}", f"must be text, not {value!r}")
        return default
    return value


def _flag(raw: Mapping[str, Any], key: str, where: str, problems: _Problems, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        problems.add(f"{where}.{key}", f"must be true or false, not {value!r}")
        return default
    return value


def check_date_format(value: str) -> str | None:
    """Why a date format cannot be used, or None."""
    codes = re.findall(r"%(.)", value.replace("%%", ""))
    if not codes:
        return f"{value!r} has no date in it (use codes such as %d, %m and %Y)"
    wrong = sorted({c for c in codes if c not in DATE_CODES})
    if wrong:
        shown = ", ".join(f"%{c}" for c in wrong)
        return (
            f"{shown} cannot be used: only the day, month and year codes (%d %m %y %Y %b %B %j) "
            "are allowed, so that re-exporting a run gives the same file"
        )
    return None


def _file_name(value: str, where: str, problems: _Problems) -> None:
    if not value.strip() or "/" in value or "\\" in value or value.startswith("."):
        problems.add(f"{where}.file_name", f"{value!r} is not a plain file name")
        return
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as error:
        problems.add(f"{where}.file_name", f"{value!r}: {error}")
        return
    unknown = sorted(names - NAME_FIELDS)
    if unknown:
        problems.add(
            f"{where}.file_name",
            f"{{{unknown[0]}}} is not known; a file name may use {{run}} and {{through}}",
        )


def _columns(
    raw: Any, where: str, fields: Mapping[str, str], problems: _Problems
) -> tuple[Column, ...]:
    if not isinstance(raw, list) or not raw:
        problems.add(f"{where}.columns", "must be a list of at least one column")
        return ()
    columns: list[Column] = []
    headers: dict[str, int] = {}
    for index, entry in enumerate(raw):
        at = f"{where}.columns[{index + 1}]"
        if isinstance(entry, str):
            entry = {"field": entry}
        if not isinstance(entry, Mapping):
            problems.add(at, f"must be a field name or {{field: ..., header: ...}}, not {entry!r}")
            continue
        extra = sorted(set(entry) - {"field", "header"})
        if extra:
            problems.add(at, f"{extra[0]!r} is not a column setting (use field and header)")
        name = entry.get("field")
        if not isinstance(name, str) or name not in fields:
            problems.add(f"{at}.field", f"{name!r} is not a field; choose from {', '.join(fields)}")
            continue
        header = entry.get("header", name)
        if not isinstance(header, str) or not header.strip():
            problems.add(f"{at}.header", "must be text")
            continue
        if header in headers:
            problems.add(f"{at}.header", f"{header!r} is already column {headers[header]}")
            continue
        headers[header] = index + 1
        columns.append(Column(name, header))
    return tuple(columns)


def _file(
    raw: Any, where: str, fields: Mapping[str, str], keys: set[str], problems: _Problems
) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        problems.add(where, "must be a mapping of settings (file_name, columns, ...)")
        raw = {}
    for key in sorted(set(raw) - keys):
        problems.add(f"{where}.{key}", f"is not a setting; use {', '.join(sorted(keys))}")
    file_name = _text(raw, "file_name", where, problems, f"{where}-run-{{run}}.csv")
    _file_name(file_name, where, problems)
    delimiter = _text(raw, "delimiter", where, problems, ",")
    if len(delimiter) != 1 or delimiter in '"\r\n' or delimiter.isalnum():
        problems.add(
            f"{where}.delimiter", f"{delimiter!r} must be one character such as , ; | or a tab"
        )
    date_format = _text(raw, "date_format", where, problems, "%d/%m/%Y")
    why = check_date_format(date_format)
    if why:
        problems.add(f"{where}.date_format", why)
    line_ending = _text(raw, "line_ending", where, problems, "crlf")
    if line_ending not in LINE_ENDINGS:
        problems.add(f"{where}.line_ending", f"{line_ending!r} must be crlf or lf")
    encoding = _text(raw, "encoding", where, problems, "utf-8")
    if encoding not in ENCODINGS:
        problems.add(f"{where}.encoding", f"{encoding!r} must be one of {', '.join(ENCODINGS)}")
    return {
        "file_name": file_name,
        "delimiter": delimiter,
        "date_format": date_format,
        "header": _flag(raw, "header", where, problems, True),
        "line_ending": LINE_ENDINGS.get(line_ending, "\r\n"),
        "encoding": encoding,
        "blank_zero": _flag(raw, "blank_zero", where, problems, False),
        "columns": _columns(raw.get("columns"), where, fields, problems),
    }


def _control_codes(raw: Any, problems: _Problems) -> dict[str, tuple[str, str]]:
    where = "journal.control_codes"
    if not isinstance(raw, Mapping):
        problems.add(where, "must give the cost centre and subjective of the debtor control")
        return {}
    codes: dict[str, tuple[str, str]] = {}
    for kind, entry in raw.items():
        at = f"{where}.{kind}"
        if kind not in CONTROL_KINDS:
            problems.add(at, f"is not an account kind; use {', '.join(CONTROL_KINDS)}")
            continue
        if not isinstance(entry, Mapping) or set(entry) != {"cost_centre", "subjective"}:
            problems.add(at, "must give exactly cost_centre and subjective")
            continue
        values = (entry["cost_centre"], entry["subjective"])
        if not all(isinstance(v, str) and v.strip() for v in values):
            problems.add(at, "cost_centre and subjective must be text (quote codes like '0123')")
            continue
        codes[kind] = (values[0].strip(), values[1].strip())
    if "debtor" not in codes and not any(p.startswith(f"{where}.debtor") for p in problems.found):
        problems.add(f"{where}.debtor", "is needed: where debtor postings go in the general ledger")
    return codes


def parse_layout(data: Any, source: str) -> Layout:
    """A checked layout from parsed YAML; raises `LayoutError` listing every problem."""
    problems = _Problems()
    if not isinstance(data, Mapping):
        raise LayoutError(source, ["the file must be a mapping with journal and invoices"])
    for key in sorted(set(data) - {"journal", "invoices"}):
        problems.add(key, "is not a section; a layout has journal and invoices")
    for key in ("journal", "invoices"):
        if key not in data:
            problems.add(key, "is missing")
    journal_raw = data.get("journal") or {}
    journal = _file(journal_raw, "journal", JOURNAL_FIELDS, JOURNAL_KEYS, problems)
    raw = journal_raw if isinstance(journal_raw, Mapping) else {}
    granularity = _text(raw, "granularity", "journal", problems, "posting")
    if granularity not in GRANULARITIES:
        problems.add("journal.granularity", f"{granularity!r} must be posting or account_per_date")
    prefix = _text(raw, "reference_prefix", "journal", problems, "")
    codes = _control_codes(raw.get("control_codes"), problems)
    invoices = _file(data.get("invoices") or {}, "invoices", INVOICE_FIELDS, FILE_KEYS, problems)
    if problems.found:
        raise LayoutError(source, problems.found)
    return Layout(
        source=source,
        journal=JournalLayout(
            file=FileLayout(**journal),
            granularity=granularity,
            reference_prefix=prefix,
            control_codes=codes,
        ),
        invoices=FileLayout(**invoices),
    )


def load_layout(path: Path | None = None) -> Layout:
    """Read and check a layout file (the default shipped with carecharge if ``path`` is None)."""
    chosen = path or DEFAULT_LAYOUT
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as error:
        raise LayoutError(str(chosen), [f"cannot be read: {error.strerror or error}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "the file"
        raise LayoutError(str(chosen), [f"{where}: not valid YAML"]) from None
    return parse_layout(data, str(chosen) if path is not None else "(the default)")
