"""An assessment officer in a real browser: opens a completed assessment, creates its outcome
letter, downloads the PDF, and finds the letter again on the person's Letters tab."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from carecharge.apps.assessments import operations
from carecharge.apps.assessments.models import Assessment
from carecharge.apps.documents.models import Document
from carecharge.apps.people.models import Address, ServiceUser
from carecharge.apps.web.council import rulebook

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CARECHARGE_SCREENSHOTS")


@pytest.fixture
def officer(assessment_officer: Any) -> Any:
    """This module's user is a financial assessment officer."""
    return assessment_officer


@pytest.fixture
def completed(transactional_db: None) -> Assessment:
    person = ServiceUser.objects.create(
        account_reference="12345674", title="Mrs", forename="Ruth", surname="Ellison",
        date_of_birth=date(1941, 2, 14),
    )  # fmt: skip
    Address.objects.create(
        person=person, role="home", line_1="4 Beech Road", town="Northfield", postcode="NF3 4CC"
    )
    draft = operations.assessment_start(
        person=person, setting="non_residential", effective_from=date(2025, 6, 2), actor=None
    )
    request = {
        **draft.request,
        "income": [{"type": "new_state_pension", "weekly": "230.25"}],
        "capital": [{"type": "savings", "amount": "6000.00"}],
        "weekly_cost_of_care": "194.25",
        "policy": {"dre_mode": "itemised", "minimum_weekly_charge": "0.00"},
        "overrides": {"mig": "200.00"},
    }
    draft = operations.assessment_save_draft(assessment=draft, request=request, actor=None)
    return operations.assessment_complete(assessment=draft, actor=None, book=rulebook())


def test_create_and_download_an_outcome_letter(
    sign_in: Callable[[], Any], completed: Assessment, tmp_path: Path
) -> None:
    page: Page = sign_in()
    page.goto(f"/assessments/{completed.pk}/")
    expect(page.locator("[data-figure=weekly-charge]")).to_have_text("£30.25")
    letters = page.locator("#letters")
    expect(letters).to_have_text("Letters")
    expect(page.get_by_text("No letters have been sent for this assessment.")).to_be_visible()
    page.get_by_label("Why is the letter being sent? (optional)").fill("First assessment")
    page.get_by_role("button", name="Create outcome letter", exact=True).click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The standard print outcome letter was created"
    )
    document = Document.objects.get()
    assert (document.assessment_id, document.reason) == (completed.pk, "First assessment")
    table = page.locator("[data-table=letters]")
    expect(table).to_contain_text("Assessment outcome letter")
    expect(table).to_contain_text("Mrs Ruth Ellison")
    expect(table).to_contain_text("First assessment")
    expect(table).to_contain_text(document.sha256[:12])
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "letters-assessment.png"), full_page=True)

    link = table.get_by_role("link", name="Download")
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == document.file_name
    assert document.file_name.startswith("assessment-outcome-letter-12345674-")
    saved = tmp_path / "letter.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == bytes(document.pdf)

    response = page.request.get(str(link.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF-") and body == bytes(document.pdf)

    page.get_by_role("link", name="Letters", exact=True).click()
    expect(page.get_by_role("heading", name="Letters", level=1)).to_be_visible()
    listed = page.locator("[data-table=letters]")
    expect(listed).to_contain_text("Assessment version 1")
    expect(listed.get_by_role("link", name="Download")).to_have_attribute(
        "href", f"/documents/{document.pk}/pdf/"
    )
