"""Writes for care data: importing the case management system's file (DESIGN.md principle 7).

`import_care_file` is the only way a care-data file changes carecharge; the upload page and the
`carecharge import care` command both call it. It keeps the original bytes, checks the whole file,
and then applies all of it in one transaction or none of it. Every outcome (applied, rejected or
a duplicate of a file already applied) leaves an `ImportBatch` row behind.

How the file's records meet what carecharge already holds:

- Records are matched by the case management system's ids (person_id, package_id, line_id,
  suspension_id). Records carecharge holds that the file does not mention are left alone: an
  export may cover only some people.
- Service lines and suspensions are described whole by their line, so a blank optional value
  there is applied (a blank end_date re-opens a line, a blank provider_code removes the provider).
- For people, a blank optional value (title, NHS or NI number, phone, email, date of death, the
  address) never erases what carecharge holds: exports often leave out details an officer has
  since recorded, and silently clearing a date of death would undo bereavement work.
- A record whose values already match is not saved and gets no audit row, so importing a
  different file with the same records changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.db.models import Max, QuerySet
from django.utils import dateformat, timezone

from carecharge.apps.audit.operations import record_create, record_update, snapshot
from carecharge.apps.people.models import Address, AddressRole, ServiceUser
from carecharge.core.identifiers import make_account_reference
from carecharge.core.importing import (
    CareFile,
    PersonRecord,
    Problem,
    ServiceLineRecord,
    SuspensionRecord,
    validate_care_file,
)

from .models import (
    CarePackage,
    ImportBatch,
    ImportStatus,
    Provider,
    Service,
    ServiceLine,
    Suspension,
)

__all__ = ["COUNT_KEYS", "import_care_file", "import_summary"]

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)

AUDIT_SOURCE = "import"
IMPORTS_FOLDER = "imports"
COUNT_KEYS = (
    "people_created", "people_updated", "people_unchanged",
    "packages_created", "packages_updated", "packages_unchanged",
    "lines_created", "lines_updated", "lines_unchanged",
    "suspensions_created", "suspensions_updated", "suspensions_unchanged",
)  # fmt: skip
FUNDING_FLAGS = ("section_117", "chc", "funded_nursing_care")
# Columns whose text the validator allows up to 200 characters but the model holds fewer.
PERSON_TEXT_COLUMNS = {
    "title": (ServiceUser, "title"),
    "forename": (ServiceUser, "forename"),
    "surname": (ServiceUser, "surname"),
    "phone": (ServiceUser, "phone"),
    "email": (ServiceUser, "email"),
    "address_line_1": (Address, "line_1"),
    "address_line_2": (Address, "line_2"),
    "town": (Address, "town"),
}
# Keeps each `id IN (...)` under SQLite's limit on query parameters.
QUERY_CHUNK = 500
# A concurrent import may take the account reference we chose; try the next one this often.
REFERENCE_ATTEMPTS = 20
MAX_DISPLAY_NAME = 200
UNEXPECTED_FAILURE = (
    "The file passed every check but could not be applied because of an unexpected error, so "
    "nothing was changed. Try importing it again; if this happens again, tell your system "
    "administrator the import number shown on this page"
)
NOT_STORED = (
    "The file could not be saved on the server, so it was not imported and nothing was "
    "changed. Tell your system administrator (the server's disk may be full)"
)


# --- The write path ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Receipt:
    """What is known about an upload before it is checked: the fields every batch row shares."""

    filename: str
    sha256: str
    size_bytes: int
    received_at: datetime
    received_by: User | None
    business_date: date

    def batch_fields(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "received_at": self.received_at,
            "received_by": self.received_by,
            "business_date": self.business_date,
        }


def import_care_file(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    business_date: date,
    source: str = "web",
) -> ImportBatch:
    """Check and apply one care-data file; always returns the batch row recording the outcome.

    Call it outside any transaction: a rejected batch must be committed even though nothing else
    is. ``filename`` is only displayed, never used as a path. ``source`` ("web", "command")
    names the channel; when there is no signed-in ``actor`` it is the name the audit trail shows.
    """
    receipt = _Receipt(
        filename=_display_name(filename),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        received_at=timezone.now(),
        received_by=actor if actor is not None and actor.pk is not None else None,
        business_date=business_date,
    )
    earlier = _applied_batch(receipt.sha256)
    if earlier is not None:
        return _record_duplicate(receipt, earlier)
    try:
        stored_path = _keep_original(data, receipt)
    except OSError:
        logger.exception("Could not keep the original of care import %s", receipt.sha256)
        return _record_rejected(receipt, "", [Problem(None, None, NOT_STORED)])
    care_file = validate_care_file(data, business_date=business_date, **_known_to_validator())
    if not care_file.ok:
        return _record_rejected(receipt, stored_path, care_file.problems)
    return _apply_or_reject(care_file, receipt, stored_path, actor if actor is not None else source)


def _apply_or_reject(
    care_file: CareFile, receipt: _Receipt, stored_path: str, audit_actor: Any
) -> ImportBatch:
    problems: Sequence[Problem]
    try:
        with transaction.atomic():
            # The applied batch is written first so the audit rows can name it; it is rolled
            # back with everything else if applying fails.
            batch = ImportBatch.objects.create(
                **receipt.batch_fields(), stored_path=stored_path, status=ImportStatus.APPLIED
            )
            batch.counts = _CareApplier(batch, audit_actor).apply(care_file)
            batch.save(update_fields=["counts"])
    except _Refused as refused:
        problems = refused.problems
    except Exception:
        logger.exception(
            "Care import of %s (%s) failed while applying; rolled back",
            receipt.filename,
            receipt.sha256,
        )
        earlier = _applied_batch(receipt.sha256)
        if earlier is not None:
            # The same file, uploaded twice at once, was applied by the other upload.
            return _record_duplicate(receipt, earlier)
        problems = [Problem(None, None, UNEXPECTED_FAILURE)]
    else:
        logger.info("Applied care import %s: %s", batch.pk, batch.counts)
        return batch
    return _record_rejected(receipt, stored_path, problems)


def _applied_batch(sha256: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(sha256=sha256, status=ImportStatus.APPLIED).first()


def _record_duplicate(receipt: _Receipt, earlier: ImportBatch) -> ImportBatch:
    # The bytes are identical to the earlier file's, so its stored copy serves for both.
    return ImportBatch.objects.create(
        **receipt.batch_fields(),
        stored_path=earlier.stored_path,
        status=ImportStatus.DUPLICATE,
        duplicate_of=earlier,
    )


def _record_rejected(
    receipt: _Receipt, stored_path: str, problems: Iterable[Problem]
) -> ImportBatch:
    return ImportBatch.objects.create(
        **receipt.batch_fields(),
        stored_path=stored_path,
        status=ImportStatus.REJECTED,
        problems=[
            {"line": problem.line, "column": problem.column, "message": problem.message}
            for problem in problems
        ],
    )


def _known_to_validator() -> dict[str, frozenset[str]]:
    return {
        "known_service_codes": frozenset(Service.objects.values_list("code", flat=True)),
        "known_provider_codes": frozenset(Provider.objects.values_list("code", flat=True)),
        "known_person_ids": frozenset(
            person_id
            for person_id in ServiceUser.objects.values_list("case_system_id", flat=True)
            if person_id
        ),
    }


# --- Keeping the original file ----------------------------------------------------------------


def _display_name(filename: str) -> str:
    """The uploaded name, for people to read: no folders, no control characters, not too long."""
    # Browsers on Windows may send a whole path with either separator; only its end is a name.
    name = PureWindowsPath(filename).name
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = " ".join(name.split())
    if name in {"", ".", ".."}:
        return "unnamed file"
    return name[:MAX_DISPLAY_NAME]


def _keep_original(data: bytes, receipt: _Receipt) -> str:
    """Store the bytes as imports/<yyyy>/<mm>/<sha256>.csv and return that path (under MEDIA_ROOT).

    The name comes from the hash alone, never from the uploaded name, so no upload can choose
    where it is written.
    """
    received = timezone.localdate(receipt.received_at)
    relative = PurePosixPath(
        IMPORTS_FOLDER, f"{received:%Y}", f"{received:%m}", f"{receipt.sha256}.csv"
    )
    target = Path(settings.MEDIA_ROOT, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not (target.is_file() and _sha256_of(target) == receipt.sha256):
        _write_atomically(target, data)
    return str(relative)


def _sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomically(target: Path, data: bytes) -> None:
    # Written beside the target and renamed into place, so a crash never leaves half a file
    # under the real name. mkstemp makes it readable by this user only: it is personal data.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- Applying a checked file ------------------------------------------------------------------


class _Refused(Exception):
    """The file cannot be applied as it stands; the problems say why, line by line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class _Existing:
    """The records the file refers to, as carecharge holds them (locked for this transaction)."""

    people: dict[str, ServiceUser]
    homes: dict[int, Address]  # by person pk
    packages: dict[str, CarePackage]
    lines: dict[str, ServiceLine]
    suspensions: dict[str, Suspension]
    services: dict[str, Service]
    providers: dict[str, Provider]


def _load_existing(care_file: CareFile) -> _Existing:
    person_ids = {r.person_id for r in care_file.people}
    person_ids |= {r.person_id for r in _records_naming_a_person(care_file)}
    people = _by_key(ServiceUser.objects.select_for_update(), "case_system_id", person_ids)
    homes = {
        home.person_id: home
        for home in _by_key(
            Address.objects.select_for_update().filter(role=AddressRole.HOME),
            "person_id",
            [person.pk for person in people.values()],
        ).values()
    }
    lines = care_file.service_lines
    return _Existing(
        people=people,
        homes=homes,
        packages=_by_key(
            CarePackage.objects.select_for_update(of=("self",)).select_related("person"),
            "case_system_id",
            {r.package_id for r in lines},
        ),
        lines=_by_key(
            ServiceLine.objects.select_for_update(of=("self",)).select_related("package__person"),
            "case_system_id",
            {r.line_id for r in lines},
        ),
        suspensions=_by_key(
            Suspension.objects.select_for_update(of=("self",)).select_related("person"),
            "case_system_id",
            {r.suspension_id for r in care_file.suspensions},
        ),
        services=_by_key(Service.objects.all(), "code", {r.service_code for r in lines}),
        providers=_by_key(
            Provider.objects.all(), "code", {r.provider_code for r in lines if r.provider_code}
        ),
    )


def _records_naming_a_person(
    care_file: CareFile,
) -> list[ServiceLineRecord | SuspensionRecord]:
    return [*care_file.service_lines, *care_file.suspensions]


def _by_key(queryset: QuerySet[M], key: str, values: Iterable[Any]) -> dict[Any, M]:
    wanted = sorted(set(values))
    found: dict[Any, M] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        for instance in queryset.filter(**{f"{key}__in": wanted[start : start + QUERY_CHUNK]}):
            found[getattr(instance, key)] = instance
    return found


class _CareApplier:
    """Applies a checked file inside the caller's transaction, counting and auditing each write."""

    def __init__(self, batch: ImportBatch, actor: Any) -> None:
        self.actor = actor
        self.reason = f"Care data import {batch.pk}"
        self.counts = dict.fromkeys(COUNT_KEYS, 0)
        self.references = _AccountReferences()

    def apply(self, care_file: CareFile) -> dict[str, int]:
        existing = _load_existing(care_file)
        problems = _problems_before_applying(care_file, existing)
        if problems:
            raise _Refused(problems)
        for person_record in care_file.people:
            self._apply_person(person_record, existing)
        packages = self._apply_packages(care_file.service_lines, existing)
        for line_record in care_file.service_lines:
            self._apply_line(line_record, packages, existing)
        for suspension_record in care_file.suspensions:
            self._apply_suspension(suspension_record, existing)
        return self.counts

    # People and their home address.

    def _apply_person(self, record: PersonRecord, existing: _Existing) -> None:
        person = existing.people.get(record.person_id)
        home_values = _home_values(record)
        if person is None:
            person = self._create_person(record)
            existing.people[record.person_id] = person
            if home_values is not None:
                self._create(Address(person=person, role=AddressRole.HOME, **home_values))
            self.counts["people_created"] += 1
            return
        changed = self._update(person, _person_values(record))
        if home_values is not None:
            home = existing.homes.get(person.pk)
            if home is None:
                self._create(Address(person=person, role=AddressRole.HOME, **home_values))
                changed = True
            else:
                changed = self._update(home, home_values) or changed
        self.counts["people_updated" if changed else "people_unchanged"] += 1

    def _create_person(self, record: PersonRecord) -> ServiceUser:
        person = ServiceUser(case_system_id=record.person_id, **_person_values(record))
        for _ in range(REFERENCE_ATTEMPTS):
            person.account_reference = self.references.take()
            try:
                # A savepoint, so a clash on the reference can be retried without losing the
                # rest of the import.
                with transaction.atomic():
                    person.save()
            except IntegrityError:
                if not ServiceUser.objects.filter(
                    account_reference=person.account_reference
                ).exists():
                    raise  # some other constraint: not ours to retry
                self.references.resync()
                continue
            self._audit_create(person)
            return person
        raise RuntimeError(f"No free account reference after {REFERENCE_ATTEMPTS} attempts")

    # Care packages, their lines and suspensions.

    def _apply_packages(
        self, lines: Sequence[ServiceLineRecord], existing: _Existing
    ) -> dict[str, CarePackage]:
        packages: dict[str, CarePackage] = {}
        # The checks made sure every line of a package agrees on its person and funding.
        for package_id, first in _first_line_of_each_package(lines).items():
            values = _funding_values(first)
            package = existing.packages.get(package_id)
            if package is None:
                person = existing.people[first.person_id]
                package = self._create(
                    CarePackage(person=person, case_system_id=package_id, **values)
                )
                self.counts["packages_created"] += 1
            else:
                self._count("packages", self._update(package, values))
            packages[package_id] = package
        return packages

    def _apply_line(
        self, record: ServiceLineRecord, packages: Mapping[str, CarePackage], existing: _Existing
    ) -> None:
        values = _line_values(record, packages[record.package_id], existing)
        line = existing.lines.get(record.line_id)
        if line is None:
            self._create(ServiceLine(case_system_id=record.line_id, **values))
            self.counts["lines_created"] += 1
        else:
            self._count("lines", self._update(line, values))

    def _apply_suspension(self, record: SuspensionRecord, existing: _Existing) -> None:
        values = {
            "person": existing.people[record.person_id],
            "reason": record.reason,
            "start_date": record.start_date,
            "end_date": record.end_date,
        }
        suspension = existing.suspensions.get(record.suspension_id)
        if suspension is None:
            self._create(Suspension(case_system_id=record.suspension_id, **values))
            self.counts["suspensions_created"] += 1
        else:
            self._count("suspensions", self._update(suspension, values))

    # Audited writes.

    def _count(self, kind: str, changed: bool) -> None:
        self.counts[f"{kind}_updated" if changed else f"{kind}_unchanged"] += 1

    def _create(self, instance: M) -> M:
        instance.save()
        self._audit_create(instance)
        return instance

    def _audit_create(self, instance: models.Model) -> None:
        record_create(actor=self.actor, instance=instance, reason=self.reason, source=AUDIT_SOURCE)

    def _update(self, instance: models.Model, values: Mapping[str, Any]) -> bool:
        """Save and audit the values that differ; False (and no write at all) if none do."""
        changed = [name for name, value in values.items() if not _same(instance, name, value)]
        if not changed:
            return False
        before = snapshot(instance, changed)
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        record_update(
            actor=self.actor,
            instance=instance,
            before=before,
            reason=self.reason,
            source=AUDIT_SOURCE,
            action="import.update",
        )
        return True


def _same(instance: models.Model, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    held = getattr(instance, getattr(field, "attname", name))
    wanted = value.pk if isinstance(value, models.Model) else value
    return bool(held == wanted)


class _AccountReferences:
    """Hands out account references after the highest one in use.

    Deriving the next number from the data (rather than a counter row) keeps references dense
    and needs no extra table; a concurrent import that takes the same number first makes our
    insert fail on the unique constraint, and `resync` then starts again from the new highest.
    """

    def __init__(self) -> None:
        self._next: int | None = None

    def take(self) -> str:
        if self._next is None:
            self._next = _highest_account_sequence() + 1
        reference = make_account_reference(self._next)
        self._next += 1
        return reference

    def resync(self) -> None:
        self._next = None


def _highest_account_sequence() -> int:
    # Only references in carecharge's own 8-digit form count; a migrated legacy reference in
    # another form must not derail the sequence.
    top = ServiceUser.objects.filter(account_reference__regex=r"^[0-9]{8}$").aggregate(
        top=Max("account_reference")
    )["top"]
    return int(top[:7]) if top else 0


# --- What each record sets --------------------------------------------------------------------


def _person_values(record: PersonRecord) -> dict[str, Any]:
    values: dict[str, Any] = {
        "forename": record.forename,
        "surname": record.surname,
        "date_of_birth": record.date_of_birth,
    }
    optional = {
        "title": record.title,
        "nhs_number": record.nhs_number,
        "ni_number": record.ni_number,
        "phone": record.phone,
        "email": record.email,
        "date_of_death": record.date_of_death,
    }
    # A blank in the file never erases what carecharge holds (see the module docstring).
    values.update({name: value for name, value in optional.items() if value is not None})
    return values


def _home_values(record: PersonRecord) -> dict[str, str] | None:
    # The validator insists on the first line and a postcode whenever any part is given.
    if record.address_line_1 is None:
        return None
    return {
        "line_1": record.address_line_1,
        "line_2": record.address_line_2 or "",
        "town": record.town or "",
        "postcode": record.postcode or "",
    }


def _funding_values(record: ServiceLineRecord) -> dict[str, bool]:
    return {flag: getattr(record, flag) for flag in FUNDING_FLAGS}


def _line_values(
    record: ServiceLineRecord, package: CarePackage, existing: _Existing
) -> dict[str, Any]:
    return {
        "package": package,
        "service": existing.services[record.service_code],
        "provider": existing.providers[record.provider_code] if record.provider_code else None,
        # Held to 2 places, as the column is, so "10.5" and the stored "10.50" compare equal.
        "units_per_week": record.units_per_week.quantize(Decimal("0.01")),
        "unit_cost_pence": record.unit_cost_pence,
        "days": " ".join(record.days),
        "start_date": record.start_date,
        "end_date": record.end_date,
    }


def _first_line_of_each_package(
    lines: Sequence[ServiceLineRecord],
) -> dict[str, ServiceLineRecord]:
    first: dict[str, ServiceLineRecord] = {}
    for record in lines:
        first.setdefault(record.package_id, record)
    return first


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


# --- Telling officers what happened -----------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    key: str
    one: str
    many: str = field(default="")

    def noun(self, count: int) -> str:
        return self.one if count == 1 else (self.many or f"{self.one}s")


SUMMARY_KINDS = (
    _Kind("people", "person", "people"),
    _Kind("packages", "care package"),
    _Kind("lines", "service line"),
    _Kind("suspensions", "suspension"),
)


def import_summary(batch: ImportBatch) -> str:
    """One plain-English sentence saying what an import did, for officers."""
    if batch.status == ImportStatus.DUPLICATE:
        return _duplicate_summary(batch)
    if batch.status == ImportStatus.REJECTED:
        count = len(batch.problems)
        found = "1 problem was" if count == 1 else f"{count} problems were"
        return f"{batch.filename} was not imported: {found} found and nothing was changed."
    changes = [phrase for kind in SUMMARY_KINDS if (phrase := _change_phrase(kind, batch.counts))]
    if not changes:
        return (
            f"Imported {batch.filename}: everything in it was already up to date, so nothing "
            "was changed."
        )
    return f"Imported {batch.filename}: {', '.join(changes)}."


def _duplicate_summary(batch: ImportBatch) -> str:
    earlier = batch.duplicate_of
    if earlier is None:
        return f"{batch.filename} was already imported: nothing was changed."
    when = dateformat.format(timezone.localtime(earlier.received_at), "j F Y")
    return (
        f"{batch.filename} was already imported on {when} (import {earlier.pk}): nothing was "
        "changed."
    )


def _change_phrase(kind: _Kind, counts: Mapping[str, int]) -> str:
    added = counts.get(f"{kind.key}_created", 0)
    changed = counts.get(f"{kind.key}_updated", 0)
    if added and changed:
        return f"{added} {kind.noun(added)} added, {changed} changed"
    if added:
        return f"{added} {kind.noun(added)} added"
    if changed:
        return f"{changed} {kind.noun(changed)} changed"
    return ""
