"""The billing benchmark's runs: billing the history, the three timed runs, and the baseline
(the same rows written with plain ``executemany``), in a process whose Django is configured."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Final

from carecharge.bench.billing_council import (
    APPROVER,
    HISTORY_RUNS,
    OFFICER,
    REVISED_SHARE,
    generate_council,
    history_dates,
    revise,
)

COUNTED: Final = (
    ("billing", "ChargeRecord"),
    ("ledger", "Posting"),
    ("ledger", "LedgerTransaction"),
    ("billing", "Invoice"),
    ("billing", "RunPerson"),
)


def _models() -> list[Any]:
    from django.apps import apps

    return [apps.get_model(app, name) for app, name in COUNTED]


def _last_ids() -> dict[str, int]:
    """The highest id in each table billing writes: rows are only ever added, so the rows a run
    wrote are those above the ids before it."""
    from django.db.models import Max

    return {
        model.__name__: model.objects.aggregate(last=Max("pk"))["last"] or 0 for model in _models()
    }


@dataclass(slots=True)
class Timed:
    run: str
    seconds: float
    people: int
    posted: int
    held: int
    excluded: int
    rows: dict[str, int] = field(default_factory=dict)
    baseline_seconds: float | None = None
    load: float = 0.0
    """The machine's load average over the minute before the run (others' work slows it)."""

    @property
    def rows_written(self) -> int:
        return sum(self.rows.values())


def bill(*, through: date, workers: int, label: str) -> Timed:
    """A billing run to ``through``, draft to posted, as `carecharge billing run` does it."""
    from django.contrib.auth.models import User

    from carecharge.apps.billing import operations

    officer = User.objects.get(username=OFFICER)
    approver = User.objects.get(username=APPROVER)
    before = _last_ids()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    run = operations.run_to_posted(
        through=through, actor=officer, approver=approver, workers=workers
    )
    seconds = time.perf_counter() - started
    after = _last_ids()
    if run.state != "posted":
        raise RuntimeError(f"run {run.pk} to {through} ended {run.state}: {run.last_error}")
    return Timed(
        run=label,
        seconds=seconds,
        people=run.people_count,
        posted=run.changed_count,
        held=run.held_count,
        excluded=run.excluded_count,
        rows={name: after[name] - before[name] for name in after},
        load=load,
    )


def _quoted_columns(model: Any) -> tuple[list[Any], str, str]:
    from django.db import connection, models

    quote = connection.ops.quote_name
    found = [f for f in model._meta.concrete_fields if not f.primary_key]
    postgres = connection.vendor == "postgresql"
    json_columns = {f.column for f in found if postgres and isinstance(f, models.JSONField)}
    selected = ", ".join(
        f"{quote(f.column)}::text" if f.column in json_columns else quote(f.column) for f in found
    )
    marks = ", ".join(
        "%s::jsonb" if postgres and isinstance(f, models.JSONField) else "%s" for f in found
    )
    return found, selected, marks


def _empty_copy(cursor: Any, model: Any, name: str) -> None:
    """A new, empty table shaped like the model's: columns, constraints and indexes."""
    from django.db import connection

    table = model._meta.db_table
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        cursor.execute(f"CREATE TABLE {quote(name)} (LIKE {quote(table)} INCLUDING ALL)")
        return
    cursor.execute(
        "SELECT type, name, sql FROM sqlite_master "
        "WHERE tbl_name = %s AND type IN ('table', 'index') AND sql IS NOT NULL",
        [table],
    )
    for kind, object_name, sql in cursor.fetchall():
        renamed = sql.replace(f'"{table}"', f'"{name}"', 1)
        if kind == "index":
            renamed = renamed.replace(f'"{object_name}"', f'"{name}_{object_name}"', 1)
            renamed = renamed.replace(f'ON "{table}"', f'ON "{name}"', 1)
        cursor.execute(renamed)


def baseline(rows: dict[str, tuple[int, int]]) -> float:
    """Seconds to insert the given rows again (by id range, per table) into empty tables of
    the same shape with plain ``executemany`` in one transaction: what the database can do at
    best, one row at a time, with none of billing's work. The rows are read first, untimed."""
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    plan = []
    with connection.cursor() as cursor:
        for model in _models():
            first, last = rows.get(model.__name__, (1, 0))
            if last < first:
                continue
            found, selected, marks = _quoted_columns(model)
            cursor.execute(
                f"SELECT {selected} FROM {quote(model._meta.db_table)} "  # noqa: S608
                f"WHERE {quote(model._meta.pk.column)} BETWEEN %s AND %s",
                [first, last],
            )
            values = cursor.fetchall()
            name = f"bench_copy_{model._meta.db_table}"
            columns = ", ".join(quote(f.column) for f in found)
            plan.append(
                (model, name, f"INSERT INTO {quote(name)} ({columns}) VALUES ({marks})", values)  # noqa: S608
            )
    try:
        with connection.cursor() as cursor:
            for model, name, _, _ in plan:
                _empty_copy(cursor, model, name)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for _, _, sql, values in plan:
                cursor.executemany(sql, values)
        return time.perf_counter() - started
    finally:
        with connection.cursor() as cursor:
            for _, name, _, _ in plan:
                cursor.execute(f"DROP TABLE IF EXISTS {quote(name)}")


def bench_case(
    *, people: int, seed: int, through: date, workers: int, history_runs: int = HISTORY_RUNS
) -> dict[str, Any]:
    """Everything one database and size needs, in this process (Django already configured)."""
    from django.core.management import call_command
    from django.db import connection

    from carecharge.apps.web.council import rulebook

    report: dict[str, Any] = {"people": people, "database": connection.vendor}
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        version = connection.pg_version  # type: ignore[attr-defined]
        report["server"] = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        report["server"] = f"SQLite {sqlite3.sqlite_version}"
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    rulebook()
    report["council"] = generate_council(people=people, seed=seed, through=through)
    report["generate_seconds"] = time.perf_counter() - started
    _say(f"generated in {report['generate_seconds']:,.0f} s: {report['council']}")
    started = time.perf_counter()
    days = history_dates(through, history_runs)
    report["history_runs"] = len(days)
    for n, day in enumerate(days, 1):
        done = bill(through=day, workers=workers, label="history")
        _say(
            f"history run {n}/{len(days)} to {day}: {done.people:,} people, "
            f"{done.rows_written:,} rows, {done.seconds:,.1f} s"
        )
    report["history_seconds"] = time.perf_counter() - started
    _analyse()
    runs = []
    before = _last_ids()
    full = bill(through=through, workers=workers, label="full")
    after = _last_ids()
    full.baseline_seconds = baseline({name: (before[name] + 1, after[name]) for name in after})
    runs.append(full)
    _say(_line(full))
    again = bill(through=through, workers=workers, label="re-run")
    runs.append(again)
    _say(_line(again))
    report["revised"] = revise(seed=seed, share=REVISED_SHARE, through=through)
    revised = bill(through=through, workers=workers, label="revised")
    runs.append(revised)
    _say(_line(revised))
    report["runs"] = [asdict(r) | {"rows_written": r.rows_written} for r in runs]
    report["charge_records"] = _last_ids()["ChargeRecord"]
    return report


def _analyse() -> None:
    """On PostgreSQL, fresh planner statistics, as a council's database keeps them by itself
    (autovacuum). SQLite gathers none unless asked, and carecharge does not ask."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _line(done: Timed) -> str:
    return (
        f"{done.run}: {done.seconds:,.1f} s, {done.people:,} people "
        f"({done.people / done.seconds:,.0f} a second), {done.posted:,} posted, "
        f"{done.rows_written:,} rows written ({done.rows_written / done.seconds:,.0f} a second)"
    )


def _say(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}", flush=True)
