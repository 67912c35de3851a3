"""Billing's shortcuts give exactly the answer of working every week out again.

A person settled by an earlier run whose inputs have not changed, as far as that run's date,
only has the weeks after it worked out: from the last run (nothing changed at all), from the
very same date (a re-run: nothing to work out), or from an older run (a revision backdated
some months). Each is checked against working everything out from the start of billing.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from carecharge.apps.billing import operations, work
from carecharge.apps.billing.models import PersonStatus, RunPerson
from carecharge.apps.web.council import rulebook
from carecharge.core.rules import RuleBook

from .billing_scenario import CARE_HOME, HOME_CARE, Scenario

pytestmark = pytest.mark.django_db


def _council() -> Scenario:
    s = Scenario()
    for name in ("ada", "bea", "cal"):
        s.person(name)
    s.care("ada", HOME_CARE, units="10", cost="22.50", starts="2025-04-07")
    s.assess("ada", "84.20", starts="2025-04-07")
    s.care("bea", HOME_CARE, units="3", cost="21.00", starts="2025-04-07")
    s.assess("bea", "70.00", starts="2025-04-07")
    s.care("cal", CARE_HOME, units="1", cost="850.00", starts="2025-04-07")
    s.assess("cal", "210.00", starts="2025-04-07", setting="residential_permanent")
    for day in ("2025-05-04", "2025-06-01", "2025-06-29", "2025-07-27"):
        s.bill(day)
    return s


def _work_out(
    s: Scenario,
    through: date,
    monkeypatch: pytest.MonkeyPatch,
    *,
    shortcuts: bool,
    book: RuleBook | None = None,
) -> tuple[dict[str, list[Any]], dict[str, date]]:
    """Each person's lines, and the first day charging was asked to work out for them."""
    starts: dict[str, date] = {}
    names = {person.pk: name for name, person in s.people.items()}
    real = work.charges

    by_reference = {person.account_reference: name for name, person in s.people.items()}

    def noted(person: Any, **kwargs: Any) -> Any:
        starts[by_reference[person.person_ref]] = kwargs["since"]
        return real(person, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(work, "charges", noted)
        if not shortcuts:
            patch.setattr(work, "last_settled", lambda _ids: {})
        ids = list(names)
        since = operations.billing_from()
        book = book or rulebook()
        inputs = work.gathered.gather(ids, through=through, since=since, book=book,
                                      council="demo")  # fmt: skip
        found = work.work_out_people(inputs, through=through, since=since, book=book,
                                     council="demo")  # fmt: skip
    return {names[pk]: found[pk]["lines"] for pk in ids}, starts


def test_a_revision_backdated_months_is_worked_out_from_the_run_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = _council()
    s.assess("bea", "35.00", starts="2025-06-09")  # reviewed: less from 9 June
    fast, fast_starts = _work_out(s, date(2025, 8, 24), monkeypatch, shortcuts=True)
    full, full_starts = _work_out(s, date(2025, 8, 24), monkeypatch, shortcuts=False)
    assert fast == full
    # Bea's inputs are the same as they were up to 1 June, the run before the revision: she is
    # worked out from the week after it; the others from the week after the last run.
    assert fast_starts == {
        "ada": date(2025, 7, 28),
        "bea": date(2025, 6, 2),
        "cal": date(2025, 7, 28),
    }
    assert set(full_starts.values()) == {date(2025, 4, 7)}
    credits = [line for line in fast["bea"] if line["amount_pence"] < 0]
    assert [line["week"][0] for line in credits] == [
        "2025-06-09", "2025-06-16", "2025-06-23", "2025-06-30", "2025-07-07", "2025-07-14",
        "2025-07-21",
    ]  # fmt: skip
    # Her care cost £63.00 a week, less than her old charge: £63.00 was charged, £35.00 is due.
    assert {line["amount_pence"] for line in credits} == {-2800}


def test_an_older_run_is_not_trusted_once_a_later_one_posted_for_its_weeks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = _council()
    # Revised back to May, billed (credits for May to July), then revised again from 9 June.
    s.assess("bea", "60.00", starts="2025-05-12")
    s.bill("2025-08-24")
    s.assess("bea", "35.00", starts="2025-06-09")
    fast, fast_starts = _work_out(s, date(2025, 9, 21), monkeypatch, shortcuts=True)
    full, _ = _work_out(s, date(2025, 9, 21), monkeypatch, shortcuts=False)
    assert fast == full
    # The runs to 1 June and earlier were followed by credits for May: only the run to 4 May
    # still holds for the weeks before it.
    assert fast_starts["bea"] == date(2025, 5, 5)
    assert fast_starts["ada"] == date(2025, 8, 25)


def test_a_rerun_to_the_same_date_has_nothing_to_work_out(monkeypatch: pytest.MonkeyPatch) -> None:
    s = _council()
    fast, fast_starts = _work_out(s, date(2025, 7, 27), monkeypatch, shortcuts=True)
    full, _ = _work_out(s, date(2025, 7, 27), monkeypatch, shortcuts=False)
    assert fast == full == {"ada": [], "bea": [], "cal": []}
    assert fast_starts == {}
    again = s.bill("2025-07-27")
    assert set(RunPerson.objects.filter(run=again).values_list("status", flat=True)) == {
        PersonStatus.NO_CHANGE
    }


def test_a_change_from_the_first_week_after_a_rerun_reads_every_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = _council()
    s.bill("2025-07-27")  # the same date again: everyone is "nothing to post" in it
    s.assess("bea", "35.00", starts="2025-04-07")  # revised back to the very first week
    fast, fast_starts = _work_out(s, date(2025, 8, 24), monkeypatch, shortcuts=True)
    full, _ = _work_out(s, date(2025, 8, 24), monkeypatch, shortcuts=False)
    assert fast == full
    assert fast_starts["bea"] == date(2025, 4, 7)
    credits = [line for line in fast["bea"] if line["amount_pence"] < 0]
    # Sixteen weeks charged £63.00 each, now £35.00: a credit of £28.00 for each, and no week
    # charged twice.
    assert len(credits) == 16
    assert {line["amount_pence"] for line in credits} == {-2800}


def test_a_new_rule_that_charging_does_not_read_leaves_everyone_settled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = _council()
    book = rulebook()
    week_start = book.rule("local.demo.billing.week_start")
    other = dataclasses.replace(week_start, name="local.demo.directdebit.advance_notice_days")
    wider = RuleBook(
        {**{name: book.rule(name) for name in book}, other.name: other},
        include_preview=book.include_preview,
    )
    assert wider.content_hash != book.content_hash
    fast, starts = _work_out(s, date(2025, 7, 27), monkeypatch, shortcuts=True, book=wider)
    # Billed to 27 July already and nothing that charging reads changed: nothing to work out.
    assert starts == {}
    assert fast == {"ada": [], "bea": [], "cal": []}
