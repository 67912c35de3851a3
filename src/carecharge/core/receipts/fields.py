"""Reading one value of a statement file: amounts to the exact penny, dates, text.

Each parser raises :class:`FieldProblem` with a message about the value alone; the reader adds
the line and field. Amounts go from digits to pence with integers only, never through a float.
"""

from __future__ import annotations

import re
from datetime import date, datetime

__all__ = [
    "FieldProblem",
    "clean_text",
    "decimal_pence",
    "describe_format",
    "parse_date",
    "quote",
]

# Fifteen digits of pounds is far beyond any real transaction, and keeps int() fast.
_DECIMAL = {
    sep: re.compile(rf"(?P<whole>[0-9]{{1,15}})(?:{re.escape(sep)}(?P<fraction>[0-9]*))?", re.ASCII)
    for sep in (".", ",")
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SPACES = re.compile(r"\s+")
_FORMAT_WORDS = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%y": "yy", "%b": "Mon", "%H": "hh"}


class FieldProblem(ValueError):
    """One value cannot be read; the message describes the value, not where it is."""


def quote(text: str) -> str:
    """A value as it appeared, short enough for a message."""
    return f"'{text}'" if len(text) <= 40 else f"'{text[:37]}...'"


def clean_text(text: str) -> str:
    """Free text with control characters removed and runs of spaces and line breaks collapsed."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def decimal_pence(text: str, *, separator: str = ".", signed: bool = False) -> int:
    """Unsigned digits with an optional decimal ``separator`` as pence: ``"12.5"`` -> ``1250``.

    More than two decimal places are accepted only when the extra digits are zeros, because
    the amount must be a whole number of pence. A leading minus is accepted when ``signed``.
    """
    body = text.strip()
    negative = signed and body.startswith("-")
    if negative:
        body = body[1:]
    match = _DECIMAL[separator].fullmatch(body)
    if match is None:
        raise FieldProblem(f"{quote(text)} is not an amount")
    fraction = match["fraction"] or ""
    if fraction[2:].strip("0"):
        raise FieldProblem(f"{quote(text)} is not a whole number of pence")
    pence = int(match["whole"]) * 100 + int(fraction[:2].ljust(2, "0"))
    return -pence if negative else pence


def describe_format(date_format: str) -> str:
    """A ``strptime`` format as people write it: ``"%d/%m/%Y"`` -> ``"dd/mm/yyyy"``."""
    described = date_format
    for code, words in _FORMAT_WORDS.items():
        described = described.replace(code, words)
    return described


def parse_date(text: str, date_format: str) -> date:
    """A date written in ``date_format`` (``strptime`` codes), refusing impossible dates."""
    value = text.strip()
    try:
        return datetime.strptime(value, date_format).date()
    except ValueError:
        raise FieldProblem(
            f"{quote(value)} is not a real date written as {describe_format(date_format)}"
        ) from None
