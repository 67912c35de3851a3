"""Turning a frozen snapshot into a PDF, the same bytes every time.

The template sees only the snapshot (as `letter`): no request, no context processors, no
database, no clock. WeasyPrint is deterministic for identical HTML, so the same template and
snapshot give byte-identical PDFs; the template's own hash is recorded with every document so a
difference on re-rendering can be told apart from a changed wording.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

import weasyprint
from django.template import Template as CompiledTemplate
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode

RENDERER = f"WeasyPrint {weasyprint.__version__}"


class RenderingError(RuntimeError):
    """A letter template could not be rendered (a programming error, not bad input)."""


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    # A letter is everything in its snapshot and template: nothing may come from elsewhere.
    raise RenderingError(f"letters may not load anything from outside the template: {url}")


def render_html(template: str, snapshot: Mapping[str, Any]) -> str:
    """The letter's HTML: the template rendered with the snapshot, and nothing else."""
    return get_template(template).render({"letter": snapshot})


def render_pdf(template: str, snapshot: Mapping[str, Any]) -> bytes:
    """The letter as PDF bytes. Batch runs call this once per letter (0.2–0.7 s each)."""
    html = render_html(template, snapshot)
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()  # type: ignore[no-any-return]


def template_sources(template: str) -> list[tuple[str, str]]:
    """The template and every template it extends or includes, as (name, source), in order.

    Names must be literal strings: a letter whose parts depended on its data could not be
    pinned by a hash.
    """
    found: list[tuple[str, str]] = []

    def visit(name: str) -> None:
        if any(seen == name for seen, _ in found):
            return
        compiled: CompiledTemplate = get_template(name).template  # type: ignore[attr-defined]
        found.append((name, compiled.source))
        for node in _parts(compiled):
            visit(node)

    visit(template)
    return found


def _parts(compiled: CompiledTemplate) -> Iterator[str]:
    for node in compiled.nodelist.get_nodes_by_type(ExtendsNode):
        if isinstance(node, ExtendsNode):
            yield _literal(node.parent_name, compiled.origin.name)
    for node in compiled.nodelist.get_nodes_by_type(IncludeNode):
        if isinstance(node, IncludeNode):
            yield _literal(node.template, compiled.origin.name)


def _literal(expression: Any, where: str) -> str:
    name = getattr(expression, "var", None)
    if not isinstance(name, str) or getattr(expression, "filters", None):
        raise RenderingError(f"{where}: letters may only extend or include templates by name")
    return name


def template_hash(template: str) -> str:
    """SHA-256 over the sources of the template and all its parts: the wording's version."""
    digest = hashlib.sha256()
    for name, source in template_sources(template):
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
    return digest.hexdigest()
