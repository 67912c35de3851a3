"""Browser tests: Playwright (sync API) driving Debian's Chromium against the live server."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django.plugin import blocking_manager_key

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls
# from the test itself (creating users and records) unless told it is safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "a-long-browser-test-password-7"


# The triggers that keep the audit trail, issued documents and the ledger unchangeable.
_GUARDS = [
    importlib.import_module("carecharge.apps.audit.migrations.0002_append_only"),
    importlib.import_module(
        "carecharge.apps.documents.migrations.0002_issued_documents_never_change"
    ),
    importlib.import_module(
        "carecharge.apps.ledger.migrations.0002_ledger_append_only_and_balanced"
    ),
    importlib.import_module(
        "carecharge.apps.billing.migrations.0002_charges_and_invoices_never_change"
    ),
    importlib.import_module("carecharge.apps.payments.migrations.0002_payments_never_change"),
    importlib.import_module(
        "carecharge.apps.directdebit.migrations.0002_directdebit_records_never_change"
    ),
]


def _run(statements: dict[str, list[str]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements[connection.vendor]:
            cursor.execute(sql)


def _lift_triggers() -> None:
    for guard in _GUARDS:
        _run({"sqlite": guard.SQLITE_DROP, "postgresql": guard.POSTGRES_DROP})


def _restore_triggers() -> None:
    _lift_triggers()
    for guard in _GUARDS:
        _run({"sqlite": guard.SQLITE, "postgresql": guard.POSTGRES})


@pytest.fixture(autouse=True)
def _audit_triggers_lifted_for_flush(transactional_db: None) -> Iterator[None]:
    """Live-server tests end by emptying every table, which the audit trail's and the issued
    documents' triggers rightly refuse. They guard the test itself; they are lifted just before
    the flush and put back straight after it (see pytest_runtest_teardown below)."""
    yield
    _lift_triggers()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield  # every fixture, including the database flush, has been torn down
    if nextitem is None:
        return  # the session is over and the test database is gone with its triggers
    from django.db import connection

    with item.config.stash[blocking_manager_key].unblock():
        _restore_triggers()
        # This hook does not run in the test's context, so it opened a connection of its own:
        # left open, it keeps the test database from being dropped at the end of the session.
        connection.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def staff(username: str, role: str, first: str, last: str = "") -> Any:
    """A user with one role and the known password (groups are re-made: earlier browser tests'
    database flushes remove the ones the migration created)."""
    from django.contrib.auth.models import Group, User

    group, _ = Group.objects.get_or_create(name=role)
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=first, last_name=last
    )
    user.groups.add(group)
    return user


@pytest.fixture
def officer(transactional_db: None) -> Any:
    """A charging officer; modules about assessments use `assessment_officer` instead."""
    from carecharge.apps.accounts.roles import Role

    return staff("olivia.officer", Role.CHARGING_OFFICER, "Olivia")


@pytest.fixture
def assessment_officer(transactional_db: None) -> Any:
    from carecharge.apps.accounts.roles import Role

    return staff("amira.assessor", Role.ASSESSMENT_OFFICER, "Amira", "Khan")


@pytest.fixture
def sign_in(page: Any, officer: Any) -> Callable[[], Any]:
    """Sign in through the real sign-in form and return the page."""

    def signed_in() -> Any:
        page.goto("/accounts/sign-in/")
        page.fill("#id_username", officer.username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Your work").wait_for()
        return page

    return signed_in
