"""Checks that need the database or the whole set of lines, run before anything changes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from carecharge.apps.care.importing.constants import FUNDING_FLAGS, PERSON_TEXT_COLUMNS
from carecharge.apps.care.importing.existing import (
    _Existing,
    _first_line_of_each_package,
    _records_naming_a_person,
)
from carecharge.apps.people.models import ServiceUser
from carecharge.core.importing import (
    CareFile,
    PersonRecord,
    Problem,
    ServiceLineRecord,
    SuspensionRecord,
)

logger = logging.getLogger(__name__)


# --- Checks that need the database or the whole set of lines ------------------------------------


def _problems_before_applying(care_file: CareFile, existing: _Existing) -> list[Problem]:
    """Problems the pure validator cannot see; found before anything is written."""
    problems = [
        *_length_problems(care_file.people),
        *_package_problems(care_file.service_lines, existing),
        *_moved_line_problems(care_file.service_lines, existing),
        *_moved_suspension_problems(care_file.suspensions, existing),
        *_vanished_reference_problems(care_file, existing),
    ]
    return sorted(problems, key=lambda problem: problem.line or 0)


def _length_problems(people: Sequence[PersonRecord]) -> Iterable[Problem]:
    for record in people:
        for column, (model, field_name) in PERSON_TEXT_COLUMNS.items():
            value = getattr(record, column)
            limit = getattr(model._meta.get_field(field_name), "max_length", None)
            if value is not None and limit is not None and len(value) > limit:
                yield Problem(
                    record.line,
                    column,
                    f"{column} is {len(value)} characters long; the most carecharge can hold "
                    f"is {limit}",
                )


def _package_problems(lines: Sequence[ServiceLineRecord], existing: _Existing) -> Iterable[Problem]:
    first_lines = _first_line_of_each_package(lines)
    for record in lines:
        first = first_lines[record.package_id]
        if record.person_id != first.person_id:
            yield Problem(
                record.line,
                "package_id",
                f"package_id {record.package_id} is for person_id {first.person_id} on line "
                f"{first.line}; every line of a package must be for the same person",
            )
        for flag in FUNDING_FLAGS:
            if getattr(record, flag) != getattr(first, flag):
                yield Problem(
                    record.line,
                    flag,
                    f"{flag} is {_yes_no(getattr(record, flag))} here but "
                    f"{_yes_no(getattr(first, flag))} on line {first.line} for the same "
                    f"package_id {record.package_id}; a package's funding must be the same on "
                    "all its lines",
                )
    for package_id, first in first_lines.items():
        package = existing.packages.get(package_id)
        if package is not None and not _is_person(package.person, first.person_id):
            yield Problem(
                first.line,
                "package_id",
                f"package_id {package_id} already belongs to {_who(package.person)} in "
                "carecharge; a care package cannot move to another person",
            )


def _moved_line_problems(
    lines: Sequence[ServiceLineRecord], existing: _Existing
) -> Iterable[Problem]:
    for record in lines:
        line = existing.lines.get(record.line_id)
        # A line may move between packages of the same person, but never to someone else.
        if line is not None and not _is_person(line.package.person, record.person_id):
            yield Problem(
                record.line,
                "line_id",
                f"line_id {record.line_id} already belongs to {_who(line.package.person)} in "
                "carecharge; a service line cannot move to another person",
            )


def _moved_suspension_problems(
    suspensions: Sequence[SuspensionRecord], existing: _Existing
) -> Iterable[Problem]:
    for record in suspensions:
        suspension = existing.suspensions.get(record.suspension_id)
        if suspension is not None and not _is_person(suspension.person, record.person_id):
            yield Problem(
                record.line,
                "suspension_id",
                f"suspension_id {record.suspension_id} already belongs to "
                f"{_who(suspension.person)} in carecharge; a suspension cannot move to another "
                "person",
            )


def _vanished_reference_problems(care_file: CareFile, existing: _Existing) -> Iterable[Problem]:
    # The validator saw these codes and people moments ago; this catches one being removed in
    # between, so the officer gets a reason rather than an unexpected error.
    in_file = {record.person_id for record in care_file.people}
    for record in _records_naming_a_person(care_file):
        if record.person_id not in in_file and record.person_id not in existing.people:
            yield Problem(
                record.line,
                "person_id",
                f"There is no person with person_id {record.person_id} in this file or "
                "already in carecharge",
            )
    for line in care_file.service_lines:
        if line.service_code not in existing.services:
            yield Problem(
                line.line, "service_code", f"{line.service_code} is not a known service code"
            )
        if line.provider_code and line.provider_code not in existing.providers:
            yield Problem(
                line.line, "provider_code", f"{line.provider_code} is not a known provider code"
            )


def _is_person(person: ServiceUser, person_id: str) -> bool:
    return person.case_system_id == person_id


def _who(person: ServiceUser) -> str:
    if person.case_system_id:
        return f"person_id {person.case_system_id}"
    return f"the person with account reference {person.account_reference}"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"
