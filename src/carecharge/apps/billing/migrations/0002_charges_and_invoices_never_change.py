"""Posted charge records and invoices are never changed or deleted, refused by the database
itself on both engines. The one exception: an invoice's PDF is linked once it is issued
(`document` may go from empty to set, never be changed again)."""

from django.db import migrations

INVOICE_FIXED = (
    "number, kind, run_id, person_id, account_id, debtor, issued_on, due_on, total_pence, "
    "transaction_id, created_at"
)
SQLITE = [
    """CREATE TRIGGER billing_chargerecord_no_update BEFORE UPDATE ON billing_chargerecord
       BEGIN SELECT RAISE(ABORT, 'posted charges are never changed'); END""",
    """CREATE TRIGGER billing_chargerecord_no_delete BEFORE DELETE ON billing_chargerecord
       BEGIN SELECT RAISE(ABORT, 'posted charges are never changed'); END""",
    f"""CREATE TRIGGER billing_invoice_no_update BEFORE UPDATE OF {INVOICE_FIXED}
       ON billing_invoice
       BEGIN SELECT RAISE(ABORT, 'invoices and credit notes are never changed'); END""",
    """CREATE TRIGGER billing_invoice_document_once BEFORE UPDATE OF document_id
       ON billing_invoice WHEN OLD.document_id IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'an issued invoice keeps its document'); END""",
    """CREATE TRIGGER billing_invoice_no_delete BEFORE DELETE ON billing_invoice
       BEGIN SELECT RAISE(ABORT, 'invoices and credit notes are never changed'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS billing_chargerecord_no_update",
    "DROP TRIGGER IF EXISTS billing_chargerecord_no_delete",
    "DROP TRIGGER IF EXISTS billing_invoice_no_update",
    "DROP TRIGGER IF EXISTS billing_invoice_document_once",
    "DROP TRIGGER IF EXISTS billing_invoice_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION carecharge_refuse_charge_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'posted charges are never changed (%)', TG_OP; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER billing_chargerecord_never_changed BEFORE UPDATE OR DELETE
       ON billing_chargerecord FOR EACH ROW EXECUTE FUNCTION carecharge_refuse_charge_change()""",
    """CREATE OR REPLACE FUNCTION carecharge_refuse_invoice_change() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'invoices and credit notes are never changed (DELETE)';
         END IF;
         IF OLD.document_id IS NULL AND NEW.document_id IS NOT NULL
            AND (NEW.number, NEW.kind, NEW.run_id, NEW.person_id, NEW.account_id, NEW.debtor,
                 NEW.issued_on, NEW.due_on, NEW.total_pence, NEW.transaction_id, NEW.created_at)
                IS NOT DISTINCT FROM
                (OLD.number, OLD.kind, OLD.run_id, OLD.person_id, OLD.account_id, OLD.debtor,
                 OLD.issued_on, OLD.due_on, OLD.total_pence, OLD.transaction_id, OLD.created_at)
         THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'invoices and credit notes are never changed (%)', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER billing_invoice_never_changed BEFORE UPDATE OR DELETE
       ON billing_invoice FOR EACH ROW EXECUTE FUNCTION carecharge_refuse_invoice_change()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS billing_chargerecord_never_changed ON billing_chargerecord",
    "DROP TRIGGER IF EXISTS billing_invoice_never_changed ON billing_invoice",
    "DROP FUNCTION IF EXISTS carecharge_refuse_charge_change()",
    "DROP FUNCTION IF EXISTS carecharge_refuse_invoice_change()",
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
    dependencies = [("billing", "0001_billing_runs_charges_invoices")]
    operations = [migrations.RunPython(forwards, backwards)]
