"""Standard 18: write the file a council submits to Bacs for a Direct Debit, refund or AUDDIS run.

One call, :func:`write_standard18`, turns a :class:`Standard18File` description into the whole
file: ``VOL1 HDR1 HDR2 UHL1``, the 100-character data records, the contra record(s), then
``EOF1 EOF2 UTL1``. Labels are 80 characters (the ANSI tape labels Standard 18 inherits), data
and contra records 100 (a single-processing-day ``1 DAILY`` file). Layout, codes and rules follow
``formats-and-libraries.md`` §1.4-§1.5; the choices that vary between banks are named in
``docs/standard18.md`` and must be confirmed with the council's sponsoring bank or bureau.

A file holds one kind of item (:class:`FileKind`): collections (codes 01, 17, 18, 19, balanced
by a code 99 credit contra), refunds (code 99, balanced by a code 17 debit contra) or AUDDIS
instructions (0N, 0C, 0S, zero amounts, no contra). Text is upper-cased; anything else outside
the Bacs character set, too long, or otherwise unrepresentable is refused with a
:class:`Standard18Error` naming every item at fault. Nothing is truncated or substituted,
because a changed reference would collect against the wrong instruction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

__all__ = [
    "AUDDIS_CODES",
    "BACS_CHARACTERS",
    "CODE_MEANINGS",
    "CODE_ORDER",
    "CONTRA_REFERENCE",
    "CREDIT_CODES",
    "CREDIT_CONTRA_CODE",
    "DEBIT_CODES",
    "DEBIT_CONTRA_CODE",
    "LABEL_LENGTH",
    "MAX_AMOUNT_PENCE",
    "RECORD_LENGTH",
    "TRANSACTION_CODES",
    "WORK_CODE_DAILY",
    "BankAccount",
    "FileKind",
    "Standard18Error",
    "Standard18File",
    "Standard18Item",
    "bacs_date",
    "kind_of_code",
    "read_bacs_date",
    "reference_problem",
    "text_problem",
    "write_standard18",
]

BACS_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.&/- ")
"""The characters Bacs accepts in text fields; anything else it blanks, so we refuse it."""
_NOT_BACS = "which is not in the Bacs character set (A-Z 0-9 . & / - space)"

AUDDIS_CODES = frozenset({"0N", "0C", "0S"})
DEBIT_CODES = frozenset({"01", "17", "18", "19"})
CREDIT_CODES = frozenset({"99"})
TRANSACTION_CODES = AUDDIS_CODES | DEBIT_CODES | CREDIT_CODES
CODE_ORDER = ("0N", "0C", "0S", "01", "17", "18", "19", "99")
_CODES = ", ".join(CODE_ORDER)
CODE_MEANINGS = {
    "0N": "new instruction (AUDDIS)",
    "0C": "cancel instruction (AUDDIS)",
    "0S": "convert instruction (AUDDIS)",
    "01": "first collection",
    "17": "regular collection",
    "18": "re-presentation",
    "19": "final collection",
    "99": "credit (refund)",
}

LABEL_LENGTH = 80
RECORD_LENGTH = 100
FIELD_WIDTH = 18
MAX_AMOUNT_PENCE = 10**11 - 1
"""The 11-digit amount field's limit; a contra over it is split across several records."""
MAX_TOTAL_PENCE = 10**13 - 1
MAX_COUNT = 10**7 - 1
MAX_SERIAL = 999_999
MAX_FILE_NUMBER = 999

WORK_CODE_DAILY = "1 DAILY"
CONTRA_REFERENCE = "CONTRA"
DEBIT_CONTRA_CODE = "17"
CREDIT_CONTRA_CODE = "99"
RECEIVING_PARTY = "999999"
"""UHL1's receiving-party id (Bacs itself). Some bank layouts put the SUN here instead."""
HDR1_FILE_ID_MARKER = "1"
"""HDR1 position 15: some implementations write a space; confirm with the sponsoring bank."""
EXPIRY_AFTER = timedelta(days=7)
"""HDR1's expiration date must be after the processing day; a week is the usual margin."""
LINE_ENDINGS = ("\n", "\r\n")

_DIGITS = frozenset("0123456789")
_LOWER_TO_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SORT_CODE_SEPARATORS = str.maketrans("", "", "- ")


class FileKind(StrEnum):
    """What a Standard 18 file carries; each kind travels in a file of its own."""

    COLLECTIONS = "collections"
    REFUNDS = "refunds"
    AUDDIS = "auddis"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    FileKind.COLLECTIONS: "Direct Debit collections",
    FileKind.REFUNDS: "Direct Credit refunds",
    FileKind.AUDDIS: "AUDDIS instructions",
}


class Standard18Error(ValueError):
    """A Standard 18 file that cannot be written, or a file that fails the checks.

    ``problems`` lists every fault found, each one line naming where it is (``item 3 (...)``
    when writing, ``line 7 (data)`` when checking); ``str(error)`` is those lines joined.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class BankAccount:
    """The council's collection account, as the sponsoring bank holds it.

    ``sort_code`` may be written ``40-00-00``; ``name`` is the abbreviated account name (18
    characters at most) that contra records carry.
    """

    sort_code: str
    account_number: str
    name: str


@dataclass(frozen=True, slots=True)
class Standard18Item:
    """One payer's record: a collection, a refund or an AUDDIS instruction.

    ``reference`` is the Direct Debit Instruction reference exactly as lodged (6-18 characters);
    ``payer_name`` the name on the payer's account (18 characters at most);
    ``amount_pence`` zero for AUDDIS codes (0N, 0C, 0S) and more than zero otherwise.
    """

    sort_code: str
    account_number: str
    payer_name: str
    transaction_code: str
    amount_pence: int
    reference: str
    account_type: str = "0"


@dataclass(frozen=True, slots=True)
class Standard18File:
    """Everything needed to write one single-day (``1 DAILY``) Standard 18 file.

    ``sun`` is the council's 6-digit Service User Number and ``su_name`` the name registered for
    it. ``processing_day`` is Bacs day 2 of the cycle (the payer is debited the next processing
    day); ``created_on`` the day the file is made. ``serial_number`` is the submission serial
    (VOL1), unique for ever: Bacs rejects a repeat, so the caller allocates and records it.
    ``file_number`` numbers files within a submission.
    """

    sun: str
    su_name: str
    originator: BankAccount
    processing_day: date
    created_on: date
    serial_number: int
    items: tuple[Standard18Item, ...]
    file_number: int = 1
    work_code: str = WORK_CODE_DAILY


def write_standard18(description: Standard18File, *, line_ending: str = "\n") -> str:
    """The complete Standard 18 file for ``description``, one record per line.

    ``line_ending`` is ``"\\n"`` (default) or ``"\\r\\n"``; every record, the last included, ends
    with it. Raises :class:`Standard18Error` listing every problem if anything cannot be written
    exactly as given (bar upper-casing).
    """
    if line_ending not in LINE_ENDINGS:
        raise Standard18Error([f"line ending must be LF or CRLF, got {line_ending!r}"])
    if not isinstance(description, Standard18File):
        raise Standard18Error(
            [f"description must be a Standard18File, got {type(description).__name__}"]
        )
    file = _Checked.of(description)
    records = [
        _vol1(file),
        _hdr1(file, "HDR1"),
        _hdr2("HDR2"),
        _uhl1(file),
        *(_data_record(file, item) for item in file.items),
        *_contras(file),
        _hdr1(file, "EOF1"),
        _hdr2("EOF2"),
        _utl1(file),
    ]
    return "".join(record + line_ending for record in records)


def bacs_date(day: date) -> str:
    """A date the Standard 18 way, ``bYYDDD``: space, 2-digit year, day of the year."""
    return day.strftime(" %y%j")


def read_bacs_date(text: str) -> date | None:
    """The date in a ``bYYDDD`` field (years 2000-2099), or ``None`` if it is not one."""
    if len(text) != 6 or text[0] != " " or not set(text[1:]) <= _DIGITS:
        return None
    year, day_of_year = 2000 + int(text[1:3]), int(text[3:6])
    first = date(year, 1, 1)
    last = date(year, 12, 31)
    if not 1 <= day_of_year <= (last - first).days + 1:
        return None
    return first + timedelta(days=day_of_year - 1)


def kind_of_code(code: str) -> FileKind | None:
    """The kind of file a transaction code belongs in, or ``None`` for an unknown code."""
    if code in AUDDIS_CODES:
        return FileKind.AUDDIS
    if code in DEBIT_CODES:
        return FileKind.COLLECTIONS
    if code in CREDIT_CODES:
        return FileKind.REFUNDS
    return None


def reference_problem(reference: str) -> str | None:
    """Why ``reference`` (already upper-cased, padding removed) is not a usable DDI reference.

    Bacs and the banks' rules: 6-18 characters from the Bacs set, starting with a letter or
    digit, not one character repeated, and not starting ``DDIC`` (indemnity claim references).
    ``None`` means it is fine.
    """
    shown = f"reference {reference!r}"
    if not 6 <= len(reference) <= FIELD_WIDTH:
        return f"{shown} must be 6 to 18 characters, got {len(reference)}"
    bad = _first_outside_bacs_set(reference)
    if bad is not None:
        return f"{shown} has {bad!r}, {_NOT_BACS}"
    if not (reference[0].isascii() and reference[0].isalnum()):
        return f"{shown} must start with a letter or digit"
    if len(set(reference)) == 1:
        return f"{shown} must not be one character repeated"
    if reference.startswith("DDIC"):
        return f"{shown} must not start with DDIC (kept for indemnity claims)"
    return None


def text_problem(value: str, what: str) -> str | None:
    """Why a name field's content (padding removed) cannot go in an 18-character Bacs field."""
    if not value:
        return f"{what} is blank"
    if len(value) > FIELD_WIDTH:
        return f"{what} {value!r} is {len(value)} characters, more than {FIELD_WIDTH}"
    bad = _first_outside_bacs_set(value)
    if bad is not None:
        return f"{what} {value!r} has {bad!r}, {_NOT_BACS}"
    return None


def _first_outside_bacs_set(value: str) -> str | None:
    return next((char for char in value if char not in BACS_CHARACTERS), None)


def _digits_problem(value: object, width: int, what: str) -> str | None:
    if not isinstance(value, str) or len(value) != width or not set(value) <= _DIGITS:
        return f"{what} must be {width} digits, got {value!r}"
    return None


def _upper(value: str) -> str:
    # Only a-z: str.upper() would turn 'ß' into 'SS' and so silently change a name.
    return value.strip().translate(_LOWER_TO_UPPER)


def _plain_date_problem(value: object, what: str) -> str | None:
    if not isinstance(value, date) or isinstance(value, datetime):
        return f"{what} must be a date, got {type(value).__name__}"
    if not 2000 <= value.year <= 2099:
        return f"{what} {value.isoformat()} is outside 2000-2099, which bYYDDD cannot show"
    return None


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class _Checked:
    """A description that passed every check, with text upper-cased and sort codes bare."""

    sun: str
    su_name: str
    originator: BankAccount
    processing_day: date
    created_on: date
    serial_number: int
    file_number: int
    kind: FileKind
    items: tuple[Standard18Item, ...]

    @property
    def item_total(self) -> int:
        return sum(item.amount_pence for item in self.items)

    @classmethod
    def of(cls, description: Standard18File) -> _Checked:
        problems: list[str] = []

        def note(problem: str | None) -> None:
            if problem is not None:
                problems.append(problem)

        note(_digits_problem(description.sun, 6, "service user number"))
        su_name = _text(description.su_name, "service user name", problems)
        originator = _originator(description.originator, problems)
        processing_problem = _plain_date_problem(description.processing_day, "processing day")
        created_problem = _plain_date_problem(description.created_on, "creation date")
        note(processing_problem)
        note(created_problem)
        if processing_problem is None and (description.processing_day + EXPIRY_AFTER).year > 2099:
            problems.append(
                f"processing day {description.processing_day.isoformat()} is too late: the "
                "file's expiration date would fall after 2099"
            )
        dates_valid = processing_problem is None and created_problem is None
        if dates_valid and description.created_on > description.processing_day:
            problems.append(
                f"creation date {description.created_on.isoformat()} is after the "
                f"processing day {description.processing_day.isoformat()}"
            )
        if not _whole_number(description.serial_number) or not (
            1 <= description.serial_number <= MAX_SERIAL
        ):
            problems.append(
                f"serial number must be a whole number from 1 to {MAX_SERIAL}, got "
                f"{description.serial_number!r}"
            )
        if not _whole_number(description.file_number) or not (
            1 <= description.file_number <= MAX_FILE_NUMBER
        ):
            problems.append(
                f"file number must be a whole number from 1 to {MAX_FILE_NUMBER}, got "
                f"{description.file_number!r}"
            )
        if description.work_code != WORK_CODE_DAILY:
            problems.append(
                f"work code must be {WORK_CODE_DAILY!r} (single processing day files), got "
                f"{description.work_code!r}"
            )
        items, kind = _items(description.items, problems)
        if problems:
            raise Standard18Error(problems)
        assert kind is not None and originator is not None
        checked = cls(
            sun=description.sun,
            su_name=su_name,
            originator=originator,
            processing_day=description.processing_day,
            created_on=description.created_on,
            serial_number=description.serial_number,
            file_number=description.file_number,
            kind=kind,
            items=items,
        )
        if checked.item_total > MAX_TOTAL_PENCE:
            raise Standard18Error(
                [
                    f"items total {checked.item_total} pence, more than the "
                    f"{MAX_TOTAL_PENCE} a file can carry: split the run into several files"
                ]
            )
        return checked


def _text(value: object, what: str, problems: list[str]) -> str:
    if not isinstance(value, str):
        problems.append(f"{what} must be text, got {type(value).__name__}")
        return ""
    text = _upper(value)
    problem = text_problem(text, what)
    if problem is not None:
        problems.append(problem)
    return text


def _sort_code(value: object, what: str, problems: list[str]) -> str:
    """The six digits of a sort code typed as ``400000``, ``40-00-00`` or ``40 00 00``."""
    bare = value.translate(_SORT_CODE_SEPARATORS) if isinstance(value, str) else ""
    if len(bare) != 6 or not set(bare) <= _DIGITS:
        problems.append(f"{what} must be 6 digits, got {value!r}")
        return ""
    return bare


def _originator(account: object, problems: list[str]) -> BankAccount | None:
    if not isinstance(account, BankAccount):
        problems.append(f"originator must be a BankAccount, got {type(account).__name__}")
        return None
    sort_code = _sort_code(account.sort_code, "originator sort code", problems)
    number_problem = _digits_problem(account.account_number, 8, "originator account number")
    if number_problem is not None:
        problems.append(number_problem)
    name = _text(account.name, "originator account name", problems)
    return BankAccount(sort_code, account.account_number, name)


def _items(
    items: object, problems: list[str]
) -> tuple[tuple[Standard18Item, ...], FileKind | None]:
    if not isinstance(items, Sequence) or isinstance(items, str):
        problems.append(f"items must be a tuple of Standard18Item, got {type(items).__name__}")
        return (), None
    if not items:
        problems.append("items: a file needs at least one item")
        return (), None
    if len(items) > MAX_COUNT:
        problems.append(f"items: {len(items)} items, more than the {MAX_COUNT} a file can carry")
        return (), None
    checked: list[Standard18Item] = []
    kind: FileKind | None = None
    first_code = ""
    for number, item in enumerate(items, start=1):
        result = _item(number, item, problems)
        if result is None:
            continue
        item_kind = kind_of_code(result.transaction_code)
        if kind is None and item_kind is not None:
            kind, first_code = item_kind, result.transaction_code
        elif item_kind is not None and item_kind is not kind:
            problems.append(
                f"{_item_label(number, item)}: code {result.transaction_code} "
                f"({CODE_MEANINGS[result.transaction_code]}) cannot share a file with code "
                f"{first_code} ({CODE_MEANINGS[first_code]}); collections, refunds and AUDDIS "
                f"instructions each go in a file of their own"
            )
        checked.append(result)
    return tuple(checked), kind


def _item_label(number: int, item: object) -> str:
    reference = getattr(item, "reference", None)
    if isinstance(reference, str) and reference.strip():
        return f"item {number} (reference {_upper(reference)!r})"
    return f"item {number}"


def _item(number: int, item: object, problems: list[str]) -> Standard18Item | None:
    if not isinstance(item, Standard18Item):
        problems.append(f"item {number}: must be a Standard18Item, got {type(item).__name__}")
        return None
    own: list[str] = []
    sort_code = _sort_code(item.sort_code, "sort code", own)
    code = item.transaction_code
    reference = _upper(item.reference) if isinstance(item.reference, str) else ""
    found = [
        _digits_problem(item.account_number, 8, "account number"),
        _digits_problem(item.account_type, 1, "account type"),
        None if code in TRANSACTION_CODES else f"transaction code {code!r} is not one of {_CODES}",
        _amount_problem(item.amount_pence, code),
        reference_problem(reference)
        if isinstance(item.reference, str)
        else f"reference must be text, got {type(item.reference).__name__}",
    ]
    own.extend(problem for problem in found if problem is not None)
    payer_name = _text(item.payer_name, "payer name", own)
    if own:
        label = _item_label(number, item)
        problems.extend(f"{label}: {problem}" for problem in own)
        return None
    return Standard18Item(
        sort_code=sort_code,
        account_number=item.account_number,
        payer_name=payer_name,
        transaction_code=code,
        amount_pence=item.amount_pence,
        reference=reference,
        account_type=item.account_type,
    )


def _amount_problem(amount: object, code: str) -> str | None:
    if not _whole_number(amount):
        return f"amount must be a whole number of pence, got {amount!r}"
    assert isinstance(amount, int)
    if code in AUDDIS_CODES:
        if amount != 0:
            return f"amount must be 0 for an AUDDIS instruction (code {code}), got {amount}"
        return None
    if amount <= 0:
        return f"amount must be more than 0 pence for code {code}, got {amount}"
    if amount > MAX_AMOUNT_PENCE:
        return f"amount {amount} pence does not fit the 11-digit amount field"
    return None


# --- records ---------------------------------------------------------------------------------


def _vol1(file: _Checked) -> str:
    return _label(
        "VOL1",
        f"{file.serial_number:06d}",
        " ",  # accessibility
        " " * 26,
        f"    {file.sun}    ",  # owner identifier
        " " * 28,
        "1",  # label standard level
    )


def _hdr1(file: _Checked, identifier: str) -> str:
    return _label(
        identifier,
        f"A{file.sun}S  {HDR1_FILE_ID_MARKER}{file.sun}",  # file identifier
        f"{file.serial_number:06d}",  # set identification = the VOL1 serial
        "0001",  # file section
        "0001",  # file sequence
        " " * 6,  # generation number and version
        bacs_date(file.created_on),
        bacs_date(file.processing_day + EXPIRY_AFTER),
        " ",  # accessibility
        "000000",  # block count
        " " * 20,
    )


def _hdr2(identifier: str) -> str:
    return _label(
        identifier,
        "F",  # fixed-length records
        "02000",  # block length
        f"{RECORD_LENGTH:05d}",
        " " * 35,
        "00",  # buffer offset
        " " * 28,
    )


def _uhl1(file: _Checked) -> str:
    return _label(
        "UHL1",
        bacs_date(file.processing_day),
        f"{RECEIVING_PARTY}    ",
        "00",  # currency: sterling
        "000000",  # country
        f"{WORK_CODE_DAILY:<9}",
        f"{file.file_number:03d}",
        " " * 7,
        " " * 7,  # audit print identifier
        " " * 26,
    )


def _utl1(file: _Checked) -> str:
    contras = _contra_amounts(file)
    items = (file.item_total, len(file.items))
    balancing = (sum(contras), len(contras))
    debits, credits = (balancing, items) if file.kind is FileKind.REFUNDS else (items, balancing)
    return _label(
        "UTL1",
        f"{debits[0]:013d}",
        f"{credits[0]:013d}",
        f"{debits[1]:07d}",
        f"{credits[1]:07d}",
        " " * 36,
    )


def _label(*parts: str) -> str:
    record = "".join(parts)
    assert len(record) == LABEL_LENGTH, (parts[0], len(record))
    return record


def _data_record(file: _Checked, item: Standard18Item) -> str:
    return _record(
        item.sort_code,
        item.account_number,
        item.account_type,
        item.transaction_code,
        file.originator,
        item.amount_pence,
        file.su_name,
        item.reference,
        item.payer_name,
    )


def _contra_amounts(file: _Checked) -> list[int]:
    if file.kind is FileKind.AUDDIS:
        return []
    # An 11-digit field caps each contra, so a larger total is carried by several.
    full, rest = divmod(file.item_total, MAX_AMOUNT_PENCE)
    return [MAX_AMOUNT_PENCE] * full + ([rest] if rest else [])


def _contras(file: _Checked) -> list[str]:
    code = DEBIT_CONTRA_CODE if file.kind is FileKind.REFUNDS else CREDIT_CONTRA_CODE
    account = file.originator
    return [
        _record(
            account.sort_code,
            account.account_number,
            "0",
            code,
            account,
            amount,
            file.su_name,
            CONTRA_REFERENCE,
            account.name,
        )
        for amount in _contra_amounts(file)
    ]


def _record(
    sort_code: str,
    account_number: str,
    account_type: str,
    code: str,
    originator: BankAccount,
    amount: int,
    su_name: str,
    reference: str,
    name: str,
) -> str:
    record = "".join(
        (
            sort_code,
            account_number,
            account_type,
            code,
            originator.sort_code,
            originator.account_number,
            "    ",  # free format / RTI: blank for Direct Debits
            f"{amount:011d}",
            f"{su_name:<18}",
            f"{reference:<18}",
            f"{name:<18}",
        )
    )
    assert len(record) == RECORD_LENGTH, record
    return record
