"""The rules-as-data schema: what a parameter file may contain, and its validation.

A parameter file is a YAML mapping::

    description: The higher weekly rate of Attendance Allowance.
    unit: pence              # pence percent weeks days count years bool text rounding
    period: week             # week | year | day | once; required when unit is pence
    values:
      2025-04-07:            # ISO effective date
        value: 11040         # int for pence/weeks/days/count/years; "2.5" (a string) for percent
        reference:           # mandatory, at least one {title, url}
          - title: DWP Benefit and pension rates 2025 to 2026
            url: https://www.gov.uk/...
        note: optional free text.
        unverified: true     # optional: figure not yet confirmed from the official source
        preview: true        # optional: loaded only when previews are enabled

``validate_document`` turns a parsed document into a :class:`Rule`, or returns the list of
problems. It is pure: it never touches the file system.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final, TypeAlias, TypeVar


class Unit(StrEnum):
    """The unit a parameter's values are expressed in."""

    PENCE = "pence"
    PERCENT = "percent"
    WEEKS = "weeks"
    DAYS = "days"
    COUNT = "count"
    YEARS = "years"
    BOOL = "bool"
    TEXT = "text"
    ROUNDING = "rounding"


#: Units whose value is a whole number written as a YAML integer.
INTEGER_UNITS: Final = frozenset({Unit.PENCE, Unit.WEEKS, Unit.DAYS, Unit.COUNT, Unit.YEARS})


class Period(StrEnum):
    """The period an amount is per."""

    WEEK = "week"
    YEAR = "year"
    DAY = "day"
    ONCE = "once"


class RoundingDirection(StrEnum):
    """How a rounding rule rounds to its base."""

    DOWN = "down"
    UP = "up"
    HALF_UP = "half_up"
    HALF_EVEN = "half_even"


@dataclass(frozen=True, slots=True)
class RoundingRule:
    """A named rounding policy: round to a multiple of ``base_pence`` in ``direction``."""

    base_pence: int
    direction: RoundingDirection


#: The Python type of a rule value: int (pence, weeks, days, count, years), Decimal (percent),
#: bool, str (text) or RoundingRule (rounding).
RuleValue: TypeAlias = int | Decimal | bool | str | RoundingRule


@dataclass(frozen=True, slots=True)
class Reference:
    """Where a value comes from: a regulation, circular, DWP table or council decision."""

    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class DatedValue:
    """One value of a parameter, in force from ``effective_from`` until the next one."""

    effective_from: date
    value: RuleValue
    references: tuple[Reference, ...]
    note: str | None = None
    unverified: bool = False
    preview: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """One parameter (one file): its metadata and the dated values that were loaded.

    ``values`` is sorted by effective date. ``withheld_previews`` holds the dates of preview
    values present in the file but not loaded (previews disabled); they are kept only to
    explain a ``RuleNotInForce`` error and take no part in look-ups or the content hash.
    """

    name: str
    description: str
    unit: Unit
    period: Period | None
    values: tuple[DatedValue, ...]
    source: str
    withheld_previews: tuple[date, ...] = ()
    _dates: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_dates", tuple(v.effective_from for v in self.values))

    def value_on(self, when: date) -> DatedValue | None:
        """The latest value dated on or before ``when``, or None if none is in force yet."""
        index = bisect_right(self._dates, when) - 1
        return self.values[index] if index >= 0 else None


@dataclass(frozen=True, slots=True)
class RawScalars:
    """Source text the YAML parser hides, gathered from the node tree by the loader.

    ``value_keys`` are the raw texts of the keys of ``values`` in file order, and
    ``value_texts`` maps each such key to the raw text of its ``value`` when that is a plain
    (unquoted) scalar. They let the validator insist on plain ``YYYY-MM-DD`` dates and plain
    decimal integers, since YAML 1.1 reads ``0110`` as octal 72 and ``1:30`` as 90.
    """

    value_keys: tuple[str, ...] = ()
    value_texts: Mapping[str, str] = field(default_factory=dict)


TOP_LEVEL_KEYS: Final = ("description", "unit", "period", "values")
ENTRY_KEYS: Final = ("value", "reference", "note", "unverified", "preview")
REFERENCE_KEYS: Final = ("title", "url")
ROUNDING_KEYS: Final = ("base", "direction")

E = TypeVar("E", bound=StrEnum)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAIN_INT = re.compile(r"^-?(0|[1-9][0-9]*)$")
_PERCENT = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")
_URL = re.compile(r"^https?://\S+$")
# A second sentence: terminal punctuation, whitespace, then a capital letter.
_SECOND_SENTENCE = re.compile(r"[.!?]\s+[A-Z]")


@dataclass(slots=True)
class _Problems:
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append((where, message))


def validate_document(
    data: object,
    *,
    name: str,
    source: str,
    url_optional: bool,
    include_preview: bool,
    raw: RawScalars | None = None,
) -> Rule | list[tuple[str, str]]:
    """Validate one parsed parameter file.

    Returns the :class:`Rule` (holding only the values that are loaded), or a list of
    ``(field, message)`` problems. ``url_optional`` is true for council rules
    (``rules/local/...``), whose references may be a council decision with no URL.
    """
    problems = _Problems()
    raw = raw or RawScalars()
    if data is None:
        problems.add(
            "(file)", "the file is empty; it must be a mapping with description, unit, values"
        )
        return problems.items
    if not isinstance(data, dict):
        problems.add("(file)", f"the file must be a YAML mapping, not {_kind(data)}")
        return problems.items

    for key in data:
        if key not in TOP_LEVEL_KEYS:
            problems.add(
                str(key), f"unknown key {key!r}; allowed keys are {', '.join(TOP_LEVEL_KEYS)}"
            )

    description = _description(data.get("description"), problems)
    unit = _enum(data, "unit", Unit, problems, required=True)
    period = _enum(data, "period", Period, problems, required=unit is Unit.PENCE)
    values = _values(data.get("values"), unit, url_optional, raw, problems)

    if problems.items or description is None or unit is None or values is None:
        return problems.items

    loaded = tuple(v for v in values if include_preview or not v.preview)
    withheld = tuple(v.effective_from for v in values if v.preview and not include_preview)
    return Rule(
        name=name,
        description=description,
        unit=unit,
        period=period,
        values=loaded,
        source=source,
        withheld_previews=withheld,
    )


def _kind(value: object) -> str:
    if value is None:
        return "nothing (null)"
    return f"{type(value).__name__} {value!r}"


def _description(value: object, problems: _Problems) -> str | None:
    if value is None:
        problems.add("description", "missing; give one full sentence ending with a full stop")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add("description", "must be one full sentence of text ending with a full stop")
        return None
    text = " ".join(value.split())
    if not (text[0].isupper() or text[0].isdigit()):
        problems.add("description", "must start with a capital letter (one full sentence)")
    if not text.endswith("."):
        problems.add("description", "must end with a full stop (one full sentence)")
    if _SECOND_SENTENCE.search(text):
        problems.add("description", "must be one sentence; put further detail in a value's note")
    return text


def _enum(
    data: Mapping[object, object],
    key: str,
    enum: type[E],
    problems: _Problems,
    *,
    required: bool,
) -> E | None:
    allowed = ", ".join(member.value for member in enum)
    if key not in data or data[key] is None:
        if required:
            why = " (amounts in pence must say what period they are per)" if key == "period" else ""
            problems.add(key, f"missing{why}; one of {allowed}")
        return None
    value = data[key]
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    problems.add(key, f"{value!r} is not one of {allowed}")
    return None


def _effective_date(key: object, raw_key: str | None, problems: _Problems) -> date | None:
    label = raw_key if raw_key is not None else str(key)
    where = f"values.{label}"
    if raw_key is not None and not _ISO_DATE.match(raw_key):
        problems.add(where, "the effective date must be written YYYY-MM-DD")
        return None
    if isinstance(key, datetime):
        problems.add(where, "the effective date must be a date (YYYY-MM-DD), not a date and time")
        return None
    if isinstance(key, date):
        return key
    if isinstance(key, str) and _ISO_DATE.match(key):
        try:
            return date.fromisoformat(key)
        except ValueError:
            problems.add(where, f"{key!r} is not a real date")
            return None
    problems.add(where, "each key of values must be an effective date written YYYY-MM-DD")
    return None


def _values(
    value: object,
    unit: Unit | None,
    url_optional: bool,
    raw: RawScalars,
    problems: _Problems,
) -> list[DatedValue] | None:
    if value is None:
        problems.add("values", "missing; give at least one dated value")
        return None
    if not isinstance(value, dict):
        problems.add("values", "must be a mapping from effective date (YYYY-MM-DD) to an entry")
        return None
    if not value:
        problems.add("values", "empty; give at least one dated value")
        return None

    keys = list(value)
    # Raw key texts line up with the parsed keys (same order) unless the tree was odd.
    raw_keys: list[str | None] = (
        list(raw.value_keys) if len(raw.value_keys) == len(keys) else [None] * len(keys)
    )

    entries: list[DatedValue] = []
    seen: dict[date, str] = {}
    ok = True
    for key, raw_key in zip(keys, raw_keys, strict=True):
        when = _effective_date(key, raw_key, problems)
        if when is None:
            ok = False
            continue
        where = f"values.{when.isoformat()}"
        if when in seen:
            problems.add(where, "the same effective date appears twice")
            ok = False
            continue
        seen[when] = where
        raw_text = raw.value_texts.get(raw_key) if raw_key is not None else None
        entry = _entry(value[key], when, where, unit, url_optional, raw_text, problems)
        if entry is None:
            ok = False
        else:
            entries.append(entry)
    if not ok:
        return None

    entries.sort(key=lambda e: e.effective_from)
    confirmed = [e.effective_from for e in entries if not e.preview]
    if confirmed:
        latest = max(confirmed)
        for e in entries:
            if e.preview and e.effective_from <= latest:
                problems.add(
                    f"values.{e.effective_from.isoformat()}.preview",
                    f"a preview value must be dated after every confirmed value "
                    f"(latest confirmed: {latest.isoformat()})",
                )
                return None
    return entries


def _entry(
    entry: object,
    when: date,
    where: str,
    unit: Unit | None,
    url_optional: bool,
    raw_text: str | None,
    problems: _Problems,
) -> DatedValue | None:
    if not isinstance(entry, dict):
        problems.add(where, "each dated entry must be a mapping with value and reference")
        return None
    before = len(problems.items)
    for key in entry:
        if key not in ENTRY_KEYS:
            problems.add(
                f"{where}.{key}", f"unknown key {key!r}; allowed keys are {', '.join(ENTRY_KEYS)}"
            )

    value: RuleValue | None = None
    if "value" not in entry:
        problems.add(f"{where}.value", "missing")
    elif unit is not None:
        value = _typed_value(entry["value"], unit, f"{where}.value", raw_text, problems)

    references = _references(entry.get("reference"), f"{where}.reference", url_optional, problems)

    note = entry.get("note")
    if note is not None and (not isinstance(note, str) or not note.strip()):
        problems.add(f"{where}.note", "must be non-empty text when given")
    flags: dict[str, bool] = {}
    for flag in ("unverified", "preview"):
        given = entry.get(flag, False)
        if not isinstance(given, bool):
            problems.add(f"{where}.{flag}", f"must be true or false, not {given!r}")
            given = False
        flags[flag] = given

    if len(problems.items) != before or value is None or references is None:
        return None
    return DatedValue(
        effective_from=when,
        value=value,
        references=references,
        note=" ".join(note.split()) if isinstance(note, str) else None,
        unverified=flags["unverified"],
        preview=flags["preview"],
    )


def _typed_value(
    value: object, unit: Unit, where: str, raw_text: str | None, problems: _Problems
) -> RuleValue | None:
    if unit in INTEGER_UNITS:
        if type(value) is not int:
            if isinstance(value, float) and unit is Unit.PENCE:
                problems.add(
                    where,
                    f"pence must be a whole number of pence, never a float "
                    f"(got {value!r}; write e.g. £110.40 as 11040)",
                )
            else:
                problems.add(where, f"{unit.value} must be a whole number, not {_kind(value)}")
            return None
        if raw_text is not None and not _PLAIN_INT.match(raw_text):
            problems.add(
                where,
                f"write the number in plain decimal digits, not {raw_text!r} "
                "(YAML reads leading zeros as octal and a:b as base 60)",
            )
            return None
        if value < 0:
            problems.add(where, f"{unit.value} must not be negative (got {value})")
            return None
        return value
    if unit is Unit.PERCENT:
        if not isinstance(value, str) or not _PERCENT.match(value):
            problems.add(
                where, f'percent must be a quoted decimal string such as "2.5", not {_kind(value)}'
            )
            return None
        return Decimal(value)
    if unit is Unit.BOOL:
        if not isinstance(value, bool):
            problems.add(where, f"bool must be true or false, not {_kind(value)}")
            return None
        return value
    if unit is Unit.TEXT:
        if not isinstance(value, str) or not value.strip():
            problems.add(where, f"text must be non-empty text, not {_kind(value)}")
            return None
        return value
    return _rounding(value, where, problems)


def _rounding(value: object, where: str, problems: _Problems) -> RoundingRule | None:
    directions = ", ".join(d.value for d in RoundingDirection)
    if not isinstance(value, dict):
        problems.add(
            where, f"rounding must be a mapping with base (pence) and direction ({directions})"
        )
        return None
    ok = True
    for key in value:
        if key not in ROUNDING_KEYS:
            problems.add(f"{where}.{key}", f"unknown key {key!r}; allowed keys are base, direction")
            ok = False
    base = value.get("base")
    if type(base) is not int or base <= 0:
        problems.add(f"{where}.base", f"must be a positive whole number of pence, not {base!r}")
        ok = False
    direction = value.get("direction")
    try:
        parsed = RoundingDirection(direction) if isinstance(direction, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        problems.add(f"{where}.direction", f"{direction!r} is not one of {directions}")
        ok = False
    if not ok or parsed is None or type(base) is not int:
        return None
    return RoundingRule(base_pence=base, direction=parsed)


def _references(
    value: object, where: str, url_optional: bool, problems: _Problems
) -> tuple[Reference, ...] | None:
    if value is None:
        problems.add(
            where,
            "missing; every value needs a reference (regulation and paragraph, "
            "circular, DWP table or council decision)",
        )
        return None
    if not isinstance(value, list) or not value:
        problems.add(where, "must be a non-empty list of {title, url}")
        return None
    references: list[Reference] = []
    ok = True
    for index, item in enumerate(value):
        here = f"{where}[{index}]"
        if not isinstance(item, dict):
            problems.add(here, "must be a mapping with title and url")
            ok = False
            continue
        for key in item:
            if key not in REFERENCE_KEYS:
                problems.add(f"{here}.{key}", f"unknown key {key!r}; allowed keys are title, url")
                ok = False
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            problems.add(f"{here}.title", "missing or empty; name the source document")
            ok = False
        url = item.get("url")
        if url is None:
            if not url_optional:
                problems.add(
                    f"{here}.url",
                    "missing; a URL may be left out only for a council decision (rules/local/...)",
                )
                ok = False
        elif not isinstance(url, str) or not _URL.match(url):
            problems.add(f"{here}.url", f"must be an http(s) URL, not {url!r}")
            ok = False
        if ok and isinstance(title, str):
            references.append(
                Reference(title=" ".join(title.split()), url=url if isinstance(url, str) else None)
            )
    return tuple(references) if ok else None


def is_valid_segment(segment: str) -> bool:
    """A path segment usable in a dotted rule name: lower case, digits and underscores."""
    return re.fullmatch(r"[a-z][a-z0-9_]*", segment) is not None
