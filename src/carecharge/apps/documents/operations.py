"""Issuing documents: render a frozen snapshot to PDF once, store the bytes with their hash, and
audit it. Re-printing serves the stored bytes; `verify` proves they can be reproduced."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone

from carecharge.apps.assessments.models import Assessment, AssessmentState
from carecharge.apps.audit.operations import record_event, snapshot
from carecharge.apps.people.models import ServiceUser
from carecharge.core.letters.wording import long_date

from .kinds import TEMPLATES
from .models import Document, DocumentKind, DocumentVariant
from .outcome_letter import outcome_snapshot
from .recipients import NoRecipient, Recipient, letter_recipient
from .rendering import RENDERER, render_pdf, template_hash

REASON_LIMIT = 1000
# What the audit trail records of a document: never the bytes or the whole snapshot.
AUDITED = [
    "kind", "variant", "person", "assessment", "recipient_name", "issued_on", "template",
    "template_hash", "renderer", "sha256", "size_bytes",
]  # fmt: skip


class DocumentError(ValueError):
    """A document cannot be issued; the message names the field and says why."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@dataclass(frozen=True)
class Rendered:
    """A document's PDF, rendered from its snapshot with the template for its kind and variant."""

    kind: str
    variant: str
    template: str
    snapshot: dict[str, Any]
    pdf: bytes


def render_document(*, kind: str, variant: str, snapshot_data: dict[str, Any]) -> Rendered:
    template = TEMPLATES.get((DocumentKind(kind), DocumentVariant(variant)))
    if template is None:
        raise DocumentError(f"variant: a {kind} document has no {variant} version yet")
    return Rendered(kind, variant, template, snapshot_data, render_pdf(template, snapshot_data))


@transaction.atomic
def store_document(
    *,
    rendered: Rendered,
    person: ServiceUser,
    recipient: Recipient,
    issued_on: date,
    actor: Any,
    assessment: Assessment | None = None,
    reason: str = "",
    source: str = "web",
) -> Document:
    document = Document(
        kind=rendered.kind,
        variant=rendered.variant,
        person=person,
        assessment=assessment,
        recipient_name=recipient.name,
        recipient_address="\n".join(recipient.address_lines),
        issued_on=issued_on,
        snapshot=rendered.snapshot,
        template=rendered.template,
        template_hash=template_hash(rendered.template),
        renderer=RENDERER,
        pdf=rendered.pdf,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size_bytes=len(rendered.pdf),
        reason=reason,
        created_at=timezone.now(),
        created_by=_user(actor),
    )
    document.save()
    record_event(
        actor=actor,
        action="create",
        instance=document,
        changes={name: [None, value] for name, value in snapshot(document, AUDITED).items()},
        reason=reason or f"{document.get_kind_display()} issued",
        source=source,
    )
    return document


def issue_document(
    *,
    kind: str,
    variant: str,
    person: ServiceUser,
    recipient: Recipient,
    snapshot_data: dict[str, Any],
    issued_on: date,
    actor: Any,
    assessment: Assessment | None = None,
    reason: str = "",
    source: str = "web",
) -> Document:
    """Render and store one document from a snapshot a kind has built. The PDF is rendered
    before the transaction, so no lock is held while WeasyPrint works."""
    rendered = render_document(kind=kind, variant=variant, snapshot_data=snapshot_data)
    return store_document(
        rendered=rendered,
        person=person,
        recipient=recipient,
        issued_on=issued_on,
        actor=actor,
        assessment=assessment,
        reason=reason,
        source=source,
    )


def issue_assessment_outcome_letter(
    *,
    assessment: Assessment,
    actor: Any,
    variant: str = "standard",
    reason: str = "",
    issued_on: date | None = None,
    source: str = "web",
) -> Document:
    """The letter telling the person (or whoever deals with their money) the outcome of a
    completed assessment: the weekly charge, how it was worked out, what to tell us and how to
    ask for a review. `issued_on` is the letter's date (today if not given)."""
    if variant not in DocumentVariant.values:
        raise DocumentError(f"variant: {variant!r} is not a kind of print (standard, large_print)")
    reason = reason.strip()
    if len(reason) > REASON_LIMIT:
        raise DocumentError(f"reason: must be {REASON_LIMIT} characters or fewer")
    day = issued_on or timezone.localdate()
    current = Assessment.objects.select_related("person", "superseded_by").get(pk=assessment.pk)
    _check_completed(current)
    try:
        recipient = letter_recipient(current.person, on=day)
    except NoRecipient as error:
        raise DocumentError(str(error)) from None
    data = outcome_snapshot(assessment=current, recipient=recipient, issued_on=day, variant=variant)
    rendered = render_document(
        kind=DocumentKind.ASSESSMENT_OUTCOME, variant=variant, snapshot_data=data
    )
    with transaction.atomic():
        # The assessment may have been revised while the PDF was rendering.
        locked_assessment = Assessment.objects.select_for_update().get(pk=current.pk)
        _check_completed(locked_assessment)
        return store_document(
            rendered=rendered,
            person=current.person,
            recipient=recipient,
            issued_on=day,
            actor=actor,
            assessment=locked_assessment,
            reason=reason,
            source=source,
        )


def _check_completed(assessment: Assessment) -> None:
    if assessment.state == AssessmentState.DRAFT:
        raise DocumentError(
            f"assessment: version {assessment.version} is a draft. Complete it before sending "
            "its outcome letter."
        )
    if assessment.state == AssessmentState.SUPERSEDED:
        newer = assessment.superseded_by
        by = f" by version {newer.version}" if newer is not None else ""
        since = (
            f" from {long_date(assessment.superseded_from)}" if assessment.superseded_from else ""
        )
        raise DocumentError(
            f"assessment: version {assessment.version} was superseded{by}{since}. Send the "
            "outcome letter for the version in force."
        )


def record_download(*, document: Document, actor: Any) -> None:
    """Note that someone downloaded a restricted person's document."""
    record_event(
        actor=actor,
        action="document.downloaded",
        instance=document,
        changes={},
        reason=f"Downloaded {document.file_name}",
        source="web",
    )


@dataclass(frozen=True)
class Verification:
    """Whether a stored document is intact and can be reproduced from its snapshot."""

    stored_intact: bool  # the stored bytes still have the recorded SHA-256
    reproduced: bool  # re-rendering the snapshot gives the same bytes
    template_unchanged: bool  # the template's wording is the version it was issued with

    @property
    def ok(self) -> bool:
        return self.stored_intact and self.reproduced

    @property
    def explanation(self) -> str:
        if not self.stored_intact:
            return "The stored PDF does not match its recorded hash: it has been altered."
        if self.reproduced:
            return "The stored PDF is intact and re-renders byte for byte from its snapshot."
        if not self.template_unchanged:
            return (
                "The stored PDF is intact. The letter's wording has changed since it was issued, "
                "so it no longer re-renders identically; the stored PDF is the record."
            )
        return (
            "The stored PDF is intact, but re-rendering gives different bytes with the same "
            "wording: the PDF software or fonts have changed. The stored PDF is the record."
        )


def verify(document: Document) -> Verification:
    stored = bytes(document.pdf)
    intact = (
        hashlib.sha256(stored).hexdigest() == document.sha256 and len(stored) == document.size_bytes
    )
    try:
        unchanged = template_hash(document.template) == document.template_hash
        reproduced = render_pdf(document.template, document.snapshot) == stored
    except TemplateDoesNotExist:
        unchanged = reproduced = False
    return Verification(stored_intact=intact, reproduced=reproduced, template_unchanged=unchanged)
