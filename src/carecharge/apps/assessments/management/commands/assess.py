"""`carecharge assess FILE|-` and `carecharge assess --many FILE.jsonl`: the assessment contract.

One request (a JSON object) in, one result out; or one request per line in, one result (or
``{"error": "..."}``) per line out, in the same order. See the contract in
docs/assessment-engine.md and the schemas in docs/schemas/.

Exit status: 0 when every request was assessed; 2 when a single request is bad (one line on
standard error naming the field, nothing on standard output); 1 when any line of ``--many``
failed, or the rules cannot be loaded.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from carecharge.core.assessment import AssessmentError, AssessmentInputError
from carecharge.core.assessment.contract import Assessor, dumps
from carecharge.core.rules import RuleError, load_rules

CHUNK = 1000


def _one_line(message: str) -> str:
    return " ".join(message.split())


class Command(BaseCommand):
    help = "Assess charges from JSON: one request (FILE or -), or --many FILE.jsonl, one per line."
    # call_command(..., stdin=...) feeds standard input in tests.
    stealth_options = ("stdin",)
    # Pure computation: no database, URLs or templates, so no system checks to wait for.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="a JSON request file, or - for standard input")
        parser.add_argument(
            "--many",
            action="store_true",
            help="read one request per line (JSON lines) and print one result per line",
        )
        parser.add_argument(
            "--council-policy",
            action="store_true",
            help=(
                "fill policy keys a request leaves out from this council's rules "
                "(rules/local/<council>/assessment/); without it they take the statutory "
                "defaults, as the contract says"
            ),
        )
        parser.add_argument(
            "--indent",
            type=int,
            default=2,
            help="indent a single result's JSON by this many spaces (0 for one line)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["source"]
        stdin: IO[str] = options.get("stdin") or sys.stdin
        try:
            book = load_rules(Path(settings.RULES_DIR))
        except RuleError as error:
            raise CommandError(_one_line(f"the rules cannot be loaded: {error}")) from None
        # The contract: omitted policy keys take the statutory defaults unless asked otherwise.
        council = (settings.CARECHARGE_COUNCIL or None) if options["council_policy"] else None
        assessor = Assessor(book, council=council)
        if options["many"]:
            failed = self._many(assessor, self._lines(source, stdin))
            if failed:
                raise CommandError(f"{failed} of the requests could not be assessed", returncode=1)
            return
        text = self._read(source, stdin)
        try:
            output = assessor.assess_text(text, indent=options["indent"] or None)
        except AssessmentInputError as error:
            raise CommandError(_one_line(str(error)), returncode=2) from None
        except AssessmentError as error:
            raise CommandError(_one_line(str(error)), returncode=1) from None
        self.stdout.write(output)

    def _read(self, source: str, stdin: IO[str]) -> str:
        if source == "-":
            return stdin.read()
        try:
            return Path(source).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CommandError(f"{source}: not UTF-8 text", returncode=2) from None
        except OSError as error:
            raise CommandError(f"{source}: {error.strerror}", returncode=2) from None

    def _lines(self, source: str, stdin: IO[str]) -> list[str]:
        lines = self._read(source, stdin).splitlines()
        while lines and not lines[-1].strip():
            lines.pop()
        return lines

    def _many(self, assessor: Assessor, lines: Iterable[str]) -> int:
        failed = 0
        out: list[str] = []
        for line in lines:
            try:
                if not line.strip():
                    raise AssessmentInputError("(request)", "is an empty line")
                out.append(assessor.assess_text(line))
            except AssessmentError as error:
                failed += 1
                out.append(dumps({"error": _one_line(str(error))}))
            if len(out) >= CHUNK:
                self.stdout.write("\n".join(out))
                out.clear()
        if out:
            self.stdout.write("\n".join(out))
        return failed
