"""DDICA: Direct Debit Indemnity Claim Advice.

When a payer claims a refund under the Direct Debit Guarantee, their bank refunds them at once
and claims the money back from the council's bank: the DDICA tells the council which collections
were claimed, why, and the date its account will be debited. The structure is
``VocaDocument/Data/Document`` with the advice fields as child elements, not attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from carecharge.core.bacs.reports_common import Element, Where, show_pence

__all__ = [
    "DDICA_CODES",
    "DdicaClaim",
    "DdicaCollection",
    "DdicaReason",
    "DdicaReport",
    "parse_ddica",
]

_REPORT = "DDICA"


class DdicaReason(StrEnum):
    """Why the payer's bank made the indemnity claim (DDICA reason codes 1-8)."""

    AMOUNT_OR_DATE_DIFFERS = "amount_or_date_differs"  # 1: from the advance notice
    NO_ADVANCE_NOTICE = "no_advance_notice"  # 2: none received, or the amount is disputed
    CANCELLED_BY_PAYING_BANK = "cancelled_by_paying_bank"  # 3: the DDI had been cancelled
    CANCELLED_BY_PAYER = "cancelled_by_payer"  # 4: payer had cancelled with the service user
    NO_INSTRUCTION = "no_instruction"  # 5: no instruction held, or authority disputed
    SIGNATURE_NOT_VALID = "signature_not_valid"  # 6: fraudulent, or not per the mandate
    SERVICE_USER_REQUEST = "service_user_request"  # 7: raised at the service user's request
    SERVICE_USER_NOT_RECOGNISED = "service_user_not_recognised"  # 8


DDICA_CODES: Mapping[str, DdicaReason] = MappingProxyType(
    {str(number): reason for number, reason in enumerate(DdicaReason, start=1)}
)


@dataclass(frozen=True, slots=True)
class DdicaCollection:
    """One collection included in a claim."""

    collection_date: date
    amount_pence: int


@dataclass(frozen=True, slots=True)
class DdicaClaim:
    """One indemnity claim (or, under ``cancellations``, the withdrawal of one)."""

    sequence_number: str | None
    paying_bank_reference: str
    reference: str
    reason: DdicaReason
    reason_code: str
    payer_sort_code: str
    payer_account_number: str
    payer_name: str
    total_pence: int
    collections: tuple[DdicaCollection, ...]
    line: int


@dataclass(frozen=True, slots=True)
class DdicaReport:
    """A whole DDICA document."""

    service_user_number: str
    debit_date: date | None
    total_pence: int
    claims: tuple[DdicaClaim, ...]
    cancellations: tuple[DdicaClaim, ...]
    cancellations_total_pence: int


def parse_ddica(root: Element) -> DdicaReport:
    """Read ``VocaDocument/Data/Document``; refuse claims whose totals don't add up."""
    data = root.find("Data")
    documents = data.find_all("Document") if data is not None else []
    if len(documents) != 1:
        raise Where(_REPORT, data if data is not None else root).fail(
            f"expected one Data/Document element, found {len(documents)}"
        )
    document = documents[0]
    sun = Where(_REPORT, document).service_user_number("ServiceUserNumber")
    new_advices = document.find("NewAdvices")
    cancellations = document.find("Cancellations")
    if new_advices is None and cancellations is None:
        raise Where(_REPORT, document).fail("neither NewAdvices nor Cancellations is present")
    debit_date = None
    claims: tuple[DdicaClaim, ...] = ()
    total = 0
    if new_advices is not None:
        section = Where(_REPORT, new_advices)
        debit_date = section.required_date("DateOfDebit")
        claims = tuple(_claim(element) for element in new_advices.find_all("DDICAdvice"))
        total = _section_total(section, "TotalValueOfDebits", claims, required=True)
    cancelled: tuple[DdicaClaim, ...] = ()
    cancelled_total = 0
    if cancellations is not None:
        section = Where(_REPORT, cancellations)
        cancelled = tuple(_claim(element) for element in cancellations.find_all("DDICCancellation"))
        cancelled_total = _section_total(section, "TotalValueOfCancellations", cancelled)
    return DdicaReport(sun, debit_date, total, claims, cancelled, cancelled_total)


def _section_total(
    section: Where, name: str, claims: tuple[DdicaClaim, ...], *, required: bool = False
) -> int:
    claimed = sum(claim.total_pence for claim in claims)
    if section.raw(name, required=required) is None:
        return claimed
    stated = section.pence(name)
    if stated != claimed:
        raise section.fail(
            f"{name} {show_pence(stated)} does not equal the sum of the claims "
            f"{show_pence(claimed)}"
        )
    return stated


def _claim(element: Element) -> DdicaClaim:
    reference = Where(_REPORT, element).text("SUReference")
    where = Where(_REPORT, element, f"SUReference {reference!r}")
    code = where.text("ReasonCode")
    reason = DDICA_CODES.get(code)
    if reason is None:
        raise where.fail(f"ReasonCode {code!r} is not a known DDICA reason code (1-8)")
    holder = element.find("DDCollections")
    collection_elements = holder.children if holder is not None else []
    if not collection_elements:
        raise where.fail("DDCollections lists no collections")
    collections = tuple(
        DdicaCollection(
            collection_date=Where(_REPORT, item, f"SUReference {reference!r}").required_date(
                "DateOfDirectDebit"
            ),
            amount_pence=Where(_REPORT, item, f"SUReference {reference!r}").pence("Amount"),
        )
        for item in collection_elements
    )
    total = where.pence("TotalAmount")
    collected = sum(collection.amount_pence for collection in collections)
    if total != collected:
        raise where.fail(
            f"TotalAmount {show_pence(total)} does not equal the sum of the collections "
            f"{show_pence(collected)}"
        )
    advised = where.count("NoOfAdvForClaim", required=False)
    if advised is not None and advised != len(collections):
        raise where.fail(
            f"NoOfAdvForClaim {advised} does not equal the {len(collections)} collections listed"
        )
    return DdicaClaim(
        sequence_number=where.optional("SeqNo"),
        paying_bank_reference=where.text("PayingBankReference"),
        reference=reference,
        reason=reason,
        reason_code=code,
        payer_sort_code=where.required_sort_code("PayerSortCode"),
        payer_account_number=where.required_account("PayerAccount"),
        payer_name=where.text("PayerName"),
        total_pence=total,
        collections=collections,
        line=element.line,
    )
