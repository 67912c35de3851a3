"""`carecharge demo_logins`: show the demo users' names, roles and passwords."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from carecharge.apps.accounts.roles import Role
from carecharge.apps.demo.logins import logins_path, read_logins


class Command(BaseCommand):
    help = "Print the demo council's user names, roles and passwords."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = read_logins()
        if not rows:
            self.stdout.write(f"No demo logins in {logins_path()}: run `carecharge demo` first.")
            return
        labels = {role.value: role.label for role in Role}
        table = [("User name", "Role", "Password")] + [
            (row.username, labels.get(row.role, row.role), row.password) for row in rows
        ]
        widths = [max(len(line[i]) for line in table) for i in range(3)]
        self.stdout.write("Demo council logins (demo mode only; never for real data):")
        for n, line in enumerate(table):
            self.stdout.write(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
            )
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
