"""The demo council's staff: one user per role, with random passwords kept in a private file.

Each demo user is also in the "demo" group, which the sign-in code refuses unless demo mode is
on, so a demo database promoted to real use by mistake cannot be entered with these logins.
Existing users are never recreated or given new passwords: running the demo again must not lock
out someone who already signed in.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from django.conf import settings
from django.contrib.auth.models import Group, User

from carecharge.apps.accounts.operations import user_create
from carecharge.apps.accounts.roles import Role

DEMO_GROUP: Final = "demo"
LOGINS_FILE: Final = "demo-logins.json"
DEMO_USERS: Final = (
    ("demo.officer", Role.CHARGING_OFFICER),
    ("demo.assessor", Role.ASSESSMENT_OFFICER),
    ("demo.senior", Role.SENIOR_OFFICER),
    ("demo.finance", Role.FINANCE_OFFICER),
    ("demo.recovery", Role.RECOVERY_OFFICER),
    ("demo.auditor", Role.AUDITOR),
    ("demo.admin", Role.ADMINISTRATOR),
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    role: str
    password: str


def logins_path() -> Path:
    return Path(settings.VAR_DIR) / LOGINS_FILE


def new_password() -> str:
    # 120 random bits; URL-safe characters so it can be pasted anywhere.
    return secrets.token_urlsafe(15)


def ensure_demo_users() -> list[DemoLogin]:
    """Create the demo users that do not exist yet; returns the new ones with passwords."""
    demo_group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
    existing = set(
        User.objects.filter(username__in=[u for u, _ in DEMO_USERS]).values_list(
            "username", flat=True
        )
    )
    created: list[DemoLogin] = []
    for username, role in DEMO_USERS:
        if username in existing:
            continue
        password = new_password()
        user = user_create(
            username=username,
            password=password,
            full_name=f"Demo {role.label}",
            email=f"{username}@example.com",
            role_names=[role.value],
            actor=None,
            source="demo",
        )
        user.groups.add(demo_group)
        created.append(DemoLogin(username, role.value, password))
    return created


def read_logins(path: Path | None = None) -> list[DemoLogin] | None:
    """The saved logins, or None when the file does not exist."""
    path = path or logins_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return [DemoLogin(row["username"], row["role"], row["password"]) for row in data["logins"]]


def save_logins(new: list[DemoLogin], path: Path | None = None) -> Path:
    """Merge ``new`` into the logins file, readable by its owner only (mode 0600)."""
    path = path or logins_path()
    kept = {login.username: login for login in read_logins(path) or []}
    kept.update({login.username: login for login in new})
    order = [username for username, _ in DEMO_USERS]
    rows = sorted(
        kept.values(),
        key=lambda login: (
            order.index(login.username) if login.username in order else len(order),
            login.username,
        ),
    )
    text = json.dumps({"logins": [asdict(login) for login in rows]}, indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 from the start (never world-readable, even briefly); fchmod fixes an old file.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)
    return path
