"""The re-rating tests share the charging tests' rules tree and story helper."""

from __future__ import annotations

from tests.unit.core.charging.conftest import book, make_book

__all__ = ["book", "make_book"]
