"""Which template renders each kind of document in each variant. A kind may have fewer
variants than others; asking for one it lacks is refused, not printed in the wrong form."""

from __future__ import annotations

from typing import Final

from .models import DocumentKind, DocumentVariant

OUTCOME_LETTER: Final = "documents/letters/assessment_outcome.html"
# Invoices, credit notes and statements are the billing app's documents (its templates), kept
# in this one store so that every issued document is reproducible and verified the same way.
INVOICE: Final = "billing/documents/pdf/invoice.html"
STATEMENT: Final = "billing/documents/pdf/statement.html"
PAYMENT_CARD: Final = "payments/documents/payment_card.html"
# Large print is the same wording with larger type (a class on the body); easy read, when it
# comes, will be a variant with a template of its own.
TEMPLATES: Final = {
    (DocumentKind.ASSESSMENT_OUTCOME, DocumentVariant.STANDARD): OUTCOME_LETTER,
    (DocumentKind.ASSESSMENT_OUTCOME, DocumentVariant.LARGE_PRINT): OUTCOME_LETTER,
    (DocumentKind.INVOICE, DocumentVariant.STANDARD): INVOICE,
    (DocumentKind.INVOICE, DocumentVariant.LARGE_PRINT): INVOICE,
    (DocumentKind.CREDIT_NOTE, DocumentVariant.STANDARD): INVOICE,
    (DocumentKind.CREDIT_NOTE, DocumentVariant.LARGE_PRINT): INVOICE,
    (DocumentKind.STATEMENT, DocumentVariant.STANDARD): STATEMENT,
    (DocumentKind.STATEMENT, DocumentVariant.LARGE_PRINT): STATEMENT,
    (DocumentKind.PAYMENT_CARD, DocumentVariant.STANDARD): PAYMENT_CARD,
    (DocumentKind.PAYMENT_CARD, DocumentVariant.LARGE_PRINT): PAYMENT_CARD,
}
