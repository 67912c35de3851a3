"""Performance benchmarks, run by `make bench` (`python -m carecharge.bench`).

The demo-council benchmark generates a council into a fresh temporary SQLite database, times
`carecharge demo`, and records the result in docs/performance.md so the figure in the docs is
always one somebody measured. Django is configured here, before anything imports settings,
so the benchmark can never touch the real database.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

DEFAULT_PEOPLE: Final = 100_000
DEFAULT_SEED: Final = 2026
TARGET_SECONDS: Final = 300  # 100,000 people in under 5 minutes
TABLE_START: Final = "<!-- bench:demo:start -->"
TABLE_END: Final = "<!-- bench:demo:end -->"
TABLE_HEADER: Final = (
    "| Date | People | Seconds | People a second | Target | Met | Machine |\n"
    "|---|---:|---:|---:|---|---|---|"
)


@dataclass(frozen=True, slots=True)
class DemoBenchResult:
    run_on: date
    people: int
    seconds: float
    machine: str
    summary: str

    @property
    def per_second(self) -> float:
        return self.people / self.seconds if self.seconds else 0.0

    @property
    def target_seconds(self) -> float:
        # The target scales with the size asked for, so a quick run is judged fairly.
        return TARGET_SECONDS * self.people / DEFAULT_PEOPLE

    @property
    def met(self) -> bool:
        return self.seconds < self.target_seconds

    def row(self) -> str:
        target = f"under {self.target_seconds:,.0f} s"
        if self.people == DEFAULT_PEOPLE:
            target = "under 5 minutes"
        return (
            f"| {self.run_on.isoformat()} | {self.people:,} | {self.seconds:,.1f} | "
            f"{self.per_second:,.0f} | {target} | {'yes' if self.met else 'NO'} | {self.machine} |"
        )


def machine_summary() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = f" {found.group(1).strip()}" if found else ""
    return (
        f"{os.cpu_count()} CPUs{model}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def run_demo_benchmark(*, people: int, seed: int, as_at: date, workdir: Path) -> DemoBenchResult:
    """Migrate a new SQLite database in ``workdir`` and time loading the demo council into it."""
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["CARECHARGE_VAR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "carecharge.config.settings"
    # Test settings need no SECRET_KEY; DEBUG stays off so Django does not log every query.
    os.environ.setdefault("CARECHARGE_TESTING", "true")
    if "django.conf" in sys.modules:
        from django.conf import settings

        if settings.configured:
            raise RuntimeError("the benchmark must configure Django itself: run it on its own")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    out = io.StringIO()
    started = time.perf_counter()
    call_command("demo", people=people, seed=seed, as_at=as_at.isoformat(), stdout=out)
    seconds = time.perf_counter() - started
    return DemoBenchResult(date.today(), people, seconds, machine_summary(), out.getvalue())


def record(result: DemoBenchResult, path: Path) -> None:
    """Add the result to the table in ``path`` (replacing one of the same day, size and machine)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if TABLE_START not in text or TABLE_END not in text:
        text = text.rstrip("\n") + f"\n\n{TABLE_START}\n{TABLE_HEADER}\n{TABLE_END}\n"
    head, rest = text.split(TABLE_START, 1)
    table, tail = rest.split(TABLE_END, 1)
    rows = [line for line in table.strip().splitlines()[2:] if line.startswith("|")]
    key = f"| {result.run_on.isoformat()} | {result.people:,} |"
    rows = [
        line
        for line in rows
        if not (line.startswith(key) and line.endswith(f"| {result.machine} |"))
    ]
    rows.append(result.row())
    body = "\n".join([TABLE_HEADER, *rows])
    path.write_text(f"{head}{TABLE_START}\n{body}\n{TABLE_END}{tail}", encoding="utf-8")


def default_results_path() -> Path:
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "pyproject.toml").exists():
        return checkout / "docs" / "performance.md"
    return Path.cwd() / "docs" / "performance.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m carecharge.bench", description=__doc__)
    parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--as-at", dest="as_at", type=date.fromisoformat, default=date.today())
    parser.add_argument(
        "--results",
        type=Path,
        default=default_results_path(),
        help="Markdown file whose results table is updated (docs/performance.md).",
    )
    parser.add_argument("--no-record", action="store_true", help="Print only; change no file.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="carecharge-bench-") as workdir:
        print(f"Generating a {args.people:,}-person demo council into a temporary SQLite database")
        result = run_demo_benchmark(
            people=args.people, seed=args.seed, as_at=args.as_at, workdir=Path(workdir)
        )
    print(result.summary.rstrip())
    print(
        f"demo --people {result.people:,}: {result.seconds:,.1f} s, "
        f"{result.per_second:,.0f} people a second (target {result.target_seconds:,.0f} s: "
        f"{'met' if result.met else 'NOT MET'}) on {result.machine}"
    )
    if not args.no_record:
        record(result, args.results)
        print(f"Recorded in {args.results}")
    return 0 if result.met else 1
