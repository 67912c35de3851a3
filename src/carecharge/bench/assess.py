"""`python -m carecharge.bench.assess`: assessments a second through `carecharge assess --many`.

Generates varied, valid requests (care at home, care homes, couples, joint and shared capital,
council policies, Wales), writes them as JSON lines, and times `carecharge assess --many` over
them in this process, from loading the rules to the last result written. The target is 5,000
assessments a second. The result is recorded in docs/performance.md under "Assessment
throughput". Django is configured here, before anything imports settings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

DEFAULT_REQUESTS: Final = 20_000
DEFAULT_SEED: Final = 2026
TARGET_PER_SECOND: Final = 5_000
HEADING: Final = "## Assessment throughput"
TABLE_START: Final = "<!-- bench:assess:start -->"
TABLE_END: Final = "<!-- bench:assess:end -->"
TABLE_HEADER: Final = (
    "| Date | Requests | Seconds | Assessments a second | Target | Met | Machine |\n"
    "|---|---:|---:|---:|---|---|---|"
)
FIRST_DAY: Final = date(2025, 4, 7)
DAYS: Final = 359  # to 31 March 2026: the 2025/26 rules

INCOME_TYPES: Final = (
    ("state_pension", None, (15000, 23000)),
    ("new_state_pension", None, (20000, 23100)),
    ("pension_credit_guarantee", None, (500, 8000)),
    ("pension_credit_savings_credit", None, (100, 1500)),
    ("universal_credit", None, (8000, 40000)),
    ("esa", None, (9000, 24000)),
    ("attendance_allowance", ("higher", "lower"), (7390, 11040)),
    ("dla_care", ("highest", "middle", "lowest"), (2910, 11040)),
    ("dla_mobility", ("higher", "lower"), (2910, 7705)),
    ("pip_daily_living", ("enhanced", "standard"), (7390, 11040)),
    ("pip_mobility", ("enhanced", "standard"), (2910, 7705)),
    ("occupational_pension", None, (500, 40000)),
    ("private_pension", None, (500, 20000)),
    ("war_widows_pension", None, (1000, 6000)),
    ("earnings", None, (1000, 20000)),
    ("housing_benefit", None, (5000, 15000)),
    ("winter_fuel_payment", None, (385, 577)),
)


def _pounds(pence: int) -> str:
    return f"{pence // 100}.{pence % 100:02d}"


def _income(rng: random.Random) -> list[dict[str, Any]]:
    items = []
    for kind, rates, (low, high) in rng.sample(INCOME_TYPES, rng.randint(1, 5)):
        item: dict[str, Any] = {"type": kind, "weekly": _pounds(rng.randint(low, high))}
        if rates:
            item["rate"] = rng.choice(rates)
        if kind in ("occupational_pension", "private_pension") and rng.random() < 0.2:
            item["joint"] = True
        items.append(item)
    if rng.random() < 0.1:
        items.append({"type": "other", "treatment": "counted", "weekly": "12.00", "label": "trust"})
    return items


def _capital(rng: random.Random, residential: bool) -> list[dict[str, Any]]:
    capital: list[dict[str, Any]] = [
        {"type": "savings", "amount": _pounds(rng.randint(0, 3_500_000))}
    ]
    if rng.random() < 0.3:
        capital.append(
            {"type": "savings", "amount": _pounds(rng.randint(0, 2_000_000)), "joint": True}
        )
    if rng.random() < 0.15:
        capital.append({"type": "premium_bonds", "amount": _pounds(rng.randint(0, 500_000))})
    if rng.random() < 0.5:
        share = rng.choice(["1.0", "0.5"])
        capital.append(
            {
                "type": "main_home",
                "amount": _pounds(rng.randint(8_000_000, 45_000_000)),
                "share": share,
            }
        )
    return capital


def request(rng: random.Random) -> dict[str, Any]:
    """One varied, valid request against the 2025/26 rules."""
    as_at = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    setting = rng.choices(
        ["non_residential", "residential_permanent", "residential_temporary"], [6, 3, 1]
    )[0]
    wales = rng.random() < 0.05
    age = rng.randint(19, 99)
    person: dict[str, Any] = {
        "date_of_birth": (as_at - timedelta(days=age * 365 + rng.randrange(360))).isoformat(),
        "has_partner": rng.random() < 0.3,
        "night_care_provided": rng.random() < 0.2,
    }
    if person["has_partner"]:
        person["partner_in_home"] = setting != "non_residential" and rng.random() < 0.5
    if not wales:
        person["premiums"] = rng.sample(
            ["disability", "enhanced_disability", "carer"], rng.randint(0, 2)
        )
    residential = setting != "non_residential"
    data: dict[str, Any] = {
        "as_at": as_at.isoformat(),
        "jurisdiction": "wales" if wales else "england",
        "setting": setting,
        "person": person,
        "income": _income(rng),
        "capital": _capital(rng, residential),
        "property": {
            "first_permanent_admission": (as_at - timedelta(days=rng.randrange(200))).isoformat()
            if setting == "residential_permanent"
            else None,
            "occupied_by_qualifying_relative": rng.random() < 0.1,
        },
        "expenses": {
            "housing": [{"type": "council_tax", "weekly": _pounds(rng.randint(500, 3000))}]
            if rng.random() < 0.6
            else [],
            "dre": [
                {"type": rng.choice(["laundry", "heating", "telecare"]), "weekly": "4.00"}
                for _ in range(rng.randint(0, 3))
            ],
        },
        "weekly_cost_of_care": _pounds(rng.randint(5_000, 150_000)),
        "policy": {},
        "overrides": {},
    }
    if rng.random() < 0.3:
        data["policy"] = {
            "taper_percent": rng.choice(["90", "100"]),
            "minimum_weekly_charge": "2.00",
        }
    if wales:
        data["overrides"]["mig"] = _pounds(rng.randint(15_000, 32_000))
    return data


def generate(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [json.dumps(request(rng), separators=(",", ":")) for _ in range(count)]


@dataclass(frozen=True, slots=True)
class AssessBenchResult:
    run_on: date
    requests: int
    seconds: float
    errors: int
    machine: str

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def met(self) -> bool:
        return self.errors == 0 and self.per_second >= TARGET_PER_SECOND

    def row(self) -> str:
        return (
            f"| {self.run_on.isoformat()} | {self.requests:,} | {self.seconds:,.2f} | "
            f"{self.per_second:,.0f} | at least {TARGET_PER_SECOND:,} a second | "
            f"{'yes' if self.met else 'NO'} | {self.machine} |"
        )


def run_assess_benchmark(*, requests: int, seed: int, workdir: Path) -> AssessBenchResult:
    """Time `carecharge assess --many` over ``requests`` generated requests, in this process."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "carecharge.config.settings"
    os.environ.setdefault("CARECHARGE_TESTING", "true")
    os.environ.setdefault("CARECHARGE_VAR", str(workdir))
    import django
    from django.core.management import CommandError, call_command

    from carecharge.bench import machine_summary

    django.setup()
    source = workdir / "requests.jsonl"
    source.write_text("\n".join(generate(requests, seed)) + "\n", encoding="utf-8")
    output = workdir / "results.jsonl"
    with output.open("w", encoding="utf-8") as sink:
        started = time.perf_counter()
        with contextlib.suppress(CommandError):  # failed lines are counted below
            call_command("assess", "--many", str(source), stdout=sink)
        seconds = time.perf_counter() - started
    lines = output.read_text(encoding="utf-8").splitlines()
    errors = sum(1 for line in lines if line.startswith('{"error":'))
    if len(lines) != requests:
        errors += abs(requests - len(lines))
    for line in lines:
        if line.startswith('{"error":'):
            print(f"first failure: {line}", file=sys.stderr)
            break
    return AssessBenchResult(date.today(), requests, seconds, errors, machine_summary())


def record(result: AssessBenchResult, path: Path) -> None:
    """Add the row under the "Assessment throughput" heading (replacing the same day and size)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if TABLE_START not in text or TABLE_END not in text:
        text = (
            text.rstrip("\n")
            + f"\n\n{HEADING}\n\n"
            + "`python -m carecharge.bench.assess` generates varied, valid assessment requests "
            "(seed 2026), writes them as JSON lines, and times `carecharge assess --many` over "
            "them in one process, from loading the rules to the last result written. Target: "
            f"at least {TARGET_PER_SECOND:,} assessments a second. A run with any failed "
            "request does not meet the target.\n\n"
            f"{TABLE_START}\n{TABLE_HEADER}\n{TABLE_END}\n"
        )
    head, rest = text.split(TABLE_START, 1)
    table, tail = rest.split(TABLE_END, 1)
    rows = [line for line in table.strip().splitlines()[2:] if line.startswith("|")]
    key = f"| {result.run_on.isoformat()} | {result.requests:,} |"
    rows = [
        row for row in rows if not (row.startswith(key) and row.endswith(f"| {result.machine} |"))
    ]
    rows.append(result.row())
    body = "\n".join([TABLE_HEADER, *rows])
    path.write_text(f"{head}{TABLE_START}\n{body}\n{TABLE_END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from carecharge.bench import default_results_path

    parser = argparse.ArgumentParser(prog="python -m carecharge.bench.assess", description=__doc__)
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--results", type=Path, default=default_results_path())
    parser.add_argument("--no-record", action="store_true", help="Print only; change no file.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="carecharge-bench-assess-") as workdir:
        result = run_assess_benchmark(requests=args.requests, seed=args.seed, workdir=Path(workdir))
    print(
        f"assess --many: {result.requests:,} requests in {result.seconds:,.2f} s, "
        f"{result.per_second:,.0f} assessments a second, {result.errors} failed "
        f"(target {TARGET_PER_SECOND:,} a second: {'met' if result.met else 'NOT MET'}) "
        f"on {result.machine}"
    )
    if not args.no_record:
        record(result, args.results)
        print(f"Recorded in {args.results}")
    return 0 if result.met else 1


if __name__ == "__main__":
    sys.exit(main())
