"""Helpers for writing small rule trees in a temporary directory."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

GOOD = """\
description: A test amount.
unit: pence
period: week
values:
  2025-04-07:
    value: 11040
    reference:
      - title: DWP Benefit and pension rates 2025 to 2026
        url: https://www.gov.uk/example
"""

WriteRule = Callable[[str, str], Path]


@pytest.fixture
def rules_root(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    root.mkdir()
    return root


@pytest.fixture
def write_rule(rules_root: Path) -> WriteRule:
    """Write ``text`` (dedented) to ``rules_root / relative`` and return the file's path."""

    def write(relative: str, text: str) -> Path:
        path = rules_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
