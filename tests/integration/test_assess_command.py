"""`carecharge assess FILE|-` and `carecharge assess --many FILE.jsonl`: outputs and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from carecharge.core.assessment.contract import assess_json
from carecharge.core.rules import load_rules
from tests.unit.core.assessment.rules_tree import TREE, write_tree

GOOD: dict[str, Any] = {
    "as_at": "2025-06-02",
    "setting": "non_residential",
    "person": {"age": 40},
    "income": [
        {"type": "esa", "weekly": "200.00"},
        {"type": "pip_daily_living", "rate": "enhanced", "weekly": "110.40"},
    ],
    "weekly_cost_of_care": "300.00",
}


@pytest.fixture
def rules_dir(tmp_path: Path, settings: Any) -> Path:
    root = write_tree(tmp_path / "rules", TREE)
    settings.RULES_DIR = root
    settings.CARECHARGE_COUNCIL = "nocouncil"
    return root


def run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    kwargs: dict[str, Any] = {"stdout": out, "stderr": err}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    call_command("assess", *args, **kwargs)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_one_request_from_a_file(rules_dir: Path, tmp_path: Path) -> None:
    out, _ = run(write(tmp_path, "one.json", json.dumps(GOOD)))
    result = json.loads(out)
    assert result == assess_json(GOOD, load_rules(rules_dir))
    # 310.40 - MIG 112.50 = 197.90 (no council policy: statutory defaults)
    assert result["weekly_charge"] == "197.90"


def test_one_request_from_standard_input(rules_dir: Path) -> None:
    out, _ = run("-", "--indent", "0", stdin=json.dumps(GOOD))
    assert "\n" not in out.strip()
    assert json.loads(out)["weekly_charge"] == "197.90"


def test_the_councils_policy_comes_from_its_rules(
    rules_dir: Path, tmp_path: Path, settings: Any
) -> None:
    settings.CARECHARGE_COUNCIL = "testcouncil"
    # Without --council-policy the contract's statutory defaults apply: no night-care
    # disregard, itemised DRE (none), 100% taper: 310.40 - 112.50 = 197.90.
    out, _ = run(write(tmp_path, "zero.json", json.dumps(GOOD)))
    assert json.loads(out)["weekly_charge"] == "197.90"
    out, _ = run(write(tmp_path, "one.json", json.dumps(GOOD)), "--council-policy")
    # testcouncil: night-care element 36.50 disregarded, DRE flat 10.85, 90% taper:
    # (310.40 - 36.50 - 112.50 - 10.85) x 90% = 150.55 x 0.9 = 135.495 -> 135.50.
    assert json.loads(out)["weekly_charge"] == "135.50"
    # The request's own policy wins.
    data = {**GOOD, "policy": {"taper_percent": "100"}}
    out, _ = run(write(tmp_path, "two.json", json.dumps(data)), "--council-policy")
    assert json.loads(out)["weekly_charge"] == "150.55"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (json.dumps({**GOOD, "income": [{"type": "esa", "weekly": "-5.00"}]}), "income[0].weekly"),
        (json.dumps({**GOOD, "colour": "blue"}), "colour"),
        (json.dumps({**GOOD, "as_at": "2001-01-01"}), "as_at"),
        ("{not json", "(request)"),
        ("", "(request)"),
    ],
)
def test_a_bad_request_exits_2_naming_the_field(
    rules_dir: Path, tmp_path: Path, text: str, field: str
) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("assess", write(tmp_path, "bad.json", text), stdout=out)
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(f"{field}: ")
    assert "\n" not in str(caught.value)
    assert out.getvalue() == ""


def test_a_missing_file_exits_2(rules_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        run(str(tmp_path / "nowhere.json"))
    assert caught.value.returncode == 2


def test_many_prints_one_line_per_request_in_order(rules_dir: Path, tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD),
        json.dumps({**GOOD, "setting": "hospital"}),
        "",
        json.dumps({**GOOD, "weekly_cost_of_care": "50.00"}),
        "[1, 2]",
    ]
    path = write(tmp_path, "many.jsonl", "\n".join(lines) + "\n\n")
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("assess", "--many", path, stdout=out)
    assert caught.value.returncode == 1
    assert "3 of the requests" in str(caught.value)
    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(printed) == 5
    assert printed[0]["weekly_charge"] == "197.90"
    assert printed[1] == {"error": printed[1]["error"]}
    assert printed[1]["error"].startswith("setting: ")
    assert printed[2]["error"] == "(request): is an empty line"
    assert printed[3]["weekly_charge"] == "50.00"
    assert printed[4]["error"].startswith("(request): must be an object")


def test_many_all_good_exits_0(rules_dir: Path, tmp_path: Path) -> None:
    requests = [{**GOOD, "as_at": f"2025-06-{day:02d}"} for day in range(1, 29)]
    path = write(tmp_path, "many.jsonl", "\n".join(json.dumps(r) for r in requests))
    out, _ = run("--many", path)
    printed = [json.loads(line) for line in out.splitlines()]
    assert [p["rules"]["as_at"] for p in printed] == [r["as_at"] for r in requests]


def test_rules_that_do_not_load_exit_1(tmp_path: Path, settings: Any) -> None:
    broken = tmp_path / "broken"
    (broken / "england").mkdir(parents=True)
    (broken / "england" / "bad.yaml").write_text("description: x\n", encoding="utf-8")
    settings.RULES_DIR = broken
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, "one.json", json.dumps(GOOD)))
    assert caught.value.returncode == 1
    assert "the rules cannot be loaded" in str(caught.value)


def test_the_real_command_line(rules_dir: Path, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "CARECHARGE_TESTING": "true",
        "CARECHARGE_RULES": str(rules_dir),
        "CARECHARGE_COUNCIL": "nocouncil",
        "CARECHARGE_VAR": str(tmp_path / "var"),
    }
    command = [sys.executable, "-m", "carecharge.cli", "assess", "-"]
    good = subprocess.run(
        command, input=json.dumps(GOOD), capture_output=True, text=True, env=env, timeout=120
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["weekly_charge"] == "197.90"
    bad = subprocess.run(
        command,
        input=json.dumps({**GOOD, "person": {"age": 12}}),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "person.age: " in bad.stderr
