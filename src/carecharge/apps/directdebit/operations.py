"""Every write the Direct Debit app makes, in one place for the interfaces (the command now, the
screens next): mandates and AUDDIS files, collection runs, Bacs reports."""

from __future__ import annotations

from .bacs_reports import ReportResult, import_report
from .collections import RunResult, Skipped, build_run, cancel_run, send_notices, settle
from .files import file_bytes
from .mandates import (
    activate_lodged,
    cancel_for_all_deaths,
    cancel_for_death,
    cancel_mandate,
    create_mandate,
    request_final_collection,
    write_auddis_file,
)
from .policy import DirectDebitError

__all__ = [
    "DirectDebitError",
    "ReportResult",
    "RunResult",
    "Skipped",
    "activate_lodged",
    "build_run",
    "cancel_for_all_deaths",
    "cancel_for_death",
    "cancel_mandate",
    "cancel_run",
    "create_mandate",
    "file_bytes",
    "import_report",
    "request_final_collection",
    "send_notices",
    "settle",
    "write_auddis_file",
]
