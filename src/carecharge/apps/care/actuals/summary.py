"""Telling officers what an actuals import did, in one plain-English sentence."""

from __future__ import annotations

from carecharge.apps.care.importing.summary import import_summary
from carecharge.apps.care.models import ImportBatch, ImportKind, ImportStatus


def _figures(count: int) -> str:
    return "1 weekly figure" if count == 1 else f"{count} weekly figures"


def actuals_summary(batch: ImportBatch) -> str:
    if batch.status != ImportStatus.APPLIED:
        # Rejected and duplicate files are described the same way whatever their kind.
        return import_summary(batch)
    counts = batch.counts or {}
    accepted, held = counts.get("actuals_accepted", 0), counts.get("actuals_held", 0)
    if not accepted and not held:
        return (
            f"Imported {batch.filename}: every figure in it was already held, so nothing was "
            "changed."
        )
    parts = []
    if accepted:
        parts.append(f"{_figures(accepted)} accepted")
    if held:
        parts.append(f"{_figures(held)} held for review (outside the tolerance)")
    sentence = f"Imported {batch.filename}: {' and '.join(parts)}."
    restated = counts.get("weeks_restated", 0)
    if restated:
        weeks = "1 week" if restated == 1 else f"{restated} weeks"
        sentence += f" {weeks} restated from an earlier file."
    never = counts.get("never_charged", 0)
    if never:
        sentence += f" {_figures(never)} for services that are never charged (kept, not billed)."
    return sentence


def batch_summary(batch: ImportBatch) -> str:
    """The sentence for any import batch, care data or actuals."""
    if batch.kind == ImportKind.ACTUALS:
        return actuals_summary(batch)
    return import_summary(batch)
