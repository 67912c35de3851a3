"""The `carecharge` command line: help, rules and users."""

from __future__ import annotations

import io
import subprocess
import sys
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from carecharge.apps.accounts.models import SignInThrottle
from carecharge.apps.audit.models import AuditEvent


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_help_lists_our_commands_first() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "carecharge.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"CARECHARGE_TESTING": "true", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: carecharge COMMAND [options]")
    for name in ["import", "demo", "demo_logins", "rules", "serve", "users"]:
        assert f"\n  {name} " in result.stdout


def test_rules_show_prints_the_figure_in_force_on_a_date() -> None:
    text = run("rules", "show", "2025-06-02")
    assert "england.benefits.attendance_allowance.higher = £110.40 a week (from 07/04/2025" in text
    text = run("rules", "show", "2026-04-06")
    assert "england.benefits.attendance_allowance.higher = £114.60 a week (from 06/04/2026" in text


def test_rules_check_lists_unverified_figures() -> None:
    text = run("rules", "check")
    assert "rules load cleanly" in text
    assert "england.benefits.disability_living_allowance.care.highest from 2025-04-07" in text
    # Older Attendance Allowance rates still await checking against the DWP tables; the ones
    # read in the DWP tables themselves are not listed.
    assert "england.benefits.attendance_allowance.higher from 2016-04-11" in text
    assert "england.benefits.attendance_allowance.higher from 2025-04-07" not in text


def test_rules_show_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="'31/02/2025' is not a date like 2026-04-06"):
        run("rules", "show", "31/02/2025")


@pytest.mark.django_db
def test_users_add_roles_unlock_and_deactivate() -> None:
    with mock.patch("getpass.getpass", return_value="Canal-boat-Thursday-71"):
        assert "Added asha.patel." in run(
            "users", "add", "asha.patel", "--name", "Asha Patel", "--role", "charging_officer"
        )
    user = User.objects.get(username="asha.patel")
    assert (user.first_name, user.last_name) == ("Asha", "Patel")
    assert list(user.groups.values_list("name", flat=True)) == ["charging_officer"]

    run("users", "roles", "asha.patel", "--role", "senior_officer", "--reason", "Promoted")
    event = AuditEvent.objects.get(action="account.roles_changed")
    assert event.changes == {"roles": [["charging_officer"], ["senior_officer"]]}
    assert event.reason == "Promoted"

    SignInThrottle.objects.create(username="asha.patel", failed_attempts=5)
    run("users", "unlock", "asha.patel")
    assert not SignInThrottle.objects.exists()

    run("users", "deactivate", "asha.patel", "--reason", "Left the council")
    assert User.objects.get(username="asha.patel").is_active is False
    listing = run("users", "list")
    assert "asha.patel" in listing and "Senior officer (approver) [deactivated]" in listing


@pytest.mark.django_db
def test_users_add_refuses_a_weak_password_and_changes_nothing() -> None:
    with (
        mock.patch("getpass.getpass", return_value="password1234"),
        pytest.raises(CommandError, match="too common"),
    ):
        run("users", "add", "asha.patel", "--name", "Asha Patel", "--role", "auditor")
    assert not User.objects.filter(username="asha.patel").exists()


@pytest.mark.django_db
def test_users_commands_name_an_unknown_user() -> None:
    with pytest.raises(CommandError, match="There is no user called 'nobody'"):
        run("users", "unlock", "nobody")
