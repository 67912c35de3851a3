"""Identifiers people type in: NHS and National Insurance numbers, account references, postcodes.

"Valid" here means *well formed* (right shape, right check digit, an allocatable prefix). It never
means the number has been issued to this person; only a lookup against the issuer can say that.
Functions that *normalise* return ``None`` for text that cannot be the identifier, so callers can
tell "blank or junk" from "looks right" without catching exceptions.
"""

from __future__ import annotations

import re

__all__ = [
    "format_nhs_number",
    "format_ni_number",
    "is_plausible_email",
    "is_valid_account_reference",
    "is_valid_nhs_number",
    "is_valid_ni_number",
    "luhn_check_digit",
    "make_account_reference",
    "mask_ni_number",
    "normalise_nhs_number",
    "normalise_ni_number",
    "normalise_postcode",
]

_SEPARATORS = re.compile(r"[\s\-]+")
_TEN_DIGITS = re.compile(r"[0-9]{10}", re.ASCII)
_NI_SHAPE = re.compile(r"[A-Z]{2}[0-9]{6}[A-D]", re.ASCII)
_NI_BAD_FIRST = frozenset("DFIQUV")
_NI_BAD_SECOND = frozenset("DFIQUVO")
_NI_UNALLOCATED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NI_MASK_PLACEHOLDER = "XX XX XX XX X"
_ACCOUNT_REFERENCE = re.compile(r"[0-9]{8}", re.ASCII)
_MAX_ACCOUNT_SEQUENCE = 9_999_999
_POSTCODE = re.compile(
    r"(?P<outward>[A-Z][0-9]{1,2}|[A-Z]{2}[0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9][A-Z])"
    r"(?P<inward>[0-9][A-Z]{2})",
    re.ASCII,
)


# --- NHS number -----------------------------------------------------------------------------


def normalise_nhs_number(text: str) -> str | None:
    """The 10 digits of an NHS number with spaces and hyphens removed, or ``None``.

    ``"943 476 5919"`` and ``"943-476-5919"`` both give ``"9434765919"``. The check digit is not
    tested here; use :func:`is_valid_nhs_number`.
    """
    if not isinstance(text, str):
        return None
    digits = _SEPARATORS.sub("", text)
    return digits if _TEN_DIGITS.fullmatch(digits) else None


def is_valid_nhs_number(text: str) -> bool:
    """Whether ``text`` is a well-formed NHS number with a correct Modulus 11 check digit.

    The first nine digits are weighted 10 down to 2; the check digit is 11 minus the remainder of
    the total divided by 11, where 11 becomes 0 and 10 means no number can have those nine digits.
    """
    digits = normalise_nhs_number(text)
    if digits is None:
        return False
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def format_nhs_number(digits: str) -> str:
    """Show an NHS number the NHS way, 3-3-4: ``"9434765919"`` -> ``"943 476 5919"``.

    Raises ``ValueError`` if ``digits`` is not 10 digits (after removing spaces and hyphens).
    """
    normal = normalise_nhs_number(digits)
    if normal is None:
        raise ValueError("an NHS number has 10 digits")
    return f"{normal[:3]} {normal[3:6]} {normal[6:]}"


# --- National Insurance number --------------------------------------------------------------


def normalise_ni_number(text: str) -> str | None:
    """An NI number upper-cased with spaces and hyphens removed, e.g. ``"QQ123456C"``, or ``None``.

    Returns ``None`` unless the result has the NI shape (two letters, six digits, a suffix A-D).
    The prefix rules are not tested here; use :func:`is_valid_ni_number`.
    """
    if not isinstance(text, str):
        return None
    compact = _SEPARATORS.sub("", text).upper()
    return compact if _NI_SHAPE.fullmatch(compact) else None


def is_valid_ni_number(text: str) -> bool:
    """Whether ``text`` is a National Insurance number in HMRC's format with an allocatable prefix.

    Two prefix letters (the first never D, F, I, Q, U or V; the second never those or O; never
    BG, GB, KN, NK, NT, TN or ZZ), six digits, and a suffix A, B, C or D. Temporary reference
    numbers and the ``QQ`` example prefix are therefore not valid.
    """
    compact = normalise_ni_number(text)
    if compact is None:
        return False
    first, second = compact[0], compact[1]
    return (
        first not in _NI_BAD_FIRST
        and second not in _NI_BAD_SECOND
        and compact[:2] not in _NI_UNALLOCATED_PREFIXES
    )


def format_ni_number(text: str) -> str:
    """Show an NI number in the usual pairs: ``"qq123456c"`` -> ``"QQ 12 34 56 C"``.

    Only the shape is required (so HMRC's ``QQ`` example formats). Raises ``ValueError`` otherwise.
    """
    compact = normalise_ni_number(text)
    if compact is None:
        raise ValueError("an NI number is two letters, six digits and a letter A to D")
    return f"{compact[:2]} {compact[2:4]} {compact[4:6]} {compact[6:8]} {compact[8]}"


def mask_ni_number(text: str) -> str:
    """An NI number for screens where it is not needed in full: ``"XX XX XX 56 C"``.

    Only the last three characters (two digits and the suffix) are shown, in the same grouping as
    :func:`format_ni_number` so officers can compare it with a letter. Text that is not NI-shaped
    is fully masked as ``"XX XX XX XX X"`` so a mistyped number never leaks; blank gives ``""``.
    """
    if not isinstance(text, str) or not text.strip():
        return ""
    compact = normalise_ni_number(text)
    if compact is None:
        return _NI_MASK_PLACEHOLDER
    return f"XX XX XX {compact[6:8]} {compact[8]}"


# --- Account references (Luhn) --------------------------------------------------------------


def luhn_check_digit(digits: str) -> str:
    """The Luhn (mod 10) check digit to append to ``digits``.

    Appending it means every single mistyped digit, and every swap of two neighbouring different
    digits except 0 and 9, gives a number that fails the check.
    """
    if not isinstance(digits, str) or not re.fullmatch(r"[0-9]+", digits, re.ASCII):
        raise ValueError("Luhn check digits are calculated over one or more digits 0-9")
    total = 0
    # Counting from the right of the payload, the first digit is the one doubled, because the
    # check digit will take the rightmost (undoubled) position.
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def make_account_reference(sequence: int) -> str:
    """An 8-digit account reference: ``sequence`` padded to 7 digits, then a Luhn check digit.

    ``make_account_reference(1234567)`` -> ``"12345674"``. ``sequence`` must be 1 to 9,999,999.
    """
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise TypeError(f"sequence must be an int, got {type(sequence).__name__}")
    if not 1 <= sequence <= _MAX_ACCOUNT_SEQUENCE:
        raise ValueError(f"sequence must be 1 to {_MAX_ACCOUNT_SEQUENCE:,}, got {sequence}")
    payload = f"{sequence:07d}"
    return payload + luhn_check_digit(payload)


def is_valid_account_reference(text: str) -> bool:
    """Whether ``text`` (surrounding spaces ignored) could have come from
    :func:`make_account_reference`: 8 digits, a correct Luhn check digit, sequence not zero."""
    if not isinstance(text, str):
        return False
    candidate = text.strip()
    if not _ACCOUNT_REFERENCE.fullmatch(candidate) or candidate[:7] == "0000000":
        return False
    return luhn_check_digit(candidate[:7]) == candidate[7]


# --- Postcodes and email --------------------------------------------------------------------


def normalise_postcode(text: str) -> str | None:
    """A UK postcode in its standard form with one space, e.g. ``"sw1a1aa"`` -> ``"SW1A 1AA"``.

    Accepts the outward shapes A9, A99, AA9, AA99, A9A and AA9A followed by an inward 9AA, plus
    ``GIR 0AA``. Only the shape is checked, not the letters Royal Mail avoids in some positions,
    so a rare real postcode is never refused; whether it exists needs an address lookup.
    British Forces and overseas territory codes are not accepted. Returns ``None`` if invalid.
    """
    if not isinstance(text, str):
        return None
    compact = re.sub(r"\s+", "", text).upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        return None
    return f"{match['outward']} {match['inward']}"


def is_plausible_email(text: str) -> bool:
    """A light check that ``text`` could be an email address, to catch typing slips.

    Exactly one ``@``, something before it, a dot inside the domain (not at either end) and no
    whitespace anywhere (strip input first). Deliverability can only be shown by sending to it.
    """
    if not isinstance(text, str) or any(char.isspace() for char in text):
        return False
    local, at, domain = text.partition("@")
    if not at or not local or "@" in domain:
        return False
    return "." in domain and not domain.startswith(".") and not domain.endswith(".")
