"""A billing run's preview as an Excel workbook (XlsxWriter): the people with their totals and
the change since the last run, every line with its week, days, amount and reason, and the
pre-flight problems.

Amounts are written as numbers of pounds so officers can sort, filter and add them; Excel holds
every number as a double, which is exact to the penny for any amount a run posts. Restricted
records are masked for anyone who may not open them, as on screen.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from typing import Any

import xlsxwriter

from .models import BillingRun, RunPerson, Severity
from .presenters import HIDDEN_REASON, RESTRICTED, reason_words, this_run_pence
from .queries import check_title, debtor_names_for_run, posted_totals, previous_posted_run

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "£#,##0.00;-£#,##0.00"
CHANGE = "+£#,##0.00;-£#,##0.00;£0.00"
DATE = "dd/mm/yyyy"
PEOPLE_COLUMNS: list[tuple[str, int]] = [
    ("Account reference", 18),
    ("Name", 30),
    ("Status", 24),
    ("To invoice", 14),
    ("To credit", 14),
    ("Collected by others", 14),
    ("Backdated", 14),
    ("This run", 14),
    ("Last run", 14),
    ("Change since the last run", 16),
    ("Lines", 8),
    ("Why", 60),
]
LINE_COLUMNS: list[tuple[str, int]] = [
    ("Account reference", 18),
    ("Name", 30),
    ("Week starting", 12),
    ("Week ending", 12),
    ("Days from", 12),
    ("Days to", 12),
    ("Days", 6),
    ("Description", 50),
    ("Units", 8),
    ("Amount", 14),
    ("Invoiced", 9),
    ("Billed to", 24),
    ("Reason", 50),
    ("Backdated", 10),
    ("Corrects record", 14),
    ("Charge key", 44),
]
PROBLEM_COLUMNS: list[tuple[str, int]] = [
    ("Severity", 12),
    ("Check", 44),
    ("Account reference", 18),
    ("Name", 30),
    ("Message", 110),
]


def file_name(run: BillingRun) -> str:
    return f"billing-run-{run.pk}-to-{run.through_date.isoformat()}.xlsx"


def _pounds(pence: int) -> Fraction:
    return Fraction(pence, 100)


def _rows(run: BillingRun) -> Iterator[RunPerson]:
    """The run's people in name order, read a chunk at a time: a council's lines do not all
    fit in memory at once."""
    return (
        run.people.select_related("person")
        .order_by("person__surname", "person__forename", "pk")
        .iterator(chunk_size=1000)
    )


def workbook(run: BillingRun, *, may_see_restricted: bool) -> bytes:
    buffer = io.BytesIO()
    # Constant memory: each row is written out as soon as the next begins, so a run of tens of
    # thousands of people and their lines does not hold every cell in memory.
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "remove_timezone": True})
    styles = {
        "header": book.add_format({"bold": True, "bg_color": "#F3F2F1", "bottom": 1}),
        "money": book.add_format({"num_format": MONEY}),
        "change": book.add_format({"num_format": CHANGE}),
        "date": book.add_format({"num_format": DATE, "align": "left"}),
    }
    _people_sheet(book, styles, run, may_see_restricted)
    _lines_sheet(book, styles, run, may_see_restricted)
    _problems_sheet(book, styles, run, may_see_restricted)
    book.close()
    return buffer.getvalue()


def _header(sheet: Any, styles: dict[str, Any], columns: list[tuple[str, int]]) -> None:
    for col, (title, width) in enumerate(columns):
        sheet.write_string(0, col, title, styles["header"])
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)


def _masked(person: Any, may_see_restricted: bool) -> bool:
    return bool(person.restricted) and not may_see_restricted


def _people_sheet(book: Any, styles: dict[str, Any], run: BillingRun, may_see: bool) -> None:
    sheet = book.add_worksheet("People")
    _header(sheet, styles, PEOPLE_COLUMNS)
    previous = previous_posted_run(run)
    last_totals = posted_totals(previous) if previous is not None else None
    n = 0
    for n, row in enumerate(_rows(run), start=1):
        person = row.person
        sheet.write_string(n, 2, row.get_status_display())
        if _masked(person, may_see):  # nothing that identifies the person or their finances
            sheet.write_string(n, 1, RESTRICTED)
            continue
        sheet.write_string(n, 0, person.account_reference)
        sheet.write_string(n, 1, person.full_name)
        this_run = this_run_pence(row)
        for col, pence in (
            (3, row.invoiced_pence),
            (4, row.credited_pence),
            (5, row.not_invoiced_pence),
            (6, row.backdated_pence),
        ):
            sheet.write_number(n, col, _pounds(pence), styles["money"])
        sheet.write_number(n, 7, _pounds(this_run), styles["change"])
        if last_totals is not None:
            last = last_totals.get(row.person_id, 0)
            sheet.write_number(n, 8, _pounds(last), styles["money"])
            sheet.write_number(n, 9, _pounds(this_run - last), styles["change"])
        sheet.write_number(n, 10, len(row.lines))
        why = row.problem or row.release_note
        if why:
            sheet.write_string(n, 11, why)
    sheet.autofilter(0, 0, max(n, 1), len(PEOPLE_COLUMNS) - 1)


def _lines_sheet(book: Any, styles: dict[str, Any], run: BillingRun, may_see: bool) -> None:
    sheet = book.add_worksheet("Lines")
    _header(sheet, styles, LINE_COLUMNS)
    debtors = debtor_names_for_run(run)
    n = 0
    for row in _rows(run):
        person = row.person
        if not row.lines:
            continue
        if _masked(person, may_see):
            n += 1
            sheet.write_string(n, 1, RESTRICTED)
            sheet.write_string(n, 7, HIDDEN_REASON)
            continue
        for line in row.lines:
            n += 1
            sheet.write_string(n, 0, person.account_reference)
            sheet.write_string(n, 1, person.full_name)
            sheet.write_datetime(n, 2, date.fromisoformat(line["week"][0]), styles["date"])
            sheet.write_datetime(n, 3, date.fromisoformat(line["week"][1]), styles["date"])
            if line.get("days"):
                start, end = (date.fromisoformat(d) for d in line["days"])
                sheet.write_datetime(n, 4, start, styles["date"])
                sheet.write_datetime(n, 5, end, styles["date"])
                sheet.write_number(n, 6, (end - start).days + 1)
            sheet.write_string(n, 7, line["description"])
            if line.get("units") is not None:
                sheet.write_number(n, 8, Fraction(line["units"]))
            sheet.write_number(n, 9, _pounds(line["amount_pence"]), styles["change"])
            sheet.write_string(n, 10, "Yes" if line["invoiced"] else "No")
            billed_to = debtors.get(line["debtor"], line["debtor"])
            sheet.write_string(n, 11, billed_to[:1].upper() + billed_to[1:])
            sheet.write_string(n, 12, reason_words(line["reason"]))
            sheet.write_string(n, 13, "Yes" if line.get("backdated") else "No")
            if line.get("corrects"):
                sheet.write_number(n, 14, int(line["corrects"]))
            sheet.write_string(n, 15, line["key"])
    sheet.autofilter(0, 0, max(n, 1), len(LINE_COLUMNS) - 1)


def _problems_sheet(book: Any, styles: dict[str, Any], run: BillingRun, may_see: bool) -> None:
    sheet = book.add_worksheet("Pre-flight problems")
    _header(sheet, styles, PROBLEM_COLUMNS)
    problems = run.problems.select_related("person").order_by(
        "severity", "check_name", "person__surname", "person__forename", "pk"
    )
    n = 0
    for n, problem in enumerate(problems, start=1):
        sheet.write_string(n, 0, "Blocker" if problem.severity == Severity.BLOCKER else "Warning")
        sheet.write_string(n, 1, check_title(problem.check_name))
        person = problem.person
        if person is None:
            sheet.write_string(n, 3, "Not about one person")
            sheet.write_string(n, 4, problem.message)
        elif _masked(person, may_see):
            sheet.write_string(n, 3, RESTRICTED)
            sheet.write_string(n, 4, HIDDEN_REASON)
        else:
            sheet.write_string(n, 2, person.account_reference)
            sheet.write_string(n, 3, person.full_name)
            sheet.write_string(n, 4, problem.message)
    sheet.autofilter(0, 0, max(n, 1), len(PROBLEM_COLUMNS) - 1)
