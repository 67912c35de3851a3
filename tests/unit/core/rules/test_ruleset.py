"""Looking rules up by exact date, previews, the content hash and the typed accessors."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from carecharge.core.rules import (
    Period,
    Reference,
    RoundingDirection,
    RuleNotInForce,
    RuleTypeError,
    Unit,
    UnknownRule,
    load_rules,
)
from carecharge.core.rules.schema import validate_document

from .conftest import GOOD, WriteRule

AA = "england.benefits.attendance_allowance.higher"

UPRATED = """\
description: The weekly higher rate of Attendance Allowance.
unit: pence
period: week
values:
  2024-04-08:
    value: 10855
    reference:
      - title: DWP Benefit and pension rates 2024 to 2025
        url: https://www.gov.uk/2024
  2025-04-07:
    value: 11040
    reference:
      - title: DWP Benefit and pension rates 2025 to 2026
        url: https://www.gov.uk/2025
    note: Uprated from Monday 7 April 2025.
    unverified: true
"""

PREVIEW = """\
  2026-04-06:
    value: 11460
    preview: true
    reference:
      - title: DWP Proposed benefit and pension rates 2026 to 2027
        url: https://www.gov.uk/2026
"""

RATE = """\
description: The maximum interest rate on a deferred payment agreement.
unit: percent
period: year
values:
  2025-01-01:
    value: "4.25"
    reference:
      - title: LGA, Interest rates for universal deferred payments
        url: https://www.local.gov.uk/interest-rates-universal-deferred-payments
"""

ROUNDING = """\
description: Tariff income is £1 a week for every £250 or part of £250.
unit: rounding
values:
  2015-04-01:
    value:
      base: 25000
      direction: up
    reference:
      - title: SI 2014/2672, regulation 25
        url: https://www.legislation.gov.uk/uksi/2014/2672/regulation/25
"""


@pytest.fixture
def aa_file(write_rule: WriteRule) -> Path:
    return write_rule("england/benefits/attendance_allowance/higher.yaml", UPRATED)


@pytest.mark.usefixtures("aa_file")
class TestAsAt:
    @pytest.mark.parametrize(
        ("when", "pence", "effective"),
        [
            (date(2024, 4, 8), 10855, date(2024, 4, 8)),
            (date(2025, 4, 6), 10855, date(2024, 4, 8)),  # the day before uprating
            (date(2025, 4, 7), 11040, date(2025, 4, 7)),  # uprating day itself
            (date(2025, 6, 2), 11040, date(2025, 4, 7)),
            (date(2031, 1, 1), 11040, date(2025, 4, 7)),  # latest value carries on
        ],
    )
    def test_picks_latest_value_on_or_before_the_date(
        self, rules_root: Path, when: date, pence: int, effective: date
    ) -> None:
        rules = load_rules(rules_root).as_at(when)
        assert rules.get(AA) == pence
        assert rules.pence(AA) == pence
        assert rules.entry(AA).effective_from == effective
        assert rules.as_at == when

    def test_entry_carries_reference_unverified_flag_and_note(self, rules_root: Path) -> None:
        entry = load_rules(rules_root).as_at(date(2025, 6, 2)).entry(AA)
        assert entry.name == AA
        assert entry.value == 11040
        assert entry.unit is Unit.PENCE
        assert entry.period is Period.WEEK
        assert entry.references == (
            Reference("DWP Benefit and pension rates 2025 to 2026", "https://www.gov.uk/2025"),
        )
        assert entry.unverified is True
        assert entry.preview is False
        assert entry.note == "Uprated from Monday 7 April 2025."
        assert entry.description == "The weekly higher rate of Attendance Allowance."

        earlier = load_rules(rules_root).as_at(date(2024, 6, 1)).entry(AA)
        assert earlier.unverified is False
        assert earlier.note is None

    def test_before_the_first_value_the_rule_is_not_in_force(self, rules_root: Path) -> None:
        rules = load_rules(rules_root).as_at(date(2024, 4, 7))
        with pytest.raises(RuleNotInForce, match="earliest value takes effect on 2024-04-08"):
            rules.get(AA)
        assert AA not in rules
        assert AA not in rules.in_force()

    def test_unknown_rule_suggests_close_names(self, rules_root: Path) -> None:
        rules = load_rules(rules_root).as_at(date(2025, 6, 2))
        with pytest.raises(UnknownRule, match="did you mean") as caught:
            rules.get("england.benefits.attendance_allowance.hihger")
        assert AA in str(caught.value)
        with pytest.raises(LookupError):
            rules.entry("england.benefits")

    def test_dates_not_datetimes(self, rules_root: Path) -> None:
        with pytest.raises(TypeError, match="looked up by date"):
            load_rules(rules_root).as_at(datetime(2025, 6, 2, 12, 0))

    def test_ruleset_is_immutable(self, rules_root: Path) -> None:
        rules = load_rules(rules_root).as_at(date(2025, 6, 2))
        with pytest.raises(dataclasses.FrozenInstanceError):
            rules.as_at = date(2020, 1, 1)  # type: ignore[misc]
        with pytest.raises(TypeError):
            rules.in_force()[AA] = rules.entry(AA)  # type: ignore[index]

    def test_in_force_lists_entries(self, rules_root: Path) -> None:
        in_force = load_rules(rules_root).as_at(date(2025, 6, 2)).in_force()
        assert list(in_force) == [AA]
        assert in_force[AA].value == 11040

    def test_ruleset_records_the_content_hash(self, rules_root: Path) -> None:
        book = load_rules(rules_root)
        assert book.as_at(date(2025, 6, 2)).content_hash == book.content_hash


class TestPreview:
    def test_preview_values_are_excluded_by_default(
        self, rules_root: Path, write_rule: WriteRule
    ) -> None:
        write_rule("england/benefits/attendance_allowance/higher.yaml", UPRATED + PREVIEW)
        rules = load_rules(rules_root).as_at(date(2026, 5, 1))
        assert rules.pence(AA) == 11040
        assert rules.entry(AA).preview is False

    def test_preview_values_load_when_enabled(
        self, rules_root: Path, write_rule: WriteRule
    ) -> None:
        write_rule("england/benefits/attendance_allowance/higher.yaml", UPRATED + PREVIEW)
        book = load_rules(rules_root, include_preview=True)
        assert book.include_preview is True
        assert book.as_at(date(2026, 4, 5)).pence(AA) == 11040
        entry = book.as_at(date(2026, 4, 6)).entry(AA)
        assert entry.value == 11460
        assert entry.preview is True

    def test_rule_with_only_preview_values_explains_itself(
        self, rules_root: Path, write_rule: WriteRule
    ) -> None:
        head = UPRATED.split("values:")[0]
        write_rule(
            "england/benefits/attendance_allowance/higher.yaml", head + "values:\n" + PREVIEW
        )
        book = load_rules(rules_root)
        assert AA in book
        with pytest.raises(RuleNotInForce, match="include_preview=True"):
            book.as_at(date(2026, 5, 1)).get(AA)
        assert load_rules(rules_root, include_preview=True).as_at(date(2026, 5, 1)).get(AA) == 11460


class TestContentHash:
    def test_is_sha256_hex(self, rules_root: Path, aa_file: Path) -> None:
        digest = load_rules(rules_root).content_hash
        assert len(digest) == 64
        int(digest, 16)

    def test_is_stable_across_layout_comments_key_order_and_file_order(
        self, tmp_path: Path, write_rule: WriteRule, rules_root: Path
    ) -> None:
        write_rule("england/benefits/attendance_allowance/higher.yaml", UPRATED)
        write_rule("england/charging/dpa/max_interest.yaml", RATE)
        original = load_rules(rules_root).content_hash

        other = tmp_path / "other"
        # Same content: files created in the opposite order, keys reordered, comments,
        # quoting, CRLF line endings and extra blank lines.
        rate = other / "england/charging/dpa/max_interest.yaml"
        rate.parent.mkdir(parents=True)
        rate.write_bytes(
            b"# DPA interest\r\n"
            b"values:\r\n"
            b"  '2025-01-01':\r\n"
            b"    reference:\r\n"
            b"      - url: https://www.local.gov.uk/interest-rates-universal-deferred-payments\r\n"
            b"        title: LGA, Interest rates for universal deferred payments\r\n"
            b"    value: '4.250'\r\n"
            b"\r\n"
            b"period: year\r\n"
            b"unit: percent\r\n"
            b"description: >-\r\n"
            b"  The maximum interest rate on a\r\n"
            b"  deferred payment agreement.\r\n"
        )
        aa = other / "england/benefits/attendance_allowance/higher.yaml"
        aa.parent.mkdir(parents=True)
        aa.write_text("# the higher rate\n" + UPRATED, encoding="utf-8")
        assert load_rules(other).content_hash == original

    def test_changes_when_a_value_changes(
        self, rules_root: Path, write_rule: WriteRule, aa_file: Path
    ) -> None:
        before = load_rules(rules_root).content_hash
        write_rule(
            "england/benefits/attendance_allowance/higher.yaml",
            UPRATED.replace("value: 11040", "value: 11041"),
        )
        assert load_rules(rules_root).content_hash != before

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("title: DWP Benefit and pension rates 2025 to 2026", "title: Something else"),
            ("unverified: true", "unverified: false"),
            ("2025-04-07:", "2025-04-08:"),
            ("note: Uprated from Monday 7 April 2025.", "note: Changed."),
        ],
    )
    def test_changes_when_anything_else_changes(
        self, rules_root: Path, write_rule: WriteRule, aa_file: Path, old: str, new: str
    ) -> None:
        before = load_rules(rules_root).content_hash
        write_rule("england/benefits/attendance_allowance/higher.yaml", UPRATED.replace(old, new))
        assert load_rules(rules_root).content_hash != before

    def test_changes_when_a_file_is_added_or_moved(
        self, rules_root: Path, write_rule: WriteRule, aa_file: Path
    ) -> None:
        before = load_rules(rules_root).content_hash
        moved = rules_root / "england/benefits/attendance_allowance/top.yaml"
        shutil.move(aa_file, moved)
        assert load_rules(rules_root).content_hash != before

    def test_counts_previews_only_when_loaded(
        self, rules_root: Path, write_rule: WriteRule, aa_file: Path
    ) -> None:
        without = load_rules(rules_root).content_hash
        write_rule("england/benefits/attendance_allowance/higher.yaml", UPRATED + PREVIEW)
        assert load_rules(rules_root).content_hash == without
        assert load_rules(rules_root, include_preview=True).content_hash != without


class TestBook:
    def test_unverified_lists_name_and_date(
        self, rules_root: Path, write_rule: WriteRule, aa_file: Path
    ) -> None:
        write_rule("england/charging/dpa/max_interest.yaml", RATE)
        assert load_rules(rules_root).unverified() == ((AA, date(2025, 4, 7)),)

    def test_change_dates_for_splitting_periods(
        self, rules_root: Path, write_rule: WriteRule, aa_file: Path
    ) -> None:
        write_rule("england/charging/dpa/max_interest.yaml", RATE)
        book = load_rules(rules_root)
        assert book.change_dates(date(2024, 4, 8), date(2025, 12, 31)) == (
            date(2025, 1, 1),
            date(2025, 4, 7),
        )
        assert book.change_dates(date(2024, 1, 1), date(2025, 12, 31), [AA]) == (
            date(2024, 4, 8),
            date(2025, 4, 7),
        )

    def test_typed_accessors(self, rules_root: Path, write_rule: WriteRule, aa_file: Path) -> None:
        write_rule("england/charging/dpa/max_interest.yaml", RATE)
        write_rule("england/charging/rounding/tariff_income.yaml", ROUNDING)
        rules = load_rules(rules_root).as_at(date(2025, 6, 2))
        rate = rules.percent("england.charging.dpa.max_interest")
        assert rate == Decimal("4.25")
        assert isinstance(rate, Decimal)
        tariff = rules.rounding("england.charging.rounding.tariff_income")
        assert tariff.base_pence == 25000
        assert tariff.direction is RoundingDirection.UP
        with pytest.raises(RuleTypeError, match="has unit 'percent', not pence"):
            rules.pence("england.charging.dpa.max_interest")
        with pytest.raises(RuleTypeError, match="has unit 'pence', not percent"):
            rules.percent(AA)

    def test_book_lists_names_and_rules(self, rules_root: Path, aa_file: Path) -> None:
        book = load_rules(rules_root)
        assert book.names() == (AA,)
        assert list(book) == [AA]
        assert len(book) == 1
        assert [v.value for v in book.rule(AA).values] == [10855, 11040]


def test_same_date_written_two_ways_is_refused_by_the_validator() -> None:
    reference = [{"title": "DWP", "url": "https://www.gov.uk/x"}]
    problems = validate_document(
        {
            "description": "A test amount.",
            "unit": "pence",
            "period": "week",
            "values": {
                date(2025, 4, 7): {"value": 1, "reference": reference},
                "2025-04-07": {"value": 2, "reference": reference},
            },
        },
        name="england.test",
        source="england/test.yaml",
        url_optional=False,
        include_preview=False,
    )
    assert problems == [("values.2025-04-07", "the same effective date appears twice")]


def test_core_rules_import_neither_django_nor_the_clock() -> None:
    code = (
        "import sys, carecharge.core.rules; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    src = Path(__file__).parents[4] / "src"
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(src)})
    for module in (src / "carecharge/core/rules").glob("*.py"):
        text = module.read_text(encoding="utf-8")
        for clock in ("date.today(", "datetime.now(", "datetime.utcnow(", "time.time("):
            assert clock not in text, f"{module.name} reads the clock ({clock})"


class TestScopedHash:
    def test_a_rule_outside_the_scope_does_not_change_its_hash(
        self, rules_root: Path, write_rule: WriteRule
    ) -> None:
        write_rule("england/benefits/attendance_allowance/higher.yaml", GOOD)
        before = load_rules(rules_root)
        write_rule("local/demo/directdebit/advance_notice_days.yaml", GOOD)
        after = load_rules(rules_root)
        scope = ("england.benefits.",)
        assert after.content_hash != before.content_hash
        assert after.scoped_hash(scope) == before.scoped_hash(scope)
        # The scope is part of what is hashed: two scopes over the same rules differ.
        assert after.scoped_hash(scope) != after.scoped_hash(("england.",))

    def test_a_change_inside_the_scope_changes_its_hash(
        self, rules_root: Path, write_rule: WriteRule
    ) -> None:
        write_rule("england/benefits/attendance_allowance/higher.yaml", GOOD)
        before = load_rules(rules_root).scoped_hash(("england.benefits.",))
        write_rule(
            "england/benefits/attendance_allowance/higher.yaml", GOOD.replace("11040", "11041")
        )
        assert load_rules(rules_root).scoped_hash(("england.benefits.",)) != before
