"""Reading Bacs report XML safely, and the field checks every report shares.

Bacs reports arrive as bytes (UTF-8 or ISO-8859-1, named in the XML declaration). They are parsed
with expat into a small tree that remembers each element's line number, so every refusal can say
where in the file the problem is. Documents with a DTD or entity declarations are refused before
parsing: a Bacs report never needs one, and they are the route to entity-expansion attacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from xml.parsers import expat

__all__ = [
    "BacsReportError",
    "Element",
    "Where",
    "parse_xml",
    "show_pence",
]

_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# Pounds with exactly two decimals; DDICA amounts may carry thousands commas.
_POUNDS = re.compile(r"(?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.(?P<pence>[0-9]{2})", re.ASCII)
_SORT_CODE = re.compile(r"([0-9]{2})-?([0-9]{2})-?([0-9]{2})", re.ASCII)
_ACCOUNT = re.compile(r"[0-9]{8}", re.ASCII)
_SUN = re.compile(r"[0-9]{6}", re.ASCII)
_COUNT = re.compile(r"[0-9]{1,9}", re.ASCII)


class BacsReportError(ValueError):
    """A Bacs report was refused; the message names the report, line, item and field."""


@dataclass(slots=True, eq=False)
class Element:
    """An XML element with its attributes, children, text and the line it starts on."""

    tag: str
    attributes: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Element | None:
        """The first child called ``tag``."""
        return next((child for child in self.children if child.tag == tag), None)

    def find_all(self, tag: str) -> list[Element]:
        """Every child called ``tag``, in document order."""
        return [child for child in self.children if child.tag == tag]

    def path(self, *tags: str) -> Element | None:
        """Follow first children down ``tags``."""
        node: Element | None = self
        for tag in tags:
            node = node.find(tag) if node is not None else None
        return node


def parse_xml(data: bytes, report: str = "Bacs report") -> Element:
    """Parse ``data`` into an :class:`Element` tree, refusing DTDs and malformed XML."""
    if not isinstance(data, bytes | bytearray):
        raise BacsReportError(f"{report}: expected the file's bytes, got {type(data).__name__}")
    if not data.strip():
        raise BacsReportError(f"{report}: the file is empty")
    if _FORBIDDEN.search(data) or data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        # UTF-16 would hide a DOCTYPE from the byte search above; Bacs never sends it.
        raise BacsReportError(
            f"{report}: refused because it contains a DTD or entity declaration or is not "
            "UTF-8/ISO-8859-1 text"
        )
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    roots: list[Element] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = Element(tag, dict(attributes), parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        stack.pop()

    def text(chunk: str) -> None:
        if stack:
            stack[-1].text += chunk

    def refuse_doctype(*_args: object) -> None:
        raise BacsReportError(f"{report}: refused because it declares a DTD")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    try:
        parser.Parse(bytes(data), True)
    except expat.ExpatError as error:
        raise BacsReportError(
            f"{report}: not well-formed XML at line {error.lineno}, column {error.offset + 1}: "
            f"{expat.ErrorString(error.code)}"
        ) from None
    except (LookupError, ValueError) as error:
        if isinstance(error, BacsReportError):
            raise
        raise BacsReportError(f"{report}: the XML could not be decoded ({error})") from None
    return roots[0]


# --- fields ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Where:
    """Where a field is read from, for error messages: report, element, line, item label."""

    report: str
    element: Element
    item: str = ""

    def fail(self, message: str) -> BacsReportError:
        """The refusal for this place."""
        label = f" ({self.item})" if self.item else ""
        return BacsReportError(
            f"{self.report} line {self.element.line}, {self.element.tag}{label}: {message}"
        )

    def raw(self, name: str, *, required: bool = True) -> str | None:
        """Attribute ``name`` (or, failing that, child element ``name``'s text), stripped."""
        if name in self.element.attributes:
            value: str | None = self.element.attributes[name].strip()
        else:
            child = self.element.find(name)
            value = child.text.strip() if child is not None else None
        if not value:
            if required:
                raise self.fail(f"{name} is missing")
            return None
        return value

    def text(self, name: str) -> str:
        """A required text field."""
        value = self.raw(name)
        assert value is not None
        return value

    def optional(self, name: str) -> str | None:
        """An optional text field (``None`` when absent or blank)."""
        return self.raw(name, required=False)

    def optional_date(self, name: str, *, required: bool = False) -> date | None:
        """A ``YYYY-MM-DD`` date, or ``None`` when absent and not required."""
        value = self.raw(name, required=required)
        if value is None:
            return None
        if _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(f"{name} {value!r} is not a date (YYYY-MM-DD)")

    def required_date(self, name: str) -> date:
        """A required ``YYYY-MM-DD`` date."""
        value = self.optional_date(name, required=True)
        assert value is not None
        return value

    def pence(self, name: str) -> int:
        """An amount in pounds with two decimals (``1,234.56``), as whole pence."""
        value = self.text(name)
        match = _POUNDS.fullmatch(value)
        if match is None:
            raise self.fail(f"{name} {value!r} is not an amount in pounds with two decimals")
        return int(match["pounds"].replace(",", "")) * 100 + int(match["pence"])

    def count(self, name: str, *, required: bool = True) -> int | None:
        """A whole number of items."""
        value = self.raw(name, required=required)
        if value is None:
            return None
        if not _COUNT.fullmatch(value):
            raise self.fail(f"{name} {value!r} is not a whole number")
        return int(value)

    def sort_code(self, name: str, *, required: bool = True) -> str | None:
        """A sort code as six digits (``16-20-29`` and ``162029`` are both accepted)."""
        value = self.raw(name, required=required)
        if value is None:
            return None
        match = _SORT_CODE.fullmatch(value)
        if match is None:
            raise self.fail(f"{name} {value!r} is not a sort code")
        return "".join(match.groups())

    def required_sort_code(self, name: str) -> str:
        """A required sort code."""
        value = self.sort_code(name)
        assert value is not None
        return value

    def account(self, name: str, *, required: bool = True) -> str | None:
        """An eight-digit account number."""
        value = self.raw(name, required=required)
        if value is None:
            return None
        if not _ACCOUNT.fullmatch(value):
            raise self.fail(f"{name} {value!r} is not an eight-digit account number")
        return value

    def required_account(self, name: str) -> str:
        """A required account number."""
        value = self.account(name)
        assert value is not None
        return value

    def service_user_number(self, name: str) -> str:
        """A six-digit service user number (SUN)."""
        value = self.text(name)
        if not _SUN.fullmatch(value):
            raise self.fail(f"{name} {value!r} is not a six-digit service user number")
        return value

    def currency(self, name: str = "currency") -> None:
        """Refuse any currency other than sterling (amounts are kept in pence)."""
        value = self.optional(name)
        if value is not None and value != "GBP":
            raise self.fail(f"{name} {value!r} is not GBP")


def show_pence(pence: int) -> str:
    """Pence as the report writes it, for messages: ``123456`` -> ``1234.56``."""
    return f"{pence // 100}.{pence % 100:02d}"
