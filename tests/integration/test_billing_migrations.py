"""Billing's data migrations, run forwards and backwards on the database under test."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from carecharge.apps.billing.models import RunPerson
from carecharge.bench.billing_council import DEFAULT_THROUGH

BEFORE = [("billing", "0002_charges_and_invoices_never_change")]
AFTER = [("billing", "0003_run_person_lines_deflated")]


# SQLite cannot change a schema inside the test's transaction; PostgreSQL can (and then undoes
# it all), and its append-only audit rows could not be flushed after the test.
@pytest.mark.django_db(transaction=connection.vendor == "sqlite")
def test_the_migration_deflates_existing_previews_and_can_be_undone() -> None:
    lines = [{"key": "contribution:council:2026-05-18", "amount_pence": -485, "trace": []}]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        person = old.get_model("people", "ServiceUser").objects.create(
            account_reference="00000018",
            forename="Ada",
            surname="Lovelace",
            date_of_birth=date(1940, 12, 10),
        )
        run = old.get_model("billing", "BillingRun").objects.create(
            through_date=DEFAULT_THROUGH, created_at="2026-11-23T09:00:00Z"
        )
        made = old.get_model("billing", "RunPerson").objects.create(
            run=run, person=person, lines=lines
        )
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit: the rows above would stop ALTER TABLE.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        assert RunPerson.objects.get(pk=made.pk).lines == lines
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        back = executor.loader.project_state(BEFORE).apps.get_model("billing", "RunPerson")
        assert back.objects.get(pk=made.pk).lines == lines
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
