"""The `carecharge` command: Django's management commands, with ours listed first.

`carecharge --help` lists carecharge's own commands with their one-line help, so officers and
operators are not lost among Django's internals; `carecharge help --all` shows everything.
"""

from __future__ import annotations

import os
import sys

OUR_APPS_PREFIX = "carecharge."


def _our_commands() -> list[tuple[str, str]]:
    from django.core.management import get_commands, load_command_class

    rows = []
    for name, app in sorted(get_commands().items()):
        if app.startswith(OUR_APPS_PREFIX):
            command = load_command_class(app, name)
            rows.append((name, (command.help or "").strip().splitlines()[0]))
    return rows


def _print_help() -> None:
    print("usage: carecharge COMMAND [options]\n")
    print("carecharge commands:")
    for name, text in _our_commands():
        print(f"  {name:<18} {text}")
    print("\nAlso useful: migrate, runserver, db_worker, createsuperuser, check.")
    print("`carecharge help COMMAND` for a command's options; `carecharge help --all` lists all.")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecharge.config.settings")
    import django
    from django.core.management import execute_from_command_line

    if len(args) < 2 or args[1] in {"-h", "--help"} or args[1:] == ["help"]:
        django.setup()
        _print_help()
        return
    if args[1:3] == ["help", "--all"]:
        args = [args[0], "help"]
    args[0] = "carecharge"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
