"""What an uploaded evidence document may be: its kind is read from its first bytes, not from
the name or the browser's word, so a renamed program is never stored as a "PDF"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MAX_BYTES: Final = 10 * 1024 * 1024
MAX_NAME: Final = 200


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]
    magic: tuple[bytes, ...]


KINDS: Final = (
    Kind("PDF", "application/pdf", (".pdf",), (b"%PDF-",)),
    Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    Kind("PNG image", "image/png", (".png",), (b"\x89PNG\r\n\x1a\n",)),
    Kind("TIFF image", "image/tiff", (".tif", ".tiff"), (b"II*\x00", b"MM\x00*")),
    Kind(
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        (b"PK\x03\x04",),
    ),
    Kind(
        "Excel workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        (b"PK\x03\x04",),
    ),
)
ACCEPTED: Final = ", ".join(sorted({ext for kind in KINDS for ext in kind.extensions}))


class EvidenceRejected(ValueError):
    """The file cannot be kept as evidence; the message says why, for the officer."""


def kind_of(file_name: str, content: bytes) -> Kind:
    """The kind of an uploaded file, checked by its name and its first bytes together."""
    name = file_name.strip()
    if not name:
        raise EvidenceRejected("Choose a file to upload")
    if len(name) > MAX_NAME:
        raise EvidenceRejected(f"The file name must be {MAX_NAME} characters or fewer")
    if not content:
        raise EvidenceRejected("The selected file is empty")
    if len(content) > MAX_BYTES:
        raise EvidenceRejected("The selected file must be smaller than 10 MB")
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for kind in KINDS:
        if extension in kind.extensions:
            if not content.startswith(kind.magic):
                raise EvidenceRejected(
                    f"The selected file is called {extension} but is not a {kind.name}"
                )
            return kind
    raise EvidenceRejected(f"The selected file must be one of: {ACCEPTED}")
