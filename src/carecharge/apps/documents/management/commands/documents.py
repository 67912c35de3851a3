"""Check stored documents: each PDF still has its recorded hash and re-renders from its snapshot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecharge.apps.documents.models import Document
from carecharge.apps.documents.operations import verify


class Command(BaseCommand):
    help = "Verify stored letters: intact (hash) and reproducible from their frozen snapshots."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="Check every stored document, or only the ids given.")
        check.add_argument("ids", nargs="*", type=int, help="Document ids (default: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        documents = Document.objects.select_related("person").order_by("pk")
        if options["ids"]:
            documents = documents.filter(pk__in=options["ids"])
            missing = sorted(set(options["ids"]) - set(documents.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"No document with id {', '.join(map(str, missing))}.")
        counts = {"reproduced": 0, "intact": 0, "altered": 0}
        for document in documents.iterator(chunk_size=50):
            check = verify(document)
            status = "reproduced" if check.ok else "intact" if check.stored_intact else "altered"
            counts[status] += 1
            self.stdout.write(f"{document.pk} {document}: {check.explanation}")
        self.stdout.write(
            f"{sum(counts.values())} checked: {counts['reproduced']} re-render byte for byte, "
            f"{counts['intact']} intact but no longer re-render identically, "
            f"{counts['altered']} altered."
        )
        if counts["altered"]:
            raise CommandError(f"{counts['altered']} stored documents fail their hash.")
