"""Serve the web interface and run the background worker together (one machine, one command)."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve carecharge on a port and run the background worker beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the background worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        if not options["no_worker"]:
            # The worker is its own process so a long batch never blocks a web request.
            worker = subprocess.Popen(
                [sys.executable, "-m", "carecharge.cli", "db_worker"],
            )
            self.stdout.write(f"Background worker started (process {worker.pid}).")
        try:
            if settings.DEBUG:
                call_command(
                    "runserver", f"{options['host']}:{options['port']}", use_reloader=False
                )
            else:
                subprocess.run(  # noqa: S603
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "carecharge.config.wsgi",
                        "--bind",
                        f"{options['host']}:{options['port']}",
                        "--workers",
                        "3",
                    ],
                    check=False,
                )
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
