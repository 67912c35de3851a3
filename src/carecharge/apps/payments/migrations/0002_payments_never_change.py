"""Receipts, allocations, clearances, moves and payment references are records of money and
are never changed or deleted, refused by the database itself on both engines. A mistake is put
right by a new record (a reversing allocation, a move) and its ledger transaction."""

from django.db import migrations

TABLES = [
    "payments_paymentreference",
    "payments_paymentfile",
    "payments_receipt",
    "payments_suspenseclearance",
    "payments_accountmove",
    "payments_allocation",
    "payments_receiptreversal",
]
MESSAGE = "payment records are never changed"
SQLITE = [
    f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
    for table in TABLES
    for verb in ("UPDATE", "DELETE")
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for table in TABLES for verb in ("update", "delete")
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION carecharge_refuse_payment_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME; END;
       $$ LANGUAGE plpgsql""",
    *[
        f"""CREATE TRIGGER {table}_never_changed BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION carecharge_refuse_payment_change()"""
        for table in TABLES
    ],
]
POSTGRES_DROP = [
    *[f"DROP TRIGGER IF EXISTS {table}_never_changed ON {table}" for table in TABLES],
    "DROP FUNCTION IF EXISTS carecharge_refuse_payment_change()",
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
    _run(
        schema_editor,
        {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}[schema_editor.connection.vendor],
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_receipts_and_allocations")]
    operations = [migrations.RunPython(forwards, backwards)]
