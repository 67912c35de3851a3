"""Production settings refuse unsafe configuration; responses carry security headers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

PROBE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps({'secure': settings.SESSION_COOKIE_SECURE, "
    "'csrf': settings.CSRF_COOKIE_SECURE, 'hsts': settings.SECURE_HSTS_SECONDS, "
    "'db': settings.DATABASES['default']['ENGINE']}))"
)


def run_settings(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "CARECHARGE_TESTING", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    env.update(
        {"DJANGO_SETTINGS_MODULE": "carecharge.config.settings", "CARECHARGE_TESTING": "false"}
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )


def test_debug_off_refuses_to_start_without_a_secret_key() -> None:
    result = run_settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_off_refuses_a_weak_secret_key() -> None:
    result = run_settings({"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_debug_off_refuses_without_allowed_hosts() -> None:
    result = run_settings({"DEBUG": "false", "SECRET_KEY": "k3y-Qz9-" * 10})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_debug_off_with_a_real_key_uses_secure_cookies_and_hsts() -> None:
    result = run_settings(
        {
            "DEBUG": "false",
            "SECRET_KEY": "k3y-Qz9-" * 10,
            "ALLOWED_HOSTS": "charging.example.gov.uk",
        }
    )
    assert result.returncode == 0, result.stderr
    assert '"secure": true' in result.stdout
    assert '"csrf": true' in result.stdout
    assert '"hsts": 31536000' in result.stdout
    assert '"db": "django.db.backends.sqlite3"' in result.stdout


def test_a_bad_debug_value_is_named() -> None:
    result = run_settings({"DEBUG": "maybe"})
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


@pytest.mark.django_db
def test_every_response_has_a_content_security_policy() -> None:
    response = Client().get("/accounts/sign-in/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The test database is in memory, where SQLite reports 'memory'; files use WAL.
    assert mode in {"wal", "memory"}
