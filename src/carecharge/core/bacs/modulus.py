"""UK sort code and account number modulus checking (VocaLink "Validating account numbers").

A pass means only that the sort code and account number *could* belong together; it never means
the account exists or is open. A fail means a Bacs record to that account would be rejected, so a
Direct Debit instruction should not be lodged until the payer confirms the details.

The weight table (``valacdos``) and the substitution table (``scsubtab``) are VocaLink's files,
kept under ``carecharge/core/bacs/data``. VocaLink changes them several times a year; see
``docs/bacs-reports.md`` for how to update them.

Positions follow the specification: the six sort code digits are ``u v w x y z`` and the eight
account digits ``a b c d e f g h``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = [
    "CheckRun",
    "ModulusDataError",
    "ModulusMethod",
    "ModulusResult",
    "ModulusStatus",
    "ModulusTables",
    "WeightRow",
    "check_account",
    "default_tables",
    "load_tables",
]

_A, _B, _C, _G, _H = 6, 7, 8, 12, 13
_DIGITS = 14

# Exception 2: Lloyds accounts whose first digit is not 0 carry these weights instead.
_EXCEPTION_2_WEIGHTS = (0, 0, 1, 2, 5, 3, 6, 4, 8, 7, 10, 9, 3, 1)
_EXCEPTION_2_WEIGHTS_G9 = (0, 0, 0, 0, 0, 0, 0, 0, 8, 7, 10, 9, 3, 1)
_EXCEPTION_8_SORT_CODE = "090126"
_EXCEPTION_9_SORT_CODE = "309634"
_EXCEPTION_1_ADDEND = 27
# Exceptions whose second check is only a fallback: the account passes if either check passes.
_EITHER_CHECK_PAIRS = frozenset({(2, 9), (10, 11), (12, 13)})

_SEPARATORS = re.compile(r"[\s\-]+")
_SIX_DIGITS = re.compile(r"[0-9]{6}", re.ASCII)
_ACCOUNT_DIGITS = re.compile(r"[0-9]{6,10}", re.ASCII)
_VALACDOS_NAME = re.compile(r"valacdos-v(?P<major>[0-9]+)-(?P<minor>[0-9]+)\.txt")
_DATA_PACKAGE = "carecharge.core.bacs.data"


class ModulusDataError(ValueError):
    """A VocaLink data file could not be read; the message names the file and line."""


class ModulusMethod(StrEnum):
    """The three checks in the VocaLink specification."""

    MOD10 = "MOD10"
    MOD11 = "MOD11"
    DBLAL = "DBLAL"  # double alternate: add the digits of each product, then modulus 10


class ModulusStatus(StrEnum):
    """The outcome of :func:`check_account`."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not_checked"  # VocaLink gives no check for these details: treat as valid
    UNSUPPORTED_LENGTH = "unsupported_length"  # 9- or 10-digit account: needs the bank's rule
    MALFORMED = "malformed"  # not a sort code / account number at all


@dataclass(frozen=True, slots=True)
class WeightRow:
    """One line of ``valacdos``: a sort code range, a method, 14 weights and an exception."""

    start: str
    end: str
    method: ModulusMethod
    weights: tuple[int, ...]
    exception: int | None
    line: int


@dataclass(frozen=True, slots=True)
class ModulusTables:
    """The weight and substitution tables of one VocaLink release."""

    version: str
    rows: tuple[WeightRow, ...]
    substitutions: Mapping[str, str]
    _starts: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(row.start for row in self.rows))

    def rows_for(self, sort_code: str) -> tuple[WeightRow, ...]:
        """The one or two rows covering ``sort_code`` (six digits), in table order."""
        index = bisect_right(self._starts, sort_code) - 1
        found: list[WeightRow] = []
        # Rows are sorted and ranges never overlap (checked on load); a range can hold two rows.
        while index >= 0 and self.rows[index].end >= sort_code:
            found.append(self.rows[index])
            index -= 1
            if len(found) == 2:
                break
        return tuple(reversed(found))


@dataclass(frozen=True, slots=True)
class CheckRun:
    """One modulus check as it was carried out, so an officer can see why details failed."""

    method: ModulusMethod
    exception: int | None
    sort_code: str
    account_number: str
    weights: tuple[int, ...]
    total: int
    remainder: int
    passed: bool


@dataclass(frozen=True, slots=True)
class ModulusResult:
    """Whether a sort code and account number can belong together, why, and the checks run."""

    status: ModulusStatus
    reason: str
    sort_code: str
    account_number: str
    checks: tuple[CheckRun, ...]
    table_version: str

    @property
    def valid(self) -> bool:
        """True when the details passed or VocaLink offers no check for them."""
        return self.status in (ModulusStatus.PASSED, ModulusStatus.NOT_CHECKED)


# --- loading the VocaLink files -------------------------------------------------------------


def load_tables(valacdos: str, scsubtab: str, version: str) -> ModulusTables:
    """Read the text of ``valacdos`` and ``scsubtab``; refuse anything the checker can't trust."""
    rows = tuple(
        _parse_weight_line(text, number)
        for number, text in enumerate(valacdos.splitlines(), start=1)
        if text.strip()
    )
    if not rows:
        raise ModulusDataError("valacdos: the weight table is empty")
    _check_ranges(rows)
    substitutions: dict[str, str] = {}
    for number, text in enumerate(scsubtab.splitlines(), start=1):
        if not text.strip():
            continue
        fields = text.split()
        if len(fields) != 2 or not all(_SIX_DIGITS.fullmatch(field) for field in fields):
            raise ModulusDataError(f"scsubtab line {number}: expected two six-digit sort codes")
        if fields[0] in substitutions:
            raise ModulusDataError(f"scsubtab line {number}: sort code {fields[0]} listed twice")
        substitutions[fields[0]] = fields[1]
    return ModulusTables(version, rows, MappingProxyType(substitutions))


def _parse_weight_line(text: str, number: int) -> WeightRow:
    fields = text.split()
    where = f"valacdos line {number}"
    if len(fields) not in (17, 18):
        raise ModulusDataError(f"{where}: expected 17 or 18 fields, found {len(fields)}")
    start, end, method_text = fields[0], fields[1], fields[2]
    if not (_SIX_DIGITS.fullmatch(start) and _SIX_DIGITS.fullmatch(end)) or start > end:
        raise ModulusDataError(f"{where}: sort code range {start}-{end} is not valid")
    try:
        method = ModulusMethod(method_text)
    except ValueError:
        raise ModulusDataError(f"{where}: unknown method {method_text!r}") from None
    try:
        weights = tuple(int(field) for field in fields[3:17])
        exception = int(fields[17]) if len(fields) == 18 else 0
    except ValueError:
        raise ModulusDataError(f"{where}: weights and exception must be whole numbers") from None
    if not 0 <= exception <= 14:
        raise ModulusDataError(f"{where}: exception {exception} is not one of 1-14")
    return WeightRow(start, end, method, weights, exception or None, number)


def _check_ranges(rows: Sequence[WeightRow]) -> None:
    previous: WeightRow | None = None
    repeats = 0
    for row in rows:
        if previous is not None and (row.start, row.end) == (previous.start, previous.end):
            repeats += 1
            if repeats > 1:
                raise ModulusDataError(f"valacdos line {row.line}: a third row for one range")
        elif previous is not None and row.start <= previous.end:
            raise ModulusDataError(
                f"valacdos line {row.line}: range {row.start}-{row.end} overlaps or is out of "
                f"order after {previous.start}-{previous.end}"
            )
        else:
            repeats = 0
        previous = row


@cache
def default_tables() -> ModulusTables:
    """The tables shipped with carecharge (read once per process)."""
    folder = resources.files(_DATA_PACKAGE)
    names = sorted(entry.name for entry in folder.iterdir() if _VALACDOS_NAME.fullmatch(entry.name))
    if len(names) != 1:
        raise ModulusDataError(
            f"{_DATA_PACKAGE}: expected exactly one valacdos-vN-NN.txt file, found {len(names)}"
        )
    match = _VALACDOS_NAME.fullmatch(names[0])
    assert match is not None
    version = f"{int(match['major'])}.{match['minor']}"
    valacdos = folder.joinpath(names[0]).read_text(encoding="ascii")
    scsubtab = folder.joinpath("scsubtab.txt").read_text(encoding="ascii")
    return load_tables(valacdos, scsubtab, version)


# --- checking -------------------------------------------------------------------------------


def check_account(
    sort_code: str, account_number: str, *, tables: ModulusTables | None = None
) -> ModulusResult:
    """Modulus check a UK sort code and account number.

    Sort codes may be written ``40-00-00``, ``40 00 00`` or ``400000``. Six- and seven-digit
    account numbers are padded with leading zeros, as the specification says. Nine- and
    ten-digit account numbers depend on the bank's own conversion and are reported as
    :attr:`ModulusStatus.UNSUPPORTED_LENGTH`; a sort code missing from the table cannot be checked
    and is reported as :attr:`ModulusStatus.NOT_CHECKED` (valid).
    """
    tables = tables or default_tables()
    sort_text = _SEPARATORS.sub("", sort_code) if isinstance(sort_code, str) else ""
    account_text = _SEPARATORS.sub("", account_number) if isinstance(account_number, str) else ""

    def result(
        status: ModulusStatus, reason: str, checks: tuple[CheckRun, ...] = ()
    ) -> ModulusResult:
        return ModulusResult(status, reason, sort_text, account_text, checks, tables.version)

    if not _SIX_DIGITS.fullmatch(sort_text):
        return result(ModulusStatus.MALFORMED, "the sort code must be six digits")
    if not _ACCOUNT_DIGITS.fullmatch(account_text):
        return result(ModulusStatus.MALFORMED, "the account number must be 6 to 10 digits")
    if len(account_text) > 8:
        return result(
            ModulusStatus.UNSUPPORTED_LENGTH,
            f"{len(account_text)}-digit account numbers must be converted to the eight-digit "
            "form the bank uses for Bacs before they can be checked; ask the payer or the bank",
        )
    account_text = account_text.zfill(8)
    rows = tables.rows_for(sort_text)
    if not rows:
        return result(
            ModulusStatus.NOT_CHECKED,
            f"sort code {_show(sort_text)} is not in the VocaLink table v{tables.version}, so it "
            "cannot be checked; treated as valid",
        )
    checks, passed, reason = _check(rows, sort_text, account_text, tables)
    if passed is None:
        return result(ModulusStatus.NOT_CHECKED, reason, checks)
    return result(ModulusStatus.PASSED if passed else ModulusStatus.FAILED, reason, checks)


def _check(
    rows: tuple[WeightRow, ...], sort_code: str, account: str, tables: ModulusTables
) -> tuple[tuple[CheckRun, ...], bool | None, str]:
    """Run the checks for one sort code: (checks run, passed or None if uncheckable, reason)."""
    first = rows[0]
    second = rows[1] if len(rows) == 2 else None
    digits = sort_code + account
    if first.exception == 6 and int(digits[_A]) in range(4, 9) and digits[_G] == digits[_H]:
        return (), None, "exception 6: a foreign currency account, which cannot be checked"

    runs = [_run(first, sort_code, account, tables)]
    if not runs[0].passed and first.exception == 14:
        # Coutts: an 8th digit of 0, 1 or 9 is dropped and the account shifted right.
        if account[7] not in "019":
            return tuple(runs), False, "exception 14: failed, and the last digit is not 0, 1 or 9"
        runs.append(_run(first, sort_code, "0" + account[:7], tables))
        return tuple(runs), runs[-1].passed, _describe(runs[-1], "exception 14 retry")

    if second is None:
        return tuple(runs), runs[0].passed, _describe(runs[0], "check")
    pair = (first.exception or 0, second.exception or 0)
    if pair in _EITHER_CHECK_PAIRS:
        if runs[0].passed:
            return tuple(runs), True, _describe(runs[0], "first check")
        runs.append(_run(second, sort_code, account, tables))
        return tuple(runs), runs[1].passed, _describe(runs[1], "first check failed; second check")
    if not runs[0].passed:
        return tuple(runs), False, _describe(runs[0], "first check")
    if second.exception == 3 and digits[_C] in "69":
        return tuple(runs), True, "passed the first check; exception 3: second check not needed"
    runs.append(_run(second, sort_code, account, tables))
    if runs[1].passed:
        return tuple(runs), True, "passed both checks"
    return tuple(runs), False, _describe(runs[1], "passed the first check; second check")


def _run(row: WeightRow, sort_code: str, account: str, tables: ModulusTables) -> CheckRun:
    if row.exception == 5:
        sort_code = tables.substitutions.get(sort_code, sort_code)
    elif row.exception == 8:
        sort_code = _EXCEPTION_8_SORT_CODE
    elif row.exception == 9:
        sort_code = _EXCEPTION_9_SORT_CODE
    digits = [int(digit) for digit in sort_code + account]
    weights = _weights(row, digits)
    products = [digit * weight for digit, weight in zip(digits, weights, strict=True)]
    if row.method is ModulusMethod.DBLAL:
        total = sum(int(figure) for product in products for figure in str(abs(product)))
    else:
        total = sum(products)
    if row.exception == 1:
        total += _EXCEPTION_1_ADDEND
    modulus = 11 if row.method is ModulusMethod.MOD11 else 10
    remainder = total % modulus
    if row.exception == 4:
        passed = remainder == digits[_G] * 10 + digits[_H]
    elif row.exception == 5:
        passed = _exception_5(row.method, remainder, digits)
    else:
        passed = remainder == 0
    return CheckRun(
        row.method, row.exception, sort_code, account, weights, total, remainder, passed
    )


def _weights(row: WeightRow, digits: Sequence[int]) -> tuple[int, ...]:
    a, b, g = digits[_A], digits[_B], digits[_G]
    if row.exception == 2 and a != 0:
        return _EXCEPTION_2_WEIGHTS_G9 if g == 9 else _EXCEPTION_2_WEIGHTS
    zeroise = (row.exception == 7 and g == 9) or (
        row.exception == 10 and (a, b) in ((0, 9), (9, 9)) and g == 9
    )
    if zeroise:
        return (0,) * (_B + 1) + row.weights[_B + 1 :]
    return row.weights


def _exception_5(method: ModulusMethod, remainder: int, digits: Sequence[int]) -> bool:
    # The check digit is g for the modulus 11 check and h for the double alternate check.
    if method is ModulusMethod.MOD11:
        if remainder == 0:
            return digits[_G] == 0
        return remainder != 1 and 11 - remainder == digits[_G]
    if remainder == 0:
        return digits[_H] == 0
    return 10 - remainder == digits[_H]


def _describe(run: CheckRun, label: str) -> str:
    exception = f" (exception {run.exception})" if run.exception else ""
    outcome = "passed" if run.passed else f"failed, remainder {run.remainder}"
    return f"{label}: {run.method}{exception} {outcome}"


def _show(sort_code: str) -> str:
    return f"{sort_code[0:2]}-{sort_code[2:4]}-{sort_code[4:6]}"
