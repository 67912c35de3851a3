"""Errors raised by the rules loader and by rule look-ups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path


class RuleError(Exception):
    """Base class for every rules error."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one rule file: which file, which field, and what is wrong."""

    path: Path
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


class RuleFileError(RuleError):
    """One or more rule files are invalid; the loader refuses the whole rules tree.

    ``problems`` lists every problem found (all files are checked before refusing);
    ``path`` and ``field`` are those of the first problem.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("RuleFileError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.path: Path = self.problems[0].path
        self.field: str = self.problems[0].field
        if len(self.problems) == 1:
            message = str(self.problems[0])
        else:
            lines = "\n".join(f"  {problem}" for problem in self.problems)
            message = f"{len(self.problems)} problems in rule files:\n{lines}"
        super().__init__(message)


class UnknownRule(RuleError, LookupError):
    """No rule file defines a parameter with this name."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        hint = f" (did you mean {', '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
        super().__init__(f"no rule named {name!r}{hint}")


class RuleNotInForce(RuleError, LookupError):
    """The rule exists but has no value in force on the date asked for."""

    def __init__(self, name: str, as_at: date, detail: str) -> None:
        self.name = name
        self.as_at = as_at
        super().__init__(f"rule {name!r} has no value in force on {as_at.isoformat()}: {detail}")


class RuleTypeError(RuleError, TypeError):
    """A typed accessor was used on a rule of another unit (e.g. ``pence`` on a percent)."""

    def __init__(self, name: str, unit: str, wanted: str) -> None:
        self.name = name
        super().__init__(f"rule {name!r} has unit {unit!r}, not {wanted}")
