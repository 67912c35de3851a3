"""Bacs reports: read the XML a council receives after collecting by Direct Debit.

:func:`parse_bacs_report` takes the bytes of one report and works out which it is:

* **ARUDD** - collections the payers' banks returned unpaid (:class:`AruddReport`);
* **ADDACS** - instructions the payers' banks cancelled or changed (:class:`AddacsReport`);
* **AUDDIS** - new or cancelled instructions the banks rejected (:class:`AuddisReport`);
* **AUDDIS file acceptance** - whether Bacs accepted an instruction file
  (:class:`AuddisAcceptanceReport`);
* **DDICA** - indemnity claims under the Direct Debit Guarantee (:class:`DdicaReport`).

The whole report is checked before anything is returned: a missing field, an unknown reason code,
totals that don't add up, a DTD or malformed XML all raise :class:`BacsReportError` naming the
line and item. Nothing is half-read. The digital signature Bacs attaches is not verified here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeAlias

from carecharge.core.bacs.reports_arudd import (
    DEFAULT_ARUDD_REASONS,
    AruddReason,
    AruddReport,
    OriginatingAccountReturns,
    ReturnedDebit,
    normalise_description,
    parse_arudd,
)
from carecharge.core.bacs.reports_common import BacsReportError, Element, Where, parse_xml
from carecharge.core.bacs.reports_ddica import (
    DDICA_CODES,
    DdicaClaim,
    DdicaCollection,
    DdicaReason,
    DdicaReport,
    parse_ddica,
)
from carecharge.core.bacs.reports_messaging import (
    ADDACS_CODES,
    AUDDIS_CODES,
    AddacsAdvice,
    AddacsReason,
    AddacsReport,
    AuddisAcceptanceReport,
    AuddisFileResult,
    AuddisReason,
    AuddisReport,
    AuddisReturn,
    parse_addacs,
    parse_auddis,
    parse_auddis_acceptance,
)

__all__ = [
    "ADDACS_CODES",
    "AUDDIS_CODES",
    "DDICA_CODES",
    "DEFAULT_ARUDD_REASONS",
    "AddacsAdvice",
    "AddacsReason",
    "AddacsReport",
    "AruddReason",
    "AruddReport",
    "AuddisAcceptanceReport",
    "AuddisFileResult",
    "AuddisReason",
    "AuddisReport",
    "AuddisReturn",
    "BacsReport",
    "BacsReportError",
    "DdicaClaim",
    "DdicaCollection",
    "DdicaReason",
    "DdicaReport",
    "OriginatingAccountReturns",
    "ReturnedDebit",
    "normalise_description",
    "parse_bacs_report",
]

BacsReport: TypeAlias = (
    AruddReport | AddacsReport | AuddisReport | AuddisAcceptanceReport | DdicaReport
)

# Messaging report types by advice-type, with the report-type number Bacs gives each.
_MESSAGING: dict[str, tuple[str, Callable[[Element], BacsReport]]] = {
    "ADDACS": ("7001", parse_addacs),
    "AUDDIS": ("7002", parse_auddis),
    "AUDACC": ("7003", parse_auddis_acceptance),
}
_UNSUPPORTED = ("InputReport", "WithdrawalReport", "AWACS")


def parse_bacs_report(
    data: bytes, *, arudd_reasons: Mapping[str, AruddReason] | None = None
) -> BacsReport:
    """Recognise and read one Bacs report from its bytes.

    ``arudd_reasons`` replaces :data:`DEFAULT_ARUDD_REASONS` (description text -> reason) for a
    bank whose ARUDD wording differs; descriptions are compared after
    :func:`normalise_description`.
    """
    root = parse_xml(data)
    if root.tag == "VocaDocument":
        return parse_ddica(root)
    if root.tag != "BACSDocument":
        raise BacsReportError(
            f"Bacs report line {root.line}: the root element <{root.tag}> is not a Bacs report "
            "(expected BACSDocument or VocaDocument)"
        )
    body = root.find("Data")
    if body is None:
        raise Where("Bacs report", root).fail("Data is missing")
    arudd = body.find("ARUDD")
    if arudd is not None:
        return parse_arudd(arudd, DEFAULT_ARUDD_REASONS if arudd_reasons is None else arudd_reasons)
    advices = body.find("MessagingAdvices")
    if advices is not None:
        return _messaging(advices)
    found = ", ".join(child.tag for child in body.children) or "nothing"
    unsupported = [tag for tag in _UNSUPPORTED if body.find(tag) is not None]
    hint = f" ({unsupported[0]} reports are not read by carecharge)" if unsupported else ""
    raise Where("Bacs report", body).fail(
        f"holds no report carecharge reads (ARUDD or MessagingAdvices); found {found}{hint}"
    )


def _messaging(advices: Element) -> BacsReport:
    header = advices.find("MessagingHeader")
    if header is None:
        raise Where("Bacs messaging report", advices).fail("MessagingHeader is missing")
    where = Where("Bacs messaging report", header)
    advice_type = (where.optional("advice-type") or "").upper()
    report_type = where.optional("report-type")
    if advice_type not in _MESSAGING:
        raise where.fail(
            f"advice-type {advice_type or 'blank'!r} is not ADDACS, AUDDIS or AUDACC"
            + (f" (report-type {report_type})" if report_type else "")
        )
    expected_type, parse = _MESSAGING[advice_type]
    if report_type is not None and report_type != expected_type:
        raise where.fail(
            f"report-type {report_type} does not match advice-type {advice_type} "
            f"(expected {expected_type})"
        )
    return parse(advices)
