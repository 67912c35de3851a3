"""Fixtures for the charging tests: the test rules tree and a way to change it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from carecharge.core.rules import RuleBook

from .rules_tree import build


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> RuleBook:
    return build(tmp_path_factory.mktemp("charging-rules"))


@pytest.fixture
def make_book(tmp_path: Path) -> Callable[..., RuleBook]:
    def make(**changes: Any) -> RuleBook:
        return build(tmp_path / "rules", **changes)

    return make
