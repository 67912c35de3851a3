"""Fixtures for the assessment tests: the test rules tree (rules_tree.py), requests, helpers."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from carecharge.core.rules import RuleBook, load_rules

from .rules_tree import TREE, write_tree


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> RuleBook:
    root = tmp_path_factory.mktemp("rules")
    return load_rules(write_tree(root, TREE))


@pytest.fixture
def make_book(tmp_path: Path) -> Callable[..., RuleBook]:
    """A book from the test tree with some rules changed (``None`` removes one)."""

    def make(**changes: Any) -> RuleBook:
        tree = copy.deepcopy(TREE)
        for key, value in changes.items():
            name = key.replace("__", ".")
            if value is None:
                tree.pop(name)
            else:
                tree[name] = value
        root = tmp_path / "rules"
        return load_rules(write_tree(root, tree))

    return make


@pytest.fixture
def request_data() -> Iterator[Callable[..., dict[str, Any]]]:
    """A valid non-residential request (2025/26), with keys replaced as given."""

    def make(**changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "as_at": "2025-06-02",
            "jurisdiction": "england",
            "setting": "non_residential",
            "person": {"age": 40},
            "income": [],
            "capital": [],
            "weekly_cost_of_care": "300.00",
        }
        data.update(changes)
        return data

    yield make


@pytest.fixture
def assess(book: RuleBook) -> Callable[..., dict[str, Any]]:
    """Assess a request dict against the test tree, through the JSON contract."""
    from carecharge.core.assessment.contract import assess_json

    def run(data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return assess_json(data, book, **kwargs)

    return run


def labels(result: dict[str, Any]) -> list[str]:
    return [step["label"] for step in result["trace"]]


def step(result: dict[str, Any], starts: str) -> dict[str, Any]:
    """The first trace step whose label starts with ``starts``."""
    for item in result["trace"]:
        if item["label"].startswith(starts):
            return item
    raise AssertionError(f"no step starting {starts!r} in {labels(result)}")
