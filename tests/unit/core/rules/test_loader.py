"""The loader refuses every malformed rule file, naming the file and the field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from carecharge.core.rules import (
    RoundingDirection,
    RoundingRule,
    RuleError,
    RuleFileError,
    load_rules,
)

from .conftest import GOOD, WriteRule

AMOUNT = "england/test/amount.yaml"

REF = """\
    reference:
      - title: DWP Benefit and pension rates 2025 to 2026
        url: https://www.gov.uk/example
"""


def _refused(root: Path, path: Path, field: str, fragment: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as caught:
        load_rules(root)
    error = caught.value
    message = str(error)
    assert str(path) in message, message
    assert f": {field}: " in message, message
    assert fragment in message, message
    assert error.path == path
    assert error.field == field
    return error


def test_a_good_file_loads(rules_root: Path, write_rule: WriteRule) -> None:
    write_rule(AMOUNT, GOOD)
    book = load_rules(rules_root)
    assert book.names() == ("england.test.amount",)
    assert book.rule("england.test.amount").source == AMOUNT


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        pytest.param(
            GOOD.replace("description: A test amount.\n", ""),
            "description",
            "missing",
            id="no-description",
        ),
        pytest.param(
            GOOD.replace("A test amount.", "A test amount"),
            "description",
            "must end with a full stop",
            id="description-without-full-stop",
        ),
        pytest.param(
            GOOD.replace("A test amount.", "a test amount."),
            "description",
            "capital letter",
            id="description-lower-case",
        ),
        pytest.param(
            GOOD.replace("A test amount.", "A test amount. It is weekly."),
            "description",
            "must be one sentence",
            id="description-two-sentences",
        ),
        pytest.param(GOOD.replace("unit: pence\n", ""), "unit", "missing", id="no-unit"),
        pytest.param(
            GOOD.replace("unit: pence", "unit: pounds"),
            "unit",
            "'pounds' is not one of pence, percent",
            id="unknown-unit",
        ),
        pytest.param(
            GOOD.replace("period: week\n", ""),
            "period",
            "amounts in pence must say what period",
            id="pence-without-period",
        ),
        pytest.param(
            GOOD.replace("period: week", "period: fortnight"),
            "period",
            "'fortnight' is not one of week, year, day, once",
            id="unknown-period",
        ),
        pytest.param(
            GOOD.split("values:")[0],
            "values",
            "missing; give at least one dated value",
            id="no-values",
        ),
        pytest.param(
            GOOD.split("values:")[0] + "values: {}\n",
            "values",
            "empty; give at least one dated value",
            id="empty-values",
        ),
        pytest.param(
            GOOD.split("    reference:")[0],
            "values.2025-04-07.reference",
            "missing; every value needs a reference",
            id="no-reference",
        ),
        pytest.param(
            GOOD.split("    reference:")[0] + "    reference: []\n",
            "values.2025-04-07.reference",
            "non-empty list",
            id="empty-reference-list",
        ),
        pytest.param(
            GOOD.replace("title: DWP Benefit and pension rates 2025 to 2026", 'title: ""'),
            "values.2025-04-07.reference[0].title",
            "missing or empty",
            id="empty-reference-title",
        ),
        pytest.param(
            GOOD.replace("        url: https://www.gov.uk/example\n", ""),
            "values.2025-04-07.reference[0].url",
            "only for a council decision",
            id="national-reference-without-url",
        ),
        pytest.param(
            GOOD.replace("url: https://www.gov.uk/example", "url: www.gov.uk/example"),
            "values.2025-04-07.reference[0].url",
            "must be an http(s) URL",
            id="reference-url-not-a-url",
        ),
        pytest.param(
            GOOD.replace("value: 11040", "value: 110.40"),
            "values.2025-04-07.value",
            "pence must be a whole number of pence, never a float",
            id="pence-as-float",
        ),
        pytest.param(
            GOOD.replace("value: 11040", 'value: "11040"'),
            "values.2025-04-07.value",
            "pence must be a whole number, not str",
            id="pence-as-string",
        ),
        pytest.param(
            GOOD.replace("value: 11040", "value: true"),
            "values.2025-04-07.value",
            "pence must be a whole number, not bool",
            id="pence-as-bool",
        ),
        pytest.param(
            GOOD.replace("value: 11040", "value: -5"),
            "values.2025-04-07.value",
            "must not be negative",
            id="negative-pence",
        ),
        pytest.param(
            GOOD.replace("value: 11040", "value: 0110"),
            "values.2025-04-07.value",
            "plain decimal digits",
            id="octal-looking-integer",
        ),
        pytest.param(
            GOOD.replace("value: 11040", "value: 1:30"),
            "values.2025-04-07.value",
            "plain decimal digits",
            id="sexagesimal-integer",
        ),
        pytest.param(
            GOOD.replace("unit: pence", "unit: percent").replace("value: 11040", "value: 2.5"),
            "values.2025-04-07.value",
            'percent must be a quoted decimal string such as "2.5"',
            id="percent-as-float",
        ),
        pytest.param(
            GOOD.replace("unit: pence", "unit: percent").replace("value: 11040", 'value: "2,5"'),
            "values.2025-04-07.value",
            "percent must be a quoted decimal string",
            id="percent-not-a-number",
        ),
        pytest.param(
            GOOD.replace("unit: pence", "unit: weeks").replace("value: 11040", "value: 12.5"),
            "values.2025-04-07.value",
            "weeks must be a whole number",
            id="weeks-as-float",
        ),
        pytest.param(
            GOOD.replace("unit: pence", "unit: bool").replace("value: 11040", "value: 1"),
            "values.2025-04-07.value",
            "bool must be true or false",
            id="bool-as-int",
        ),
        pytest.param(
            GOOD.replace("unit: pence", "unit: text").replace("value: 11040", 'value: ""'),
            "values.2025-04-07.value",
            "text must be non-empty text",
            id="empty-text",
        ),
        pytest.param(
            GOOD.replace("unit: pence", "unit: rounding"),
            "values.2025-04-07.value",
            "rounding must be a mapping with base (pence) and direction",
            id="rounding-not-a-mapping",
        ),
        pytest.param(
            GOOD.replace("unit: pence", "unit: rounding").replace(
                "value: 11040", "value: {base: 100, direction: sideways}"
            ),
            "values.2025-04-07.value.direction",
            "'sideways' is not one of down, up, half_up, half_even",
            id="rounding-bad-direction",
        ),
        pytest.param(
            GOOD + "source: somewhere\n",
            "source",
            "unknown key 'source'; allowed keys are description, unit, period, values",
            id="unknown-top-level-key",
        ),
        pytest.param(
            GOOD.replace("    value: 11040", "    value: 11040\n    comment: hello"),
            "values.2025-04-07.comment",
            "unknown key 'comment'",
            id="unknown-entry-key",
        ),
        pytest.param(
            GOOD.replace(
                "        url: https://www.gov.uk/example",
                "        url: https://x.uk\n        page: 4",
            ),
            "values.2025-04-07.reference[0].page",
            "unknown key 'page'",
            id="unknown-reference-key",
        ),
        pytest.param(
            GOOD.replace("2025-04-07:", "2025-4-7:"),
            "values.2025-4-7",
            "written YYYY-MM-DD",
            id="date-not-iso",
        ),
        pytest.param(
            GOOD.replace("2025-04-07:", "april:"),
            "values.april",
            "written YYYY-MM-DD",
            id="key-not-a-date",
        ),
        pytest.param(
            GOOD.replace("2025-04-07:", '"2025-02-30":'),
            "values.2025-02-30",
            "not a real date",
            id="impossible-date",
        ),
        pytest.param(
            GOOD + "  2025-04-07:\n    value: 1\n" + REF,
            "values",
            "duplicate key '2025-04-07'",
            id="duplicate-date",
        ),
        pytest.param(
            GOOD + '  "2025-04-07":\n    value: 1\n' + REF,
            "values",
            "duplicate key '2025-04-07'",
            id="duplicate-date-quoted",
        ),
        pytest.param(
            GOOD.replace("    value: 11040", "    value: 11040\n    unverified: perhaps"),
            "values.2025-04-07.unverified",
            "must be true or false",
            id="unverified-not-bool",
        ),
        pytest.param(
            GOOD + "  2025-01-01:\n    value: 1\n    preview: true\n" + REF,
            "values.2025-01-01.preview",
            "a preview value must be dated after every confirmed value",
            id="preview-before-confirmed",
        ),
        pytest.param(
            GOOD.replace("    value: 11040", "    value: 11040\n    note: 5"),
            "values.2025-04-07.note",
            "must be non-empty text",
            id="note-not-text",
        ),
        pytest.param("", "(file)", "the file is empty", id="empty-file"),
        pytest.param("- a\n- b\n", "(file)", "must be a YAML mapping, not list", id="a-list"),
        pytest.param(
            "description: [unclosed\n", "(file)", "not valid YAML", id="yaml-syntax-error"
        ),
    ],
)
def test_refuses_bad_file(
    rules_root: Path, write_rule: WriteRule, text: str, field: str, fragment: str
) -> None:
    path = write_rule(AMOUNT, text)
    _refused(rules_root, path, field, fragment)


def test_refusal_names_the_full_path(rules_root: Path, write_rule: WriteRule) -> None:
    path = write_rule("england/benefits/attendance_allowance/higher.yaml", GOOD.split("values:")[0])
    error = _refused(rules_root, path, "values", "missing")
    assert str(error).startswith(f"{path}: values: ")


def test_every_problem_in_every_file_is_reported_together(
    rules_root: Path, write_rule: WriteRule
) -> None:
    first = write_rule("england/a.yaml", GOOD.replace("unit: pence\n", ""))
    second = write_rule("england/b.yaml", GOOD.replace("value: 11040", "value: 1.5"))
    write_rule("england/c.yaml", GOOD)
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_root)
    problems = [(p.path, p.field) for p in caught.value.problems]
    assert problems == [(first, "unit"), (second, "values.2025-04-07.value")]
    assert str(caught.value).startswith("2 problems in rule files:")


@pytest.mark.parametrize(
    ("relative", "fragment"),
    [
        ("england/Benefits/amount.yaml", "lower case letters"),
        ("england/amount-rate.yaml", "lower case letters"),
        ("amount.yaml", "inside a jurisdiction folder"),
        ("local/amount.yaml", "council rules go under local/<council>/"),
        ("england/amount.yml", "must use the .yaml extension"),
    ],
)
def test_refuses_badly_named_files(
    rules_root: Path, write_rule: WriteRule, relative: str, fragment: str
) -> None:
    path = write_rule(relative, GOOD)
    _refused(rules_root, path, "(path)", fragment)


def test_council_decision_reference_may_omit_url(rules_root: Path, write_rule: WriteRule) -> None:
    write_rule(
        "local/demo/dre/standard_allowance.yaml",
        """\
        description: The council's standard weekly disability-related expenditure allowance.
        unit: pence
        period: week
        values:
          2025-04-07:
            value: 1085
            reference:
              - title: Demo Council cabinet decision 2025/14, paragraph 3
        """,
    )
    book = load_rules(rules_root)
    entry = book.rule("local.demo.dre.standard_allowance").values[0]
    assert entry.references[0].url is None


def test_ignores_readme_and_hidden_files(rules_root: Path, write_rule: WriteRule) -> None:
    write_rule(AMOUNT, GOOD)
    write_rule("README.md", "# Rules\n")
    write_rule(".drafts/england/bad.yaml", "not: [valid")
    write_rule("england/.hidden.yaml", "not: [valid")
    assert load_rules(rules_root).names() == ("england.test.amount",)


def test_refuses_a_tree_without_rules(rules_root: Path) -> None:
    with pytest.raises(RuleError, match=r"no \.yaml rule files found"):
        load_rules(rules_root)


def test_refuses_a_missing_root(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="is not a directory"):
        load_rules(tmp_path / "nowhere")


def test_values_of_each_unit_load_with_the_right_type(
    rules_root: Path, write_rule: WriteRule
) -> None:
    def doc(unit: str, value: str) -> str:
        return GOOD.replace("unit: pence", f"unit: {unit}").replace("value: 11040", value)

    write_rule("england/t/percent.yaml", doc("percent", 'value: "2.50"'))
    write_rule("england/t/weeks.yaml", doc("weeks", "value: 12"))
    write_rule("england/t/flag.yaml", doc("bool", "value: false"))
    write_rule("england/t/words.yaml", doc("text", "value: monthly"))
    write_rule("england/t/rounding.yaml", doc("rounding", "value: {base: 100, direction: up}"))
    write_rule("england/t/pence.yaml", GOOD)
    book = load_rules(rules_root)

    def first(name: str) -> object:
        return book.rule(f"england.t.{name}").values[0].value

    assert first("percent") == Decimal("2.50")
    assert isinstance(first("percent"), Decimal)
    assert first("weeks") == 12
    assert first("flag") is False
    assert first("words") == "monthly"
    assert first("rounding") == RoundingRule(base_pence=100, direction=RoundingDirection.UP)
    pence = first("pence")
    assert pence == 11040
    assert type(pence) is int


def test_period_is_optional_for_non_amounts(rules_root: Path, write_rule: WriteRule) -> None:
    write_rule(
        "england/t/weeks.yaml",
        GOOD.replace("unit: pence", "unit: weeks").replace("period: week\n", ""),
    )
    assert load_rules(rules_root).rule("england.t.weeks").period is None
