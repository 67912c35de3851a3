"""Outcome letters: issued from a completed assessment, stored with their hash, addressed to the
right person, never changed, reproducible months later, and served only to the right staff.

The drafts carry their own `policy` and `overrides.mig`, so the figures follow from the inputs
(as in the assessment tests): pension £230.25 counted, PIP mobility £29.20 disregarded, £10,000
savings below the lower limit, MIG £200.00, so the weekly charge is £30.25.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from django.db import DatabaseError, connection, transaction
from django.test import Client

from carecharge.apps.accounts.roles import Role
from carecharge.apps.assessments import operations as assessments
from carecharge.apps.assessments.models import Assessment, CapitalItem, IncomeItem
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.documents import operations, queries
from carecharge.apps.documents.models import Document, DocumentImmutable
from carecharge.apps.documents.outcome_letter import TEMPLATE
from carecharge.apps.documents.rendering import (
    RENDERER,
    render_html,
    render_pdf,
    template_hash,
    template_sources,
)
from carecharge.apps.people import operations as people
from carecharge.apps.people.models import Address, Representative, ServiceUser
from carecharge.apps.web.council import rulebook
from carecharge.core.money import parse_pounds

pytestmark = pytest.mark.django_db
RULES = Path(__file__).resolve().parents[2] / "rules"
PLAIN_POLICY = {
    "dre_mode": "itemised",
    "minimum_weekly_charge": "0.00",
    "taper_percent": "100",
    "disregard_night_care_element": False,
    "housing_costs_allowed": True,
}
LETTER_DATE = date(2025, 6, 10)
MM_PER_PX = 25.4 / 96


@pytest.fixture
def person() -> ServiceUser:
    person = ServiceUser.objects.create(
        account_reference="00000018", title="Mrs", forename="Edith", surname="Cavell",
        date_of_birth=date(1945, 12, 4),
    )  # fmt: skip
    IncomeItem.objects.create(
        person=person, type="new_state_pension", weekly_pence=23025, start_date=date(2025, 4, 7)
    )
    IncomeItem.objects.create(
        person=person, type="pip_mobility", rate="standard", weekly_pence=2920,
        start_date=date(2025, 4, 7),
    )  # fmt: skip
    CapitalItem.objects.create(
        person=person, type="savings", amount_pence=1_000_000, valued_on=date(2025, 5, 1)
    )
    Address.objects.create(
        person=person, role="home", line_1="12 Orchard Way", town="Northfield", postcode="NF2 3BB"
    )
    return person


def completed(
    person: ServiceUser, start: date = date(2025, 6, 2), *, pension: str = "230.25", **extra: Any
) -> Assessment:
    draft = assessments.assessment_start(
        person=person, setting=extra.pop("setting", "non_residential"), effective_from=start,
        actor=None,
    )  # fmt: skip
    request = dict(draft.request)
    request["income"] = [
        {"type": "new_state_pension", "weekly": pension},
        {"type": "pip_mobility", "rate": "standard", "weekly": "29.20"},
    ]
    request["weekly_cost_of_care"] = "300.00"
    request["policy"] = PLAIN_POLICY
    request["overrides"] = {"mig": "200.00", "pea": "30.65"}
    request.update(extra)
    draft = assessments.assessment_save_draft(assessment=draft, request=request, actor=None)
    return assessments.assessment_complete(assessment=draft, actor=None, book=rulebook())


@pytest.fixture
def assessment(person: ServiceUser) -> Assessment:
    return completed(person)


def issue(assessment: Assessment, **kwargs: Any) -> Document:
    kwargs.setdefault("issued_on", LETTER_DATE)
    return operations.issue_assessment_outcome_letter(assessment=assessment, actor=None, **kwargs)


def pages_text(document: Document) -> list[str]:
    """The words on each laid-out page of the letter: what WeasyPrint draws into the PDF,
    footers included (no PDF text extractor is needed)."""
    html = render_html(document.template, document.snapshot)
    laid_out = weasyprint.HTML(string=html).render()
    return [" ".join(_texts(page._page_box)) for page in laid_out.pages]


def _texts(box: Any) -> Iterator[str]:
    if hasattr(box, "text"):
        yield box.text
    for child in getattr(box, "children", []):
        yield from _texts(child)


def _find(box: Any, part: str) -> Any:
    element = getattr(box, "element", None)
    if element is not None and element.get("data-part") == part:
        return box
    for child in getattr(box, "children", []):
        found = _find(child, part)
        if found is not None:
            return found
    return None


# ---- issuing ---------------------------------------------------------------------------------


def test_an_outcome_letter_is_stored_with_the_hash_of_its_bytes(assessment: Assessment) -> None:
    document = issue(assessment)
    stored = Document.objects.get(pk=document.pk)
    content = bytes(stored.pdf)
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size_bytes == len(content)
    assert (stored.kind, stored.variant, stored.issued_on) == (
        "assessment_outcome",
        "standard",
        LETTER_DATE,
    )
    assert stored.person_id == assessment.person_id and stored.assessment_id == assessment.pk
    assert stored.recipient_name == "Mrs Edith Cavell"
    assert stored.recipient_address == "12 Orchard Way\nNorthfield\nNF2 3BB"
    assert stored.template == TEMPLATE
    assert stored.template_hash == template_hash(TEMPLATE)
    assert stored.renderer == RENDERER
    assert stored.file_name == "assessment-outcome-letter-00000018-2025-06-10.pdf"
    event = AuditEvent.objects.get(object_type="documents.document", object_id=str(document.pk))
    assert event.action == "create"
    assert event.changes["sha256"] == [None, stored.sha256]
    assert event.changes["recipient_name"] == [None, "Mrs Edith Cavell"]
    assert "pdf" not in event.changes and "snapshot" not in event.changes


def test_the_snapshot_holds_the_assessments_own_figures(assessment: Assessment) -> None:
    snapshot = issue(assessment).snapshot
    result = assessment.result
    assert result is not None
    outcome = snapshot["outcome"]
    assert outcome["weekly_charge_pence"] == assessment.weekly_charge_pence == 3025
    assert outcome["weekly_charge"] == "£30.25"
    figures = {f["key"]: f["pence"] for f in outcome["figures"]}
    assert figures["total_income"] == parse_pounds(result["total_income"]) == 25945
    assert figures["disregarded_income"] == parse_pounds(result["disregarded_income"]) == 2920
    assert figures["allowances.mig"] == 20000
    assert figures["disposable_income"] == parse_pounds(result["disposable_income"]) == 3025
    assert figures["weekly_cost_of_care"] == 30000
    assert len(outcome["steps"]) == len(result["trace"])
    assert snapshot["assessment"]["version"] == 1
    assert snapshot["assessment"]["takes_effect"] == "2 June 2025"
    assert snapshot["assessment"]["next_review"] == "2 June 2026"
    assert snapshot["assessment"]["rules_hash"] == assessment.rules_hash
    assert snapshot["date"] == "10 June 2025" and snapshot["review_by"] == "8 July 2025"
    assert snapshot["person"] == {
        "name": "Mrs Edith Cavell",
        "account_reference": "00000018",
        "deceased": False,
        "date_of_death": "",
    }
    council = snapshot["council"]
    assert council["name"] == "Northfield Borough Council"
    assert council["phone"] == "01632 960 000"
    assert council["email"] == "care.charges@northfield.example"
    assert council["address_lines"][-1] == "NF1 1AA"
    assert (council["review_request_days"], council["change_report_days"]) == (28, 28)


def test_the_letter_shows_the_figures_the_calculation_and_how_to_ask_for_a_review(
    assessment: Assessment,
) -> None:
    document = issue(assessment)
    pages = pages_text(document)
    text = " ".join(pages)
    for words in [
        "Mrs Edith Cavell",
        "12 Orchard Way",
        "NF2 3BB",
        "10 June 2025",
        "Your weekly charge from 2 June 2025",
        "£30.25",
        "From 2 June 2025 you will pay £30.25 a week towards the cost of your care and support",
        "Your weekly income",
        "£259.45",
        "Less income we do not count",
        "£29.20",
        "£200.00",
        "Your disposable income",
        "The weekly cost of your care",
        "£300.00",
        "Tell us within 28 days if:",
        "Ask within 28 days of the date of this letter (by 8 July 2025)",
        "01632 960 000",
        "care.charges@northfield.example",
        "Local Government and Social Care Ombudsman",
        "We will review your financial assessment by 2 June 2026",
        "Notes: the law and guidance behind each step",
        "Care Act 2014 ss14 and 17",
    ]:
        assert words in text, words
    assert "(figure not yet verified)" not in text
    assert "england.charging" not in text
    total = len(pages)
    assert total >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        assert "Our reference 00000018" in page


def test_the_address_sits_in_a_dl_envelope_window(assessment: Assessment) -> None:
    for variant in ["standard", "large_print"]:
        document = issue(assessment, variant=variant)
        html = render_html(document.template, document.snapshot)
        first = weasyprint.HTML(string=html).render().pages[0]._page_box
        block = _find(first, "recipient")
        top, left = block.position_y * MM_PER_PX, block.position_x * MM_PER_PX
        width, height = block.width * MM_PER_PX, block.height * MM_PER_PX
        assert 48 <= top <= 52 and 19 <= left <= 23, (variant, top, left)
        assert width <= 90 and height <= 40, (variant, width, height)


def test_a_large_print_letter_is_at_least_16_point(assessment: Assessment) -> None:
    standard, large = issue(assessment), issue(assessment, variant="large_print")
    assert large.variant == "large_print" and large.snapshot["large_print"] is True
    assert large.file_name.endswith("-large_print.pdf")
    assert large.sha256 != standard.sha256
    html = render_html(large.template, large.snapshot)
    assert '<body class="large-print">' in html
    laid_out = weasyprint.HTML(string=html).render()
    sizes: list[tuple[float, str]] = []

    def walk(box: Any) -> None:
        element = getattr(box, "element", None)
        if element is not None and element.get("data-part") == "recipient":
            return  # only the address is smaller, to fit the envelope window
        if hasattr(box, "text") and box.text.strip():
            sizes.append((round(box.style["font_size"] * 72 / 96, 1), box.text))
        for child in getattr(box, "children", []):
            walk(child)

    for page in laid_out.pages:
        walk(page._page_box)
    assert len(sizes) > 100  # every line of the letter, footers included
    assert min(size for size, _ in sizes) >= 16, sorted(sizes)[:3]
    assert ("£30.25", 32.0) in {(text, size) for size, text in sizes}
    assert len(pages_text(large)) > len(pages_text(standard))


def test_a_letter_re_renders_byte_for_byte_from_its_snapshot(assessment: Assessment) -> None:
    document = issue(assessment)
    assert render_pdf(document.template, document.snapshot) == bytes(document.pdf)
    check = operations.verify(document)
    assert check.ok and check.stored_intact and check.reproduced and check.template_unchanged
    assert "re-renders byte for byte" in check.explanation


def test_the_template_hash_covers_the_layout_and_the_stylesheet() -> None:
    names = [name for name, _ in template_sources(TEMPLATE)]
    assert names == [
        TEMPLATE,
        "documents/letters/base.html",
        "documents/letters/letter.css",
    ]


# ---- refusals ---------------------------------------------------------------------------------


def test_a_draft_has_no_outcome_letter(person: ServiceUser) -> None:
    draft = assessments.assessment_start(
        person=person, setting="non_residential", effective_from=date(2025, 6, 2), actor=None
    )
    with pytest.raises(operations.DocumentError, match=r"^assessment: version 1 is a draft"):
        issue(draft)
    assert not Document.objects.exists()


def test_a_superseded_version_has_no_new_outcome_letter(person: ServiceUser) -> None:
    first = completed(person)
    completed(person, date(2025, 9, 1), pension="250.25")
    with pytest.raises(
        operations.DocumentError,
        match="version 1 was superseded by version 2 from 1 September 2025",
    ):
        issue(first)
    assert not Document.objects.exists()


def test_an_unknown_variant_or_a_long_reason_is_refused(assessment: Assessment) -> None:
    with pytest.raises(operations.DocumentError, match=r"^variant: 'braille'"):
        issue(assessment, variant="braille")
    with pytest.raises(operations.DocumentError, match=r"^reason: must be 1000 characters"):
        issue(assessment, reason="x" * 1001)
    assert not Document.objects.exists()


def test_someone_with_no_address_gets_no_letter(person: ServiceUser) -> None:
    done = completed(person)
    Address.objects.filter(person=person).delete()
    with pytest.raises(operations.DocumentError, match="has no correspondence or home address"):
        issue(done)


# ---- who the letter goes to -------------------------------------------------------------------


def representative(person: ServiceUser, **fields: Any) -> Representative:
    values: dict[str, Any] = {
        "kind": "deputy", "name": "Mr Arthur Cavell", "line_1": "3 Mill Lane",
        "town": "Southfield", "postcode": "NF9 8ZZ", "receives_letters": True,
        "start_date": date(2024, 1, 1),
    }  # fmt: skip
    values.update(fields)
    return Representative.objects.create(person=person, **values)


def test_a_representative_who_receives_letters_is_written_to(
    person: ServiceUser, assessment: Assessment
) -> None:
    representative(person)
    document = issue(assessment)
    assert document.recipient_name == "Mr Arthur Cavell"
    assert document.recipient_address == "3 Mill Lane\nSouthfield\nNF9 8ZZ"
    assert document.snapshot["recipient"]["capacity"] == "Court of Protection deputy"
    text = " ".join(pages_text(document))
    assert "Dear Mr Arthur Cavell," in text
    assert "you deal with the money of Mrs Edith Cavell (Court of Protection deputy)" in text
    assert "About Mrs Edith Cavell" in text


def test_a_representative_who_does_not_receive_letters_or_has_ended_is_passed_over(
    person: ServiceUser, assessment: Assessment
) -> None:
    representative(person, receives_letters=False)
    representative(person, name="Ms Former Deputy", end_date=date(2025, 5, 31))
    Address.objects.create(
        person=person, role="correspondence", line_1="PO Box 7", town="Northfield",
        postcode="NF1 9XY",
    )  # fmt: skip
    document = issue(assessment)
    # Correspondence comes before home.
    assert (document.recipient_name, document.recipient_address) == (
        "Mrs Edith Cavell",
        "PO Box 7\nNorthfield\nNF1 9XY",
    )


def test_a_representative_without_a_postal_address_is_refused(
    person: ServiceUser, assessment: Assessment
) -> None:
    representative(person, line_1="", postcode="")
    with pytest.raises(operations.DocumentError, match="receives letters but has no postal"):
        issue(assessment)


def test_a_letter_is_never_addressed_to_someone_who_has_died(
    person: ServiceUser, assessment: Assessment
) -> None:
    ServiceUser.objects.filter(pk=person.pk).update(date_of_death=date(2025, 6, 8))
    with pytest.raises(operations.DocumentError) as refused:
        issue(assessment)
    assert str(refused.value) == (
        "recipient: Mrs Edith Cavell died on 8 June 2025. Record the executor or administrator "
        "of their estate as a representative before sending letters."
    )
    assert not Document.objects.exists()
    representative(
        person, kind="executor", name="Ms Grace Cavell", receives_letters=False,
        start_date=date(2025, 6, 9),
    )  # fmt: skip
    document = issue(assessment)
    assert document.recipient_name == "Ms Grace Cavell"
    text = " ".join(pages_text(document))
    assert "who died on 8 June 2025" in text
    assert "as the executor or administrator of their estate" in text
    assert "Dear Mrs Edith Cavell" not in text


# ---- reproducible and never changed -----------------------------------------------------------


@pytest.fixture
def changeable_rules(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A copy of the rules this test may change; the cached rule book follows it."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    settings.RULES_DIR = root
    rulebook.cache_clear()
    yield root
    rulebook.cache_clear()


def test_a_reprint_after_the_assessment_person_and_rules_change_shows_the_original_figures(
    person: ServiceUser, changeable_rules: Path
) -> None:
    first = completed(person)
    letter = issue(first, issued_on=date(2025, 6, 3))
    original = bytes(letter.pdf)
    # Everything the letter was made from now changes: the person's name and address, the
    # assessment (revised from September, superseding version 1), and the council's rules.
    people.person_update_details(
        person=person, changes={"surname": "Nightingale"}, actor=None, reason="Married"
    )
    Address.objects.filter(person=person).update(line_1="1 New Road")
    second = completed(person, date(2025, 9, 1), pension="250.25")
    phone = changeable_rules / "local" / "demo" / "council" / "phone.yaml"
    phone.write_text(
        phone.read_text()
        + "  2025-06-05:\n    value: 01632 960 999\n    reference:\n"
        + '      - title: "Demo council: a fictional council used for demonstrations and tests"\n'
    )
    rulebook.cache_clear()
    assert rulebook().as_at(date(2025, 6, 10)).text("local.demo.council.phone") == "01632 960 999"

    reprint = Document.objects.get(pk=letter.pk)
    assert bytes(reprint.pdf) == original
    assert queries.stored_pdf(reprint) == original
    assert operations.verify(reprint).ok
    text = " ".join(pages_text(reprint))
    assert "£30.25" in text and "Mrs Edith Cavell" in text and "12 Orchard Way" in text
    assert "01632 960 000" in text
    assert "Nightingale" not in text and "01632 960 999" not in text

    newer = issue(second, issued_on=date(2025, 9, 2))
    text = " ".join(pages_text(newer))
    assert "£50.25" in text and "Mrs Edith Nightingale" in text and "1 New Road" in text
    assert "01632 960 999" in text


def test_an_issued_document_is_never_changed_or_deleted(assessment: Assessment) -> None:
    document = issue(assessment)
    document.recipient_name = "Someone else"
    with pytest.raises(DocumentImmutable):
        document.save()
    with pytest.raises(DocumentImmutable):
        document.delete()
    with pytest.raises(DocumentImmutable):
        Document.objects.filter(pk=document.pk).update(recipient_name="Someone else")
    with pytest.raises(DocumentImmutable):
        Document.objects.filter(pk=document.pk).delete()
    # Below the model, the database refuses too (triggers on SQLite and PostgreSQL).
    for sql, params in [
        ("UPDATE documents_document SET pdf = %s", [b"%PDF-forged"]),
        ("DELETE FROM documents_document", []),
    ]:
        with (
            pytest.raises(DatabaseError, match="never changed"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    stored = Document.objects.get(pk=document.pk)
    assert stored.recipient_name == "Mrs Edith Cavell"
    assert hashlib.sha256(bytes(stored.pdf)).hexdigest() == stored.sha256


def test_altered_bytes_are_detected_and_never_served(assessment: Assessment) -> None:
    document = issue(assessment)
    document.pdf = bytes(document.pdf).replace(b"%PDF-", b"%PDF-altered-", 1)
    check = operations.verify(document)
    assert not check.ok and not check.stored_intact
    assert "altered" in check.explanation
    with pytest.raises(queries.DocumentAltered):
        queries.stored_pdf(document)


def test_verification_explains_a_changed_wording(assessment: Assessment) -> None:
    document = issue(assessment)
    document.template_hash = "0" * 64  # as if issued with an older wording
    document.snapshot = {**document.snapshot, "date": "11 June 2025"}
    check = operations.verify(document)
    assert check.stored_intact and not check.reproduced and not check.template_unchanged
    assert not check.ok
    assert "wording has changed" in check.explanation


# ---- screens ----------------------------------------------------------------------------------


@pytest.fixture
def assessor(client_for: Any) -> Client:
    client: Client = client_for(Role.ASSESSMENT_OFFICER)
    return client


def test_an_assessor_creates_the_letter_from_the_assessment_page(
    assessor: Client, assessment: Assessment
) -> None:
    page = assessor.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'id="letters"' in page and "No letters have been sent for this assessment." in page
    assert "Create outcome letter" in page and "Create large-print outcome letter" in page
    response = assessor.post(
        f"/documents/assessment/{assessment.pk}/outcome-letter/",
        {"variant": "large_print", "reason": "Annual review"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{assessment.pk}/#letters"
    document = Document.objects.get()
    assert (document.variant, document.reason) == ("large_print", "Annual review")
    assert document.created_by is not None
    assert document.created_by.username == "test.financial_assessment_officer"
    page = assessor.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "The large print outcome letter was created" in page
    assert f'href="/documents/{document.pk}/pdf/"' in page
    assert "Assessment outcome letter" in page and "Annual review" in page
    assert document.sha256[:12] in page


def test_a_draft_assessment_page_offers_no_letter_and_a_post_is_refused(
    assessor: Client, person: ServiceUser
) -> None:
    draft = assessments.assessment_start(
        person=person, setting="non_residential", effective_from=date(2025, 6, 2), actor=None
    )
    page = assessor.get(f"/assessments/{draft.pk}/").content.decode()
    assert "Create outcome letter" not in page
    assert "An outcome letter can only be sent for a completed assessment" in page
    response = assessor.post(f"/documents/assessment/{draft.pk}/outcome-letter/")
    assert response.status_code == 400
    assert "Version 1 is a draft. Complete it before sending its outcome letter." in (
        response.content.decode().replace("version 1", "Version 1")
    )
    assert not Document.objects.exists()


def test_casework_staff_download_the_stored_pdf_but_only_assessors_create_letters(
    client_for: Any, assessment: Assessment
) -> None:
    document = issue(assessment)
    officer = client_for(Role.CHARGING_OFFICER)
    page = officer.get(f"/assessments/{assessment.pk}/").content.decode()
    assert f'href="/documents/{document.pk}/pdf/"' in page
    assert "Create outcome letter" not in page
    response = officer.get(f"/documents/{document.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="assessment-outcome-letter-00000018-2025-06-10.pdf"'
    )
    assert response.content == bytes(document.pdf)
    assert officer.post(f"/documents/assessment/{assessment.pk}/outcome-letter/").status_code == (
        403
    )
    assert client_for(Role.ADMINISTRATOR).get(f"/documents/{document.pk}/pdf/").status_code == 403
    assert Document.objects.count() == 1


def test_the_letters_tab_lists_every_letter_for_the_person(
    client_for: Any, person: ServiceUser, assessment: Assessment
) -> None:
    officer = client_for(Role.CHARGING_OFFICER)
    empty = officer.get(f"/people/{person.pk}/").content.decode()
    assert f'href="/documents/person/{person.pk}/"' in empty
    tab = officer.get(f"/documents/person/{person.pk}/").content.decode()
    assert "No letters have been sent about Mrs Edith Cavell yet." in tab
    standard, large = issue(assessment), issue(assessment, variant="large_print")
    page = officer.get(f"/documents/person/{person.pk}/").content.decode()
    for document in (standard, large):
        assert f'href="/documents/{document.pk}/pdf/"' in page
    assert "Large print" in page and "Assessment version 1" in page
    assert page.count("Mrs Edith Cavell") >= 2


def test_a_restricted_persons_letter_is_refused_or_audited(
    client_for: Any, person: ServiceUser, assessment: Assessment
) -> None:
    document = issue(assessment)
    ServiceUser.objects.filter(pk=person.pk).update(restricted=True)
    officer = client_for(Role.CHARGING_OFFICER)
    assert officer.get(f"/documents/{document.pk}/pdf/").status_code == 403
    assert AuditEvent.objects.filter(
        action="restricted.refused", object_id=str(person.pk), reason__contains="letter"
    ).exists()
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()
    senior = client_for(Role.SENIOR_OFFICER)
    for _ in range(2):
        response = senior.get(f"/documents/{document.pk}/pdf/")
        assert response.status_code == 200 and response.content == bytes(document.pdf)
    downloads = AuditEvent.objects.filter(
        action="document.downloaded", object_type="documents.document", object_id=str(document.pk)
    )
    assert downloads.count() == 2
    download = downloads.first()
    assert download is not None
    assert download.actor_name == "test.senior_officer"
    assert download.reason == f"Downloaded {document.file_name}"
    # Creating a restricted person's letter is refused to assessors who may not open the record.
    assessor = client_for(Role.ASSESSMENT_OFFICER)
    url = f"/documents/assessment/{assessment.pk}/outcome-letter/"
    assert assessor.post(url).status_code == 403
    assert Document.objects.count() == 1


def test_the_verify_command_checks_every_stored_letter(assessment: Assessment) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    document = issue(assessment)
    out = StringIO()
    call_command("documents", "verify", stdout=out)
    text = out.getvalue()
    assert (
        f"{document.pk} Assessment outcome letter of 10/06/2025: The stored PDF is intact" in text
    )
    assert text.endswith(
        "1 checked: 1 re-render byte for byte, 0 intact but no longer re-render identically, "
        "0 altered.\n"
    )
    with pytest.raises(CommandError, match="No document with id 999"):
        call_command("documents", "verify", str(document.pk), "999", stdout=StringIO())
