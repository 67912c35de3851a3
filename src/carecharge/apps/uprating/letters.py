"""The outcome letters for the new assessments of a posted run, issued by the documents app."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from carecharge.apps.audit.operations import record_update, snapshot
from carecharge.apps.documents.models import Document, DocumentKind, DocumentVariant
from carecharge.apps.documents.operations import DocumentError, issue_assessment_outcome_letter
from carecharge.apps.people.models import PreferredFormat, ServiceUser

from .models import ItemStatus, UpratingItem, UpratingRun


def issue_letters(run: UpratingRun, *, actor: Any, source: str = "web") -> int:
    """An outcome letter for each posted item that has none yet; returns how many were issued.

    The letter is rendered and stored by the documents app in its own transaction (no lock is
    held while the PDF is made); a letter already stored for the new assessment (issued just
    before a crash, or by an officer) is linked rather than sent twice. A letter that cannot be
    issued (no address to send it to) is noted on the item and tried again the next time the
    run is posted; it never undoes the new assessment."""
    issued = 0
    owed = run.items.filter(status=ItemStatus.POSTED, letter__isnull=True).order_by("pk")
    for item in owed.select_related("new_assessment", "person"):
        assert item.new_assessment is not None
        letter = (
            Document.objects.filter(
                assessment=item.new_assessment, kind=DocumentKind.ASSESSMENT_OUTCOME
            )
            .order_by("pk")
            .first()
        )
        problem = ""
        if letter is None:
            try:
                letter = issue_assessment_outcome_letter(
                    assessment=item.new_assessment,
                    actor=actor,
                    variant=_print_for(item.person),
                    reason=f"Annual uprating from {run.from_date:%d/%m/%Y}",
                    source=source,
                )
                issued += 1
            except DocumentError as error:
                problem = str(error)
        with transaction.atomic():
            locked = UpratingItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
            if locked.letter_id is not None:
                continue
            before = snapshot(locked, ["letter", "letter_problem"])
            locked.letter, locked.letter_problem = letter, problem
            locked.save(update_fields=["letter", "letter_problem"])
            record_update(actor=actor, instance=locked, before=before, source=source)
    return issued


def _print_for(person: ServiceUser) -> str:
    if person.preferred_format == PreferredFormat.LARGE_PRINT:
        return DocumentVariant.LARGE_PRINT
    return DocumentVariant.STANDARD
