"""`carecharge uprate`: preview from a date, approve as a second person, post; and bad input
refused in one line with nothing changed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from carecharge.apps.assessments import operations as assessments
from carecharge.apps.assessments.models import Assessment
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.uprating.models import RunState, UpratingRun
from carecharge.apps.web.council import rulebook

from .test_uprating import FROM, Council, make_council

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(db: None) -> Council:
    return make_council(rulebook())


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("uprate", *args, stdout=out, verbosity=0)
    return out.getvalue()


def state() -> tuple[int, int, int, list[str]]:
    """What a refused command must leave as it was."""
    return (
        UpratingRun.objects.count(),
        Assessment.objects.count(),
        AuditEvent.objects.count(),
        list(UpratingRun.objects.order_by("pk").values_list("state", flat=True)),
    )


def test_preview_approve_and_post_from_the_command_line(council: Council, tmp_path: Path) -> None:
    sheet = tmp_path / "preview.xlsx"
    text = run("--from", "2026-04-06", "--excel", str(sheet), "--as", "sam.senior")
    uprating = UpratingRun.objects.get()
    assert text.splitlines()[:6] == [
        f"Uprating run {uprating.pk}: new figures from 06/04/2026 (previewed)",
        "  Ready to post:   2",
        "  No change:       1",
        "  Manual review:   2",
        "  Weekly charges:  £501.90 now, £518.20 from 06/04/2026 (+£16.30 a week)",
        "Manual review:",
    ]
    assert f"  {council.dora.account_reference} Dora Carrington: an officer fixed" in text
    assert f"Preview written to {sheet}" in text
    assert openpyxl.load_workbook(sheet).sheetnames == ["Preview", "Manual review", "Rules used"]

    with pytest.raises(CommandError, match=r"a second person must approve: sam\.senior"):
        run("approve", str(uprating.pk), "--as", "sam.senior")
    assert "approved by tara.senior" in run("approve", str(uprating.pk), "--as", "tara.senior")
    posted = run("post", str(uprating.pk), "--as", "amira.assessor")
    assert f"Uprating run {uprating.pk}: new figures from 06/04/2026 (posted)" in posted
    assert "  Posted:          2" in posted
    assert Assessment.objects.get(person=council.ada, version=2).weekly_charge_pence == 11445
    # Posting again is harmless.
    run("post", str(uprating.pk), "--as", "amira.assessor")
    assert Assessment.objects.filter(effective_from=FROM).count() == 3  # Ada, Rose, and Fred's
    assert f"{uprating.pk:>5}  from 06/04/2026  Posted" in run("list")
    assert "(posted)" in run("show", str(uprating.pk))


def test_the_same_date_reuses_the_open_run(council: Council) -> None:
    run("--from", "2026-04-06")
    run("--from", "2026-04-06")
    assert UpratingRun.objects.count() == 1
    assert UpratingRun.objects.get().state == RunState.PREVIEWED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01"], "--from: '2026-13-01' is not a date like 2026-04-06"),
        (["--from", "2012-04-09"], "the rules hold no benefit rates on 09/04/2012"),
        (["--from", "2026-04-06", "--as", "nobody"], "--as: there is no active user called"),
        (["approve", "999", "--as", "tara.senior"], "there is no uprating run 999"),
        ([], "give --from DATE to preview, or an action: approve, post, show"),
    ],
)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    council: Council, args: list[str], message: str
) -> None:
    before = state()
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert state() == before


def test_a_run_in_the_wrong_state_is_refused_and_nothing_changes(council: Council) -> None:
    run("--from", "2026-04-06", "--as", "amira.assessor")
    uprating = UpratingRun.objects.get()
    before = state()
    with pytest.raises(CommandError, match="must be approved by a second person"):
        run("post", str(uprating.pk), "--as", "amira.assessor")
    with pytest.raises(CommandError, match=r"amira\.assessor does not have a role"):
        run("approve", str(uprating.pk), "--as", "amira.assessor")
    assert state() == before


def test_the_exit_status_is_not_zero_with_one_line_on_stderr(tmp_path: Path) -> None:
    env = {
        "CARECHARGE_TESTING": "true",
        "CARECHARGE_VAR": str(tmp_path),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "carecharge.cli", "uprate", "--from", "2026-02-30"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "Error" in line]
    assert errors == ["CommandError: --from: '2026-02-30' is not a date like 2026-04-06"]


def test_a_crash_is_recorded_on_the_run_and_posting_again_finishes(
    council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("--from", "2026-04-06", "--as", "amira.assessor")
    uprating = UpratingRun.objects.get()
    run("approve", str(uprating.pk), "--as", "sam.senior")
    real = assessments.assessment_complete

    def power_cut(**kwargs: object) -> Assessment:
        raise RuntimeError("the machine lost power")

    monkeypatch.setattr(assessments, "assessment_complete", power_cut)
    with pytest.raises(RuntimeError):
        run("post", str(uprating.pk), "--as", "amira.assessor")
    uprating.refresh_from_db()
    assert (uprating.state, uprating.task) == (RunState.APPROVED, "")
    assert uprating.last_error == "RuntimeError: the machine lost power"
    monkeypatch.setattr(assessments, "assessment_complete", real)
    assert "(posted)" in run("post", str(uprating.pk), "--as", "amira.assessor")
    assert Assessment.objects.filter(effective_from=FROM).count() == 3
