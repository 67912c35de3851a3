"""Which template renders each kind of document in each variant. A kind may have fewer
variants than others; asking for one it lacks is refused, not printed in the wrong form."""

from __future__ import annotations

from typing import Final

from .models import DocumentKind, DocumentVariant

OUTCOME_LETTER: Final = "documents/letters/assessment_outcome.html"
# Large print is the same wording with larger type (a class on the body); easy read, when it
# comes, will be a variant with a template of its own.
TEMPLATES: Final = {
    (DocumentKind.ASSESSMENT_OUTCOME, DocumentVariant.STANDARD): OUTCOME_LETTER,
    (DocumentKind.ASSESSMENT_OUTCOME, DocumentVariant.LARGE_PRINT): OUTCOME_LETTER,
}
