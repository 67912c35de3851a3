"""SWIFT MT940 customer statements, as corporate banking sends them (Barclays, HSBC, Lloyds).

The file is split into tags here, so that every message names its line, and the ``mt-940``
library's grammar reads each ``:61:`` statement line into its fields. The library is lenient on
purpose (it moves 30 February to the 28th, parses amounts with any number of decimals and
never checks a balance), so the checks a council needs are made here: every date real, every
amount a whole number of pence in sterling, opening balance plus the lines equal to the closing
balance, each statement carrying on from the one before, and the file complete (every SWIFT
envelope closed with ``-}``, the last statement ending with a final ``:62F:`` balance).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from mt940.tags import TAG_BY_ID

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

__all__ = ["read_mt940"]

_TAG = re.compile(r":(?P<tag>[0-9]{2}[A-Z]?|NS):(?P<value>.*)", re.ASCII)
_KNOWN_TAGS = frozenset(
    {"13D", "20", "21", "25", "25P", "28", "28C", "34F", "60F", "60M", "61", "62F", "62M",
     "64", "65", "86", "90C", "90D", "NS"}
)  # fmt: skip
_BALANCE = re.compile(
    r"(?P<mark>[CD])(?P<date>[0-9]{6})(?P<currency>[A-Z]{3})(?P<amount>[0-9,]{1,15})", re.ASCII
)
_SUM = re.compile(r"(?P<count>[0-9]{1,5})(?P<currency>[A-Z]{3})(?P<amount>[0-9,]{1,15})", re.ASCII)
_STATEMENT_LINE = TAG_BY_ID[61].re
_NO_REFERENCE = "NONREF"
_CURRENCY = "GBP"
# An entry date (MMDD) carries no year: it is the one nearest the value date.
_YEAR_STEPS = (-1, 0, 1)


@dataclass
class _Tag:
    name: str
    line: int
    value: str


@dataclass(frozen=True, slots=True)
class _Balance:
    pence: int
    on: date
    final: bool


def read_mt940(data: bytes) -> Statement:
    """Read an MT940 file holding one or more statements of one sterling account, or refuse it."""
    text = _decode(data)
    lines = list(enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1))
    blocks = _statement_blocks(_tags(_bodies(lines)))
    if not blocks:
        raise StatementError("The file holds no MT940 statement (no :20: tag was found)")
    statements = [_read_block(block) for block in blocks]
    account = statements[0].account
    for previous, current in itertools.pairwise(statements):
        if current.account != account:
            raise StatementError(
                located(
                    current.first_line,
                    ":25:",
                    f"this statement is for account {current.account} but the file's first "
                    f"is for {account}; ask the bank for one file per account",
                )
            )
        if current.opening.pence != previous.closing.pence:
            raise StatementError(
                located(
                    current.first_line,
                    ":60F:",
                    f"the opening balance {format_pounds(current.opening.pence)} is not the "
                    f"previous statement's closing balance "
                    f"{format_pounds(previous.closing.pence)}; a statement is missing",
                )
            )
    last = statements[-1]
    if not last.closing.final:
        raise StatementError(
            located(
                last.closing_line,
                ":62M:",
                "the file ends on an intermediate balance, so the rest of the statement is "
                "missing (the file is cut short)",
            )
        )
    return Statement(
        format="mt940",
        account=account,
        period_start=statements[0].opening.on,
        period_end=last.closing.on,
        opening_balance=statements[0].opening.pence,
        closing_balance=last.closing.pence,
        lines=finish_lines(line for statement in statements for line in statement.lines),
    )


def _decode(data: bytes) -> str:
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise StatementError(
            located(line, None, f"byte 0x{body[error.start]:02X} is not text an MT940 file holds")
        ) from None


def _bodies(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """The lines of the statements, without SWIFT envelopes (``{1:..}{2:..}{4:`` ... ``-}``)."""
    enveloped = any(text.lstrip().startswith("{1:") for _, text in lines if text.strip())
    if not enveloped:
        yield from ((number, text) for number, text in lines if text.strip() not in ("", "-"))
        return
    inside: int | None = None  # the line where the open {4: block started
    for number, text in lines:
        stripped = text.strip()
        if inside is None:
            if "{4:" in stripped:
                inside = number
                rest = stripped.split("{4:", 1)[1].strip()
                if rest:
                    yield number, rest
            elif stripped and not stripped.startswith("{"):
                raise StatementError(
                    located(number, None, f"{quote(stripped)} is outside any SWIFT message")
                )
        elif stripped.startswith("-}"):
            inside = None
        elif "{1:" in stripped or "{4:" in stripped:
            raise StatementError(
                located(
                    inside,
                    None,
                    "the message that starts here has no closing -} before the next one begins",
                )
            )
        elif stripped:
            yield number, text
    if inside is not None:
        raise StatementError(
            located(
                inside,
                None,
                "the message that starts here has no closing -}: the file is cut short",
            )
        )


def _tags(lines: Iterator[tuple[int, str]]) -> Iterator[_Tag]:
    current: _Tag | None = None
    for number, text in lines:
        match = _TAG.match(text)
        if match and match["tag"] in _KNOWN_TAGS:
            if current is not None:
                yield current
            current = _Tag(match["tag"], number, match["value"])
        elif current is None:
            raise StatementError(
                located(number, None, f"{quote(text.strip())} comes before the first tag")
            )
        else:
            # A tag's value may run over several lines; the break is kept for :86: text.
            current.value += "\n" + text
    if current is not None:
        yield current


def _statement_blocks(tags: Iterator[_Tag]) -> list[list[_Tag]]:
    """The tags of each statement, from its :20: to the next."""
    blocks: list[list[_Tag]] = []
    for tag in tags:
        if tag.name == "20":
            blocks.append([])
        elif not blocks:
            raise StatementError(
                located(tag.line, f":{tag.name}:", "the file does not start with a :20: tag")
            )
        blocks[-1].append(tag)
    return blocks


@dataclass
class _Read:
    account: str
    first_line: int
    opening: _Balance
    closing: _Balance
    closing_line: int
    lines: list[StatementLine]


def _read_block(block: list[_Tag]) -> _Read:
    first = block[0]
    names = [tag.name for tag in block]
    for required, what in (("25", "account (:25:)"), ("28C", "statement number (:28C:)")):
        if required not in names and not (required == "28C" and "28" in names):
            raise StatementError(located(first.line, ":20:", f"this statement has no {what}"))
    openings = [tag for tag in block if tag.name in ("60F", "60M")]
    closings = [tag for tag in block if tag.name in ("62F", "62M")]
    if len(openings) != 1:
        raise StatementError(
            located(first.line, ":20:", "a statement needs exactly one opening balance (:60F:)")
        )
    if not closings:
        raise StatementError(
            located(
                block[-1].line,
                f":{block[-1].name}:",
                "the statement stops here without a closing balance (:62F:): the file is cut short",
            )
        )
    if len(closings) > 1:
        raise StatementError(
            located(closings[1].line, ":62F:", "a statement has one closing balance, not two")
        )
    account = clean_text(next(tag.value for tag in block if tag.name == "25"))
    if not account:
        raise StatementError(located(first.line, ":25:", "the account is blank"))
    opening = _balance(openings[0])
    closing = _balance(closings[0])
    lines = list(_statement_lines(block, account))
    total = opening.pence + sum(line.amount for line in lines)
    if total != closing.pence:
        raise StatementError(
            located(
                closings[0].line,
                f":{closings[0].name}:",
                f"the closing balance {format_pounds(closing.pence)} does not equal the opening "
                f"balance {format_pounds(opening.pence)} plus the {len(lines)} transactions "
                f"({format_pounds(total)}); the file is incomplete or altered",
            )
        )
    _check_sums(block, lines)
    return _Read(account, first.line, opening, closing, closings[0].line, lines)


def _balance(tag: _Tag) -> _Balance:
    match = _BALANCE.fullmatch(tag.value.strip())
    where = f":{tag.name}:"
    if match is None:
        raise StatementError(
            located(
                tag.line,
                where,
                f"{quote(tag.value.strip())} is not a balance (C/D, date YYMMDD, currency, amount)",
            )
        )
    _require_sterling(tag, match["currency"])
    try:
        on = parse_date(match["date"], "%y%m%d")
        pence = decimal_pence(match["amount"], separator=",")
    except FieldProblem as problem:
        raise StatementError(located(tag.line, where, str(problem))) from None
    return _Balance(-pence if match["mark"] == "D" else pence, on, tag.name.endswith("F"))


def _require_sterling(tag: _Tag, currency: str) -> None:
    if currency != _CURRENCY:
        raise StatementError(
            located(
                tag.line,
                f":{tag.name}:",
                f"the currency is {currency}; only sterling (GBP) accounts can be read",
            )
        )


def _statement_lines(tags: list[_Tag], account: str) -> Iterator[StatementLine]:
    opening_at = next(i for i, tag in enumerate(tags) if tag.name in ("60F", "60M"))
    closing_at = next(i for i, tag in enumerate(tags) if tag.name in ("62F", "62M"))
    for index, tag in enumerate(tags):
        if tag.name != "61":
            continue
        if not opening_at < index < closing_at:
            raise StatementError(
                located(tag.line, ":61:", "a transaction must come between the two balances")
            )
        following = tags[index + 1] if index + 1 < len(tags) else None
        details = following.value if following is not None and following.name == "86" else ""
        yield _statement_line(tag, details, account)


def _statement_line(tag: _Tag, details: str, account: str) -> StatementLine:
    match = _STATEMENT_LINE.match(tag.value)
    if match is None:
        raise StatementError(
            located(
                tag.line,
                ":61:",
                f"{quote(tag.value.strip())} is not a statement line (value date YYMMDD, "
                "optional entry date MMDD, C or D, amount, type, reference)",
            )
        )
    groups = match.groupdict()
    try:
        value_date = parse_date(f"{groups['year']}{groups['month']}{groups['day']}", "%y%m%d")
        booking = _entry_date(groups["entry_month"], groups["entry_day"], value_date)
        pence = decimal_pence(groups["amount"], separator=",")
    except FieldProblem as problem:
        raise StatementError(located(tag.line, ":61:", str(problem))) from None
    mark = groups["status"].upper()
    # RC (reversal of a credit) takes money out; RD (reversal of a debit) puts it back.
    amount = -pence if mark in ("D", "RC") else pence
    customer = clean_text(groups["customer_reference"] or "")
    bank_reference = clean_text(groups["bank_reference"] or "")
    parts = [
        "" if customer.upper() == _NO_REFERENCE else customer,
        clean_text(groups["extra_details"] or ""),
        clean_text(details),
    ]
    return StatementLine(
        account=account,
        booking_date=booking,
        value_date=value_date,
        amount=amount,
        payer="",
        narrative=" ".join(part for part in parts if part),
        channel=Channel.BANK,
        line=tag.line,
        bank_transaction_id=(
            None if bank_reference.upper() in ("", _NO_REFERENCE) else bank_reference
        ),
    )


def _entry_date(month: str | None, day: str | None, value_date: date) -> date:
    if not (month and day and month.strip() and day.strip()):
        return value_date
    candidates = []
    for step in _YEAR_STEPS:
        year = value_date.year + step
        try:
            candidates.append(parse_date(f"{year}{month}{day}", "%Y%m%d"))
        except FieldProblem:
            continue
    if not candidates:
        raise FieldProblem(f"the entry date {quote(month + day)} (MMDD) is not a real date")
    return min(candidates, key=lambda candidate: abs((candidate - value_date).days))


def _check_sums(block: list[_Tag], lines: list[StatementLine]) -> None:
    for tag in block:
        if tag.name not in ("90C", "90D"):
            continue
        match = _SUM.fullmatch(tag.value.strip())
        if match is None:
            raise StatementError(
                located(tag.line, f":{tag.name}:", f"{quote(tag.value)} is not a count and sum")
            )
        _require_sterling(tag, match["currency"])
        try:
            stated = decimal_pence(match["amount"], separator=",")
        except FieldProblem as problem:
            raise StatementError(located(tag.line, f":{tag.name}:", str(problem))) from None
        side = [line.amount for line in lines if (line.amount > 0) == (tag.name == "90C")]
        actual = abs(sum(side))
        if int(match["count"]) != len(side) or stated != actual:
            raise StatementError(
                located(
                    tag.line,
                    f":{tag.name}:",
                    f"the file says {int(match['count'])} entries totalling "
                    f"{format_pounds(stated)} but holds {len(side)} totalling "
                    f"{format_pounds(actual)}",
                )
            )
