"""Recording who else pays for, or funds, a person's care: top-up agreements, NHS Continuing
Healthcare awards, and the organisations (integrated care boards, other councils) they name.

Every write is audited. Nothing here is deleted: a top-up agreement or an award is ended by its
end date, and an award recorded by mistake is withdrawn with a reason. Billing reads these
records and re-rates the weeks they touch, so a change here never edits an invoice.

Errors are `FundingError`s whose message is ``"<field>: <why>"``, so a screen can put the
message against the field it is about.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from carecharge.apps.audit.operations import record_create, record_update, snapshot
from carecharge.apps.people.models import (
    Organisation,
    OrganisationKind,
    ServiceUser,
    ThirdPartyPayer,
)
from carecharge.core.identifiers import normalise_postcode
from carecharge.core.money import format_pounds

from .models import (
    CARE_HOME_CATEGORIES,
    ChcAward,
    FirstPartyBasis,
    ServiceLine,
    TopUpAgreement,
)

NOTE_LIMIT = 500
REFERENCE_LIMIT = 60


class FundingError(ValueError):
    """A record cannot be made as asked; the message is ``"<field>: <why>"``."""

    @property
    def field(self) -> str:
        return str(self).partition(": ")[0]

    @property
    def message(self) -> str:
        return str(self).partition(": ")[2] or str(self)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def _span(start: date, end: date | None) -> str:
    return f"from {_day(start)}" + (f" to {_day(end)}" if end else "")


def _overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    return start <= (other_end or date.max) and other_start <= (end or date.max)


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise FundingError(f"note: a note must be {NOTE_LIMIT} characters or fewer")
    return note


def _check_end(start: date, end: date | None, what: str) -> None:
    if end is not None and end < start:
        raise FundingError(f"end_date: {what} cannot end before it starts ({_day(start)})")


# --- Top-up agreements ------------------------------------------------------------------------


@transaction.atomic
def record_top_up_agreement(
    *,
    person: ServiceUser,
    payer: ThirdPartyPayer | None,
    line: ServiceLine,
    weekly_pence: int,
    start_date: date,
    end_date: date | None,
    signed_on: date,
    next_review_date: date,
    first_party_basis: str = "",
    note: str = "",
    actor: Any,
    today: date | None = None,
    source: str = "web",
) -> TopUpAgreement:
    """Record a signed top-up agreement for one of the person's care-home lines.

    ``payer`` is None for a first-party top-up (paid by the resident), which the statutory
    guidance allows only during the 12-week property disregard or under a deferred payment
    agreement: ``first_party_basis`` says which.
    """
    today = today or timezone.localdate()
    # Locking the person serialises two officers recording the same agreement at once.
    ServiceUser.objects.select_for_update().filter(pk=person.pk).first()
    _check_payer(person, payer, first_party_basis, start_date)
    _check_care_home_line(person, line, start_date)
    if weekly_pence <= 0:
        raise FundingError("weekly_amount: the weekly top-up must be more than £0.00")
    _check_end(start_date, end_date, "an agreement")
    if signed_on > today:
        raise FundingError(
            f"signed_on: the date it was signed cannot be after today ({_day(today)})"
        )
    if next_review_date <= signed_on:
        raise FundingError("next_review_date: the next review must be after the date it was signed")
    for other in TopUpAgreement.objects.filter(person=person, line=line, payer=payer):
        if _overlaps(start_date, end_date, other.start_date, other.end_date):
            raise FundingError(
                "start_date: an agreement with the same payer for this care home already runs "
                f"{_span(other.start_date, other.end_date)}; end it before recording a new one"
            )
    agreement = TopUpAgreement.objects.create(
        person=person,
        payer=payer,
        line=line,
        weekly_pence=weekly_pence,
        start_date=start_date,
        end_date=end_date,
        signed_on=signed_on,
        next_review_date=next_review_date,
        first_party_basis=first_party_basis if payer is None else FirstPartyBasis.NONE,
        note=_check_note(note),
        created_at=timezone.now(),
        created_by=_user(actor),
    )
    record_create(
        actor=actor,
        instance=agreement,
        reason=f"Top-up agreement of {format_pounds(weekly_pence)} a week recorded",
        source=source,
    )
    return agreement


def _check_payer(
    person: ServiceUser, payer: ThirdPartyPayer | None, basis: str, start_date: date
) -> None:
    if payer is None:
        if basis not in {FirstPartyBasis.PROPERTY_DISREGARD, FirstPartyBasis.DEFERRED_PAYMENT}:
            raise FundingError(
                "first_party_basis: a resident may top up their own fees only during the "
                "12-week property disregard or under a deferred payment agreement; choose which"
            )
        return
    if payer.person_id != person.pk:
        raise FundingError(f"payer: {payer.name} is not a top-up payer for this person")
    if basis:
        raise FundingError(
            "first_party_basis: only a top-up paid by the resident has a basis; leave it blank "
            "when someone else pays"
        )
    if payer.end_date is not None and payer.end_date < start_date:
        raise FundingError(
            f"payer: {payer.name} stopped paying top-ups on {_day(payer.end_date)}, before "
            "this agreement would start"
        )


def _check_care_home_line(person: ServiceUser, line: ServiceLine, start_date: date) -> None:
    if line.package.person_id != person.pk:
        raise FundingError(f"line: service line {line.case_system_id} is not this person's")
    if line.service.category not in CARE_HOME_CATEGORIES:
        raise FundingError(
            f"line: a top-up is only for a care home (residential or nursing) line; "
            f"{line.case_system_id} is {line.service.get_category_display().lower()}"
        )
    if start_date < line.start_date:
        raise FundingError(
            f"start_date: service line {line.case_system_id} starts on {_day(line.start_date)}; "
            "a top-up cannot start before the placement"
        )
    if line.end_date is not None and start_date > line.end_date:
        raise FundingError(
            f"start_date: service line {line.case_system_id} ended on {_day(line.end_date)}; "
            "a top-up cannot start after the placement ended"
        )


@transaction.atomic
def end_top_up_agreement(
    *,
    agreement: TopUpAgreement,
    end_date: date,
    reason: str,
    actor: Any,
    source: str = "web",
) -> TopUpAgreement:
    """Set (or correct) the last day of an agreement; billing stops the top-up after it."""
    locked = TopUpAgreement.objects.select_for_update().get(pk=agreement.pk)
    reason = reason.strip()
    _check_end(locked.start_date, end_date, "an agreement")
    if end_date == locked.end_date:
        raise FundingError(f"end_date: the agreement already ends on {_day(end_date)}")
    if not reason:
        raise FundingError("reason: say why the agreement ends, like 'Payer gave notice'")
    before = snapshot(locked, ["end_date"])
    locked.end_date = end_date
    locked.save(update_fields=["end_date"])
    record_update(
        actor=actor, instance=locked, before=before, reason=reason, source=source, action="end"
    )
    return locked


# --- NHS Continuing Healthcare awards ---------------------------------------------------------


@transaction.atomic
def record_chc_award(
    *,
    person: ServiceUser,
    icb: Organisation,
    start_date: date,
    end_date: date | None,
    decided_on: date,
    reference: str,
    note: str = "",
    actor: Any,
    today: date | None = None,
    source: str = "web",
) -> ChcAward:
    """Record an integrated care board's award of NHS Continuing Healthcare (often backdated):
    billing stops the person's charges from ``start_date`` and recharges the board."""
    today = today or timezone.localdate()
    ServiceUser.objects.select_for_update().filter(pk=person.pk).first()
    if icb.kind != OrganisationKind.INTEGRATED_CARE_BOARD:
        raise FundingError(f"icb: {icb.name} is not an integrated care board")
    if not icb.active:
        raise FundingError(f"icb: {icb.name} is no longer active")
    _check_end(start_date, end_date, "an award")
    if decided_on > today:
        raise FundingError(f"decided_on: the decision date cannot be after today ({_day(today)})")
    reference = reference.strip()
    if not reference:
        raise FundingError("reference: enter the board's reference for its decision")
    if len(reference) > REFERENCE_LIMIT:
        raise FundingError(f"reference: must be {REFERENCE_LIMIT} characters or fewer")
    for other in ChcAward.objects.filter(person=person, withdrawn_at__isnull=True):
        if _overlaps(start_date, end_date, other.start_date, other.end_date):
            raise FundingError(
                f"start_date: award {other.reference} already covers "
                f"{_span(other.start_date, other.end_date)}; end or withdraw it first"
            )
    award = ChcAward.objects.create(
        person=person,
        icb=icb,
        start_date=start_date,
        end_date=end_date,
        decided_on=decided_on,
        reference=reference,
        note=_check_note(note),
        recorded_at=timezone.now(),
        recorded_by=_user(actor),
    )
    record_create(
        actor=actor,
        instance=award,
        reason=f"NHS Continuing Healthcare awarded by {icb.name}",
        source=source,
    )
    return award


@transaction.atomic
def end_chc_award(
    *, award: ChcAward, end_date: date, actor: Any, reason: str = "", source: str = "web"
) -> ChcAward:
    """Set (or correct) the last day of an award; charging resumes the day after."""
    locked = ChcAward.objects.select_for_update().get(pk=award.pk)
    if locked.withdrawn_at is not None:
        raise FundingError("end_date: this award was withdrawn, so it has no end date to set")
    _check_end(locked.start_date, end_date, "an award")
    if end_date == locked.end_date:
        raise FundingError(f"end_date: the award already ends on {_day(end_date)}")
    for other in ChcAward.objects.filter(person_id=locked.person_id, withdrawn_at__isnull=True):
        if other.pk != locked.pk and _overlaps(
            locked.start_date, end_date, other.start_date, other.end_date
        ):
            raise FundingError(
                f"end_date: award {other.reference} starts on {_day(other.start_date)}; this "
                "award must end before it"
            )
    before = snapshot(locked, ["end_date"])
    locked.end_date = end_date
    locked.save(update_fields=["end_date"])
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        reason=reason.strip() or "Award ended",
        source=source,
        action="end",
    )
    return locked


@transaction.atomic
def withdraw_chc_award(
    *, award: ChcAward, reason: str, actor: Any, source: str = "web"
) -> ChcAward:
    """Withdraw an award recorded by mistake: billing treats it as never made."""
    locked = ChcAward.objects.select_for_update().get(pk=award.pk)
    reason = reason.strip()
    if locked.withdrawn_at is not None:
        raise FundingError("reason: this award has already been withdrawn")
    if not reason:
        raise FundingError("reason: say why the award is withdrawn")
    if len(reason) > NOTE_LIMIT:
        raise FundingError(f"reason: must be {NOTE_LIMIT} characters or fewer")
    fields = ["withdrawn_at", "withdrawn_by", "withdrawn_reason"]
    before = snapshot(locked, fields)
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = _user(actor)
    locked.withdrawn_reason = reason
    locked.save(update_fields=fields)
    record_update(
        actor=actor,
        instance=locked,
        before=before,
        reason=reason,
        source=source,
        action="withdraw",
    )
    return locked


# --- Organisations ----------------------------------------------------------------------------


ORGANISATION_TEXT = ("name", "line_1", "line_2", "town", "email", "invoice_reference")


def record_organisation(
    *,
    code: str,
    name: str,
    kind: str,
    actor: Any,
    line_1: str = "",
    line_2: str = "",
    town: str = "",
    postcode: str = "",
    email: str = "",
    invoice_reference: str = "",
    source: str = "web",
) -> Organisation:
    """Add a body the council invoices: an integrated care board or another council."""
    code, name = code.strip().upper(), name.strip()
    if not code:
        raise FundingError("code: enter a short code, like QWO for an integrated care board")
    if len(code) > 20 or not code.replace("-", "").replace("_", "").isalnum():
        raise FundingError(
            "code: use up to 20 letters and digits (hyphens and underscores allowed)"
        )
    if not name:
        raise FundingError("name: enter the organisation's name")
    if kind not in OrganisationKind.values:
        raise FundingError("kind: choose what kind of organisation it is")
    normal_postcode = ""
    if postcode.strip():
        normal_postcode = normalise_postcode(postcode) or ""
        if not normal_postcode:
            raise FundingError(f"postcode: {postcode.strip()} is not a valid UK postcode")
    values = {
        "name": name,
        "line_1": line_1.strip(),
        "line_2": line_2.strip(),
        "town": town.strip(),
        "email": email.strip(),
        "invoice_reference": invoice_reference.strip(),
    }
    for field_name in ORGANISATION_TEXT:
        limit = getattr(Organisation._meta.get_field(field_name), "max_length", None)
        if limit is not None and len(values[field_name]) > limit:
            raise FundingError(f"{field_name}: must be {limit} characters or fewer")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                code=code, kind=kind, postcode=normal_postcode, **values
            )
            record_create(
                actor=actor, instance=organisation, reason="Organisation added", source=source
            )
    except IntegrityError:
        if Organisation.objects.filter(code=code).exists():
            raise FundingError(f"code: there is already an organisation with code {code}") from None
        raise
    return organisation
