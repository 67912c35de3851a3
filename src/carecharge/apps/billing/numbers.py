"""Gapless number series (invoices, credit notes, receipts, refunds, payment references, Bacs
serials), kept in `NumberSequence` rows and taken under a row lock."""

from __future__ import annotations

from django.db.models import F

from .models import NumberSequence


def take_numbers(name: str, count: int = 1, *, prefix: str = "", first: int = 1) -> tuple[str, int]:
    """Take ``count`` consecutive numbers of the series ``name`` (made with ``prefix``, starting
    at ``first``, the first time it is used). Returns the series' prefix and the first number
    taken. Call it inside the transaction that uses the numbers: if that is undone, so is the
    taking, which is what keeps the series without gaps."""
    NumberSequence.objects.get_or_create(
        name=name, defaults={"prefix": prefix, "next_number": first}
    )
    sequence = NumberSequence.objects.select_for_update().get(name=name)
    NumberSequence.objects.filter(pk=sequence.pk).update(next_number=F("next_number") + count)
    return sequence.prefix, int(sequence.next_number)
