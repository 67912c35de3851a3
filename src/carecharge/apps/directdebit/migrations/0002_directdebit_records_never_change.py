"""Bacs files, advance notices, Bacs reports, the actions they caused and returns are records of
what happened and are never changed or deleted, refused by the database itself on both engines.
A collection item is never changed either, except that it gains its receipt once, when its run
is settled; a report's counts are written once, as it is applied."""

from django.db import migrations

FIXED = [
    "directdebit_bacsfile",
    "directdebit_advancenotice",
    "directdebit_reportaction",
    "directdebit_itemreturn",
]
MESSAGE = "Direct Debit records are never changed"
ITEM_FIXED = (
    "run_id, mandate_id, account_id, transaction_code, amount_pence, reference, sort_code, "
    "account_number, bacs_name, notice_id, represents_id"
)
REPORT_FIXED = (
    "kind, filename, sha256, size_bytes, content, report_date, imported_at, imported_by_id"
)
SQLITE = [
    *[
        f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
           BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
        for table in FIXED
        for verb in ("UPDATE", "DELETE")
    ],
    f"""CREATE TRIGGER directdebit_collectionitem_no_update BEFORE UPDATE OF {ITEM_FIXED}
       ON directdebit_collectionitem BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER directdebit_collectionitem_receipt_once BEFORE UPDATE OF receipt_id
       ON directdebit_collectionitem WHEN OLD.receipt_id IS NOT NULL
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER directdebit_collectionitem_no_delete BEFORE DELETE
       ON directdebit_collectionitem BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER directdebit_bacsreportimport_no_update BEFORE UPDATE OF {REPORT_FIXED}
       ON directdebit_bacsreportimport BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER directdebit_bacsreportimport_no_delete BEFORE DELETE
       ON directdebit_bacsreportimport BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    *[f"DROP TRIGGER IF EXISTS {t}_no_{verb}" for t in FIXED for verb in ("update", "delete")],
    "DROP TRIGGER IF EXISTS directdebit_collectionitem_no_update",
    "DROP TRIGGER IF EXISTS directdebit_collectionitem_receipt_once",
    "DROP TRIGGER IF EXISTS directdebit_collectionitem_no_delete",
    "DROP TRIGGER IF EXISTS directdebit_bacsreportimport_no_update",
    "DROP TRIGGER IF EXISTS directdebit_bacsreportimport_no_delete",
]


def _new(columns: str) -> str:
    return ", ".join(f"NEW.{c.strip()}" for c in columns.split(","))


def _old(columns: str) -> str:
    return ", ".join(f"OLD.{c.strip()}" for c in columns.split(","))


POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION carecharge_refuse_dd_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME; END;
       $$ LANGUAGE plpgsql""",
    *[
        f"""CREATE TRIGGER {table}_never_changed BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION carecharge_refuse_dd_change()"""
        for table in FIXED
    ],
    f"""CREATE OR REPLACE FUNCTION carecharge_refuse_dd_item_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.receipt_id IS NULL
            AND ({_new(ITEM_FIXED)}) IS NOT DISTINCT FROM ({_old(ITEM_FIXED)})
         THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER directdebit_collectionitem_never_changed BEFORE UPDATE OR DELETE
       ON directdebit_collectionitem FOR EACH ROW
       EXECUTE FUNCTION carecharge_refuse_dd_item_change()""",
    f"""CREATE OR REPLACE FUNCTION carecharge_refuse_dd_report_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE'
            AND ({_new(REPORT_FIXED)}) IS NOT DISTINCT FROM ({_old(REPORT_FIXED)})
         THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER directdebit_bacsreportimport_never_changed BEFORE UPDATE OR DELETE
       ON directdebit_bacsreportimport FOR EACH ROW
       EXECUTE FUNCTION carecharge_refuse_dd_report_change()""",
]
POSTGRES_DROP = [
    *[f"DROP TRIGGER IF EXISTS {table}_never_changed ON {table}" for table in FIXED],
    "DROP TRIGGER IF EXISTS directdebit_collectionitem_never_changed ON directdebit_collectionitem",
    "DROP TRIGGER IF EXISTS directdebit_bacsreportimport_never_changed "
    "ON directdebit_bacsreportimport",
    "DROP FUNCTION IF EXISTS carecharge_refuse_dd_change()",
    "DROP FUNCTION IF EXISTS carecharge_refuse_dd_item_change()",
    "DROP FUNCTION IF EXISTS carecharge_refuse_dd_report_change()",
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
    dependencies = [("directdebit", "0001_mandates_runs_and_reports")]
    operations = [migrations.RunPython(forwards, backwards)]
