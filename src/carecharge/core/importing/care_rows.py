"""The care-data format: which columns each record type uses, and the checks on each line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from carecharge.core.importing import fields as f
from carecharge.core.importing.care_records import (
    PersonRecord,
    ServiceLineRecord,
    SuspensionRecord,
)
from carecharge.core.importing.row_checking import RowChecker

COLUMNS = (
    "record_type", "person_id", "title", "forename", "surname", "date_of_birth", "nhs_number",
    "ni_number", "address_line_1", "address_line_2", "town", "postcode", "phone", "email",
    "date_of_death", "package_id", "line_id", "service_code", "provider_code", "units_per_week",
    "unit_cost", "days", "start_date", "end_date", "section_117", "chc", "funded_nursing_care",
    "suspension_id", "reason",
)  # fmt: skip

# Columns added to the format later: a file may leave them out of its header altogether.
OPTIONAL_COLUMNS = ("collection",)
ALL_COLUMNS = (*COLUMNS, *OPTIONAL_COLUMNS)

ADDRESS_COLUMNS = ("address_line_1", "address_line_2", "town", "postcode")

# `care.ServiceCategory` values (the core cannot import the app): a line collected by the care
# home must be a care home; a direct-payment collection needs a direct-payment line.
CARE_HOME_CATEGORIES = frozenset({"residential_permanent", "residential_short_stay", "nursing"})
DIRECT_PAYMENT_CATEGORIES = frozenset({"direct_payment"})

COLUMNS_BY_TYPE: dict[str, frozenset[str]] = {
    "person": frozenset(
        {"record_type", "person_id", "title", "forename", "surname", "date_of_birth",
         "nhs_number", "ni_number", *ADDRESS_COLUMNS, "phone", "email", "date_of_death"}
    ),
    "service_line": frozenset(
        {"record_type", "person_id", "package_id", "line_id", "service_code", "provider_code",
         "units_per_week", "unit_cost", "days", "start_date", "end_date", "section_117", "chc",
         "funded_nursing_care", "collection"}
    ),
    "suspension": frozenset(
        {"record_type", "person_id", "suspension_id", "reason", "start_date", "end_date"}
    ),
}  # fmt: skip

# For messages: "(it is only used on person and service_line lines)".
COLUMN_USERS = {
    column: " and ".join(kind for kind, used in COLUMNS_BY_TYPE.items() if column in used)
    for column in ALL_COLUMNS
}


@dataclass
class FileContext:
    """What a line's checks need to know about the rest of the file and the system."""

    business_date: date
    known_service_codes: frozenset[str]
    known_provider_codes: frozenset[str]
    known_person_ids: frozenset[str]
    people_in_file: frozenset[str]
    # Service code -> `care.ServiceCategory` value, for the collection checks; a code missing
    # here is not checked.
    service_categories: Mapping[str, str] = field(default_factory=dict)
    # False when the header has no collection column: lines then keep what carecharge holds.
    collection_given: bool = True
    # (record type, id) -> the line that first used it, to point duplicates at the original.
    first_seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def check_unique(self, checker: RowChecker, column: str, value: str) -> None:
        key = (checker.record_type, value)
        first = self.first_seen.setdefault(key, checker.line)
        if first != checker.line:
            checker.add(
                column,
                f"{column} {value} appears more than once: it was first used on line {first}",
            )

    def check_person_exists(self, checker: RowChecker, person_id: str) -> None:
        if person_id not in self.people_in_file and person_id not in self.known_person_ids:
            checker.add(
                "person_id",
                f"There is no person with person_id {person_id} in this file or already in "
                "carecharge",
            )


def check_person(checker: RowChecker, context: FileContext) -> PersonRecord | None:
    person_id = checker.required("person_id", f.identifier)
    if person_id is not None:
        context.check_unique(checker, "person_id", person_id)
    title = checker.optional("title", f.text)
    forename = checker.required("forename", f.text)
    surname = checker.required("surname", f.text)
    date_of_birth = checker.required("date_of_birth", f.parse_date)
    if date_of_birth is not None:
        checker.not_after("date_of_birth", date_of_birth, context.business_date)
    nhs_number = checker.optional("nhs_number", f.parse_nhs_number)
    ni_number = checker.optional("ni_number", f.parse_ni_number)
    line_1, line_2, town, postcode = _check_address(checker)
    phone = checker.optional("phone", f.text)
    email = checker.optional("email", f.parse_email)
    date_of_death = checker.optional("date_of_death", f.parse_date)
    if date_of_death is not None:
        checker.not_before("date_of_death", date_of_death, "date_of_birth", date_of_birth)
        checker.not_after("date_of_death", date_of_death, context.business_date)
    if checker.problems or person_id is None or forename is None or surname is None:
        return None
    if date_of_birth is None:
        return None
    return PersonRecord(
        checker.line, person_id, title, forename, surname, date_of_birth, nhs_number, ni_number,
        line_1, line_2, town, postcode, phone, email, date_of_death,
    )  # fmt: skip


def _check_address(
    checker: RowChecker,
) -> tuple[str | None, str | None, str | None, str | None]:
    # An address is optional, but a partial one cannot be posted to, so once any part is
    # given the first line and a valid postcode must be too.
    if any(checker.values[column] for column in ADDRESS_COLUMNS):
        when = "when any part of the address is given"
        line_1 = checker.required("address_line_1", f.text, when=when)
        postcode = checker.required("postcode", f.parse_postcode, when=when)
    else:
        line_1 = postcode = None
    line_2 = checker.optional("address_line_2", f.text)
    town = checker.optional("town", f.text)
    return line_1, line_2, town, postcode


def check_service_line(checker: RowChecker, context: FileContext) -> ServiceLineRecord | None:
    line_id = checker.required("line_id", f.identifier)
    if line_id is not None:
        context.check_unique(checker, "line_id", line_id)
    person_id = _check_person_reference(checker, context)
    package_id = checker.required("package_id", f.identifier)
    service_code = checker.required(
        "service_code", f.known_code(context.known_service_codes, "service code")
    )
    provider_code = checker.optional(
        "provider_code", f.known_code(context.known_provider_codes, "provider code")
    )
    units = checker.required("units_per_week", f.parse_units)
    pence = checker.required("unit_cost", f.parse_pence)
    days = checker.optional("days", f.parse_days) or ()
    start_date, end_date = _check_dates(checker)
    section_117 = checker.optional("section_117", f.parse_flag) or False
    chc = checker.optional("chc", f.parse_flag) or False
    funded_nursing_care = checker.optional("funded_nursing_care", f.parse_flag) or False
    collection = _check_collection(checker, context, service_code)
    if checker.problems or line_id is None or person_id is None or package_id is None:
        return None
    if service_code is None or units is None or pence is None or start_date is None:
        return None
    return ServiceLineRecord(
        checker.line, line_id, person_id, package_id, service_code, provider_code, units, pence,
        days, start_date, end_date, section_117, chc, funded_nursing_care, collection,
    )  # fmt: skip


def _check_collection(
    checker: RowChecker, context: FileContext, service_code: str | None
) -> str | None:
    if not context.collection_given:
        return None
    collection = checker.optional("collection", f.parse_collection) or "council"
    category = context.service_categories.get(service_code or "")
    if category is None:
        return collection
    if collection == "provider" and category not in CARE_HOME_CATEGORIES:
        checker.add(
            "collection",
            f"provider (the care home collects the contribution) is only for residential or "
            f"nursing care lines; {service_code} is a {category} service",
        )
    elif collection.startswith("direct_payment") and category not in DIRECT_PAYMENT_CATEGORIES:
        checker.add(
            "collection",
            f"{collection} is only for direct payment lines; {service_code} is a {category} "
            "service",
        )
    return collection


def check_suspension(checker: RowChecker, context: FileContext) -> SuspensionRecord | None:
    suspension_id = checker.required("suspension_id", f.identifier)
    if suspension_id is not None:
        context.check_unique(checker, "suspension_id", suspension_id)
    person_id = _check_person_reference(checker, context)
    reason = checker.required("reason", f.parse_reason)
    start_date, end_date = _check_dates(checker)
    if checker.problems or suspension_id is None or person_id is None or reason is None:
        return None
    if start_date is None:
        return None
    return SuspensionRecord(checker.line, suspension_id, person_id, reason, start_date, end_date)


def _check_person_reference(checker: RowChecker, context: FileContext) -> str | None:
    person_id = checker.required("person_id", f.identifier)
    if person_id is not None:
        context.check_person_exists(checker, person_id)
    return person_id


def _check_dates(checker: RowChecker) -> tuple[date | None, date | None]:
    start_date = checker.required("start_date", f.parse_date)
    end_date = checker.optional("end_date", f.parse_date)
    checker.not_before("end_date", end_date, "start_date", start_date)
    return start_date, end_date
