"""The batch row every import leaves behind, whatever the kind of file and however it ended.

Shared by the care-data and provider-actuals imports, so both keep the same discipline: the
receipt is made before anything is checked, a file already applied is recognised by its hash
(within its kind), and a rejected file is recorded with every problem.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.utils import timezone

from carecharge.apps.care.importing.storage import _display_name, _Receipt
from carecharge.apps.care.models import ImportBatch, ImportStatus
from carecharge.core.importing import Problem


def receive(
    *, data: bytes, filename: str, actor: User | None, business_date: date, kind: str
) -> _Receipt:
    return _Receipt(
        filename=_display_name(filename),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        received_at=timezone.now(),
        received_by=actor if actor is not None and actor.pk is not None else None,
        business_date=business_date,
        kind=kind,
    )


def applied_batch(kind: str, sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(kind=kind, sha256=sha256, status=ImportStatus.APPLIED).first()


def record_duplicate(receipt: _Receipt, earlier: ImportBatch) -> ImportBatch:
    # The bytes are identical to the earlier file's, so its stored copy serves for both.
    return ImportBatch.objects.create(
        **receipt.batch_fields(),
        stored_path=earlier.stored_path,
        status=ImportStatus.DUPLICATE,
        duplicate_of=earlier,
    )


def record_rejected(
    receipt: _Receipt, stored_path: str, problems: Iterable[Problem]
) -> ImportBatch:
    return ImportBatch.objects.create(
        **receipt.batch_fields(),
        stored_path=stored_path,
        status=ImportStatus.REJECTED,
        problems=[
            {"line": problem.line, "column": problem.column, "message": problem.message}
            for problem in problems
        ],
    )
