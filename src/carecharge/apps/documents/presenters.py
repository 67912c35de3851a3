"""Issued documents as plain dictionaries for the Letters lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from .models import Document, DocumentVariant


def _who(user: Any) -> str:
    if user is None:
        return "the system"
    return str(user.get_full_name() or user.get_username())


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def row(document: Document) -> dict[str, Any]:
    assessment = document.assessment
    return {
        "pk": document.pk,
        "kind": document.get_kind_display(),
        "variant": document.get_variant_display(),
        "large_print": document.variant == DocumentVariant.LARGE_PRINT,
        "issued_on": document.issued_on,
        "recipient": document.recipient_name,
        "created_at": timezone.localtime(document.created_at),
        "created_by": _who(document.created_by),
        "reason": document.reason,
        "size": _size(document.size_bytes),
        "sha256": document.sha256[:12],
        "assessment": (
            {
                "version": assessment.version,
                "href": reverse("assessments:detail", args=[assessment.pk]),
            }
            if assessment is not None
            else None
        ),
        "href": reverse("documents:download", args=[document.pk]),
    }


def rows(documents: Iterable[Document]) -> list[dict[str, Any]]:
    return [row(d) for d in documents]
