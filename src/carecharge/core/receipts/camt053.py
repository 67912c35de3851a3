"""ISO 20022 camt.053 bank-to-customer statements (versions 001.02 to 001.13).

Read with the standard library's expat parser into an ElementTree, so that every element keeps
the line it started on for messages. A file with a document type declaration or an entity
declaration is refused before anything else is read: a statement never needs one, and they are
how XML bombs and external-entity attacks arrive.

Only booked entries (status ``BOOK``) become lines; pending and information-only entries are
left out, as they are from the balances. An entry that bundles several transactions (a bulk
credit with one ``TxDtls`` per payer, each with its own amount) becomes one line per
transaction, provided their amounts add up to the entry's.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NoReturn
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from carecharge.core.money import format_pounds
from carecharge.core.receipts.fields import FieldProblem, clean_text, decimal_pence, parse_date
from carecharge.core.receipts.types import (
    Channel,
    Statement,
    StatementError,
    StatementLine,
    finish_lines,
    located,
)

__all__ = ["read_camt053"]

_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(0[2-9]|1[0-3])")
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T.*")
_CURRENCY = "GBP"
_OPENING = ("OPBD", "PRCD")
_CLOSING = "CLBD"
_BOOKED = "BOOK"
_NOT_PROVIDED = "NOTPROVIDED"
_STATUSES = ("BOOK", "PDNG", "INFO")
_DECLARATION = (
    "the file declares a document type or entity; bank statements never need one, so the "
    "file is refused"
)


class _Refused(Exception):
    """Raised inside the expat handlers to stop at a declaration."""


@dataclass(frozen=True, slots=True)
class _Tree:
    root: Element
    lines: dict[Element, int]
    prefix: str  # "{namespace}"

    def line(self, element: Element) -> int:
        return self.lines[element]

    def find(self, element: Element, path: str) -> Element | None:
        return element.find(self._qualified(path))

    def findall(self, element: Element, path: str) -> list[Element]:
        return element.findall(self._qualified(path))

    def text(self, element: Element, path: str) -> str:
        found = self.find(element, path)
        return clean_text(found.text or "") if found is not None else ""

    def _qualified(self, path: str) -> str:
        return "/".join(self.prefix + step for step in path.split("/"))


@dataclass(frozen=True, slots=True)
class _Balance:
    pence: int
    on: date


@dataclass(frozen=True, slots=True)
class _Read:
    account: str
    line: int
    opening: _Balance
    closing: _Balance
    period: tuple[date, date]
    lines: list[StatementLine]


def read_camt053(data: bytes) -> Statement:
    """Read a camt.053 file holding statements of one sterling account, or refuse it."""
    tree = _parse(data)
    statements = [_read_statement(tree, element) for element in _statements(tree)]
    first, last = statements[0], statements[-1]
    for previous, current in itertools.pairwise(statements):
        if current.account != first.account:
            raise StatementError(
                located(
                    current.line,
                    "Stmt/Acct",
                    f"this statement is for account {current.account} but the file's first "
                    f"is for {first.account}; ask the bank for one file per account",
                )
            )
        if current.opening.pence != previous.closing.pence:
            raise StatementError(
                located(
                    current.line,
                    "Stmt/Bal",
                    f"the opening balance {format_pounds(current.opening.pence)} is not the "
                    f"previous statement's closing balance "
                    f"{format_pounds(previous.closing.pence)}; a statement is missing",
                )
            )
    return Statement(
        format="camt.053",
        account=first.account,
        period_start=first.period[0],
        period_end=last.period[1],
        opening_balance=first.opening.pence,
        closing_balance=last.closing.pence,
        lines=finish_lines(line for statement in statements for line in statement.lines),
    )


def _parse(data: bytes) -> _Tree:
    forbidden = _FORBIDDEN.search(data)
    if forbidden is not None:
        line = data[: forbidden.start()].count(b"\n") + 1
        raise StatementError(located(line, None, _DECLARATION))
    builder = TreeBuilder()
    lines: dict[Element, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def start(name: str, attributes: dict[str, str]) -> None:
        lines[builder.start(_tag(name), attributes)] = parser.CurrentLineNumber

    def refuse(*_: object) -> NoReturn:
        raise _Refused

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(_tag(name))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except _Refused:
        raise StatementError(located(parser.CurrentLineNumber, None, _DECLARATION)) from None
    except expat.ExpatError as error:
        raise StatementError(
            located(
                error.lineno,
                None,
                f"this is not complete, well-formed XML ({expat.ErrorString(error.code)}); "
                "the file may be cut short or damaged",
            )
        ) from None
    root = builder.close()
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if not _NAMESPACE.fullmatch(namespace) or root.tag != "{" + namespace + "}Document":
        raise StatementError(
            located(
                lines[root],
                None,
                f"this is not a camt.053 statement (the document is {root.tag}); versions "
                "camt.053.001.02 to .13 can be read",
            )
        )
    return _Tree(root, lines, "{" + namespace + "}")


def _tag(name: str) -> str:
    # expat gives "namespace}local"; ElementTree spells it "{namespace}local".
    return "{" + name if "}" in name else name


def _statements(tree: _Tree) -> list[Element]:
    report = tree.find(tree.root, "BkToCstmrStmt")
    if report is None:
        raise StatementError(located(tree.line(tree.root), "Document", "there is no BkToCstmrStmt"))
    statements = tree.findall(report, "Stmt")
    if not statements:
        raise StatementError(
            located(tree.line(report), "BkToCstmrStmt", "the file holds no statement (Stmt)")
        )
    return statements


def _fail(tree: _Tree, element: Element, field: str, message: str) -> NoReturn:
    raise StatementError(located(tree.line(element), field, message))


def _read_statement(tree: _Tree, statement: Element) -> _Read:
    account = tree.text(statement, "Acct/Id/IBAN") or tree.text(statement, "Acct/Id/Othr/Id")
    if not account:
        _fail(tree, statement, "Stmt/Acct/Id", "the statement does not say which account")
    currency = tree.find(statement, "Acct/Ccy")
    if currency is not None and (currency.text or "").strip() != _CURRENCY:
        _fail(tree, currency, "Acct/Ccy", _not_sterling((currency.text or "").strip()))
    balances = {code: (element, balance) for code, element, balance in _balances(tree, statement)}
    opening_codes = [code for code in _OPENING if code in balances]
    if not opening_codes:
        _fail(tree, statement, "Stmt/Bal", "there is no opening booked balance (OPBD or PRCD)")
    if _CLOSING not in balances:
        _fail(tree, statement, "Stmt/Bal", "there is no closing booked balance (CLBD)")
    opening = balances[opening_codes[0]][1]
    closing_element, closing = balances[_CLOSING]
    entries = tree.findall(statement, "Ntry")
    lines = [line for entry in entries for line in _entry_lines(tree, entry, account)]
    total = opening.pence + sum(line.amount for line in lines)
    if total != closing.pence:
        _fail(
            tree,
            closing_element,
            "Bal CLBD",
            f"the closing balance {format_pounds(closing.pence)} does not equal the opening "
            f"balance {format_pounds(opening.pence)} plus the {len(lines)} booked transactions "
            f"({format_pounds(total)}); the file is incomplete or altered",
        )
    _check_summary(tree, statement, entries)
    start = _optional_date(tree, statement, "FrToDt/FrDtTm") or opening.on
    end = _optional_date(tree, statement, "FrToDt/ToDtTm") or closing.on
    return _Read(account, tree.line(statement), opening, closing, (start, end), lines)


def _balances(tree: _Tree, statement: Element) -> Iterator[tuple[str, Element, _Balance]]:
    seen: dict[str, int] = {}
    for balance in tree.findall(statement, "Bal"):
        code = tree.text(balance, "Tp/CdOrPrtry/Cd") or tree.text(balance, "Tp/CdOrPrtry/Prtry")
        if code in seen:
            message = f"a second {code} balance (the first is on line {seen[code]})"
            _fail(tree, balance, f"Bal {code}", message)
        seen[code] = tree.line(balance)
        pence = _signed_amount(tree, balance, f"Bal {code}")
        on = _date(tree, balance, "Dt", f"Bal {code}")
        yield code, balance, _Balance(pence, on)


def _signed_amount(tree: _Tree, element: Element, field: str) -> int:
    amount = tree.find(element, "Amt")
    if amount is None:
        _fail(tree, element, field, "there is no amount (Amt)")
    currency = amount.get("Ccy", "")
    if currency != _CURRENCY:
        _fail(tree, amount, f"{field} Amt", _not_sterling(currency))
    try:
        pence = decimal_pence(amount.text or "")
    except FieldProblem as problem:
        _fail(tree, amount, f"{field} Amt", str(problem))
    indicator = tree.text(element, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        _fail(tree, element, f"{field} CdtDbtInd", f"'{indicator}' is not CRDT or DBIT")
    return pence if indicator == "CRDT" else -pence


def _not_sterling(currency: str) -> str:
    return f"the currency is '{currency}'; only sterling (GBP) accounts can be read"


def _date(tree: _Tree, element: Element, path: str, field: str) -> date:
    holder = tree.find(element, path)
    if holder is None:
        _fail(tree, element, field, f"there is no date ({path})")
    text = tree.text(holder, "Dt") or tree.text(holder, "DtTm")
    if not text:
        _fail(tree, holder, f"{field} {path}", "the date is blank (Dt or DtTm)")
    return _date_value(tree, holder, text, f"{field} {path}")


def _date_value(tree: _Tree, element: Element, text: str, field: str) -> date:
    # A DtTm is read as the date the bank wrote, whatever its time zone.
    value = text[:10] if _DATE_TIME.fullmatch(text) else text
    try:
        return parse_date(value, "%Y-%m-%d")
    except FieldProblem as problem:
        _fail(tree, element, field, str(problem))


def _optional_date(tree: _Tree, element: Element, path: str) -> date | None:
    found = tree.find(element, path)
    if found is None:
        return None
    return _date_value(tree, found, clean_text(found.text or ""), path)


def _entry_lines(tree: _Tree, entry: Element, account: str) -> list[StatementLine]:
    status = tree.text(entry, "Sts/Cd") or tree.text(entry, "Sts")
    if status not in _STATUSES:
        _fail(tree, entry, "Ntry/Sts", f"'{status}' is not a status (BOOK, PDNG or INFO)")
    if status != _BOOKED:
        return []
    amount = _signed_amount(tree, entry, "Ntry")
    booking = _date(tree, entry, "BookgDt", "Ntry")
    has_value_date = tree.find(entry, "ValDt") is not None
    value = _date(tree, entry, "ValDt", "Ntry") if has_value_date else booking
    bank_id = tree.text(entry, "AcctSvcrRef") or None
    general = tree.text(entry, "AddtlNtryInf")
    details = tree.findall(entry, "NtryDtls/TxDtls")
    parts = [_transaction_amount(tree, detail) for detail in details]
    sign = 1 if amount >= 0 else -1
    if len(details) > 1 and all(part is not None for part in parts):
        split = [sign * (part or 0) for part in parts]
        if sum(split) != amount:
            _fail(
                tree,
                entry,
                "Ntry/NtryDtls",
                f"the {len(details)} transactions add up to {format_pounds(sum(split))}, not "
                f"the entry's {format_pounds(amount)}",
            )
        return [
            StatementLine(
                account=account,
                booking_date=booking,
                value_date=value,
                amount=part,
                payer=_party(tree, detail, amount),
                narrative=_narrative(tree, [detail], general),
                channel=Channel.BANK,
                line=tree.line(detail),
                bank_transaction_id=(
                    tree.text(detail, "Refs/AcctSvcrRef")
                    or (f"{bank_id}/{number}" if bank_id else None)
                ),
            )
            for number, (detail, part) in enumerate(zip(details, split, strict=True), start=1)
        ]
    return [
        StatementLine(
            account=account,
            booking_date=booking,
            value_date=value,
            amount=amount,
            payer=" ".join(filter(None, (_party(tree, detail, amount) for detail in details))),
            narrative=_narrative(tree, details, general),
            channel=Channel.BANK,
            line=tree.line(entry),
            bank_transaction_id=bank_id,
        )
    ]


def _transaction_amount(tree: _Tree, detail: Element) -> int | None:
    # Version 02 puts a transaction's amount under AmtDtls; later versions may also give Amt.
    for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        found = tree.find(detail, path)
        if found is not None:
            if found.get("Ccy", "") != _CURRENCY:
                _fail(tree, found, f"TxDtls/{path}", _not_sterling(found.get("Ccy", "")))
            try:
                return decimal_pence(found.text or "")
            except FieldProblem as problem:
                _fail(tree, found, f"TxDtls/{path}", str(problem))
    return None


def _party(tree: _Tree, detail: Element, amount: int) -> str:
    # Money in names who paid (the debtor); money out names who was paid.
    role = "Dbtr" if amount >= 0 else "Cdtr"
    return tree.text(detail, f"RltdPties/{role}/Nm") or tree.text(
        detail, f"RltdPties/{role}/Pty/Nm"
    )


def _narrative(tree: _Tree, details: list[Element], general: str) -> str:
    parts: list[str] = []
    for detail in details:
        end_to_end = tree.text(detail, "Refs/EndToEndId")
        if end_to_end and end_to_end.upper() != _NOT_PROVIDED:
            parts.append(end_to_end)
        parts.extend(
            clean_text(element.text or "")
            for path in ("RmtInf/Ustrd", "RmtInf/Strd/CdtrRefInf/Ref", "AddtlTxInf")
            for element in tree.findall(detail, path)
        )
    parts.append(general)
    return " ".join(part for part in parts if part)


def _check_summary(tree: _Tree, statement: Element, entries: list[Element]) -> None:
    summary = tree.find(statement, "TxsSummry")
    if summary is None:
        return
    amounts = [_signed_amount(tree, entry, "Ntry") for entry in entries]
    groups = {
        "TtlNtries": amounts,
        "TtlCdtNtries": [amount for amount in amounts if amount >= 0],
        "TtlDbtNtries": [amount for amount in amounts if amount < 0],
    }
    for path, group in groups.items():
        element = tree.find(summary, path)
        if element is None:
            continue
        count = tree.text(element, "NbOfNtries")
        if count and count != str(len(group)):
            message = f"the file says {count} entries but holds {len(group)}"
            _fail(tree, element, f"TxsSummry/{path}/NbOfNtries", message)
        stated = tree.text(element, "Sum")
        if stated:
            try:
                pence = decimal_pence(stated)
            except FieldProblem as problem:
                _fail(tree, element, f"TxsSummry/{path}/Sum", str(problem))
            actual = sum(abs(amount) for amount in group)
            if pence != actual:
                _fail(
                    tree,
                    element,
                    f"TxsSummry/{path}/Sum",
                    f"the file says the entries total {format_pounds(pence)} but they total "
                    f"{format_pounds(actual)}",
                )
