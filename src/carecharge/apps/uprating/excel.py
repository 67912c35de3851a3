"""The preview as an Excel workbook (XlsxWriter): one row per person with real numbers in money
format, the manual-review reasons, and the rules the preview used.

Amounts are written as numbers of pounds so officers can sort, filter and add them; Excel holds
every number as a double, which is exact to the penny for any weekly charge.
"""

from __future__ import annotations

import io
from datetime import timedelta
from fractions import Fraction
from typing import Any

import xlsxwriter

from carecharge.apps.web.council import rulebook
from carecharge.core.rules import RuleError
from carecharge.core.uprating import rule_names

from .models import ItemStatus, UpratingRun
from .presenters import RESTRICTED, who

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "£#,##0.00"
CHANGE = "+£#,##0.00;-£#,##0.00;£0.00"
PREVIEW_COLUMNS: list[tuple[str, int]] = [
    ("Account reference", 18),
    ("Name", 30),
    ("Setting", 26),
    ("Assessment version", 12),
    ("Old weekly charge", 16),
    ("New weekly charge", 16),
    ("Difference", 14),
    ("Status", 16),
    ("Reasons", 90),
]


def file_name(run: UpratingRun) -> str:
    return f"uprating-run-{run.pk}-from-{run.from_date.isoformat()}.xlsx"


def _pounds(pence: int) -> Fraction:
    return Fraction(pence, 100)


def workbook(run: UpratingRun, *, may_see_restricted: bool) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    styles = {
        "header": book.add_format({"bold": True, "bg_color": "#F3F2F1", "bottom": 1}),
        "money": book.add_format({"num_format": MONEY}),
        "change": book.add_format({"num_format": CHANGE}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "date": book.add_format({"num_format": "dd/mm/yyyy", "align": "left"}),
        "bold": book.add_format({"bold": True}),
    }
    items = list(
        run.items.select_related("person", "old_assessment").order_by(
            "person__surname", "person__forename", "pk"
        )
    )
    _preview_sheet(book, styles, items, may_see_restricted)
    _review_sheet(book, styles, items, may_see_restricted)
    _rules_sheet(book, styles, run)
    book.close()
    return buffer.getvalue()


def _name(item: Any, may_see_restricted: bool) -> str:
    person = item.person
    return RESTRICTED if person.restricted and not may_see_restricted else person.full_name


def _header(sheet: Any, styles: dict[str, Any], columns: list[tuple[str, int]]) -> None:
    for col, (title, width) in enumerate(columns):
        sheet.write_string(0, col, title, styles["header"])
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)


def _preview_sheet(
    book: Any, styles: dict[str, Any], items: list[Any], may_see_restricted: bool
) -> None:
    sheet = book.add_worksheet("Preview")
    _header(sheet, styles, PREVIEW_COLUMNS)
    for row, item in enumerate(items, start=1):
        hidden = item.person.restricted and not may_see_restricted
        sheet.write_string(row, 1, _name(item, may_see_restricted))
        sheet.write_string(row, 7, item.get_status_display())
        if hidden:  # nothing that identifies the person or their finances
            continue
        sheet.write_string(row, 0, item.person.account_reference)
        sheet.write_string(row, 2, item.old_assessment.get_setting_display())
        sheet.write_number(row, 3, item.old_assessment.version)
        sheet.write_number(row, 4, _pounds(item.old_weekly_charge_pence), styles["money"])
        if item.new_weekly_charge_pence is not None:
            sheet.write_number(row, 5, _pounds(item.new_weekly_charge_pence), styles["money"])
            sheet.write_number(row, 6, _pounds(item.difference_pence), styles["change"])
        sheet.write_string(row, 8, "; ".join(item.reasons))
    sheet.autofilter(0, 0, max(len(items), 1), len(PREVIEW_COLUMNS) - 1)


def _review_sheet(
    book: Any, styles: dict[str, Any], items: list[Any], may_see_restricted: bool
) -> None:
    sheet = book.add_worksheet("Manual review")
    columns = [("Account reference", 18), ("Name", 30), ("Reason", 120)]
    _header(sheet, styles, columns)
    row = 0
    for item in items:
        if item.status != ItemStatus.MANUAL_REVIEW:
            continue
        hidden = item.person.restricted and not may_see_restricted
        for reason in item.reasons:
            row += 1
            sheet.write_string(row, 0, "" if hidden else item.person.account_reference)
            sheet.write_string(row, 1, _name(item, may_see_restricted))
            sheet.write_string(
                row, 2, "(restricted record: open it to see why)" if hidden else reason
            )
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)


def _rules_sheet(book: Any, styles: dict[str, Any], run: UpratingRun) -> None:
    sheet = book.add_worksheet("Rules used")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 70)
    facts: list[tuple[str, Any]] = [
        ("Uprating run", run.pk),
        ("New figures take effect", run.from_date),
        ("Old figures compared as at", run.from_date - timedelta(days=1)),
        ("Rules content hash (preview)", run.rules_hash or "(not yet previewed)"),
        ("Rules content hash (now)", rulebook().content_hash),
        ("Previewed by", who(run.previewed_by) if run.previewed_at else ""),
    ]
    for row, (label, value) in enumerate(facts):
        sheet.write_string(row, 0, label, styles["bold"])
        if hasattr(value, "isoformat"):
            sheet.write_datetime(row, 1, value, styles["date"])
        elif isinstance(value, int):
            sheet.write_number(row, 1, value)
        else:
            sheet.write_string(row, 1, str(value))
    first = len(facts) + 1
    columns = [
        ("Rule", 34),
        ("Description", 70),
        ("Weekly amount before", 18),
        ("Weekly amount from the date", 18),
        ("In force from", 14),
        ("Reference", 70),
        ("Verified", 10),
    ]
    for col, (title, width) in enumerate(columns):
        sheet.write_string(first, col, title, styles["header"])
        if col > 1:
            sheet.set_column(col, col, width)
    before, after = (
        rulebook().as_at(run.from_date - timedelta(days=1)),
        rulebook().as_at(run.from_date),
    )
    for row, name in enumerate(rule_names(), start=first + 1):
        sheet.write_string(row, 0, name)
        try:
            entry = after.entry(name)
        except RuleError:
            sheet.write_string(row, 1, "(no value in force)")
            continue
        sheet.write_string(row, 1, entry.description)
        if name in before:
            sheet.write_number(row, 2, _pounds(before.pence(name)), styles["money"])
        sheet.write_number(row, 3, _pounds(after.pence(name)), styles["money"])
        sheet.write_datetime(row, 4, entry.effective_from, styles["date"])
        sheet.write_string(row, 5, "; ".join(ref.title for ref in entry.references))
        sheet.write_string(row, 6, "no" if entry.unverified else "yes")
