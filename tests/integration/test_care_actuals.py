"""Provider actuals: a file applied whole or not at all, recognised when sent twice, weeks
restated by later files, figures outside the tolerance held until an officer decides, and the
current accepted figure that billing reads.

The fixture files are described in docs/provider-actuals.md. In the good file, L001 (home care,
10 hours a week) has three weeks, the third 40% over plan; L002 is reablement (free); L003
starts on a Thursday, so its first week is planned pro rata.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from carecharge.apps.accounts.roles import Role
from carecharge.apps.audit.models import AuditEvent
from carecharge.apps.care import operations, queries
from carecharge.apps.care.actuals import importing
from carecharge.apps.care.actuals.summary import actuals_summary
from carecharge.apps.care.models import (
    ActualStatus,
    CarePackage,
    ChargingMethod,
    FreeReason,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Provider,
    ProviderActual,
    Service,
    ServiceCategory,
    ServiceLine,
    Unit,
)
from carecharge.apps.care.operations import ReviewError, import_actuals_file
from carecharge.apps.people.models import ServiceUser
from carecharge.core.identifiers import make_account_reference
from carecharge.core.importing.actuals_rows import COLUMNS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
GOOD = (FIXTURES / "actuals_good.csv").read_bytes()
ELEVEN_PROBLEMS = (FIXTURES / "actuals_eleven_problems.csv").read_bytes()
BUSINESS_DATE = date(2025, 6, 30)
APRIL_7, APRIL_14, APRIL_21 = date(2025, 4, 7), date(2025, 4, 14), date(2025, 4, 21)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "files"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    home_care = Service.objects.create(
        code="HOMECARE", name="Home care", category=ServiceCategory.HOME_CARE,
        charging_method=ChargingMethod.MEANS_TESTED, unit=Unit.HOUR, cost_centre="ASC4210",
        subjective_code="52210",
    )  # fmt: skip
    reablement = Service.objects.create(
        code="REABLE", name="Reablement", category=ServiceCategory.REABLEMENT,
        charging_method=ChargingMethod.FREE, free_reason=FreeReason.REABLEMENT, unit=Unit.HOUR,
        cost_centre="ASC4010", subjective_code="52010",
    )  # fmt: skip
    first = Provider.objects.create(code="PRV001", name="Caring Hands Ltd")
    second = Provider.objects.create(code="PRV002", name="Northfield Home Support")
    margaret = ServiceUser.objects.create(
        account_reference=make_account_reference(1), case_system_id="P001",
        forename="Margaret", surname="O'Brien", date_of_birth=date(1938, 3, 12),
    )  # fmt: skip
    john = ServiceUser.objects.create(
        account_reference=make_account_reference(2), case_system_id="P002", forename="John",
        surname="Smith", date_of_birth=date(1945, 11, 30),
    )  # fmt: skip
    pkg1 = CarePackage.objects.create(person=margaret, case_system_id="PKG1")
    pkg2 = CarePackage.objects.create(person=john, case_system_id="PKG2")
    lines = {
        "L001": ServiceLine.objects.create(
            package=pkg1, case_system_id="L001", service=home_care, provider=first,
            units_per_week=Decimal(10), unit_cost_pence=2000, start_date=APRIL_7,
        ),
        "L002": ServiceLine.objects.create(
            package=pkg1, case_system_id="L002", service=reablement, provider=first,
            units_per_week=Decimal(5), unit_cost_pence=2000, start_date=APRIL_7,
            end_date=date(2025, 5, 18),
        ),
        "L003": ServiceLine.objects.create(
            package=pkg2, case_system_id="L003", service=home_care, provider=second,
            units_per_week=Decimal(7), unit_cost_pence=2000, start_date=date(2025, 4, 10),
        ),
    }  # fmt: skip
    assert margaret.account_reference == "00000018"  # as the fixture files say
    return {"margaret": margaret, "john": john, "lines": lines, "providers": (first, second)}


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user("olivia.officer", Role.CHARGING_OFFICER)


def run(data: bytes, filename: str = "actuals.csv", actor: User | None = None) -> ImportBatch:
    return import_actuals_file(
        data=data, filename=filename, actor=actor, business_date=BUSINESS_DATE
    )


def actuals_csv(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def l001(week: str, units: str, **values: str) -> dict[str, str]:
    return {
        "provider_code": "PRV001", "person_id": "P001", "line_id": "L001", "week_start": week,
        "units": units, **values,
    }  # fmt: skip


def counts(**given: int) -> dict[str, int]:
    return {key: given.get(key, 0) for key in importing.COUNT_KEYS}


def figures() -> list[tuple[str, date, Decimal, str]]:
    return [
        (a.line.case_system_id, a.week_start, a.units, a.status)
        for a in ProviderActual.objects.select_related("line").order_by("pk")
    ]


# --- A good file ------------------------------------------------------------------------------


def test_a_good_file_is_applied_and_the_figure_outside_the_tolerance_is_held(
    world: dict[str, Any], officer: User
) -> None:
    batch = run(GOOD, "actuals_good.csv", officer)

    assert (batch.kind, batch.status, batch.problems) == (ImportKind.ACTUALS, "applied", [])
    assert batch.received_by == officer
    assert batch.counts == counts(actuals_accepted=4, actuals_held=1, never_charged=1)
    assert figures() == [
        ("L001", APRIL_7, Decimal("10.00"), ActualStatus.ACCEPTED),
        ("L001", APRIL_14, Decimal("10.50"), ActualStatus.ACCEPTED),
        ("L001", APRIL_21, Decimal("14.00"), ActualStatus.HELD),
        ("L002", APRIL_7, Decimal("9.00"), ActualStatus.ACCEPTED),
        ("L003", APRIL_7, Decimal("4.00"), ActualStatus.ACCEPTED),
    ]
    held = ProviderActual.objects.get(status=ActualStatus.HELD)
    assert (held.planned_units, held.variance_percent, held.tolerance_percent) == (
        Decimal("10.00"),
        Decimal("40.00"),
        Decimal("10.00"),
    )
    assert held.note == "Extra visits after a hospital discharge"
    # Reablement is never charged: 9 against a plan of 5 is kept without review.
    free = ProviderActual.objects.get(line__case_system_id="L002")
    assert (free.planned_units, free.variance_percent, free.tolerance_percent) == (
        Decimal("5.00"),
        Decimal("80.00"),
        None,
    )
    # L003 runs Thursday to Sunday of its first week: 7 a week x 4/7 = 4 planned.
    part = ProviderActual.objects.get(line__case_system_id="L003")
    assert (part.planned_units, part.variance_percent) == (Decimal("4.00"), Decimal("0.00"))
    assert actuals_summary(batch) == (
        "Imported actuals_good.csv: 4 weekly figures accepted and 1 weekly figure held for review "
        "(outside the tolerance). 1 weekly figure for services that are never charged (kept, not "
        "billed)."
    )


def test_billing_reads_only_the_current_accepted_figures(world: dict[str, Any]) -> None:
    run(GOOD)
    assert queries.current_actuals() == {
        ("L001", APRIL_7): Decimal("10.00"),
        ("L001", APRIL_14): Decimal("10.50"),
        ("L002", APRIL_7): Decimal("9.00"),
        ("L003", APRIL_7): Decimal("4.00"),
    }
    assert queries.current_actuals(person_ids=[world["john"].pk]) == {
        ("L003", APRIL_7): Decimal("4.00")
    }
    assert queries.current_actuals(person_ids=[]) == {}


def test_the_batch_is_audited_once_with_its_counts(world: dict[str, Any], officer: User) -> None:
    batch = run(GOOD, actor=officer)
    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("import.actuals", "care.importbatch", str(batch.pk))
    ]
    assert events[0].changes == {
        "actuals_accepted": [None, 4],
        "actuals_held": [None, 1],
        "never_charged": [None, 1],
    }
    assert (events[0].actor_id, events[0].source) == (officer.pk, "import")
    assert batch.stored_path.endswith(f"{batch.sha256}.csv")


def test_the_same_file_twice_is_recognised_and_changes_nothing(world: dict[str, Any]) -> None:
    first = run(GOOD)
    second = run(GOOD, "actuals (1).csv")

    assert (second.status, second.duplicate_of, second.kind) == (
        ImportStatus.DUPLICATE,
        first,
        ImportKind.ACTUALS,
    )
    assert ProviderActual.objects.count() == 5
    assert actuals_summary(second).startswith("actuals (1).csv was already imported on ")


def test_an_actuals_file_is_not_mistaken_for_a_care_file_with_the_same_bytes(
    world: dict[str, Any],
) -> None:
    run(GOOD)
    care = operations.import_care_file(
        data=GOOD, filename="actuals.csv", actor=None, business_date=BUSINESS_DATE
    )
    # Not "already imported": the care import checks it as a care file, and refuses it.
    assert care.status == ImportStatus.REJECTED
    assert care.duplicate_of is None
    assert care.problems[0]["message"].startswith("The header is missing these columns")


# --- Later files restate weeks ----------------------------------------------------------------


def test_a_later_file_restates_a_week_and_the_newest_accepted_figure_wins(
    world: dict[str, Any],
) -> None:
    run(GOOD)
    batch = run(actuals_csv(l001("14/04/2025", "9.5"), l001("28/04/2025", "10")), "week2.csv")

    assert batch.counts == counts(actuals_accepted=2, weeks_restated=1)
    restated = [f for f in figures() if f[:2] == ("L001", APRIL_14)]
    assert restated == [
        ("L001", APRIL_14, Decimal("10.50"), ActualStatus.ACCEPTED),  # kept: append-only
        ("L001", APRIL_14, Decimal("9.50"), ActualStatus.ACCEPTED),
    ]
    current = queries.current_actuals()
    assert current[("L001", APRIL_14)] == Decimal("9.50")
    assert current[("L001", date(2025, 4, 28))] == Decimal("10.00")
    assert actuals_summary(batch) == (
        "Imported week2.csv: 2 weekly figures accepted. 1 week restated from an earlier file."
    )


def test_a_restated_figure_replaces_one_still_held_for_review(world: dict[str, Any]) -> None:
    run(GOOD)
    held = ProviderActual.objects.get(status=ActualStatus.HELD)

    batch = run(actuals_csv(l001("21/04/2025", "10.8")), "corrected.csv")

    assert batch.counts == counts(actuals_accepted=1, weeks_restated=1, held_replaced=1)
    held.refresh_from_db()
    assert held.status == ActualStatus.SUPERSEDED
    assert held.decision_note == f"Replaced by a later figure in import {batch.pk}"
    assert queries.held_actuals() == []
    assert queries.current_actuals()[("L001", APRIL_21)] == Decimal("10.80")
    event = AuditEvent.objects.get(action="import.supersede")
    assert event.object_id == str(held.pk)
    assert event.changes["status"] == ["held", "superseded"]


def test_the_same_figure_again_in_another_file_writes_nothing(world: dict[str, Any]) -> None:
    run(GOOD)
    before = ProviderActual.objects.count()
    # Different bytes (another note, another date spelling), the same figures.
    batch = run(actuals_csv(l001("2025-04-07", "10.00"), l001("21/04/2025", "14", note="again")))
    assert batch.counts == counts(actuals_unchanged=2)
    assert ProviderActual.objects.count() == before
    assert actuals_summary(batch) == (
        "Imported actuals.csv: every figure in it was already held, so nothing was changed."
    )


# --- Review: accept or reject a held figure ---------------------------------------------------


def test_accepting_a_held_figure_makes_it_the_one_billed(
    world: dict[str, Any], officer: User
) -> None:
    run(GOOD)
    held = ProviderActual.objects.get(status=ActualStatus.HELD)

    accepted = operations.accept_actual(actual=held, note="Provider confirmed", actor=officer)

    assert (accepted.status, accepted.decided_by, accepted.decision_note) == (
        ActualStatus.ACCEPTED,
        officer,
        "Provider confirmed",
    )
    assert accepted.decided_at is not None
    assert queries.current_actuals()[("L001", APRIL_21)] == Decimal("14.00")
    event = AuditEvent.objects.get(action="actual.accept")
    assert (event.object_id, event.actor_id, event.reason) == (
        str(held.pk),
        officer.pk,
        "Provider confirmed",
    )
    assert event.changes["status"] == ["held", "accepted"]
    with pytest.raises(ReviewError, match="no longer waiting for review"):
        operations.reject_actual(actual=held, reason="Too late", actor=officer)


def test_rejecting_needs_a_reason_and_keeps_the_earlier_figure(
    world: dict[str, Any], officer: User
) -> None:
    run(GOOD)
    # A restatement of an accepted week, far from the plan: held.
    run(actuals_csv(l001("07/04/2025", "20")), "restated.csv")
    held = ProviderActual.objects.get(status=ActualStatus.HELD, week_start=APRIL_7)
    with pytest.raises(ReviewError, match="reason: say why"):
        operations.reject_actual(actual=held, reason="  ", actor=officer)

    operations.reject_actual(actual=held, reason="Provider keyed 20 for 10", actor=officer)

    held.refresh_from_db()
    assert (held.status, held.decision_note) == (ActualStatus.REJECTED, "Provider keyed 20 for 10")
    # The figure accepted before it stands; the held week 21/04 is still not billed.
    current = queries.current_actuals()
    assert current[("L001", APRIL_7)] == Decimal("10.00")
    assert ("L001", APRIL_21) not in current


# --- Nothing half-applied ---------------------------------------------------------------------


def test_a_file_with_problems_changes_nothing_and_lists_every_one(
    world: dict[str, Any], media: Path
) -> None:
    batch = run(ELEVEN_PROBLEMS, "bad.csv")

    assert batch.status == ImportStatus.REJECTED
    assert [(p["line"], p["column"]) for p in batch.problems] == [
        (2, "provider_code"), (3, "provider_code"), (4, "person_id"), (5, "week_start"),
        (6, "week_start"), (7, "week_start"), (8, "units"), (9, "units"), (11, "week_start"),
        (12, "line_id"), (13, "person_id"),
    ]  # fmt: skip
    assert not ProviderActual.objects.exists()
    assert not AuditEvent.objects.exists()
    assert (media / batch.stored_path).read_bytes() == ELEVEN_PROBLEMS
    assert (
        actuals_summary(batch)
        == "bad.csv was not imported: 11 problems were found and nothing was changed."
    )


def test_a_failure_while_applying_rolls_everything_back(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_create = ProviderActual.objects.create
    made: list[int] = []

    def fail_on_the_third(**values: Any) -> ProviderActual:
        made.append(1)
        if len(made) == 3:
            raise RuntimeError("disk full")
        return real_create(**values)

    monkeypatch.setattr(ProviderActual.objects, "create", fail_on_the_third)
    batch = run(GOOD)

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems[0]["message"].startswith("The file passed every check but could not")
    assert not ProviderActual.objects.exists()
    assert ImportBatch.objects.filter(status=ImportStatus.APPLIED).count() == 0


def test_lines_are_checked_again_once_locked(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importing.lines_named
    calls: list[int] = []

    def moved_in_between(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            # A care import moves L003 to the other provider between the check and applying.
            ServiceLine.objects.filter(case_system_id="L003").update(provider=world["providers"][0])
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "lines_named", moved_in_between)
    batch = run(GOOD)

    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {
            "line": 6,
            "column": "provider_code",
            "message": "line_id L003 is not with provider PRV002 in carecharge (it is with PRV001)",
        }
    ]
    assert not ProviderActual.objects.exists()


def test_without_a_tolerance_rule_the_file_is_refused(world: dict[str, Any], settings: Any) -> None:
    settings.CARECHARGE_COUNCIL = "nowhere"
    batch = run(GOOD)
    assert batch.status == ImportStatus.REJECTED
    assert batch.problems == [
        {
            "line": None,
            "column": None,
            "message": "carecharge has no tolerance for actuals "
            "(local.nowhere.billing.actuals_tolerance_percent) in force on 30/06/2025, so the "
            "file cannot be checked; tell your system administrator",
        }
    ]


# --- The command ------------------------------------------------------------------------------


def test_the_command_imports_and_reports_json(
    world: dict[str, Any], officer: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "actuals_good.csv"
    path.write_bytes(GOOD)
    call_command(
        "import", "actuals", str(path), "--as", "olivia.officer", "--json",
        "--business-date", "2025-06-30",
    )  # fmt: skip
    outcome = json.loads(capsys.readouterr().out)
    batch = ImportBatch.objects.get()
    assert outcome == {
        "import": batch.pk,
        "kind": "actuals",
        "status": "applied",
        "duplicate_of": None,
        "summary": actuals_summary(batch),
        "counts": counts(actuals_accepted=4, actuals_held=1, never_charged=1),
        "problems": [],
        "sha256": batch.sha256,
    }
    assert batch.received_by == officer


def test_the_command_lists_problems_and_fails(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(ELEVEN_PROBLEMS)
    with pytest.raises(CommandError) as failed:
        call_command("import", "actuals", str(path), "--business-date", "2025-06-30")
    assert failed.value.returncode == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "bad.csv was not imported: 11 problems were found and nothing was changed."
    assert out[1] == "line 2, provider_code: PRV999 is not a known provider code"
    assert len(out) == 12


def test_the_command_refuses_someone_who_does_not_import_actuals(
    world: dict[str, Any], make_user: Callable[..., User], tmp_path: Path
) -> None:
    make_user("amira.assessor", Role.ASSESSMENT_OFFICER)
    path = tmp_path / "a.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match="is not a charging officer or a senior officer"):
        call_command("import", "actuals", str(path), "--as", "amira.assessor")
    with pytest.raises(CommandError, match="no active user called 'nobody'"):
        call_command("import", "actuals", str(path), "--as", "nobody")
    assert not ImportBatch.objects.exists()


# --- The screens ------------------------------------------------------------------------------


def upload(client: Client, data: bytes, name: str = "actuals.csv") -> Any:
    return client.post(
        "/care/actuals/import/",
        {"file": SimpleUploadedFile(name, data, "text/csv"), "business_date": "30/06/2025"},
    )


def test_upload_result_queue_and_accept_on_screen(
    world: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    client = client_for(Role.CHARGING_OFFICER)
    response = upload(client, GOOD)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/care/actuals/import/{batch.pk}/"

    result = client.get(response["Location"]).content.decode()
    assert "4 weekly figures accepted and 1 weekly figure held for review" in result
    assert "Review the 1 figure held for review" in result
    assert "Weekly figures held for review" in result

    queue = client.get("/care/actuals/exceptions/").content.decode()
    held = ProviderActual.objects.get(status=ActualStatus.HELD)
    assert f'data-actual="{held.pk}"' in queue
    for shown in ("Margaret O&#x27;Brien", "Home care", "Caring Hands Ltd", "21/04/2025", "+40%"):
        assert shown in queue
    empty = client.get("/care/actuals/exceptions/?provider=PRV002").content.decode()
    assert "No figures are waiting for review from this provider" in empty

    page = client.get(f"/care/actuals/{held.pk}/").content.decode()
    assert "Extra visits after a hospital discharge" in page
    assert "(the tolerance is 10%)" in page

    refused = client.post(f"/care/actuals/{held.pk}/", {"decision": "reject", "reason": ""})
    assert refused.status_code == 400
    assert "Enter why the figure is rejected" in refused.content.decode()

    accepted = client.post(f"/care/actuals/{held.pk}/", {"decision": "accept", "note": "Fine"})
    assert accepted.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.decision_note) == (ActualStatus.ACCEPTED, "Fine")
    assert (
        "No figures are waiting for review"
        in client.get("/care/actuals/exceptions/").content.decode()
    )


def test_the_auditor_sees_the_queue_but_cannot_decide(
    world: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    run(GOOD)
    held = ProviderActual.objects.get(status=ActualStatus.HELD)
    auditor = client_for(Role.AUDITOR)
    queue = auditor.get("/care/actuals/exceptions/")
    assert queue.status_code == 200
    assert "Review<span" not in queue.content.decode()
    assert auditor.get(f"/care/actuals/{held.pk}/").status_code == 403
    assert auditor.post(f"/care/actuals/{held.pk}/", {"decision": "accept"}).status_code == 403
    held.refresh_from_db()
    assert held.status == ActualStatus.HELD


def test_restricted_people_are_masked_in_the_queue(
    world: dict[str, Any], client_for: Callable[[str], Client]
) -> None:
    ServiceUser.objects.filter(pk=world["margaret"].pk).update(restricted=True)
    run(GOOD)
    queue = client_for(Role.CHARGING_OFFICER).get("/care/actuals/exceptions/").content.decode()
    assert "Restricted record" in queue
    assert "O&#x27;Brien" not in queue
    assert "00000018" not in queue


def test_the_template_is_a_header_and_an_example(client_for: Callable[[str], Client]) -> None:
    response = client_for(Role.SENIOR_OFFICER).get("/care/actuals/import/template.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [list(COLUMNS), ["PRV001", "P001", "", "L001", "07/04/2025", "10.5", ""]]
