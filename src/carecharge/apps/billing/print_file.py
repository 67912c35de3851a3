"""The print file of a billing run: its issued invoices and credit notes in posting order for the
print room (by postcode, then number), in parts of at most 500 documents.

Each part is a ZIP of the stored PDFs, exactly as issued (their hashes are in the manifest), and
a `manifest.csv` listing them in order. A ZIP and not one long PDF: concatenating PDFs needs a
PDF library (pypdf), which carecharge does not install; print rooms and mail-sorting services
take a folder of PDFs with a manifest, and each PDF stays byte-identical to the stored document.
The files are the same bytes every time they are written (fixed timestamps and order).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from carecharge.apps.audit.operations import record_event
from carecharge.apps.documents.models import Document
from carecharge.apps.documents.queries import stored_pdf

from .models import BillingRun, Invoice, RunState

PART_SIZE: Final = 500
# ZIP entries carry a modification time; a fixed one keeps the file the same bytes every time.
FIXED_TIME: Final = (1980, 1, 1, 0, 0, 0)
MANIFEST_HEADER: Final = [
    "sequence", "file", "number", "kind", "recipient", "postcode", "document", "sha256", "bytes",
]  # fmt: skip


class PrintFileError(ValueError):
    """The run's print file cannot be written yet; the message says why."""


@dataclass(frozen=True)
class Entry:
    number: str
    kind: str
    document_id: int
    recipient: str
    postcode: str


@dataclass(frozen=True)
class PrintPart:
    name: str
    content: bytes
    documents: int


def postcode_key(postcode: str) -> str:
    """Postcodes compared as the Royal Mail sorts them: capitals, no spaces; none sorts last."""
    compact = "".join(postcode.split()).upper()
    return compact or "\uffff"


def _entries(run: BillingRun) -> list[Entry]:
    rows = Invoice.objects.filter(run=run, document__isnull=False).values_list(
        "number",
        "kind",
        "document_id",
        "document__recipient_name",
        "document__snapshot__recipient__postcode",
    )
    entries = [
        Entry(number, kind, document_id, recipient or "", str(postcode or ""))
        for number, kind, document_id, recipient, postcode in rows
    ]
    return sorted(entries, key=lambda e: (postcode_key(e.postcode), e.number))


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED  # PDFs are compressed already
    info.external_attr = 0o644 << 16
    return info


def _part(run: BillingRun, entries: list[Entry], offset: int, name: str) -> PrintPart:
    documents = {d.pk: d for d in Document.objects.filter(pk__in=[e.document_id for e in entries])}
    buffer = io.BytesIO()
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADER)
    with zipfile.ZipFile(buffer, "w") as archive:
        for position, entry in enumerate(entries, start=offset + 1):
            document = documents[entry.document_id]
            pdf = stored_pdf(document)
            file_name = f"{position:06d}-{entry.number}.pdf"
            archive.writestr(_info(file_name), pdf)
            writer.writerow(
                [
                    position,
                    file_name,
                    entry.number,
                    entry.kind,
                    entry.recipient,
                    entry.postcode,
                    document.pk,
                    document.sha256,
                    len(pdf),
                ]
            )
        archive.writestr(_info("manifest.csv"), manifest.getvalue().encode("utf-8"))
    return PrintPart(name, buffer.getvalue(), len(entries))


def print_parts(
    run: BillingRun, *, part_size: int = PART_SIZE, skip_unissued: bool = False
) -> list[PrintPart]:
    """The run's print file, in parts. Refuses a run that is not posted, and (unless
    ``skip_unissued``) a run with invoices not yet issued, naming them."""
    if part_size < 1:
        raise PrintFileError("part size: at least one document in each part")
    if run.state != RunState.POSTED:
        raise PrintFileError(
            f"run {run.pk} is {run.get_state_display().lower()}: its print file is written once "
            "it is posted"
        )
    missing = list(
        Invoice.objects.filter(run=run, document__isnull=True)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if missing and not skip_unissued:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise PrintFileError(
            f"run {run.pk} has {len(missing)} "
            f"{'invoice or credit note' if len(missing) == 1 else 'invoices or credit notes'} "
            f"not yet issued ({shown}): "
            f"issue them first (carecharge invoices issue {run.pk})"
        )
    entries = _entries(run)
    if not entries:
        raise PrintFileError(f"run {run.pk} has no issued invoices or credit notes to print")
    chunks = [entries[i : i + part_size] for i in range(0, len(entries), part_size)]
    return [
        _part(
            run,
            chunk,
            index * part_size,
            f"run-{run.pk}-print-part-{index + 1}-of-{len(chunks)}.zip",
        )
        for index, chunk in enumerate(chunks)
    ]


def write_print_file(
    run: BillingRun,
    out: Path,
    *,
    actor: Any,
    part_size: int = PART_SIZE,
    skip_unissued: bool = False,
    source: str = "command",
) -> list[Path]:
    """Write the run's print file parts into the folder ``out`` and audit it."""
    parts = print_parts(run, part_size=part_size, skip_unissued=skip_unissued)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for part in parts:
        path = out / part.name
        path.write_bytes(part.content)
        written.append(path)
    record_event(
        actor=actor,
        action="billing.print_file",
        instance=run,
        changes={},
        reason=(
            f"Print file written: {sum(p.documents for p in parts)} documents in "
            f"{len(parts)} part{'s' if len(parts) != 1 else ''}"
        ),
        source=source,
    )
    return written
