"""Issued documents are never changed or deleted, refused by the database itself on both engines.

Unlike the audit trail there is no TRUNCATE guard on PostgreSQL: a statement-level TRUNCATE
trigger fires even on an empty table, so it would break the flush after every live-server test,
not only those that issue letters. The application never truncates; emptying the table is a
database administrator's act.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER documents_document_no_update BEFORE UPDATE ON documents_document
       BEGIN SELECT RAISE(ABORT, 'issued documents are never changed'); END""",
    """CREATE TRIGGER documents_document_no_delete BEFORE DELETE ON documents_document
       BEGIN SELECT RAISE(ABORT, 'issued documents are never changed'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS documents_document_no_update",
    "DROP TRIGGER IF EXISTS documents_document_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION carecharge_refuse_document_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'issued documents are never changed (%)', TG_OP; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER documents_document_never_changed BEFORE UPDATE OR DELETE
       ON documents_document FOR EACH ROW EXECUTE FUNCTION carecharge_refuse_document_change()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS documents_document_never_changed ON documents_document",
    "DROP FUNCTION IF EXISTS carecharge_refuse_document_change()",
]


def _run(schema_editor, statements):
    # A plain cursor: schema_editor.execute() would read the '%' in RAISE as a placeholder.
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError("carecharge supports SQLite and PostgreSQL only")
    _run(schema_editor, statements)


def backwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}[
        schema_editor.connection.vendor
    ])


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_issued_documents")]
    operations = [migrations.RunPython(forwards, backwards)]
