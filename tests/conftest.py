"""Fixtures shared by the database-backed tests: users in each role and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from carecharge.apps.accounts.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, *roles: str, password: str = TEST_PASSWORD) -> User:
        user = User.objects.create_user(
            username=username, password=password, first_name=username.title()
        )
        user.groups.set(Group.objects.filter(name__in=roles))
        return user

    return make


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[[str], Client]:
    """A client signed in as a fresh user holding exactly one role."""

    def signed_in(role: str) -> Client:
        user = make_user(f"test.{role}", role)
        client = Client()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def officer_client(client_for: Callable[[str], Client]) -> Client:
    return client_for(Role.CHARGING_OFFICER)
