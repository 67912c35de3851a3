"""Check a Standard 18 file before it goes to Bacs, and produce the control report.

:func:`check_standard18` reads a whole file (text or the exact bytes to be uploaded) and either
returns a :class:`Standard18Report` - counts, totals, processing day and SHA-256, the figures a
second officer compares with the run before approving submission - or raises
:class:`Standard18Error` listing every problem found, each naming its line number and record
type (``line 7 (contra): ...``). It checks what Bacs would reject or, worse, accept wrongly:
record lengths and order, field formats, transaction codes, amounts, references, contras, the
UTL1 counts and totals, and that EOF1/EOF2 mirror HDR1/HDR2. Sort codes are checked for shape
only; modulus checking belongs to the sort code module.

Only single-day (``1 DAILY``, 100-character record) files are accepted, the kind
:mod:`carecharge.core.bacs.standard18` writes.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from carecharge.core.bacs.calendar import is_processing_day
from carecharge.core.bacs.standard18 import (
    AUDDIS_CODES,
    BACS_CHARACTERS,
    CODE_MEANINGS,
    CODE_ORDER,
    CONTRA_REFERENCE,
    CREDIT_CODES,
    CREDIT_CONTRA_CODE,
    DEBIT_CONTRA_CODE,
    LABEL_LENGTH,
    RECORD_LENGTH,
    TRANSACTION_CODES,
    WORK_CODE_DAILY,
    FileKind,
    Standard18Error,
    Standard18Item,
    bacs_date,
    kind_of_code,
    read_bacs_date,
    reference_problem,
    text_problem,
)
from carecharge.core.money import format_pounds

__all__ = [
    "CodeTotal",
    "Standard18Error",
    "Standard18Report",
    "check_standard18",
]

HEAD_LABELS = ("VOL1", "HDR1", "HDR2", "UHL1")
TAIL_LABELS = ("EOF1", "EOF2", "UTL1")
LABELS = frozenset(HEAD_LABELS + TAIL_LABELS)
MAX_DAYS_AHEAD = 30
"""Bacs accepts a file up to 30 days before its processing day."""

_DIGITS = frozenset("0123456789")
_ALPHANUMERIC = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_CONTRA_FIELD = f"{CONTRA_REFERENCE:<18}"
_CODES = ", ".join(CODE_ORDER)


@dataclass(frozen=True, slots=True)
class CodeTotal:
    """How many items a file has with one transaction code, and their value."""

    transaction_code: str
    count: int
    total_pence: int

    @property
    def meaning(self) -> str:
        return CODE_MEANINGS[self.transaction_code]


@dataclass(frozen=True, slots=True)
class Standard18Report:
    """The control report of a Standard 18 file that passed every check.

    ``items`` are the payers' records as they appear in the file (text without its padding);
    contras are counted separately. ``debit_*`` and ``credit_*`` are the UTL1 figures, which the
    check has recomputed from the records, contras included. ``sha256`` is the hash of the
    exact bytes checked: the file uploaded must have the same one.
    """

    sun: str
    serial_number: str
    file_number: str
    kind: FileKind
    processing_day: date
    created_on: date
    items: tuple[Standard18Item, ...]
    item_total_pence: int
    by_code: tuple[CodeTotal, ...]
    contra_count: int
    contra_total_pence: int
    debit_count: int
    debit_total_pence: int
    credit_count: int
    credit_total_pence: int
    record_count: int
    sha256: str

    @property
    def item_count(self) -> int:
        return len(self.items)

    def as_text(self) -> str:
        """The control report for people: one fact a line, amounts in pounds."""

        def amount(count: int, pence: int) -> str:
            return f"{count} for {format_pounds(pence)}"

        bacs_field = f"'{bacs_date(self.processing_day)}' in the file"
        lines = [
            "Standard 18 control report",
            f"File type:              {self.kind.label}",
            f"Service user number:    {self.sun}",
            f"Submission serial:      {self.serial_number}",
            f"File number:            {self.file_number}",
            f"Processing day:         {_show(self.processing_day)} ({bacs_field})",
            f"Created:                {_show(self.created_on)}",
            f"Items:                  {amount(self.item_count, self.item_total_pence)}",
            *(
                f"  {total.transaction_code} {total.meaning + ':':<28}"
                f"{amount(total.count, total.total_pence)}"
                for total in self.by_code
            ),
            f"Contra records:         {amount(self.contra_count, self.contra_total_pence)}",
            f"UTL1 debits:            {amount(self.debit_count, self.debit_total_pence)}",
            f"UTL1 credits:           {amount(self.credit_count, self.credit_total_pence)}",
            f"Records in the file:    {self.record_count}",
            f"SHA-256:                {self.sha256}",
        ]
        return "\n".join(lines) + "\n"


def check_standard18(
    data: str | bytes,
    *,
    bank_holidays: frozenset[date] | None = None,
    submitted_on: date | None = None,
) -> Standard18Report:
    """Check a whole Standard 18 file; the control report, or every problem in one error.

    Give ``bank_holidays`` to also check that the processing day is a Bacs processing day, and
    ``submitted_on`` (the day it will be sent) to check the processing day is after it and no
    more than 30 days ahead.
    """
    if isinstance(data, bytes):
        raw = data
        # Latin-1 maps every byte to one character, so a stray byte is reported where it is.
        text = data.decode("latin-1")
    elif isinstance(data, str):
        raw, text = data.encode("utf-8"), data
    else:
        raise Standard18Error([f"the file must be text or bytes, got {type(data).__name__}"])
    reader = _Reader(_split_lines(text), hashlib.sha256(raw).hexdigest())
    return reader.check(bank_holidays, submitted_on)


def _split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@dataclass(slots=True)
class _Record:
    number: int
    kind: str
    text: str
    in_body: bool = False
    """Between UHL1 and EOF1, where data and contra records belong."""


@dataclass(slots=True)
class _Entry:
    """A data or contra record whose code and amount read cleanly.

    ``item`` is the payer's record when every field of a data record passed its checks.
    """

    record: _Record
    code: str
    amount: int
    originator: tuple[str, str]
    item: Standard18Item | None

    @property
    def is_contra(self) -> bool:
        return self.record.kind == "contra"


@dataclass(slots=True)
class _Reader:
    raw_lines: list[str]
    sha256: str
    problems: list[tuple[int, str]] = field(default_factory=list)
    records: list[_Record] = field(default_factory=list)
    labels: dict[str, _Record] = field(default_factory=dict)
    entries: list[_Entry] = field(default_factory=list)
    amounts_known: bool = True

    def problem(self, record: _Record, message: str) -> None:
        self.problems.append((record.number, f"line {record.number} ({record.kind}): {message}"))

    def end_of_file_problem(self, message: str) -> None:
        number = len(self.records) + 1
        self.problems.append((number, f"line {number} (end of file): {message}"))

    def check(
        self, bank_holidays: frozenset[date] | None, submitted_on: date | None
    ) -> Standard18Report:
        self._read_lines()
        if not self.records:
            raise Standard18Error(message for _, message in self.problems)
        self._check_order()
        for record in self.records:
            self._check_record(record)
        kind = self._check_kinds()
        self._check_contras(kind)
        self._check_labels(bank_holidays, submitted_on)
        if self.problems:
            in_file_order = sorted(self.problems, key=lambda problem: problem[0])
            raise Standard18Error(message for _, message in in_file_order)
        return self._report(kind)

    # --- lines and order -------------------------------------------------------------------

    def _read_lines(self) -> None:
        if not any(line.strip() for line in self.raw_lines):
            self.problems.append((1, "line 1 (end of file): the file is empty"))
            return
        crlf = self.raw_lines[0].endswith("\r")
        mixed = False
        for number, line in enumerate(self.raw_lines, start=1):
            has_cr = line.endswith("\r")
            text = line[:-1] if has_cr else line
            record = _Record(number, _kind_of(text), text)
            self.records.append(record)
            if has_cr != crlf and not mixed:
                mixed = True
                ending, first = ("CRLF", "LF") if has_cr else ("LF", "CRLF")
                self.problem(
                    record, f"ends {ending} but line 1 ends {first}; a file uses one or the other"
                )

    def _check_order(self) -> None:
        position = start = self._expect_labels(0, HEAD_LABELS)
        seen_contra = False
        while position < len(self.records):
            record = self.records[position]
            if record.kind in TAIL_LABELS:
                break
            record.in_body = True
            if record.kind in LABELS:
                self.problem(record, f"{record.kind} out of place, among the data records")
            elif record.kind == "contra":
                seen_contra = True
            elif seen_contra:
                self.problem(record, "item after the contra records; contras come last")
                seen_contra = False  # one report for the run of misplaced items
            position += 1
        body = self.records[start:position]
        if position < len(self.records) and not any(r.kind == "data" for r in body):
            self.problem(self.records[position], "no items between UHL1 and this label")
        position = self._expect_labels(position, TAIL_LABELS)
        for record in self.records[position:]:
            self.problem(record, "after UTL1, which ends the file")

    def _expect_labels(self, position: int, wanted: tuple[str, ...]) -> int:
        """Match the labels ``wanted`` from ``position``; where the next record starts."""
        index = 0
        while index < len(wanted):
            label = wanted[index]
            if position >= len(self.records):
                missing = ", ".join(wanted[index:])
                self.end_of_file_problem(f"missing {missing}; the file is incomplete")
                return position
            record = self.records[position]
            is_entry = record.kind in ("data", "contra")
            if record.kind == label:
                self.labels[label] = record
                position += 1
                index += 1
            elif record.kind in wanted[index + 1 :]:
                # The label is absent; the record in its place belongs further on.
                self.problem(record, f"{label} missing before this line")
                index += 1
            elif is_entry and wanted == HEAD_LABELS:
                self.problem(record, f"{label} missing before this line")
                index += 1
            elif is_entry:
                self.problem(record, f"{record.kind} record after {wanted[index - 1]}")
                position += 1
            else:
                self.problem(record, f"{record.kind} out of place; expected {label} here")
                position += 1
        return position

    # --- each record -----------------------------------------------------------------------

    def _check_record(self, record: _Record) -> None:
        width = LABEL_LENGTH if record.kind in LABELS else RECORD_LENGTH
        if len(record.text) != width:
            self.problem(record, f"{len(record.text)} characters, expected {width}")
            if record.kind in ("data", "contra"):
                self.amounts_known = False
            return
        if record.kind not in LABELS and not record.in_body:
            return  # already reported as out of place; its amount must not count
        if record.kind in LABELS:
            bad = next(
                (
                    (position, char)
                    for position, char in enumerate(record.text, start=1)
                    if char not in BACS_CHARACTERS
                ),
                None,
            )
            if bad is not None:
                self.problem(record, f"position {bad[0]} has {bad[1]!r}, not a Bacs character")
            return
        self._check_entry(record)

    def _check_entry(self, record: _Record) -> None:
        text = record.text
        before = len(self.problems)
        sort_code, account, account_type = text[0:6], text[6:14], text[14]
        code, originator = text[15:17], (text[17:23], text[23:31])
        free_format, amount_field = text[31:35], text[35:46]
        su_name, reference, name = text[46:64], text[64:82], text[82:100]
        self._digits(record, sort_code, 6, "destination sort code")
        self._digits(record, account, 8, "destination account number")
        self._digits(record, account_type, 1, "account type")
        self._digits(record, originator[0], 6, "originating sort code")
        self._digits(record, originator[1], 8, "originating account number")
        if free_format not in ("    ", "0000") and not (
            free_format[0] == "/" and set(free_format[1:]) <= BACS_CHARACTERS - {" "}
        ):
            self.problem(record, f"free format field {free_format!r} must be blank, 0000 or /XXX")
        code_known = code in TRANSACTION_CODES
        if not code_known:
            self.problem(record, f"transaction code {code!r} is not one of {_CODES}")
        amount_ok = self._digits(record, amount_field, 11, "amount")
        amount = int(amount_field) if amount_ok else 0
        if amount_ok and code_known:
            if code in AUDDIS_CODES and amount:
                self.problem(record, f"amount {amount_field} must be zero for code {code}")
            elif code not in AUDDIS_CODES and not amount:
                self.problem(record, f"amount {amount_field} must not be zero for code {code}")
        self._text(record, su_name.rstrip(), "service user name")
        self._text(record, name.rstrip(), "account name")
        if record.kind == "contra":
            if (sort_code, account) != originator:
                self.problem(record, "a contra's destination must be the originating account")
        else:
            problem = reference_problem(reference.rstrip())
            if problem is not None:
                self.problem(record, problem)
        if not (amount_ok and code_known):
            self.amounts_known = False
            return
        item: Standard18Item | None = None
        if record.kind == "data" and len(self.problems) == before:
            item = Standard18Item(
                sort_code=sort_code,
                account_number=account,
                payer_name=name.rstrip(),
                transaction_code=code,
                amount_pence=amount,
                reference=reference.rstrip(),
                account_type=account_type,
            )
        self.entries.append(_Entry(record, code, amount, originator, item))

    def _digits(self, record: _Record, value: str, width: int, what: str) -> bool:
        if len(value) == width and set(value) <= _DIGITS:
            return True
        self.problem(record, f"{what} {value!r} must be {width} digits")
        return False

    def _text(self, record: _Record, value: str, what: str) -> None:
        problem = text_problem(value, what)
        if problem is not None:
            self.problem(record, problem)

    # --- across records --------------------------------------------------------------------

    def _check_kinds(self) -> FileKind | None:
        kind: FileKind | None = None
        first_code = ""
        for entry in self.entries:
            if entry.is_contra:
                continue
            entry_kind = kind_of_code(entry.code)
            if kind is None:
                kind, first_code = entry_kind, entry.code
            elif entry_kind is not kind:
                self.problem(
                    entry.record,
                    f"code {entry.code} ({CODE_MEANINGS[entry.code]}) cannot share a file with "
                    f"code {first_code} ({CODE_MEANINGS[first_code]})",
                )
        return kind

    def _check_contras(self, kind: FileKind | None) -> None:
        contras = [entry for entry in self.entries if entry.is_contra]
        wanted_code = {
            FileKind.COLLECTIONS: CREDIT_CONTRA_CODE,
            FileKind.REFUNDS: DEBIT_CONTRA_CODE,
        }
        for contra in contras:
            if kind is FileKind.AUDDIS:
                self.problem(contra.record, "an AUDDIS file has no contra")
            elif kind is not None and contra.code != wanted_code[kind]:
                self.problem(
                    contra.record,
                    f"code {contra.code}, but the contra of a file of {kind.label} is "
                    f"code {wanted_code[kind]}",
                )
        if kind in (None, FileKind.AUDDIS) or not self.amounts_known:
            # Sums over records that did not read cleanly would only repeat those problems.
            return
        items_by_account: defaultdict[tuple[str, str], list[_Entry]] = defaultdict(list)
        contras_by_account: defaultdict[tuple[str, str], list[_Entry]] = defaultdict(list)
        for entry in self.entries:
            group = contras_by_account if entry.is_contra else items_by_account
            group[entry.originator].append(entry)
        side = "credits" if kind is FileKind.REFUNDS else "debits"
        for account, items in items_by_account.items():
            expected = sum(entry.amount for entry in items)
            found = contras_by_account.get(account, [])
            if not found:
                self.problem(
                    items[0].record,
                    f"no contra for originating account {account[0]} {account[1]}",
                )
                continue
            total = sum(entry.amount for entry in found)
            if total == expected:
                continue
            if len(found) == 1:
                message = (
                    f"amount {total:011d} does not equal the sum of the {side} {expected:011d}"
                )
            else:
                lines = ", ".join(str(entry.record.number) for entry in found)
                message = (
                    f"contras on lines {lines} total {total:011d}, not the sum of the "
                    f"{side} {expected:011d}"
                )
            self.problem(found[-1].record, message)
        for account, found in contras_by_account.items():
            if account not in items_by_account:
                self.problem(
                    found[0].record,
                    f"no {side} from originating account {account[0]} {account[1]}",
                )

    def _check_labels(
        self, bank_holidays: frozenset[date] | None, submitted_on: date | None
    ) -> None:
        label = self._clean_label
        vol1, hdr1, hdr2, uhl1 = (label(name) for name in HEAD_LABELS)
        eof1, eof2, utl1 = (label(name) for name in TAIL_LABELS)
        sun = serial = ""
        if vol1 is not None:
            serial, sun = vol1.text[4:10], vol1.text[41:47]
            if not set(serial) <= _ALPHANUMERIC or set(serial) == {"0"}:
                self.problem(vol1, f"serial number {serial!r} must be letters or digits, not zeros")
            self._digits(vol1, sun, 6, "service user number")
            if vol1.text[79] != "1":
                self.problem(vol1, f"label standard level {vol1.text[79]!r} must be '1'")
        processing = self._check_uhl1(uhl1, bank_holidays, submitted_on)
        if hdr1 is not None:
            self._check_hdr1(hdr1, vol1, sun, serial, processing)
        if hdr2 is not None:
            self._check_hdr2(hdr2)
        for trailer, header in ((eof1, hdr1), (eof2, hdr2)):
            if trailer is not None and header is not None:
                self._mirror(trailer, header)
        if utl1 is not None:
            self._check_utl1(utl1)

    def _clean_label(self, name: str) -> _Record | None:
        """The label, if it is present, where it belongs and the right length."""
        record = self.labels.get(name)
        if record is None or len(record.text) != LABEL_LENGTH:
            return None
        return record

    def _check_uhl1(
        self,
        uhl1: _Record | None,
        bank_holidays: frozenset[date] | None,
        submitted_on: date | None,
    ) -> date | None:
        if uhl1 is None:
            return None
        text = uhl1.text
        processing = self._date(uhl1, text[4:10], "processing day")
        if text[28:37] != f"{WORK_CODE_DAILY:<9}":
            self.problem(
                uhl1,
                f"work code {text[28:37]!r}: only {WORK_CODE_DAILY!r} (single processing day) "
                "files are supported",
            )
        if text[20:22] != "00":
            self.problem(uhl1, f"currency {text[20:22]!r} must be '00' (sterling)")
        if self._digits(uhl1, text[37:40], 3, "file number") and text[37:40] == "000":
            self.problem(uhl1, "file number 000 must be 001 or more")
        if processing is None:
            return None
        if bank_holidays is not None and not is_processing_day(
            processing, bank_holidays=bank_holidays
        ):
            self.problem(
                uhl1,
                f"processing day {_show(processing)} is not a Bacs processing day "
                "(weekend or bank holiday)",
            )
        if submitted_on is not None:
            if processing <= submitted_on:
                self.problem(
                    uhl1,
                    f"processing day {_show(processing)} is not after the submission day "
                    f"{_show(submitted_on)}",
                )
            elif processing > submitted_on + timedelta(days=MAX_DAYS_AHEAD):
                self.problem(
                    uhl1,
                    f"processing day {_show(processing)} is more than {MAX_DAYS_AHEAD} days "
                    f"after the submission day {_show(submitted_on)}",
                )
        return processing

    def _check_hdr1(
        self,
        hdr1: _Record,
        vol1: _Record | None,
        sun: str,
        serial: str,
        processing: date | None,
    ) -> None:
        text = hdr1.text
        if text[4] != "A" or text[11] != "S":
            self.problem(hdr1, f"file identifier {text[4:21]!r} must be 'A', the SUN, then 'S'")
        if vol1 is not None and text[5:11] != sun:
            self.problem(hdr1, f"service user number {text[5:11]!r} differs from VOL1's {sun!r}")
        if vol1 is not None and text[21:27] != serial:
            self.problem(hdr1, f"set identification {text[21:27]!r} differs from VOL1's serial")
        self._digits(hdr1, text[27:31], 4, "file section number")
        self._digits(hdr1, text[31:35], 4, "file sequence number")
        created = self._date(hdr1, text[41:47], "creation date")
        expires = self._date(hdr1, text[47:53], "expiration date")
        if processing is not None and created is not None and created > processing:
            self.problem(
                hdr1,
                f"creation date {_show(created)} is after the processing day {_show(processing)}",
            )
        if processing is not None and expires is not None and expires <= processing:
            self.problem(
                hdr1,
                f"expiration date {_show(expires)} must be after the processing day "
                f"{_show(processing)}",
            )

    def _check_hdr2(self, hdr2: _Record) -> None:
        text = hdr2.text
        if text[4] != "F":
            self.problem(hdr2, f"record format {text[4]!r} must be 'F' (fixed length)")
        if self._digits(hdr2, text[5:10], 5, "block length") and text[5:10] == "00000":
            self.problem(hdr2, "block length 00000 must be more than zero")
        if text[10:15] != f"{RECORD_LENGTH:05d}":
            self.problem(
                hdr2,
                f"record length {text[10:15]!r} must be '{RECORD_LENGTH:05d}' (single "
                "processing day records)",
            )

    def _mirror(self, trailer: _Record, header: _Record) -> None:
        if trailer.text[4:] == header.text[4:]:
            return
        position = next(
            index
            for index, (a, b) in enumerate(zip(trailer.text, header.text, strict=True), start=1)
            if index > 4 and a != b
        )
        self.problem(
            trailer,
            f"does not mirror {header.kind} on line {header.number} "
            f"(first difference at position {position})",
        )

    def _check_utl1(self, utl1: _Record) -> None:
        text = utl1.text
        fields = (
            (text[4:17], 13, "debit total"),
            (text[17:30], 13, "credit total"),
            (text[30:37], 7, "debit count"),
            (text[37:44], 7, "credit count"),
        )
        readable = [self._digits(utl1, value, width, what) for value, width, what in fields]
        if not all(readable) or not self.amounts_known:
            return
        debits = [entry for entry in self.entries if entry.code not in CREDIT_CODES]
        credits = [entry for entry in self.entries if entry.code in CREDIT_CODES]
        recomputed = (
            (sum(entry.amount for entry in debits), "the sum of the debit records"),
            (sum(entry.amount for entry in credits), "the sum of the credit records"),
            (len(debits), "the number of debit records"),
            (len(credits), "the number of credit records"),
        )
        for (value, width, what), (actual, source) in zip(fields, recomputed, strict=True):
            if int(value) != actual:
                self.problem(utl1, f"{what} {value} does not equal {source} {actual:0{width}d}")

    def _date(self, record: _Record, value: str, what: str) -> date | None:
        day = read_bacs_date(value)
        if day is None:
            self.problem(record, f"{what} {value!r} is not a date in the form bYYDDD")
        return day

    # --- the report ------------------------------------------------------------------------

    def _report(self, kind: FileKind | None) -> Standard18Report:
        assert kind is not None
        get: Callable[[str], _Record] = self.labels.__getitem__
        vol1, hdr1, uhl1, utl1 = get("VOL1"), get("HDR1"), get("UHL1"), get("UTL1")
        items = tuple(entry.item for entry in self.entries if entry.item is not None)
        contras = [entry.amount for entry in self.entries if entry.is_contra]
        counts: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        for item in items:
            counts[item.transaction_code] += 1
            totals[item.transaction_code] += item.amount_pence
        processing = read_bacs_date(uhl1.text[4:10])
        created = read_bacs_date(hdr1.text[41:47])
        assert processing is not None and created is not None
        text = utl1.text
        return Standard18Report(
            sun=vol1.text[41:47],
            serial_number=vol1.text[4:10],
            file_number=uhl1.text[37:40],
            kind=kind,
            processing_day=processing,
            created_on=created,
            items=items,
            item_total_pence=sum(item.amount_pence for item in items),
            by_code=tuple(
                CodeTotal(code, counts[code], totals[code]) for code in CODE_ORDER if counts[code]
            ),
            contra_count=len(contras),
            contra_total_pence=sum(contras),
            debit_total_pence=int(text[4:17]),
            credit_total_pence=int(text[17:30]),
            debit_count=int(text[30:37]),
            credit_count=int(text[37:44]),
            record_count=len(self.records),
            sha256=self.sha256,
        )


def _kind_of(text: str) -> str:
    if text[:4] in LABELS:
        return text[:4]
    if text[64:82] == _CONTRA_FIELD:
        return "contra"
    return "data"


def _show(day: date) -> str:
    return day.strftime("%a %d %b %Y")
