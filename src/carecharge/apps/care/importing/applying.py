"""Applying a checked file: upserting people, packages, lines and suspensions."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Max

from carecharge.apps.audit.operations import record_create, record_update, snapshot
from carecharge.apps.care.importing.checks import _problems_before_applying
from carecharge.apps.care.importing.constants import (
    AUDIT_SOURCE,
    COUNT_KEYS,
    FUNDING_FLAGS,
    REFERENCE_ATTEMPTS,
    M,
)
from carecharge.apps.care.importing.existing import (
    _Existing,
    _first_line_of_each_package,
    _load_existing,
)
from carecharge.apps.care.models import (
    CarePackage,
    ImportBatch,
    ServiceLine,
    Suspension,
)
from carecharge.apps.people.models import Address, AddressRole, ServiceUser
from carecharge.core.identifiers import make_account_reference
from carecharge.core.importing import (
    CareFile,
    PersonRecord,
    Problem,
    ServiceLineRecord,
    SuspensionRecord,
)

logger = logging.getLogger(__name__)


# --- Applying a checked file ------------------------------------------------------------------


class _Refused(Exception):
    """The file cannot be applied as it stands; the problems say why, line by line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


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
        died_before = person.date_of_death
        changed = self._update(person, _person_values(record))
        if died_before is None and person.date_of_death is not None:
            from carecharge.apps.directdebit.operations import cancel_for_death

            cancel_for_death(person, actor=self.actor, reason=self.reason)
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
        # A file without the collection column leaves the line's collection as it is (a new
        # line gets the default, council).
        **({"collection": record.collection} if record.collection is not None else {}),
    }
