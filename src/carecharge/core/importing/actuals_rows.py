"""The provider-actuals format: its columns, and the checks on each line.

The format is described for council staff and providers in docs/provider-actuals.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from carecharge.core.importing import fields as f
from carecharge.core.importing.actuals_records import ActualRecord, LineFacts
from carecharge.core.importing.row_checking import RowChecker

REQUIRED_COLUMNS = ("provider_code", "line_id", "week_start", "units")
# A provider names the person by the case management system's id, the council's account
# reference, or both; the header needs at least one of the two. A note is optional.
PERSON_COLUMNS = ("person_id", "account_reference")
OPTIONAL_COLUMNS = (*PERSON_COLUMNS, "note")
COLUMNS = (
    "provider_code", "person_id", "account_reference", "line_id", "week_start", "units", "note",
)  # fmt: skip
RECORD_TYPE = "actuals"
EVERY_LINE = "on every line"
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEK = timedelta(days=6)


@dataclass
class ActualsContext:
    """What a line's checks need to know about the rest of the file and the system."""

    business_date: date
    known_provider_codes: frozenset[str]
    lines: Mapping[str, LineFacts]
    week_start_for: Callable[[date], int | None]
    """The weekday charging weeks start on (Monday 0) on a date, or None with no rule then."""
    # (line_id, week_start) -> the line that first gave it.
    first_seen: dict[tuple[str, date], int] = field(default_factory=dict)


def check_actual(checker: RowChecker, context: ActualsContext) -> ActualRecord | None:
    provider_code = checker.required(
        "provider_code",
        f.known_code(context.known_provider_codes, "provider code"),
        when=EVERY_LINE,
    )
    person_id = checker.optional("person_id", f.identifier)
    account_reference = checker.optional("account_reference", f.identifier)
    if person_id is None and account_reference is None and not _has_bad_value(checker):
        checker.add("person_id", f"person_id or account_reference is required {EVERY_LINE}")
    line_id = checker.required("line_id", f.identifier, when=EVERY_LINE)
    week_start = checker.required("week_start", f.parse_date, when=EVERY_LINE)
    units = checker.required("units", f.parse_delivered_units, when=EVERY_LINE)
    note = checker.optional("note", f.text)
    # A date that does not start a charging week is reported once, not again as outside a line.
    week_ok = week_start is not None and _check_week(checker, context, week_start)
    facts = context.lines.get(line_id) if line_id is not None else None
    if line_id is not None and facts is None:
        checker.add("line_id", f"There is no service line with line_id {line_id} in carecharge")
    if facts is not None:
        week = week_start if week_ok else None
        _check_line(checker, facts, provider_code, person_id, account_reference, week)
    if line_id is not None and week_start is not None:
        _check_unique(checker, context, line_id, week_start)
    if checker.problems or provider_code is None or line_id is None:
        return None
    if week_start is None or units is None:
        return None
    return ActualRecord(checker.line, provider_code, line_id, week_start, units, note)


def _has_bad_value(checker: RowChecker) -> bool:
    # A person column that failed its own check has been reported already.
    return any(problem.column in PERSON_COLUMNS for problem in checker.problems)


def _check_week(checker: RowChecker, context: ActualsContext, week_start: date) -> bool:
    starts_on = context.week_start_for(week_start)
    written = checker.values["week_start"]
    if starts_on is None:
        checker.add(
            "week_start",
            f"carecharge has no rule for when charging weeks start on {week_start:%d/%m/%Y}, "
            "so actuals for that week cannot be taken",
        )
        return False
    if week_start.weekday() != starts_on:
        first_day = week_start - timedelta(days=(week_start.weekday() - starts_on) % 7)
        checker.add(
            "week_start",
            f"{written} is a {WEEKDAY_NAMES[week_start.weekday()]}; charging weeks start on a "
            f"{WEEKDAY_NAMES[starts_on]}, so give the date the week starts "
            f"({first_day:%d/%m/%Y})",
        )
        return False
    week_end = week_start + _WEEK
    if week_end >= context.business_date:
        checker.add(
            "week_start",
            f"The week starting {week_start:%d/%m/%Y} has not ended by the business date, "
            f"{context.business_date:%d/%m/%Y}; send its actuals after {week_end:%d/%m/%Y}",
        )
        return False
    return True


def _check_line(
    checker: RowChecker,
    facts: LineFacts,
    provider_code: str | None,
    person_id: str | None,
    account_reference: str | None,
    week_start: date | None,
) -> None:
    line_id = facts.line_id
    if provider_code is not None and facts.provider_code != provider_code:
        held = f"it is with {facts.provider_code}" if facts.provider_code else "it has none"
        checker.add(
            "provider_code",
            f"line_id {line_id} is not with provider {provider_code} in carecharge ({held})",
        )
    # Whose line it is instead is not said: the file's sender may not see that record
    # (restricted records), and the provider's own system has the right id to compare.
    if person_id is not None and person_id != facts.person_id:
        checker.add("person_id", f"line_id {line_id} is not for person_id {person_id}")
    if account_reference is not None and account_reference != facts.account_reference:
        checker.add(
            "account_reference",
            f"line_id {line_id} is not for account reference {account_reference}",
        )
    if week_start is None:
        return
    week_end = week_start + _WEEK
    ends = facts.end_date or date.max
    if week_end < facts.start_date or week_start > ends:
        runs = f"from {facts.start_date:%d/%m/%Y}"
        if facts.end_date is not None:
            runs += f" to {facts.end_date:%d/%m/%Y}"
        checker.add(
            "week_start",
            f"line_id {line_id} runs {runs}; the week starting {week_start:%d/%m/%Y} is outside it",
        )


def _check_unique(
    checker: RowChecker, context: ActualsContext, line_id: str, week_start: date
) -> None:
    first = context.first_seen.setdefault((line_id, week_start), checker.line)
    if first != checker.line:
        checker.add(
            "week_start",
            f"line_id {line_id} already has actuals for the week starting "
            f"{week_start:%d/%m/%Y} on line {first}; give each line and week once",
        )
