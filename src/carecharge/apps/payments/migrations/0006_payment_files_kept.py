"""Payment files keep the original bytes. On SQLite, adding a column to a table rebuilds it,
which drops its triggers (migration 0003 rebuilt `payments_paymentfile` the same way): the
never-change triggers of that table are made again here."""

from django.db import migrations, models

TABLE = "payments_paymentfile"
MESSAGE = "payment records are never changed"


def guard_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL keeps a table's triggers when a column is added
    with schema_editor.connection.cursor() as cursor:
        for verb in ("UPDATE", "DELETE"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb.lower()}")
            cursor.execute(
                f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_direct_debit_match_rule")]

    operations = [
        migrations.AddField(
            model_name="paymentfile",
            name="content",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(guard_again, migrations.RunPython.noop),
    ]
