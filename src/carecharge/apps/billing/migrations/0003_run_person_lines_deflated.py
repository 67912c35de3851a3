"""Each run's preview of a person (`RunPerson.lines`) is kept deflated: the same JSON, a
fraction of the space. Existing previews are converted in place, in batches."""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations

import carecharge.apps.billing.fields
from carecharge.apps.billing.fields import pack, unpack

BATCH = 2_000


def _copy(schema_editor: Any, source: str, target: str, change: Any) -> None:
    """Rewrite every row's ``target`` from its ``source``, a batch at a time, with plain SQL
    (a council's database holds a row per person per run)."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote("billing_runperson")
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, {quote(source)} FROM {table} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                [last, BATCH],
            )
            batch = cursor.fetchall()
            if not batch:
                return
            cursor.executemany(
                f"UPDATE {table} SET {quote(target)} = %s WHERE id = %s",  # noqa: S608
                [(change(value), pk) for pk, value in batch],
            )
            last = batch[-1][0]


def _json(value: Any) -> Any:
    # JSON columns come back as text or, from some drivers, already decoded.
    return json.loads(value) if isinstance(value, str) else value


def deflate(apps: Any, schema_editor: Any) -> None:
    _copy(schema_editor, "lines_json", "lines", lambda value: pack(_json(value)))


def inflate(apps: Any, schema_editor: Any) -> None:
    _copy(schema_editor, "lines", "lines_json", lambda value: json.dumps(unpack(value)))


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_charges_and_invoices_never_change")]

    operations = [
        migrations.RenameField("runperson", "lines", "lines_json"),
        migrations.AddField(
            model_name="runperson",
            name="lines",
            field=carecharge.apps.billing.fields.DeflatedJSONField(default=list),
        ),
        migrations.RunPython(deflate, inflate, elidable=True),
        migrations.RemoveField("runperson", "lines_json"),
    ]
