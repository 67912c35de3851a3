"""Importing a provider's actuals file, with the care import's discipline (DESIGN.md principle 7).

`import_actuals_file` keeps the original bytes, checks the whole file, and applies all of it in
one transaction or none of it; the same file twice is recognised by its hash. Every outcome
leaves an `ImportBatch` (kind ``actuals``) behind.

Applying a figure for a line and week:

- the same units as the newest figure already held for that line and week: nothing is written;
- otherwise a new `ProviderActual` row is added (rows are never overwritten, so every figure a
  provider ever gave is kept), compared with the plan: within the council's tolerance it is
  accepted, outside it is held for review; a line that is never charged (a free service, section
  117 or NHS Continuing Healthcare) is accepted without the comparison, as nothing is billed from
  it;
- a held figure the new one replaces leaves the exceptions queue as superseded: only the newest
  figure for a week is worth an officer's time.

The batch's audit event records the counts; each row names its batch, and the stored file is
the evidence for every figure in it. Officers' decisions are audited one by one (`review.py`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from carecharge.apps.audit.operations import record_event, record_update, snapshot
from carecharge.apps.care.actuals.facts import (
    ActualsRules,
    actuals_rules,
    known_provider_codes,
    line_facts,
    lines_named,
    tolerance_rule,
)
from carecharge.apps.care.importing.batches import (
    applied_batch,
    receive,
    record_duplicate,
    record_rejected,
)
from carecharge.apps.care.importing.constants import NOT_STORED, QUERY_CHUNK, UNEXPECTED_FAILURE
from carecharge.apps.care.importing.storage import _keep_original, _Receipt
from carecharge.apps.care.models import (
    ActualStatus,
    ImportBatch,
    ImportKind,
    ImportStatus,
    ProviderActual,
    ServiceLine,
)
from carecharge.core.importing import Problem
from carecharge.core.importing.actuals_csv import line_ids_in, validate_actuals_file
from carecharge.core.importing.actuals_plan import check_against_plan, days_running
from carecharge.core.importing.actuals_records import ActualRecord, ActualsFile
from carecharge.core.rules import RuleError

logger = logging.getLogger(__name__)

AUDIT_SOURCE = "import"
COUNT_KEYS = (
    "actuals_accepted",
    "actuals_held",
    "actuals_unchanged",
    "weeks_restated",
    "never_charged",
    "held_replaced",
)
_TWO_PLACES = Decimal("0.01")


class _Refused(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def import_actuals_file(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    business_date: date,
    source: str = "web",
) -> ImportBatch:
    """Check and apply one provider-actuals file; always returns the batch recording the outcome.

    Call it outside any transaction (a rejected batch is committed though nothing else is).
    """
    receipt = receive(
        data=data,
        filename=filename,
        actor=actor,
        business_date=business_date,
        kind=ImportKind.ACTUALS,
    )
    earlier = applied_batch(ImportKind.ACTUALS, receipt.sha256)
    if earlier is not None:
        return record_duplicate(receipt, earlier)
    try:
        stored_path = _keep_original(data, receipt)
    except OSError:
        logger.exception("Could not keep the original of actuals import %s", receipt.sha256)
        return record_rejected(receipt, "", [Problem(None, None, NOT_STORED)])
    try:
        rules = actuals_rules(business_date)
    except RuleError:
        logger.exception("No actuals tolerance in force on %s", business_date)
        message = (
            f"carecharge has no tolerance for actuals ({tolerance_rule()}) in force on "
            f"{business_date:%d/%m/%Y}, so the file cannot be checked; tell your system "
            "administrator"
        )
        return record_rejected(receipt, stored_path, [Problem(None, None, message)])
    checked = _validate(data, business_date, rules, lines_named(line_ids_in(data)))
    if not checked.ok:
        return record_rejected(receipt, stored_path, checked.problems)
    audit_actor = actor if actor is not None else source
    return _apply_or_reject(data, receipt, stored_path, rules, audit_actor)


def _validate(
    data: bytes, business_date: date, rules: ActualsRules, lines: Mapping[str, ServiceLine]
) -> ActualsFile:
    return validate_actuals_file(
        data,
        business_date=business_date,
        known_provider_codes=known_provider_codes(),
        lines={line_id: line_facts(line) for line_id, line in lines.items()},
        week_start_for=rules.week_start_for,
    )


def _apply_or_reject(
    data: bytes, receipt: _Receipt, stored_path: str, rules: ActualsRules, audit_actor: Any
) -> ImportBatch:
    problems: Sequence[Problem]
    try:
        with transaction.atomic():
            # Locked, and checked again: a care import may have moved a line to another
            # provider or ended it since the first check.
            lines = lines_named(
                line_ids_in(data), ServiceLine.objects.select_for_update(of=("self",))
            )
            checked = _validate(data, receipt.business_date, rules, lines)
            if not checked.ok:
                raise _Refused(checked.problems)
            batch = ImportBatch.objects.create(
                **receipt.batch_fields(), stored_path=stored_path, status=ImportStatus.APPLIED
            )
            batch.counts = _ActualsApplier(batch, rules, audit_actor).apply(checked, lines)
            batch.save(update_fields=["counts"])
            record_event(
                actor=audit_actor,
                action="import.actuals",
                instance=batch,
                changes={key: [None, value] for key, value in batch.counts.items() if value},
                reason=f"Provider actuals import {batch.pk}",
                source=AUDIT_SOURCE,
            )
    except _Refused as refused:
        problems = refused.problems
    except Exception:
        logger.exception(
            "Actuals import of %s (%s) failed while applying; rolled back",
            receipt.filename,
            receipt.sha256,
        )
        earlier = applied_batch(ImportKind.ACTUALS, receipt.sha256)
        if earlier is not None:
            return record_duplicate(receipt, earlier)
        problems = [Problem(None, None, UNEXPECTED_FAILURE)]
    else:
        logger.info("Applied actuals import %s: %s", batch.pk, batch.counts)
        return batch
    return record_rejected(receipt, stored_path, problems)


class _ActualsApplier:
    def __init__(self, batch: ImportBatch, rules: ActualsRules, actor: Any) -> None:
        self.batch = batch
        self.rules = rules
        self.actor = actor
        self.counts = dict.fromkeys(COUNT_KEYS, 0)
        self.now = timezone.now()

    def apply(self, checked: ActualsFile, lines: Mapping[str, ServiceLine]) -> dict[str, int]:
        earlier = _earlier_figures(checked.actuals, lines)
        for record in checked.actuals:
            line = lines[record.line_id]
            self._apply(record, line, earlier.get((line.pk, record.week_start), []))
        return self.counts

    def _apply(
        self, record: ActualRecord, line: ServiceLine, earlier: list[ProviderActual]
    ) -> None:
        units = record.units.quantize(_TWO_PLACES)
        live = [row for row in earlier if row.status != ActualStatus.SUPERSEDED]
        if live and live[-1].units == units:
            self.counts["actuals_unchanged"] += 1
            return
        facts = line_facts(line)
        days = days_running(record.week_start, line.start_date, line.end_date)
        plan = check_against_plan(
            units,
            units_per_week=line.units_per_week,
            days=days,
            tolerance_percent=self.rules.tolerance_percent,
        )
        accepted = facts.never_charged or plan.within_tolerance
        ProviderActual.objects.create(
            batch=self.batch,
            line=line,
            week_start=record.week_start,
            units=units,
            note=record.note or "",
            status=ActualStatus.ACCEPTED if accepted else ActualStatus.HELD,
            planned_units=plan.planned_units,
            variance_percent=plan.variance_percent,
            tolerance_percent=None if facts.never_charged else self.rules.tolerance_percent,
        )
        self.counts["actuals_accepted" if accepted else "actuals_held"] += 1
        if facts.never_charged:
            self.counts["never_charged"] += 1
        if earlier:
            self.counts["weeks_restated"] += 1
        for row in live:
            if row.status == ActualStatus.HELD:
                self._supersede(row)

    def _supersede(self, row: ProviderActual) -> None:
        fields = ["status", "decided_at", "decision_note"]
        before = snapshot(row, fields)
        row.status = ActualStatus.SUPERSEDED
        row.decided_at = self.now
        row.decision_note = f"Replaced by a later figure in import {self.batch.pk}"
        row.save(update_fields=fields)
        record_update(
            actor=self.actor,
            instance=row,
            before=before,
            reason=row.decision_note,
            source=AUDIT_SOURCE,
            action="import.supersede",
        )
        self.counts["held_replaced"] += 1


def _earlier_figures(
    records: Sequence[ActualRecord], lines: Mapping[str, ServiceLine]
) -> dict[tuple[int, date], list[ProviderActual]]:
    """Every figure already held for the lines and weeks in the file, oldest first."""
    wanted = {(lines[r.line_id].pk, r.week_start) for r in records}
    found: dict[tuple[int, date], list[ProviderActual]] = defaultdict(list)
    line_pks = sorted({pk for pk, _ in wanted})
    weeks = sorted({week for _, week in wanted})
    for start in range(0, len(line_pks), QUERY_CHUNK):
        rows = ProviderActual.objects.select_for_update().filter(
            line_id__in=line_pks[start : start + QUERY_CHUNK], week_start__in=weeks
        )
        for row in rows.order_by("pk"):
            key = (row.line_id, row.week_start)
            if key in wanted:
                found[key].append(row)
    return found
