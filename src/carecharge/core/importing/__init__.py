"""Validation of files that councils import into carecharge (pure Python, no Django)."""

from carecharge.core.importing.care_csv import validate_care_file
from carecharge.core.importing.care_records import (
    CareFile,
    PersonRecord,
    Problem,
    ServiceLineRecord,
    SuspensionRecord,
)

__all__ = [
    "CareFile",
    "PersonRecord",
    "Problem",
    "ServiceLineRecord",
    "SuspensionRecord",
    "validate_care_file",
]
