"""The snapshot of an assessment outcome letter: every word and figure the template shows.

Built once, when the letter is issued, from the completed assessment, the person, the
recipient and the council's details in force on the letter's date. After that nothing is read
again: re-printing renders (or simply serves) this snapshot.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from django.conf import settings

from carecharge.apps.assessments.models import Assessment
from carecharge.apps.assessments.queries import deferred_payment_split
from carecharge.apps.web.council import rulebook
from carecharge.core.letters.outcome import explain
from carecharge.core.letters.wording import long_date

from .kinds import OUTCOME_LETTER
from .models import DocumentKind, DocumentVariant
from .recipients import Recipient

# Bumped when the snapshot's shape changes, so a template can still read older snapshots.
SCHEMA: Final = 1
TEMPLATE: Final = OUTCOME_LETTER


def council_details(on: date) -> dict[str, Any]:
    """The council's name and contact details in force on a date, from its local rules."""
    rules = rulebook().as_at(on)
    prefix = f"local.{settings.CARECHARGE_COUNCIL}.council."
    return {
        "name": rules.text(prefix + "name"),
        "address_lines": [
            line.strip() for line in rules.text(prefix + "postal_address").splitlines() if line
        ],
        "phone": rules.text(prefix + "phone"),
        "email": rules.text(prefix + "email"),
        "review_request_days": rules.number(prefix + "review_request_days"),
        "change_report_days": rules.number(prefix + "change_report_days"),
    }


def outcome_snapshot(
    *,
    assessment: Assessment,
    recipient: Recipient,
    issued_on: date,
    variant: str,
) -> dict[str, Any]:
    """Everything the outcome letter shows, as plain JSON values (amounts formatted, and in
    pence where a program may want to compare them)."""
    person = assessment.person
    result = assessment.result or {}
    outcome = explain(
        assessment.request,
        result,
        effective_from=assessment.effective_from,
        deferred_payment=deferred_payment_split(assessment),
    )
    council = council_details(issued_on)
    died = person.date_of_death
    return {
        "schema": SCHEMA,
        "kind": DocumentKind.ASSESSMENT_OUTCOME.value,
        "variant": variant,
        "large_print": variant == DocumentVariant.LARGE_PRINT,
        "issued_on": issued_on.isoformat(),
        "date": long_date(issued_on),
        "council": council,
        "recipient": recipient.as_dict(),
        "person": {
            "name": person.full_name,
            "account_reference": person.account_reference,
            "deceased": died is not None,
            "date_of_death": long_date(died) if died else "",
        },
        "assessment": {
            "version": assessment.version,
            "setting": assessment.setting,
            "setting_name": outcome.setting_name,
            "effective_from": assessment.effective_from.isoformat(),
            "takes_effect": long_date(assessment.effective_from),
            "next_review": (
                long_date(assessment.next_review_date) if assessment.next_review_date else ""
            ),
            "rules_hash": assessment.rules_hash,
        },
        "review_by": long_date(issued_on + timedelta(days=council["review_request_days"])),
        "outcome": outcome.as_dict(),
    }
