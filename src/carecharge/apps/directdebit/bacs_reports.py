"""Applying the Bacs reports a council receives back: ARUDD (collections returned unpaid),
ADDACS (instructions cancelled or changed by the payers' banks), AUDDIS (instructions rejected),
AUDDIS file acceptance and DDICA (indemnity claims).

Each report is read whole by the core reader, then every item is matched before anything is
changed: an unknown reference, a collection carecharge never made, a run not yet settled or an
item already dealt with refuses the whole report, listing every problem with its line. A good
report is applied in one transaction and kept with its hash; the same report again changes
nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from carecharge.apps.payments.models import Channel, MatchRule, Receipt, ReceiptReversal
from carecharge.apps.payments.receipts import NewReceipt, post_receipts, reverse_receipt
from carecharge.core.bacs.modulus import check_account
from carecharge.core.bacs.reports import (
    AddacsReason,
    AddacsReport,
    AruddReason,
    AruddReport,
    AuddisAcceptanceReport,
    AuddisReport,
    BacsReport,
    BacsReportError,
    DdicaClaim,
    DdicaReason,
    DdicaReport,
    parse_bacs_report,
)
from carecharge.core.money import format_pounds

from .mandates import (
    BANKING_ROLES,
    change_mandate,
    end_mandate,
    queue_instruction,
    require_role,
    show_day,
)
from .models import (
    OPEN_STATUSES,
    AuddisInstruction,
    BacsFile,
    BacsReportImport,
    CollectionItem,
    FileKind,
    InstructionCode,
    ItemReturn,
    Mandate,
    MandateStatus,
    ReportAction,
    ReportKind,
    ReturnKind,
    ReturnOutcome,
    RunState,
)
from .policy import DirectDebitError, Policy, policy_on

ARUDD_ENDS_MANDATE = frozenset(
    {
        AruddReason.INSTRUCTION_CANCELLED,
        AruddReason.PAYER_DECEASED,
        AruddReason.NO_ACCOUNT,
        AruddReason.NO_INSTRUCTION,
        AruddReason.ACCOUNT_CLOSED,
    }
)
"""Returns that mean the payer's bank holds no instruction any more: the mandate is cancelled
(no 0C: there is nothing at the bank to cancel)."""
ADDACS_ENDS_MANDATE = frozenset(
    {
        AddacsReason.INSTRUCTION_CANCELLED,
        AddacsReason.CANCELLED_BY_PAYER,
        AddacsReason.PAYER_DECEASED,
        AddacsReason.ACCOUNT_CLOSED,
        AddacsReason.TRANSFERRED_TO_NEW_BANK,
    }
)
SHOWN_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class ReportResult:
    report: BacsReportImport
    duplicate: bool
    actions: tuple[ReportAction, ...]


Step = Callable[["_Applier"], None]


@dataclass(slots=True)
class _Planned:
    kind: str
    report_date: date
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _Applier:
    """Applies a planned report inside its transaction, recording each action."""

    def __init__(self, report: BacsReportImport, actor: Any, today: date) -> None:
        self.report = report
        self.actor = actor
        self.today = today
        self.actions: list[ReportAction] = []
        self.counts: Counter[str] = Counter()

    def note(
        self,
        action: str,
        detail: str,
        *,
        reference: str,
        line: int | None,
        mandate: Mandate | None = None,
        item: CollectionItem | None = None,
    ) -> None:
        self.counts[action] += 1
        self.actions.append(
            ReportAction.objects.create(
                report=self.report,
                line=line,
                reference=reference[:18],
                mandate=mandate,
                item=item,
                action=action,
                detail=detail[:500],
            )
        )

    def end(self, mandate: Mandate, status: str, reason: str, *, tell_bank: bool) -> bool:
        mandate.refresh_from_db()
        if mandate.status not in OPEN_STATUSES:
            return False
        end_mandate(
            mandate,
            status=status,
            reason=reason,
            on=self.today,
            actor=self.actor,
            tell_bank=tell_bank,
        )
        return True

    def take_back(
        self,
        item: CollectionItem,
        *,
        kind: str,
        reason: str,
        reason_code: str,
        description: str,
        outcome: str,
        effective: date,
    ) -> None:
        assert item.receipt is not None
        why = (
            f"Direct Debit {'returned unpaid' if kind == ReturnKind.ARUDD else 'claimed back'}: "
            f"{description} ({kind.upper()} {show_day(self.report.report_date)})"
        )
        # Reversed by hand already (a bounced payment noticed on the bank statement first):
        # the return is recorded against that reversal, not reversed twice.
        reversal = ReceiptReversal.objects.filter(receipt=item.receipt).first() or reverse_receipt(
            item.receipt, reason=why, effective_date=effective, actor=self.actor
        )
        ItemReturn.objects.create(
            item=item,
            report=self.report,
            kind=kind,
            reason=reason,
            reason_code=reason_code,
            description=description[:200],
            outcome=outcome,
            reversal=reversal,
            created_at=timezone.now(),
        )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_report(
    data: bytes, *, filename: str, actor: Any, today: date | None = None
) -> ReportResult:
    """Read a Bacs report and apply it to the mandates and the ledger, all or nothing."""
    today = today or timezone.localdate()
    require_role(actor, BANKING_ROLES, "import Bacs reports")
    sha = _sha256(data)
    earlier = BacsReportImport.objects.filter(sha256=sha).first()
    if earlier is not None:
        return ReportResult(earlier, True, tuple(earlier.actions.all()))
    try:
        parsed = parse_bacs_report(data)
    except BacsReportError as error:
        raise DirectDebitError(f"{filename}: {error}") from None
    policy = policy_on(today)
    planned = _plan(parsed, policy, today)
    if planned.problems:
        shown = planned.problems[:SHOWN_PROBLEMS]
        more = len(planned.problems) - len(shown)
        raise DirectDebitError(
            f"{filename}: the report was not applied; nothing was changed:\n"
            + "\n".join(shown)
            + (f"\n... and {more} more" if more > 0 else "")
        )
    try:
        with transaction.atomic():
            report = BacsReportImport.objects.create(
                kind=planned.kind,
                filename=filename[:200],
                sha256=sha,
                size_bytes=len(data),
                content=data,
                report_date=planned.report_date,
                imported_at=timezone.now(),
                imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            applier = _Applier(report, actor, today)
            for step in planned.steps:
                step(applier)
            report.counts = dict(sorted(applier.counts.items()))
            BacsReportImport.objects.filter(pk=report.pk).update(counts=report.counts)
    except IntegrityError:
        # The same report, imported at the same moment by someone else, got there first.
        earlier = BacsReportImport.objects.filter(sha256=sha).first()
        if earlier is None:
            raise
        return ReportResult(earlier, True, tuple(earlier.actions.all()))
    return ReportResult(report, False, tuple(applier.actions))


def _plan(parsed: BacsReport, policy: Policy, today: date) -> _Planned:
    if isinstance(parsed, AruddReport):
        planned = _Planned(ReportKind.ARUDD, parsed.processing_date)
        _check_sun(parsed.service_user_number, policy, planned)
        _plan_arudd(parsed, policy, planned)
    elif isinstance(parsed, AddacsReport):
        planned = _Planned(ReportKind.ADDACS, parsed.report_date)
        _check_sun(parsed.service_user_number, policy, planned)
        _plan_addacs(parsed, planned)
    elif isinstance(parsed, AuddisReport):
        planned = _Planned(ReportKind.AUDDIS, parsed.report_date)
        _check_sun(parsed.service_user_number, policy, planned)
        _plan_auddis(parsed, planned)
    elif isinstance(parsed, AuddisAcceptanceReport):
        planned = _Planned(ReportKind.AUDACC, parsed.report_date)
        _check_sun(parsed.service_user_number, policy, planned)
        _plan_audacc(parsed, planned)
    else:
        planned = _Planned(ReportKind.DDICA, parsed.debit_date or today)
        _check_sun(parsed.service_user_number, policy, planned)
        _plan_ddica(parsed, planned)
    return planned


def _check_sun(sun: str, policy: Policy, planned: _Planned) -> None:
    if sun != policy.sun:
        planned.problems.append(
            f"the report is for Service User Number {sun}, not the council's {policy.sun}"
        )


def _mandate(reference: str, line: int, what: str, planned: _Planned) -> Mandate | None:
    found = Mandate.objects.filter(reference=reference.upper()).select_related("account").first()
    if found is None:
        planned.problems.append(
            f"line {line} ({what}): reference {reference!r} is not a mandate carecharge knows"
        )
    return found


class _Items:
    """Finds the collection each report item is about, once each."""

    def __init__(self, planned: _Planned) -> None:
        self.planned = planned
        self.used: set[int] = set()

    def find(
        self,
        where: str,
        reference: str,
        amount: int,
        *,
        processing_day: date | None = None,
        collection_date: date | None = None,
        code: str | None = None,
        claimed: bool = False,
    ) -> CollectionItem | None:
        items = (
            CollectionItem.objects.filter(reference=reference.upper(), amount_pence=amount)
            .exclude(run__state=RunState.CANCELLED)
            .select_related("run", "mandate", "receipt")
        )
        if processing_day is not None:
            items = items.filter(run__processing_day=processing_day)
            when = f"processed on {show_day(processing_day)}"
        else:
            assert collection_date is not None
            items = items.filter(run__collection_date=collection_date)
            when = f"collected on {show_day(collection_date)}"
        found = sorted(items, key=lambda i: (i.transaction_code != code, i.pk))
        candidates = [i for i in found if i.pk not in self.used]
        shown = f"{where}: reference {reference!r}, {format_pounds(amount)} {when}"
        if not found:
            self.planned.problems.append(f"{shown}: carecharge made no such collection")
            return None
        if not candidates:
            self.planned.problems.append(f"{shown}: appears more than once in the report")
            return None
        item = candidates[0]
        self.used.add(item.pk)
        earlier = ItemReturn.objects.filter(item=item).select_related("report").first()
        if item.receipt is None:
            self.planned.problems.append(
                f"{shown}: run {item.run.pk} is not settled yet; settle it before importing "
                "returns for it"
            )
            return None
        if claimed and (earlier is None or earlier.kind != ReturnKind.DDICA):
            self.planned.problems.append(
                f"{shown}: the claim withdrawn was never claimed in a DDICA carecharge imported"
            )
            return None
        if not claimed and earlier is not None:
            self.planned.problems.append(
                f"{shown}: already {earlier.get_kind_display().lower()} in "
                f"{earlier.report.filename} ({show_day(earlier.report.report_date)})"
            )
            return None
        return item


# --- ARUDD ------------------------------------------------------------------------------------


def _plan_arudd(parsed: AruddReport, policy: Policy, planned: _Planned) -> None:
    ours = (policy.originator.sort_code, policy.originator.account_number)
    for account in parsed.accounts:
        if (account.sort_code, account.account_number) != ours:
            planned.problems.append(
                f"ARUDD: returns against account {account.sort_code} {account.account_number}, "
                "which is not the council's Direct Debit collection account"
            )
    items = _Items(planned)
    for returned in parsed.items:
        where = f"line {returned.line} (ReturnedDebitItem)"
        if _mandate(returned.reference, returned.line, "ReturnedDebitItem", planned) is None:
            continue
        item = items.find(
            where,
            returned.reference,
            returned.amount_pence,
            processing_day=returned.original_processing_date,
            code=returned.transaction_code,
        )
        if item is None:
            continue
        if returned.reason in ARUDD_ENDS_MANDATE:
            outcome = ReturnOutcome.MANDATE_CANCELLED
        elif (
            returned.reason.may_represent
            and policy.represent_refer_to_payer
            and item.represents_id is None
        ):
            outcome = ReturnOutcome.REPRESENT
        else:
            outcome = ReturnOutcome.RECOVERY
        planned.steps.append(
            _arudd_step(
                item,
                returned.reason,
                returned.return_code,
                returned.description,
                outcome,
                returned.line,
                parsed.processing_date,
            )
        )


def _arudd_step(
    item: CollectionItem,
    reason: AruddReason,
    code: str,
    description: str,
    outcome: str,
    line: int,
    effective: date,
) -> Step:
    def apply(applier: _Applier) -> None:
        applier.take_back(
            item,
            kind=ReturnKind.ARUDD,
            reason=reason.value,
            reason_code=code,
            description=description,
            outcome=outcome,
            effective=effective,
        )
        amount = format_pounds(item.amount_pence)
        taken = f"{amount} collected {show_day(item.run.collection_date)} returned: {description}"
        applier.note(
            "returned",
            f"{taken}; receipt reversed",
            reference=item.reference,
            line=line,
            mandate=item.mandate,
            item=item,
        )
        if outcome == ReturnOutcome.REPRESENT:
            applier.note(
                "represent",
                "to be presented again (code 18) in the next run",
                reference=item.reference,
                line=line,
                mandate=item.mandate,
                item=item,
            )
        elif outcome == ReturnOutcome.MANDATE_CANCELLED:
            ended = applier.end(
                item.mandate,
                MandateStatus.CANCELLED,
                f"ARUDD: {description.lower()}",
                tell_bank=False,
            )
            applier.note(
                "mandate_cancelled" if ended else "noted",
                "mandate cancelled; the amount is left for recovery"
                if ended
                else "mandate already ended; the amount is left for recovery",
                reference=item.reference,
                line=line,
                mandate=item.mandate,
                item=item,
            )
        else:
            applier.note(
                "recovery",
                "left for recovery",
                reference=item.reference,
                line=line,
                mandate=item.mandate,
                item=item,
            )

    return apply


# --- ADDACS -----------------------------------------------------------------------------------


def _plan_addacs(parsed: AddacsReport, planned: _Planned) -> None:
    for advice in parsed.advices:
        mandate = _mandate(advice.reference, advice.line, "MessagingAdvice", planned)
        if mandate is None:
            continue
        planned.steps.append(
            _addacs_step(
                mandate,
                advice.reason,
                advice.reason_code,
                advice.new_sort_code,
                advice.new_account_number,
                advice.line,
            )
        )


def _addacs_step(
    mandate: Mandate,
    reason: AddacsReason,
    code: str,
    new_sort_code: str | None,
    new_account: str | None,
    line: int,
) -> Step:
    words = reason.value.replace("_", " ")

    def apply(applier: _Applier) -> None:
        def note(action: str, detail: str) -> None:
            applier.note(action, detail, reference=mandate.reference, line=line, mandate=mandate)

        mandate.refresh_from_db()
        if reason in ADDACS_ENDS_MANDATE:
            ended = applier.end(
                mandate, MandateStatus.CANCELLED, f"ADDACS {code}: {words}", tell_bank=False
            )
            extra = (
                "; tell the team that deals with deaths and estates"
                if reason is AddacsReason.PAYER_DECEASED
                else ""
            )
            if ended:
                note("mandate_cancelled", f"ADDACS {code} {words}: mandate cancelled{extra}")
            else:
                note("noted", f"ADDACS {code} {words}: mandate already ended{extra}")
        elif (
            new_sort_code
            and new_account
            and reason in (AddacsReason.ACCOUNT_TRANSFERRED, AddacsReason.INSTRUCTION_AMENDED)
        ):
            if mandate.status not in OPEN_STATUSES:
                note("noted", f"ADDACS {code} {words}: mandate already ended; details not changed")
                return
            checked = check_account(new_sort_code, new_account)
            change_mandate(
                mandate,
                actor=applier.actor,
                reason=f"ADDACS {code}: {words}",
                action="directdebit.bank_details",
                sort_code=new_sort_code,
                account_number=new_account,
                modulus_check=f"{checked.status.value}: {checked.reason} (from ADDACS)"[:300],
            )
            note(
                "details_changed",
                f"ADDACS {code} {words}: collections now from sort code "
                f"{new_sort_code}, account ending {new_account[-4:]} "
                f"(modulus check {checked.status.value})",
            )
        elif reason is AddacsReason.INSTRUCTION_REINSTATED:
            if mandate.status == MandateStatus.CANCELLED:
                change_mandate(
                    mandate,
                    actor=applier.actor,
                    reason=f"ADDACS {code}: {words}",
                    action="directdebit.reinstated",
                    status=MandateStatus.LIVE,
                    ended_on=None,
                    end_reason="",
                )
                note("reinstated", f"ADDACS {code} {words}: mandate live again")
            else:
                note(
                    "noted",
                    f"ADDACS {code} {words}: mandate was "
                    f"{mandate.get_status_display().lower()}; nothing changed",
                )
        else:
            note(
                "noted",
                f"ADDACS {code} {words}: check the mandate and the advance notices "
                "sent; nothing changed",
            )

    return apply


# --- AUDDIS returned instructions and file acceptance -----------------------------------------


def _plan_auddis(parsed: AuddisReport, planned: _Planned) -> None:
    for returned in parsed.returns:
        mandate = _mandate(returned.reference, returned.line, "MessagingAdvice", planned)
        if mandate is None:
            continue
        planned.steps.append(
            _auddis_step(
                mandate,
                returned.transaction_code,
                returned.reason_code,
                returned.reason.value.replace("_", " "),
                returned.line,
            )
        )


def _auddis_step(mandate: Mandate, code: str, reason_code: str, words: str, line: int) -> Step:
    def apply(applier: _Applier) -> None:
        why = f"AUDDIS {code} rejected, reason {reason_code}: {words}"
        if code == InstructionCode.CANCEL:
            applier.note(
                "noted",
                f"{why}; the mandate stays cancelled",
                reference=mandate.reference,
                line=line,
                mandate=mandate,
            )
            return
        mandate.refresh_from_db()
        if mandate.status == MandateStatus.REJECTED:
            applier.note(
                "noted",
                f"{why}; already rejected",
                reference=mandate.reference,
                line=line,
                mandate=mandate,
            )
            return
        end_mandate(
            mandate,
            status=MandateStatus.REJECTED,
            reason=why,
            on=applier.today,
            actor=applier.actor,
            tell_bank=False,
        )
        applier.note(
            "rejected",
            f"{why}; mandate rejected, contact the payer",
            reference=mandate.reference,
            line=line,
            mandate=mandate,
        )

    return apply


def _plan_audacc(parsed: AuddisAcceptanceReport, planned: _Planned) -> None:
    for result in parsed.files:
        serial = result.volume_serial_number
        file = (
            BacsFile.objects.filter(kind=FileKind.AUDDIS, serial_number=int(serial)).first()
            if serial.isdigit()
            else None
        )
        if file is None:
            planned.problems.append(
                f"line {result.line} (MessagingAdvice): volume serial {serial!r} is not an AUDDIS "
                "file carecharge made"
            )
            continue
        planned.steps.append(
            _audacc_step(file, result.accepted, result.live, parsed.messages, result.line)
        )


def _audacc_step(
    file: BacsFile, accepted: bool, live: bool, messages: tuple[str, ...], line: int
) -> Step:
    def apply(applier: _Applier) -> None:
        name = f"AUDDIS file {file.serial_number:06d}"
        instructions = list(
            AuddisInstruction.objects.filter(file=file).select_related("mandate").order_by("pk")
        )
        if not live:
            applier.note(
                "noted",
                f"{name}: a test submission; nothing changed",
                reference=f"{file.serial_number:06d}",
                line=line,
            )
            return
        for instruction in instructions:
            mandate = instruction.mandate
            mandate.refresh_from_db()
            if accepted:
                lodging = instruction.code != InstructionCode.CANCEL
                if lodging and mandate.status == MandateStatus.LODGED:
                    change_mandate(
                        mandate,
                        actor=applier.actor,
                        reason=f"{name} accepted by Bacs",
                        action="directdebit.live",
                        status=MandateStatus.LIVE,
                    )
                    applier.note(
                        "live",
                        f"{name} accepted: mandate live",
                        reference=mandate.reference,
                        line=line,
                        mandate=mandate,
                    )
                continue
            why = f"{name} rejected by Bacs" + (f": {'; '.join(messages)}" if messages else "")
            if instruction.code != InstructionCode.CANCEL and mandate.status not in (
                MandateStatus.PENDING,
                MandateStatus.LODGED,
                MandateStatus.LIVE,
            ):
                # The mandate ended since: sending the instruction again would set it up anew.
                applier.note(
                    "not_requeued",
                    f"{why}: not sent again, the mandate is {mandate.get_status_display().lower()}",
                    reference=mandate.reference,
                    line=line,
                    mandate=mandate,
                )
                continue
            queue_instruction(
                mandate,
                instruction.code,
                reason=f"Sent again: {why}",
                actor=applier.actor,
                today=applier.today,
            )
            if instruction.code != InstructionCode.CANCEL and mandate.status in (
                MandateStatus.LODGED,
                MandateStatus.LIVE,
            ):
                change_mandate(
                    mandate,
                    actor=applier.actor,
                    reason=why,
                    action="directdebit.requeued",
                    status=MandateStatus.PENDING,
                    lodged_on=None,
                    live_from=None,
                )
            applier.note(
                "requeued",
                f"{why}: {instruction.code} queued for the next AUDDIS file",
                reference=mandate.reference,
                line=line,
                mandate=mandate,
            )
        if accepted:
            applier.note(
                "accepted",
                f"{name} accepted by Bacs",
                reference=f"{file.serial_number:06d}",
                line=line,
            )

    return apply


# --- DDICA ------------------------------------------------------------------------------------


def _plan_ddica(parsed: DdicaReport, planned: _Planned) -> None:
    items = _Items(planned)
    effective = parsed.debit_date or planned.report_date
    claimed: dict[int, CollectionItem] = {}
    for claim in parsed.claims:
        mandate = _mandate(claim.reference, claim.line, "DDICAdvice", planned)
        if mandate is None:
            continue
        found = _claimed_items(claim, items, claimed=False)
        if found is None:
            continue
        for item in found:
            claimed[item.pk] = item
        planned.steps.append(_ddica_step(mandate, claim, found, effective))
    withdrawn_items = _Items(planned)
    for claim in parsed.cancellations:
        mandate = _mandate(claim.reference, claim.line, "DDICCancellation", planned)
        if mandate is None:
            continue
        found = []
        for collection in claim.collections:
            where = f"line {claim.line} (DDICCancellation)"
            match = next(
                (
                    i
                    for i in claimed.values()
                    if i.reference == claim.reference.upper()
                    and i.amount_pence == collection.amount_pence
                    and i.run.collection_date == collection.collection_date
                    and i.pk not in withdrawn_items.used
                ),
                None,
            )
            if match is not None:
                withdrawn_items.used.add(match.pk)
                found.append(match)
                continue
            withdrawn = withdrawn_items.find(
                where,
                claim.reference,
                collection.amount_pence,
                collection_date=collection.collection_date,
                claimed=True,
            )
            if withdrawn is not None:
                found.append(withdrawn)
        for item in found:
            if Receipt.objects.filter(duplicate_key=_withdrawn_key(item)).exists():
                planned.problems.append(
                    f"line {claim.line} (DDICCancellation): the claim on the collection of "
                    f"{show_day(item.run.collection_date)} for reference {item.reference!r} was "
                    "already withdrawn"
                )
        if len(found) == len(claim.collections):
            planned.steps.append(_withdrawn_step(claim, found, effective))


def _withdrawn_key(item: CollectionItem) -> str:
    return f"dd-claim-withdrawn:{item.pk}"


def _claimed_items(
    claim: DdicaClaim, items: _Items, *, claimed: bool
) -> list[CollectionItem] | None:
    found = []
    for collection in claim.collections:
        item = items.find(
            f"line {claim.line} (DDICAdvice)",
            claim.reference,
            collection.amount_pence,
            collection_date=collection.collection_date,
            claimed=claimed,
        )
        if item is not None:
            found.append(item)
    return found if len(found) == len(claim.collections) else None


def _ddica_step(
    mandate: Mandate, claim: DdicaClaim, items: list[CollectionItem], effective: date
) -> Step:
    words = claim.reason.value.replace("_", " ")

    def apply(applier: _Applier) -> None:
        for item in items:
            applier.take_back(
                item,
                kind=ReturnKind.DDICA,
                reason=claim.reason.value,
                reason_code=claim.reason_code,
                description=words,
                outcome=ReturnOutcome.MANDATE_CANCELLED,
                effective=effective,
            )
            applier.note(
                "claimed",
                f"{format_pounds(item.amount_pence)} collected "
                f"{show_day(item.run.collection_date)} claimed back under the Direct "
                f"Debit Guarantee ({claim.paying_bank_reference}): {words}; receipt "
                "reversed",
                reference=item.reference,
                line=claim.line,
                mandate=mandate,
                item=item,
            )
        # Reason 3: the paying bank had already cancelled it, so there is nothing to cancel.
        ended = applier.end(
            mandate,
            MandateStatus.CANCELLED,
            f"DDICA indemnity claim: {words}",
            tell_bank=claim.reason is not DdicaReason.CANCELLED_BY_PAYING_BANK,
        )
        applier.note(
            "mandate_cancelled" if ended else "noted",
            "mandate cancelled after the indemnity claim" if ended else "mandate already ended",
            reference=mandate.reference,
            line=claim.line,
            mandate=mandate,
        )

    return apply


def _withdrawn_step(claim: DdicaClaim, items: list[CollectionItem], effective: date) -> Step:
    def apply(applier: _Applier) -> None:
        receipts = post_receipts(
            [
                NewReceipt(
                    channel=Channel.DIRECT_DEBIT,
                    received_on=effective,
                    amount_pence=item.amount_pence,
                    duplicate_key=_withdrawn_key(item),
                    payer_name=item.bacs_name,
                    reference_text=item.reference,
                    account=item.account,
                    match_rule=MatchRule.DIRECT_DEBIT,
                    match_trace=(
                        f"Indemnity claim {claim.paying_bank_reference} withdrawn by the paying "
                        f"bank: the collection of {show_day(item.run.collection_date)} is paid "
                        "again.",
                    ),
                )
                for item in items
            ],
            actor=applier.actor,
        )
        for item, receipt in zip(items, receipts, strict=True):
            applier.note(
                "claim_withdrawn",
                f"indemnity claim {claim.paying_bank_reference} "
                f"withdrawn: {format_pounds(item.amount_pence)} received again as "
                f"receipt {receipt.number}",
                reference=item.reference,
                line=claim.line,
                mandate=item.mandate,
                item=item,
            )

    return apply
