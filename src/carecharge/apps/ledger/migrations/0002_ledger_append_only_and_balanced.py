"""The ledger is append-only and balanced, refused by the database itself.

Both engines: UPDATE and DELETE of a transaction or a posting are refused.

PostgreSQL also refuses:
- an INSERT statement into ledger_posting after which any transaction it touched does not sum
  to zero (a statement-level trigger over the inserted rows: the write path inserts all of a
  transaction's postings in one statement, so each statement must leave them balanced);
- at commit, a transaction with no postings (a deferred constraint trigger: the write path
  inserts the transaction row before its postings);
- TRUNCATE of either table (row triggers do not see it).

SQLite has no statement-level or deferred triggers, so there the single write path
(`operations.post` and `post_many`, which run `core.ledger.check`) keeps transactions balanced.
"""

from django.db import migrations

TABLES = ["ledger_ledgertransaction", "ledger_posting"]

SQLITE = [
    sql
    for table in TABLES
    for sql in (
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {table} rows are never changed'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {table} rows are never deleted'); END""",
    )
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_{action}"
    for table in TABLES
    for action in ("no_update", "no_delete")
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION carecharge_ledger_refuse_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME;
       END;
       $$ LANGUAGE plpgsql""",
    *[
        sql
        for table in TABLES
        for sql in (
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION carecharge_ledger_refuse_change()""",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION carecharge_ledger_refuse_change()""",
        )
    ],
    # Sums every posting of each transaction the statement touched, not just the new rows, so
    # a later statement cannot unbalance a transaction posted earlier either. The correlated
    # sum is one index probe per transaction: the planner has no statistics for a transition
    # table and may otherwise scan the whole postings table for every statement.
    """CREATE OR REPLACE FUNCTION carecharge_ledger_refuse_unbalanced() RETURNS trigger AS $$
       DECLARE bad RECORD;
       BEGIN
         SELECT t.key, s.total INTO bad
         FROM (
           SELECT touched.transaction_id,
                  (SELECT SUM(p.pence) FROM ledger_posting p
                   WHERE p.transaction_id = touched.transaction_id) AS total
           FROM (SELECT DISTINCT transaction_id FROM ledger_new_postings) touched
         ) s JOIN ledger_ledgertransaction t ON t.id = s.transaction_id
         WHERE s.total <> 0
         LIMIT 1;
         IF FOUND THEN
           RAISE EXCEPTION 'ledger transaction % does not balance: its postings sum to % pence',
             bad.key, bad.total;
         END IF;
         RETURN NULL;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ledger_posting_balanced AFTER INSERT ON ledger_posting
       REFERENCING NEW TABLE AS ledger_new_postings
       FOR EACH STATEMENT EXECUTE FUNCTION carecharge_ledger_refuse_unbalanced()""",
    """CREATE OR REPLACE FUNCTION carecharge_ledger_require_postings() RETURNS trigger AS $$
       BEGIN
         IF NOT EXISTS (SELECT 1 FROM ledger_posting WHERE transaction_id = NEW.id) THEN
           RAISE EXCEPTION 'ledger transaction % has no postings', NEW.key;
         END IF;
         RETURN NULL;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE CONSTRAINT TRIGGER ledger_transaction_has_postings
       AFTER INSERT ON ledger_ledgertransaction DEFERRABLE INITIALLY DEFERRED
       FOR EACH ROW EXECUTE FUNCTION carecharge_ledger_require_postings()""",
]
POSTGRES_DROP = [
    *[
        f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}"
        for table in TABLES
        for suffix in ("append_only", "no_truncate")
    ],
    "DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting",
    "DROP TRIGGER IF EXISTS ledger_transaction_has_postings ON ledger_ledgertransaction",
    "DROP FUNCTION IF EXISTS carecharge_ledger_refuse_change()",
    "DROP FUNCTION IF EXISTS carecharge_ledger_refuse_unbalanced()",
    "DROP FUNCTION IF EXISTS carecharge_ledger_require_postings()",
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
    dependencies = [("ledger", "0001_ledger_accounts_and_postings")]
    operations = [migrations.RunPython(forwards, backwards)]
