"""Small wording helpers shared by letters: dates as people write them, contract amounts as
pounds, and the engine's trace tidied for a citizen (rule names and internal flags removed)."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from carecharge.core.assessment.trace import UNVERIFIED
from carecharge.core.money import MoneyError, format_pounds, parse_pounds

MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ISO_DATE: Final = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# A trace reference names the rule it applied before its source ("england.charging.x: SI ...").
_RULE_NAME: Final = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+:\s*")


def long_date(day: date) -> str:
    """A date as GOV.UK style writes it: ``2 June 2025``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def plain_dates(text: str) -> str:
    """Every ISO date in a sentence written as ``2 June 2025``; anything not a real date is left."""

    def replace(match: re.Match[str]) -> str:
        try:
            return long_date(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return _ISO_DATE.sub(replace, text)


def pence(amount: object) -> int:
    """A contract amount (``"30.25"``) in pence; blank or missing is nil."""
    if amount is None or amount == "":
        return 0
    return parse_pounds(str(amount), allow_negative=True)


def pounds(amount: object) -> str:
    """A contract amount as ``£1,234.50``; an unreadable one is shown as it came."""
    try:
        return format_pounds(pence(amount))
    except MoneyError:
        return str(amount)


def step_label(label: str) -> str:
    """A trace step's label for a letter: plain dates, without the officers' flag that a rule
    figure is still to be checked against its source (the figure itself is what was charged)."""
    return plain_dates(label.removesuffix(UNVERIFIED).replace(UNVERIFIED, ""))


def references(reference: str) -> list[str]:
    """The sources a trace step cites, each without the internal rule name, in order."""
    found: list[str] = []
    for part in reference.split("; "):
        text = _RULE_NAME.sub("", part.strip()).strip()
        if text:
            text = text[0].upper() + text[1:]
            if text not in found:
                found.append(text)
    return found
