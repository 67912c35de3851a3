"""Writes for care data: importing the case management system's file (DESIGN.md principle 7),
and the entry points for what billing needs beside it: top-up agreements, NHS Continuing
Healthcare awards and the organisations they name (`funding.py`), and provider actuals with
their review (`actuals/`).

`import_care_file` is the only way a care-data file changes carecharge; the upload page and the
`carecharge import care` command both call it. It keeps the original bytes, checks the whole file,
and then applies all of it in one transaction or none of it. Every outcome (applied, rejected or
a duplicate of a file already applied) leaves an `ImportBatch` row behind.

How the file's records meet what carecharge already holds:

- Records are matched by the case management system's ids (person_id, package_id, line_id,
  suspension_id). Records carecharge holds that the file does not mention are left alone: an
  export may cover only some people.
- Service lines and suspensions are described whole by their line, so a blank optional value
  there is applied (a blank end_date re-opens a line, a blank provider_code removes the provider).
- For people, a blank optional value (title, NHS or NI number, phone, email, date of death, the
  address) never erases what carecharge holds: exports often leave out details an officer has
  since recorded, and silently clearing a date of death would undo bereavement work.
- A record whose values already match is not saved and gets no audit row, so importing a
  different file with the same records changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from carecharge.apps.care.actuals.importing import import_actuals_file
from carecharge.apps.care.actuals.review import ReviewError, accept_actual, reject_actual
from carecharge.apps.care.funding import (
    FundingError,
    end_chc_award,
    end_top_up_agreement,
    record_chc_award,
    record_organisation,
    record_top_up_agreement,
    withdraw_chc_award,
)
from carecharge.apps.care.importing.applying import _CareApplier, _Refused
from carecharge.apps.care.importing.batches import (
    applied_batch,
    receive,
    record_duplicate,
    record_rejected,
)
from carecharge.apps.care.importing.constants import COUNT_KEYS, NOT_STORED, UNEXPECTED_FAILURE
from carecharge.apps.care.importing.storage import _keep_original, _Receipt
from carecharge.apps.care.importing.summary import import_summary
from carecharge.apps.people.models import ServiceUser
from carecharge.core.importing import (
    CareFile,
    Problem,
    validate_care_file,
)

from .models import (
    ImportBatch,
    ImportKind,
    ImportStatus,
    Provider,
    Service,
)

__all__ = [
    "COUNT_KEYS",
    "FundingError",
    "ReviewError",
    "accept_actual",
    "end_chc_award",
    "end_top_up_agreement",
    "import_actuals_file",
    "import_care_file",
    "import_summary",
    "record_chc_award",
    "record_organisation",
    "record_top_up_agreement",
    "reject_actual",
    "withdraw_chc_award",
]

logger = logging.getLogger(__name__)

# --- The write path ---------------------------------------------------------------------------


def import_care_file(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    business_date: date,
    source: str = "web",
) -> ImportBatch:
    """Check and apply one care-data file; always returns the batch row recording the outcome.

    Call it outside any transaction: a rejected batch must be committed even though nothing else
    is. ``filename`` is only displayed, never used as a path. ``source`` ("web", "command")
    names the channel; when there is no signed-in ``actor`` it is the name the audit trail shows.
    """
    receipt = receive(
        data=data,
        filename=filename,
        actor=actor,
        business_date=business_date,
        kind=ImportKind.CARE,
    )
    earlier = applied_batch(ImportKind.CARE, receipt.sha256)
    if earlier is not None:
        return record_duplicate(receipt, earlier)
    try:
        stored_path = _keep_original(data, receipt)
    except OSError:
        logger.exception("Could not keep the original of care import %s", receipt.sha256)
        return record_rejected(receipt, "", [Problem(None, None, NOT_STORED)])
    care_file = validate_care_file(data, business_date=business_date, **_known_to_validator())
    if not care_file.ok:
        return record_rejected(receipt, stored_path, care_file.problems)
    return _apply_or_reject(care_file, receipt, stored_path, actor if actor is not None else source)


def _apply_or_reject(
    care_file: CareFile, receipt: _Receipt, stored_path: str, audit_actor: Any
) -> ImportBatch:
    problems: Sequence[Problem]
    try:
        with transaction.atomic():
            # The applied batch is written first so the audit rows can name it; it is rolled
            # back with everything else if applying fails.
            batch = ImportBatch.objects.create(
                **receipt.batch_fields(), stored_path=stored_path, status=ImportStatus.APPLIED
            )
            batch.counts = _CareApplier(batch, audit_actor).apply(care_file)
            batch.save(update_fields=["counts"])
    except _Refused as refused:
        problems = refused.problems
    except Exception:
        logger.exception(
            "Care import of %s (%s) failed while applying; rolled back",
            receipt.filename,
            receipt.sha256,
        )
        earlier = applied_batch(ImportKind.CARE, receipt.sha256)
        if earlier is not None:
            # The same file, uploaded twice at once, was applied by the other upload.
            return record_duplicate(receipt, earlier)
        problems = [Problem(None, None, UNEXPECTED_FAILURE)]
    else:
        logger.info("Applied care import %s: %s", batch.pk, batch.counts)
        return batch
    return record_rejected(receipt, stored_path, problems)


def _known_to_validator() -> dict[str, Any]:
    return {
        "known_service_codes": frozenset(Service.objects.values_list("code", flat=True)),
        "service_categories": dict(Service.objects.values_list("code", "category")),
        "known_provider_codes": frozenset(Provider.objects.values_list("code", flat=True)),
        "known_person_ids": frozenset(
            person_id
            for person_id in ServiceUser.objects.values_list("case_system_id", flat=True)
            if person_id
        ),
    }
