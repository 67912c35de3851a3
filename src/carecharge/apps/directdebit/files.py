"""Making a Standard 18 file for Bacs: numbered, written, checked by the validator, then stored
with its hash and control report. A file the validator does not accept is never stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone

from carecharge.apps.billing.numbers import take_numbers
from carecharge.core.bacs.standard18 import (
    Standard18Error,
    Standard18File,
    Standard18Item,
    write_standard18,
)
from carecharge.core.bacs.standard18_check import check_standard18

from .models import BacsFile
from .policy import DirectDebitError, Policy, bank_holidays

SERIAL_SEQUENCE = "bacs_serial"
MAX_SERIAL = 999_999


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def take_serial_number() -> int:
    """The next submission serial number (VOL1), taken in the caller's transaction: a file that
    is not kept gives its number back. Bacs refuses a serial it has seen before, so a council
    moving from another system sets the series past the last one it used."""
    _, serial = take_numbers(SERIAL_SEQUENCE)
    if serial > MAX_SERIAL:
        raise DirectDebitError(
            "Every Bacs submission serial number up to 999999 has been used: ask the sponsoring "
            "bank how to continue"
        )
    return serial


def store_file(
    *,
    kind: str,
    items: Sequence[Standard18Item],
    processing_day: date,
    created_on: date,
    policy: Policy,
    actor: Any,
) -> BacsFile:
    """Write, check and keep one Standard 18 file. Call inside the caller's transaction."""
    serial = take_serial_number()
    description = Standard18File(
        sun=policy.sun,
        su_name=policy.su_name,
        originator=policy.originator,
        processing_day=processing_day,
        created_on=created_on,
        serial_number=serial,
        items=tuple(items),
    )
    try:
        text = write_standard18(description, line_ending=policy.line_ending)
        report = check_standard18(
            text.encode("ascii"),
            bank_holidays=bank_holidays(created_on, processing_day),
            submitted_on=created_on,
        )
    except Standard18Error as error:
        raise DirectDebitError(f"The Standard 18 file could not be made: {error}") from None
    return BacsFile.objects.create(
        kind=kind,
        sun=policy.sun,
        serial_number=serial,
        processing_day=processing_day,
        created_on=created_on,
        text=text,
        sha256=report.sha256,
        control_report=report.as_text(),
        item_count=report.item_count,
        total_pence=report.item_total_pence,
        created_at=timezone.now(),
        created_by=_user(actor),
    )


def file_bytes(file: BacsFile) -> bytes:
    """The exact bytes that were checked: upload these (their SHA-256 is ``file.sha256``)."""
    return file.text.encode("ascii")
