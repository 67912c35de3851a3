"""A JSON value kept deflated: a run's preview of each person is written once, read a few
times (the approver, posting, the screens) and never searched inside by the database.

A four-weekly run stores every person's lines with their explanations; deflated they take a
fraction of the space (the explanations repeat the same rule references line after line), so
a council's database after years of runs is smaller and more of it stays in memory.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from django.db import models

LEVEL = 1
"""zlib's fastest level: nearly all of the saving, at a small part of the cost of the best."""


def pack(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), LEVEL)


def unpack(stored: bytes | memoryview) -> Any:
    return json.loads(zlib.decompress(stored))


class DeflatedJSONField(models.BinaryField):  # type: ignore[type-arg]
    """JSON in, JSON out; zlib-deflated JSON text in the database (``bytea``, ``BLOB``)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else unpack(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bytes | memoryview):
            return unpack(value)
        if isinstance(value, str):
            # As `value_to_string` writes it (a fixture, a serialised copy).
            return json.loads(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        return None if value is None else pack(value)

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj))
