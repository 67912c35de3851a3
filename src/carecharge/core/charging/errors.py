"""The one way charging fails: data it cannot charge from, named by field."""

from __future__ import annotations


class ChargingError(ValueError):
    """What the billing app passed cannot be charged as given.

    ``field`` names the part of the `PersonCharging` (or the argument) at fault, such as
    ``lines``, ``assessed``, ``actuals`` or ``through``; ``rules`` means the rules tree lacks a
    policy rule charging needs. ``str(error)`` is ``"<field>: <message>"``, one line, fit to
    show an officer on a billing run's exceptions list.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = " ".join(message.split())
        super().__init__(f"{field}: {self.message}")
