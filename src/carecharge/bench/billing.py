"""`python -m carecharge.bench.billing`: how fast a billing run is on a council with history.

For each database (SQLite, PostgreSQL) and size (10,000 and 100,000 people) a child process
configures Django against a new temporary database, generates the bench council, bills two
years of history with real four-weekly billing runs (not timed), then times three runs:

(a) **full**: the next four-weekly run for everyone, draft to posted (`run_to_posted`);
(b) **re-run**: the same date again, draft to posted (it posts nothing);
(c) **revised**: 5% of people have their assessment revised from six months back, then a run to
    the same date again, posting their credit notes and invoices.

Each is reported in seconds, people a second and rows written a second (charge records,
ledger postings and transactions, invoices and run rows), beside a baseline: the same rows
inserted with plain ``executemany`` in one transaction into empty tables of the same shape
(the physical limit of the database). Results are recorded in docs/performance.md. The council
is made by `billing_council`, and the runs billed and timed by `billing_runs`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from carecharge.bench import default_results_path, machine_summary
from carecharge.bench.billing_council import DEFAULT_THROUGH, HISTORY_RUNS, billing_from_for

DEFAULT_SIZES: Final = (10_000, 100_000)
DEFAULT_SEED: Final = 2026
TARGET_SECONDS: Final = {"postgresql": 120.0, "sqlite": 240.0}
TARGET_PEOPLE: Final = 100_000
TABLE_START: Final = "<!-- bench:billing:start -->"
TABLE_END: Final = "<!-- bench:billing:end -->"
TABLE_HEADER: Final = (
    "| Date | Database | People | Run | Seconds | People a second | Rows written | "
    "Rows a second | Baseline rows a second | Target | Met | Load | Machine |\n"
    "|---|---|---:|---|---:|---:|---:|---:|---:|---|---|---:|---|"
)
POSTGRES_SERVER: Final = "postgres://postgres@127.0.0.1:5432"


# --- One case in its own process --------------------------------------------------------------


def configure(database: str, workdir: Path, through: date) -> None:
    """Point Django at ``database`` before anything imports the settings."""
    os.environ["DATABASE_URL"] = database
    os.environ["CARECHARGE_VAR"] = str(workdir)
    os.environ["CARECHARGE_BILLING_FROM"] = billing_from_for(through).isoformat()
    os.environ["DJANGO_SETTINGS_MODULE"] = "carecharge.config.settings"
    # Test settings need no SECRET_KEY; DEBUG stays off so Django does not log every query.
    os.environ.setdefault("CARECHARGE_TESTING", "true")
    if "django.conf" in sys.modules:
        from django.conf import settings

        if settings.configured:
            raise RuntimeError("the benchmark must configure Django itself: run it on its own")
    import django

    django.setup()


def run_case(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="carecharge-bench-billing-") as work:
        workdir = Path(work)
        if args.case == "sqlite":
            database = f"sqlite:///{workdir / 'bench.sqlite3'}"
        else:
            database = f"{args.postgres}/{args.database_name}"
        configure(database, workdir, args.through)
        from carecharge.bench.billing_runs import bench_case

        report = bench_case(
            people=args.people,
            seed=args.seed,
            through=args.through,
            workers=args.workers,
            history_runs=args.history_runs,
        )
    Path(args.report).write_text(json.dumps(report, default=str), encoding="utf-8")
    return 0


# --- The whole benchmark: each case in a child process, then the record ----------------------


@dataclass(frozen=True, slots=True)
class Row:
    run_on: date
    database: str
    people: int
    run: str
    seconds: float
    people_in_run: int
    rows_written: int
    baseline_rows_per_second: float | None
    load: float
    machine: str

    @property
    def target(self) -> float | None:
        """The issue's target, scaled to the size (a run with nothing to post: half of it)."""
        if self.run not in {"full", "re-run"}:
            return None
        base = TARGET_SECONDS["postgresql" if self.database == "PostgreSQL" else "sqlite"]
        scaled = base * self.people / TARGET_PEOPLE
        return scaled / 2 if self.run == "re-run" else scaled

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.seconds < self.target

    def cells(self) -> str:
        per_second = self.people_in_run / self.seconds if self.seconds else 0
        rows = self.rows_written / self.seconds if self.seconds else 0
        baseline = f"{self.baseline_rows_per_second:,.0f}" if self.baseline_rows_per_second else "—"
        target = "—"
        if self.target is not None:
            places = 0 if self.target >= 10 else 1
            target = f"under {self.target:,.{places}f} s"
        met = "—" if self.met is None else ("yes" if self.met else "NO")
        return (
            f"| {self.run_on.isoformat()} | {self.database} | {self.people:,} | {self.run} | "
            f"{self.seconds:,.1f} | {per_second:,.0f} | {self.rows_written:,} | {rows:,.0f} | "
            f"{baseline} | {target} | {met} | {self.load:.1f} | {self.machine} |"
        )


DATABASE_NAMES: Final = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def rows_from(report: dict[str, Any], machine: str, run_on: date) -> list[Row]:
    found = []
    database = DATABASE_NAMES[report["database"]]
    for run in report["runs"]:
        baseline = None
        if run["baseline_seconds"]:
            baseline = run["rows_written"] / run["baseline_seconds"]
        found.append(
            Row(
                run_on,
                database,
                report["people"],
                run["run"],
                run["seconds"],
                run["people"],
                run["rows_written"],
                baseline,
                run["load"],
                machine,
            )
        )
    return found


def machine_for(report: dict[str, Any]) -> str:
    """The machine, with the database server that was measured (not always SQLite)."""
    return machine_summary().rsplit(", SQLite ", 1)[0] + f", {report['server']}"


def _postgres_admin(postgres: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as admin:
        admin.execute(sql)


def child(args: argparse.Namespace, case: str, people: int, report: Path) -> dict[str, Any]:
    """Run one case in a new process (each configures its own Django and database)."""
    name = f"cc_bench_billing_{os.getpid()}_{people}"
    command = [
        sys.executable,
        "-m",
        "carecharge.bench.billing",
        "--case",
        case,
        "--people",
        str(people),
        "--seed",
        str(args.seed),
        "--through",
        args.through.isoformat(),
        "--workers",
        str(args.workers),
        "--history-runs",
        str(args.history_runs),
        "--postgres",
        args.postgres,
        "--database-name",
        name,
        "--report",
        str(report),
    ]
    if case == "postgresql":
        _postgres_admin(args.postgres, f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(command, check=True)  # noqa: S603 (our own module, our own arguments)
    finally:
        if case == "postgresql":
            _postgres_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return dict(json.loads(report.read_text(encoding="utf-8")))


def scaling(rows: Sequence[tuple[str, str, str, int, float]]) -> list[str]:
    """Seconds at the largest size beside seconds at the smallest, per database and run, from
    rows of (date, database, run, people, seconds) of the latest date that has two sizes."""
    lines = []
    by_key: dict[tuple[str, str, str], dict[int, float]] = defaultdict(dict)
    for day, database, run, people, seconds in rows:
        by_key[(day, database, run)][people] = seconds
    days = sorted({day for (day, _, _), sizes in by_key.items() if len(sizes) > 1})
    for (day, database, run), sizes in sorted(by_key.items()):
        if not days or day != days[-1] or len(sizes) < 2:
            continue
        small, large = min(sizes), max(sizes)
        ratio = sizes[large] / sizes[small] if sizes[small] else 0
        lines.append(
            f"| {database} | {run} | {small:,} | {sizes[small]:,.1f} | {large:,} | "
            f"{sizes[large]:,.1f} | {ratio:,.1f}× for {large / small:,.0f}× the people |"
        )
    return lines


def _recorded(text: str) -> list[tuple[str, str, str, int, float]]:
    """The results table's rows as (date, database, run, people, seconds)."""
    found = []
    for line in _kept(text, TABLE_START, TABLE_END, set()):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        day, database, people, run, seconds = cells[:5]
        found.append(
            (day, database, run, int(people.replace(",", "")), float(seconds.replace(",", "")))
        )
    return found


SCALING_START: Final = "<!-- bench:billing-scaling:start -->"
SCALING_END: Final = "<!-- bench:billing-scaling:end -->"
SCALING_HEADER: Final = (
    "| Database | Run | People | Seconds | People | Seconds | Scaling |\n"
    "|---|---|---:|---:|---:|---:|---|"
)
SETUP_START: Final = "<!-- bench:billing-setup:start -->"
SETUP_END: Final = "<!-- bench:billing-setup:end -->"
SETUP_HEADER: Final = (
    "| Date | Database | People | Generating (s) | Two years of history (s) | History runs | "
    "Charge records | People revised | Machine |\n|---|---|---:|---:|---:|---:|---:|---:|---|"
)


def _replace_between(text: str, start: str, end: str, header: str, lines: list[str]) -> str:
    if start not in text or end not in text:
        text = text.rstrip("\n") + f"\n\n{start}\n{header}\n{end}\n"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    body = "\n".join([header, *lines])
    return f"{head}{start}\n{body}\n{end}{tail}"


def _kept(text: str, start: str, end: str, replaced: set[str]) -> list[str]:
    """The rows already in a table, less those the new results replace."""
    if start not in text or end not in text:
        return []
    table = text.split(start, 1)[1].split(end, 1)[0]
    rows = [line for line in table.strip().splitlines()[2:] if line.startswith("|")]
    return [line for line in rows if not any(line.startswith(key) for key in replaced)]


def record(rows: Sequence[Row], setups: Sequence[str], path: Path) -> None:
    """Put the results in ``path``: new rows replace any of the same date, database and size."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    replaced = {f"| {row.run_on.isoformat()} | {row.database} | {row.people:,} |" for row in rows}
    lines = _kept(text, TABLE_START, TABLE_END, replaced) + [row.cells() for row in rows]
    text = _replace_between(text, TABLE_START, TABLE_END, TABLE_HEADER, lines)
    setup_lines = _kept(text, SETUP_START, SETUP_END, replaced) + list(setups)
    text = _replace_between(text, SETUP_START, SETUP_END, SETUP_HEADER, setup_lines)
    # From the whole table, so a size measured on its own later the same day still counts.
    scaled = scaling(_recorded(text))
    if scaled:
        text = _replace_between(text, SCALING_START, SCALING_END, SCALING_HEADER, scaled)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m carecharge.bench.billing", description=__doc__)
    parser.add_argument(
        "--people", type=int, nargs="+", default=list(DEFAULT_SIZES), help="sizes of council"
    )
    parser.add_argument(
        "--databases",
        nargs="+",
        choices=["sqlite", "postgresql"],
        default=["sqlite", "postgresql"],
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--through",
        type=date.fromisoformat,
        default=DEFAULT_THROUGH,
        help="the timed runs' date (a Sunday); history is billed for two years before it",
    )
    parser.add_argument(
        "--history-runs",
        type=int,
        default=HISTORY_RUNS,
        help=(
            f"four-weekly runs billing the history (default {HISTORY_RUNS}: all of it); fewer "
            "bill the earlier history in one run first, much quicker to set up"
        ),
    )
    parser.add_argument("--workers", type=int, default=2, help="processes sharing each run")
    parser.add_argument(
        "--postgres",
        default=POSTGRES_SERVER,
        help="the PostgreSQL server (a temporary database is made there and dropped after)",
    )
    parser.add_argument("--results", type=Path, default=default_results_path())
    parser.add_argument("--no-record", action="store_true", help="Print only; change no file.")
    parser.add_argument("--case", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--database-name", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        args.people = args.people[0]
        return run_case(args)

    today = date.today()
    rows: list[Row] = []
    setups: list[str] = []
    with tempfile.TemporaryDirectory(prefix="carecharge-bench-reports-") as reports:
        for people in args.people:
            for case in args.databases:
                print(f"Billing benchmark: {people:,} people on {DATABASE_NAMES[case]}", flush=True)
                report = child(args, case, people, Path(reports) / f"{case}-{people}.json")
                machine = machine_for(report)
                found = rows_from(report, machine, today)
                rows += found
                setups.append(
                    f"| {today.isoformat()} | {DATABASE_NAMES[case]} | {people:,} | "
                    f"{report['generate_seconds']:,.0f} | {report['history_seconds']:,.0f} | "
                    f"{report['history_runs']} | "
                    f"{report['charge_records']:,} | {report['revised']:,} | {machine} |"
                )
                for row in found:
                    print("  " + row.cells(), flush=True)
                # After each case, so a long benchmark stopped part-way keeps what it measured.
                if not args.no_record:
                    record(rows, setups, args.results)
                    print(f"Recorded in {args.results}", flush=True)
    missed = [row for row in rows if row.met is False]
    for row in missed:
        print(f"NOT MET: {row.database}, {row.people:,} people, {row.run}: {row.seconds:,.1f} s")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
