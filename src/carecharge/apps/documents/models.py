"""Issued documents: letters (and later invoices and statements) kept exactly as sent.

A document is rendered from a frozen snapshot of everything it shows and stored with the PDF's
SHA-256, so re-printing it months later gives the same bytes. Issued documents are never changed
or deleted: the model refuses it, and database triggers refuse it on both engines (migration
0002). A correction is a new document.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from carecharge.apps.assessments.models import Assessment
from carecharge.apps.people.models import ServiceUser


class DocumentImmutable(Exception):
    """An issued document cannot be changed or deleted; issue a new one instead."""


class DocumentKind(models.TextChoices):
    ASSESSMENT_OUTCOME = "assessment_outcome", "Assessment outcome letter"
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"
    STATEMENT = "statement", "Statement of account"
    PAYMENT_CARD = "payment_card", "Payment card (how to pay, with the payment reference)"


class DocumentVariant(models.TextChoices):
    STANDARD = "standard", "Standard print"
    LARGE_PRINT = "large_print", "Large print"


def _refuse(what: str) -> NoReturn:
    raise DocumentImmutable(f"An issued document is never {what}; issue a new document instead.")


class DocumentQuerySet(models.QuerySet["Document"]):
    def update(self, **kwargs: Any) -> int:
        _refuse("changed")

    def delete(self) -> NoReturn:
        _refuse("deleted")


class Document(models.Model):
    kind = models.CharField(max_length=40, choices=DocumentKind.choices)
    variant = models.CharField(
        max_length=20, choices=DocumentVariant.choices, default=DocumentVariant.STANDARD
    )
    person = models.ForeignKey(ServiceUser, on_delete=models.PROTECT, related_name="documents")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    # Who it was addressed to, as frozen in the snapshot (the person, a representative or an
    # executor), so a list of letters never has to re-read today's addresses.
    recipient_name = models.CharField(max_length=200)
    recipient_address = models.TextField()
    issued_on = models.DateField()
    # Everything the template shows, already worked out and formatted: rendering reads nothing
    # else, so the same snapshot and template always give the same PDF.
    snapshot = models.JSONField()
    template = models.CharField(max_length=200)
    template_hash = models.CharField(max_length=64)
    renderer = models.CharField(max_length=40)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(size_bytes__gt=0), name="document_has_bytes"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.issued_on:%d/%m/%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("changed")
        # Always an INSERT: a document built with an existing id must not overwrite that one.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleted")

    @property
    def file_name(self) -> str:
        variant = "" if self.variant == DocumentVariant.STANDARD else f"-{self.variant}"
        kind = self.kind.replace("_", "-")
        # Invoices, credit notes and statements are not letters, and are not called one.
        letter = "-letter" if self.kind == DocumentKind.ASSESSMENT_OUTCOME else ""
        return (
            f"{kind}{letter}-{self.person.account_reference}-{self.issued_on:%Y-%m-%d}{variant}.pdf"
        )
