"""Sign-in, lockout, demo accounts, passwords and sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from carecharge.apps.accounts.models import SignInThrottle
from carecharge.apps.accounts.roles import Role
from carecharge.apps.audit.models import AuditEvent
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
SIGN_IN = "/accounts/sign-in/"


def sign_in(client: Client, username: str, password: str, next_url: str = "") -> object:
    return client.post(SIGN_IN, {"username": username, "password": password, "next": next_url})


def test_roles_exist_as_groups_after_migration() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert len(Role.values) == 7


def test_sign_in_then_lands_on_next_page_and_is_audited(make_user) -> None:
    user = make_user("asha.patel", Role.CHARGING_OFFICER)
    client = Client()
    response = sign_in(client, "asha.patel", TEST_PASSWORD, "/people/")
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    event = AuditEvent.objects.get(action="account.signed_in")
    assert event.actor_id == user.pk
    assert event.actor_name == "asha.patel"


def test_sign_in_refuses_an_open_redirect(make_user) -> None:
    make_user("asha.patel", Role.CHARGING_OFFICER)
    response = sign_in(Client(), "asha.patel", TEST_PASSWORD, "https://evil.example/")
    assert response["Location"] == "/"


def test_wrong_password_counts_down_then_locks(make_user) -> None:
    make_user("asha.patel", Role.CHARGING_OFFICER)
    client = Client()
    limit = settings.CARECHARGE_LOCKOUT_ATTEMPTS
    assert limit == 5
    first = sign_in(client, "asha.patel", "wrong-password")
    assert first.status_code == 400
    assert "You have 4 more tries before the account is locked." in first.content.decode()
    for _ in range(limit - 2):
        sign_in(client, "asha.patel", "wrong-password")
    locked = sign_in(client, "asha.patel", "wrong-password")
    assert "This account is locked" in locked.content.decode()
    # Even the right password is refused while locked.
    refused = sign_in(client, "asha.patel", TEST_PASSWORD)
    assert refused.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="account.locked").count() == 1


def test_lock_expires_after_its_time(make_user) -> None:
    make_user("asha.patel", Role.CHARGING_OFFICER)
    SignInThrottle.objects.create(
        username="asha.patel",
        failed_attempts=5,
        locked_until=timezone.now() - timedelta(seconds=1),
    )
    response = sign_in(Client(), "asha.patel", TEST_PASSWORD)
    assert response.status_code == 302
    assert not SignInThrottle.objects.filter(username="asha.patel").exists()


def test_unknown_user_names_are_throttled_the_same_way() -> None:
    client = Client()
    for _ in range(5):
        response = sign_in(client, "no.such.person", "whatever")
    assert "This account is locked" in response.content.decode()
    assert SignInThrottle.objects.get(username="no.such.person").failed_attempts == 5


def test_demo_accounts_only_sign_in_in_demo_mode(make_user, settings) -> None:
    user = make_user("demo.officer", Role.CHARGING_OFFICER)
    user.groups.add(Group.objects.get_or_create(name="demo")[0])
    settings.DEMO_MODE = False
    assert sign_in(Client(), "demo.officer", TEST_PASSWORD).status_code == 400
    settings.DEMO_MODE = True
    assert sign_in(Client(), "demo.officer", TEST_PASSWORD).status_code == 302


def test_deactivated_user_cannot_sign_in(make_user) -> None:
    user = make_user("asha.patel", Role.CHARGING_OFFICER)
    user.is_active = False
    user.save()
    assert sign_in(Client(), "asha.patel", TEST_PASSWORD).status_code == 400


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1!", "too short"),
        ("password1234", "too common"),
        ("389172649301", "entirely numeric"),
    ],
)
def test_password_rules(password: str, problem: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_password(password, User(username="asha.patel"))
    assert any(problem in message for message in error.value.messages)


def test_a_strong_password_is_accepted() -> None:
    validate_password("Canal-boat-Thursday-71", User(username="asha.patel"))


def test_sessions_time_out_after_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_sign_out_ends_the_session(make_user) -> None:
    make_user("asha.patel", Role.CHARGING_OFFICER)
    client = Client()
    sign_in(client, "asha.patel", TEST_PASSWORD)
    assert client.get("/").status_code == 200
    assert client.post("/accounts/sign-out/").status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_change_password_applies_the_rules(make_user) -> None:
    make_user("asha.patel", Role.AUDITOR)
    client = Client()
    sign_in(client, "asha.patel", TEST_PASSWORD)
    weak = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    )
    assert "This password is too short" in weak.content.decode()
    good = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Canal-boat-Thursday-71",
            "new_password2": "Canal-boat-Thursday-71",
        },
    )
    assert "Password changed" in good.content.decode()
    assert User.objects.get(username="asha.patel").check_password("Canal-boat-Thursday-71")
