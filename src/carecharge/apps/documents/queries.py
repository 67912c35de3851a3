"""Reading issued documents: a person's or an assessment's letters, and a document's stored PDF
(re-printing serves the stored bytes, after checking them against their hash)."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Document


class DocumentAltered(RuntimeError):
    """The stored PDF no longer matches the hash recorded when it was issued."""


def _listed() -> QuerySet[Document]:
    # Lists never need the PDF bytes or the snapshot.
    return Document.objects.select_related("created_by", "assessment").defer("pdf", "snapshot")


def for_person(person_pk: int) -> QuerySet[Document]:
    return _listed().filter(person_id=person_pk)


def for_assessment(assessment_pk: int) -> QuerySet[Document]:
    return _listed().filter(assessment_id=assessment_pk)


def document_or_404(pk: int) -> Document:
    return get_object_or_404(Document.objects.select_related("person"), pk=pk)


def stored_pdf(document: Document) -> bytes:
    """The PDF exactly as issued; refuses to hand out bytes that fail their hash."""
    content = bytes(document.pdf)
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise DocumentAltered(
            f"document {document.pk}: the stored PDF does not match its recorded SHA-256"
        )
    return content
