"""The two ways an assessment can fail: bad input, or an incomplete rules tree."""

from __future__ import annotations


class AssessmentError(Exception):
    """Base class for every assessment error."""


class AssessmentInputError(AssessmentError, ValueError):
    """The request cannot be assessed as given; ``field`` names the offending field.

    ``field`` is a path into the request such as ``income[2].weekly`` or ``person.age``
    (``(request)`` for the request as a whole). ``str(error)`` is ``"<field>: <message>"``,
    one line, fit to show to whoever sent the request.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = " ".join(message.split())
        super().__init__(f"{field}: {self.message}")


class AssessmentRulesError(AssessmentError):
    """The rules tree lacks a rule the engine needs, or holds it in the wrong unit.

    This is a fault in the rules (or a rules tree still being written), not in the request.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))
