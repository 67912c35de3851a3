"""Keeping the original file received, whole, under its hash."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from carecharge.apps.care.importing.constants import IMPORTS_FOLDER, MAX_DISPLAY_NAME

logger = logging.getLogger(__name__)


# --- Keeping the original file ----------------------------------------------------------------


def _display_name(filename: str) -> str:
    """The uploaded name, for people to read: no folders, no control characters, not too long."""
    # Browsers on Windows may send a whole path with either separator; only its end is a name.
    name = PureWindowsPath(filename).name
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = " ".join(name.split())
    if name in {"", ".", ".."}:
        return "unnamed file"
    return name[:MAX_DISPLAY_NAME]


def _keep_original(data: bytes, receipt: _Receipt) -> str:
    """Store the bytes as imports/<yyyy>/<mm>/<sha256>.csv and return that path (under MEDIA_ROOT).

    The name comes from the hash alone, never from the uploaded name, so no upload can choose
    where it is written.
    """
    received = timezone.localdate(receipt.received_at)
    relative = PurePosixPath(
        IMPORTS_FOLDER, f"{received:%Y}", f"{received:%m}", f"{receipt.sha256}.csv"
    )
    target = Path(settings.MEDIA_ROOT, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not (target.is_file() and _sha256_of(target) == receipt.sha256):
        _write_atomically(target, data)
    return str(relative)


def _sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomically(target: Path, data: bytes) -> None:
    # Written beside the target and renamed into place, so a crash never leaves half a file
    # under the real name. mkstemp makes it readable by this user only: it is personal data.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class _Receipt:
    """What is known about an upload before it is checked: the fields every batch row shares."""

    filename: str
    sha256: str
    size_bytes: int
    received_at: datetime
    received_by: User | None
    business_date: date
    kind: str = "care"

    def batch_fields(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "filename": self.filename,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "received_at": self.received_at,
            "received_by": self.received_by,
            "business_date": self.business_date,
        }
