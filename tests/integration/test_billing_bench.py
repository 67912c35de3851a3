"""The billing benchmark on a small council: what it generates, what each timed run does and
writes, the baseline's tables, and how results are recorded in docs/performance.md."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from carecharge.apps.assessments.models import Assessment, AssessmentState
from carecharge.apps.billing.models import BillingRun, RunPerson
from carecharge.apps.care.models import Collection, ServiceLine, TopUpAgreement
from carecharge.bench import billing
from carecharge.bench.billing_council import (
    DEFAULT_THROUGH,
    billing_from_for,
    generate_council,
    history_dates,
    revise,
)
from carecharge.bench.billing_runs import baseline, bill

pytestmark = pytest.mark.django_db


def test_the_calendar_is_two_years_of_four_weekly_runs_before_the_timed_one() -> None:
    days = history_dates(DEFAULT_THROUGH)
    assert billing_from_for(DEFAULT_THROUGH) == date(2024, 10, 28)
    assert len(days) == 26
    assert days[0] == date(2024, 11, 24) and days[-1] == date(2026, 10, 25)
    assert {(b - a).days for a, b in zip(days, [*days[1:], DEFAULT_THROUGH], strict=True)} == {28}


def test_the_runs_bill_post_nothing_again_and_post_revisions(settings: object) -> None:
    settings.CARECHARGE_BILLING_FROM = billing_from_for(DEFAULT_THROUGH).isoformat()  # type: ignore[attr-defined]
    made = generate_council(people=60, seed=3, through=DEFAULT_THROUGH)
    assert made["people"] == 60
    chargeable = Assessment.objects.values("person_id").distinct().count()
    assert made["assessments"] >= chargeable > 40
    assert (
        ServiceLine.objects.filter(collection=Collection.PROVIDER).count()
        == (made["net_paid_care_home_lines"])
    )
    assert TopUpAgreement.objects.count() == made["top_ups"]

    for day in history_dates(DEFAULT_THROUGH)[-2:]:
        bill(through=day, workers=1, label="history")
    full = bill(through=DEFAULT_THROUGH, workers=2, label="full")
    assert full.posted > 30
    assert full.rows["RunPerson"] == full.people
    assert full.rows["ChargeRecord"] > full.posted
    assert full.rows["Invoice"] == full.rows["LedgerTransaction"] > 0

    again = bill(through=DEFAULT_THROUGH, workers=1, label="re-run")
    assert again.posted == 0
    assert again.rows_written == again.rows["RunPerson"] == again.people
    assert set(
        RunPerson.objects.filter(run=BillingRun.objects.latest("pk")).values_list(
            "status", flat=True
        )
    ) <= {"no_change", "excluded"}

    revised_people = revise(seed=3, share=0.05, through=DEFAULT_THROUGH)
    assert revised_people == 3
    newest = Assessment.objects.filter(reason="Bench council: revised at review")
    assert newest.count() == 3
    assert {a.effective_from for a in newest} == {date(2026, 5, 24)}
    assert (
        Assessment.objects.filter(
            state=AssessmentState.SUPERSEDED, superseded_from=date(2026, 5, 24)
        ).count()
        == 3
    )
    revised = bill(through=DEFAULT_THROUGH, workers=1, label="revised")
    assert 0 < revised.posted <= 3
    assert revised.rows["ChargeRecord"] > 0


def test_the_baseline_writes_the_same_rows_into_copies_it_then_drops(settings: object) -> None:
    settings.CARECHARGE_BILLING_FROM = billing_from_for(DEFAULT_THROUGH).isoformat()  # type: ignore[attr-defined]
    generate_council(people=20, seed=5, through=DEFAULT_THROUGH)
    bill(through=history_dates(DEFAULT_THROUGH)[-1], workers=1, label="history")
    seconds = baseline({"ChargeRecord": (1, 10**9), "RunPerson": (1, 10**9)})
    assert seconds > 0
    tables = connection.introspection.table_names()
    assert not [name for name in tables if name.startswith("bench_copy_")]


def _row(people: int, run: str, seconds: float, database: str = "SQLite") -> billing.Row:
    return billing.Row(
        date(2026, 11, 23), database, people, run, seconds, people, people * 9, 20_000.0, 1.0, "m"
    )


def test_results_replace_their_own_rows_and_show_the_scaling(tmp_path: Path) -> None:
    path = tmp_path / "performance.md"
    path.write_text("# Performance\n", encoding="utf-8")
    billing.record([_row(10_000, "full", 30.0), _row(10_000, "re-run", 8.0)], [], path)
    billing.record([_row(100_000, "full", 400.0)], ["| 2026-11-23 | SQLite | 100,000 | 1 |"], path)
    billing.record([_row(10_000, "full", 25.0)], [], path)
    text = path.read_text(encoding="utf-8")
    table = text.split(billing.TABLE_START)[1].split(billing.TABLE_END)[0]
    assert table.count("| SQLite | 10,000 | full |") == 1
    assert "| SQLite | 10,000 | full | 25.0 |" in table
    # The second size was measured by an earlier invocation: the scaling still compares them.
    assert "| SQLite | full | 10,000 | 25.0 | 100,000 | 400.0 | 16.0× for 10× the people |" in text
    assert "under 240 s | NO |" in table and "under 24 s | NO |" in table


def test_a_shorter_history_bills_the_earlier_weeks_in_one_run_first() -> None:
    every = history_dates(DEFAULT_THROUGH)
    assert history_dates(DEFAULT_THROUGH, 1) == [date(2026, 9, 27), date(2026, 10, 25)]
    assert history_dates(DEFAULT_THROUGH, 3) == every[-4:]
    assert history_dates(DEFAULT_THROUGH, 26) == every
    with pytest.raises(ValueError, match="history runs must be 1 to 26, not 0"):
        history_dates(DEFAULT_THROUGH, 0)
