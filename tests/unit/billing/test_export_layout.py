"""The finance export layout: the default loads, and every mistake in a council's own layout is
reported at once, each with where it is."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from carecharge.apps.billing.export_layout import (
    DEFAULT_LAYOUT,
    INVOICE_FIELDS,
    JOURNAL_FIELDS,
    LayoutError,
    check_date_format,
    load_layout,
    parse_layout,
)


def default_data() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT_LAYOUT.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def problems(data: Any) -> list[str]:
    with pytest.raises(LayoutError) as raised:
        parse_layout(data, "test.yaml")
    assert str(raised.value).startswith("finance export layout test.yaml:\n")
    return raised.value.problems


def test_the_default_layout_loads() -> None:
    layout = load_layout()
    assert layout.source == "(the default)"
    journal = layout.journal
    assert journal.granularity == "posting"
    assert journal.reference_prefix == "CCBR"
    assert journal.control_codes == {"debtor": ("ASC000", "1100")}
    assert journal.file.delimiter == ","
    assert journal.file.line_ending == "\r\n"
    assert [c.header for c in journal.file.columns][:3] == ["Journal", "Line", "Date"]
    assert [c.field for c in journal.file.columns][-2:] == ["debit", "credit"]
    assert journal.file.name_for(run=12, through=date(2025, 5, 4)) == "journal-run-12.csv"
    assert layout.invoices.name_for(run=12, through=date(2025, 5, 4)) == "ar-invoices-run-12.csv"
    assert {c.field for c in layout.invoices.columns} <= set(INVOICE_FIELDS)


def test_a_column_may_be_just_a_field_name_headed_by_itself() -> None:
    data = default_data()
    data["invoices"]["columns"] = ["number", {"field": "amount", "header": "Value"}]
    layout = parse_layout(data, "test.yaml")
    assert [(c.field, c.header) for c in layout.invoices.columns] == [
        ("number", "number"),
        ("amount", "Value"),
    ]


def test_every_problem_is_reported_with_where_it_is() -> None:
    data = default_data()
    data["journal"]["columns"][2] = {"field": "cost_center", "header": "CC"}
    data["journal"]["columns"][3]["header"] = "Journal"
    data["journal"]["delimiter"] = ",,"
    data["journal"]["granularity"] = "weekly"
    data["invoices"]["date_format"] = "%d/%m/%Y %H:%M"
    data["invoices"]["file_name"] = "../ar.csv"
    data["invoices"]["colour"] = "blue"
    found = problems(data)
    assert found == [
        "journal.delimiter: ',,' must be one character such as , ; | or a tab",
        "journal.columns[3].field: 'cost_center' is not a field; choose from "
        + ", ".join(JOURNAL_FIELDS),
        "journal.columns[4].header: 'Journal' is already column 1",
        "journal.granularity: 'weekly' must be posting or account_per_date",
        "invoices.colour: is not a setting; use blank_zero, columns, date_format, delimiter, "
        "encoding, file_name, header, line_ending",
        "invoices.file_name: '../ar.csv' is not a plain file name",
        "invoices.date_format: %H, %M cannot be used: only the day, month and year codes "
        "(%d %m %y %Y %b %B %j) are allowed, so that re-exporting a run gives the same file",
    ]


def test_the_debtor_control_codes_are_needed_and_checked() -> None:
    data = default_data()
    data["journal"]["control_codes"] = {"bank": {"cost_centre": 100, "subjective": "9"}}
    assert problems(data) == [
        "journal.control_codes.bank: cost_centre and subjective must be text (quote codes "
        "like '0123')",
        "journal.control_codes.debtor: is needed: where debtor postings go in the general ledger",
    ]
    data["journal"]["control_codes"] = {"debtors": {"cost_centre": "A", "subjective": "B"}}
    assert problems(data)[0] == (
        "journal.control_codes.debtors: is not an account kind; use debtor, bank, suspense, "
        "deferred, write_off"
    )


def test_missing_sections_and_unknown_ones_are_named() -> None:
    assert problems({"journal": default_data()["journal"], "ledger": {}}) == [
        "ledger: is not a section; a layout has journal and invoices",
        "invoices: is missing",
        "invoices.columns: must be a list of at least one column",
    ]
    assert problems(["journal"]) == ["the file must be a mapping with journal and invoices"]


def test_file_names_may_only_use_the_run_and_its_date() -> None:
    data = default_data()
    data["journal"]["file_name"] = "gl-{run}-{through}.csv"
    layout = parse_layout(data, "test.yaml")
    assert layout.journal.file.name_for(run=3, through=date(2025, 5, 4)) == "gl-3-20250504.csv"
    data["journal"]["file_name"] = "gl-{today}.csv"
    assert problems(data) == [
        "journal.file_name: {today} is not known; a file name may use {run} and {through}"
    ]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("%d/%m/%Y", None),
        ("%Y%m%d", None),
        ("%d %B %Y", None),
        ("%d-%b-%y", None),
        ("%%d", "'%%d' has no date in it (use codes such as %d, %m and %Y)"),
        ("today", "'today' has no date in it (use codes such as %d, %m and %Y)"),
    ],
)
def test_date_formats(value: str, why: str | None) -> None:
    assert check_date_format(value) == why


def test_a_file_that_cannot_be_read_or_is_not_yaml_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(LayoutError, match="cannot be read"):
        load_layout(missing)
    broken = tmp_path / "broken.yaml"
    broken.write_text("journal: [unclosed\n", encoding="utf-8")
    with pytest.raises(LayoutError) as raised:
        load_layout(broken)
    assert raised.value.problems == ["line 2: not valid YAML"]
