"""Administer staff accounts from the command line (the first administrator is made here)."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from carecharge.apps.accounts import operations
from carecharge.apps.accounts.roles import ALL_ROLES, Role
from carecharge.apps.audit.operations import record_event


class Command(BaseCommand):
    help = "Manage staff accounts: list, add, set roles, unlock, deactivate."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List users with their roles.")
        add = sub.add_parser("add", help="Add a user (asks for the password).")
        add.add_argument("username")
        add.add_argument("--name", required=True, help="Full name, e.g. 'Asha Patel'.")
        add.add_argument("--email", default="")
        add.add_argument("--role", action="append", required=True, choices=sorted(ALL_ROLES))
        roles = sub.add_parser("roles", help="Replace a user's roles.")
        roles.add_argument("username")
        roles.add_argument("--role", action="append", required=True, choices=sorted(ALL_ROLES))
        roles.add_argument("--reason", required=True)
        unlock = sub.add_parser("unlock", help="Clear a lock after failed sign-ins.")
        unlock.add_argument("username")
        off = sub.add_parser("deactivate", help="Stop a user signing in (history is kept).")
        off.add_argument("username")
        off.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user called {username!r}.") from None

    def _list(self, options: dict[str, Any]) -> None:
        for user in User.objects.order_by("username").prefetch_related("groups"):
            names = sorted(g.name for g in user.groups.all() if g.name in ALL_ROLES)
            labels = ", ".join(Role(n).label for n in names) or "(no role)"
            state = "" if user.is_active else " [deactivated]"
            self.stdout.write(f"{user.username:<24} {labels}{state}")

    def _add(self, options: dict[str, Any]) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"A user called {options['username']!r} already exists.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The two passwords are different.")
        try:
            validate_password(password, User(username=options["username"]))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        operations.user_create(
            username=options["username"],
            password=password,
            full_name=options["name"],
            email=options["email"],
            role_names=options["role"],
            actor=None,
        )
        self.stdout.write(f"Added {options['username']}.")

    @transaction.atomic
    def _roles(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        before = sorted(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        keep = list(user.groups.exclude(name__in=ALL_ROLES))
        user.groups.set([*keep, *Group.objects.filter(name__in=options["role"])])
        after = sorted(set(options["role"]))
        record_event(
            actor=None,
            action="account.roles_changed",
            instance=user,
            changes={"roles": [before, after]},
            reason=options["reason"],
            source="command",
        )
        self.stdout.write(f"{user.username} now has: {', '.join(after)}.")

    def _unlock(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        operations.clear_failed_sign_ins(user.username)
        record_event(
            actor=None, action="account.unlocked", instance=user, changes={}, source="command"
        )
        self.stdout.write(f"{user.username} can sign in again.")

    @transaction.atomic
    def _deactivate(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_event(
            actor=None,
            action="account.deactivated",
            instance=user,
            changes={"is_active": [True, False]},
            reason=options["reason"],
            source="command",
        )
        self.stdout.write(f"{user.username} can no longer sign in.")
