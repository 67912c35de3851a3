"""Telling officers what an import did, in one plain-English sentence."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import dateformat, timezone

from carecharge.apps.care.models import (
    ImportBatch,
    ImportStatus,
)

logger = logging.getLogger(__name__)


# --- Telling officers what happened -----------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    key: str
    one: str
    many: str = field(default="")

    def noun(self, count: int) -> str:
        return self.one if count == 1 else (self.many or f"{self.one}s")


SUMMARY_KINDS = (
    _Kind("people", "person", "people"),
    _Kind("packages", "care package"),
    _Kind("lines", "service line"),
    _Kind("suspensions", "suspension"),
)


def import_summary(batch: ImportBatch) -> str:
    """One plain-English sentence saying what an import did, for officers."""
    if batch.status == ImportStatus.DUPLICATE:
        return _duplicate_summary(batch)
    if batch.status == ImportStatus.REJECTED:
        count = len(batch.problems)
        found = "1 problem was" if count == 1 else f"{count} problems were"
        return f"{batch.filename} was not imported: {found} found and nothing was changed."
    changes = [phrase for kind in SUMMARY_KINDS if (phrase := _change_phrase(kind, batch.counts))]
    if not changes:
        return (
            f"Imported {batch.filename}: everything in it was already up to date, so nothing "
            "was changed."
        )
    return f"Imported {batch.filename}: {', '.join(changes)}."


def _duplicate_summary(batch: ImportBatch) -> str:
    earlier = batch.duplicate_of
    if earlier is None:
        return f"{batch.filename} was already imported: nothing was changed."
    when = dateformat.format(timezone.localtime(earlier.received_at), "j F Y")
    return (
        f"{batch.filename} was already imported on {when} (import {earlier.pk}): nothing was "
        "changed."
    )


def _change_phrase(kind: _Kind, counts: Mapping[str, int]) -> str:
    added = counts.get(f"{kind.key}_created", 0)
    changed = counts.get(f"{kind.key}_updated", 0)
    if added and changed:
        return f"{added} {kind.noun(added)} added, {changed} changed"
    if added:
        return f"{added} {kind.noun(added)} added"
    if changed:
        return f"{changed} {kind.noun(changed)} changed"
    return ""
