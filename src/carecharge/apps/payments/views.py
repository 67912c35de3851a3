"""The payments screens: receipts, the unallocated queue, a receipt (clear, move, reverse),
cash and cheques taken in person, and the day's banking."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse as url_for
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from carecharge.apps.accounts.roles import CASEWORK_ROLES, Role, has_any_role, roles
from carecharge.core.money import format_pounds
from carecharge.core.payments.allocation import AllocationError

from . import (
    allocations,
    expected,
    importing,
    presenters,
    queries,
    receipts,
    reconciliation,
    refunds,
)
from .forms import (
    ArrangementForm,
    ClearForm,
    DecisionForm,
    FilterForm,
    InPersonForm,
    MoveForm,
    PaidForm,
    PaymentFileForm,
    PeriodForm,
    RefundForm,
    ReverseForm,
    SignOffForm,
    SplitForm,
)
from .models import (
    Channel,
    MonthEndReconciliation,
    PaymentArrangement,
    PaymentFile,
    PaymentReference,
    Refund,
)

VIEW_ROLES = CASEWORK_ROLES
# Income officers bank and place money; seniors may too.
EDIT_ROLES = frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER})
PAGE = 50


def _problems(form: Any) -> list[dict[str, str]]:
    found = [
        {"text": str(error), "href": f"#{form[name].id_for_label}"}
        for name, errors in form.errors.items()
        if name in form.fields
        for error in errors
    ]
    return found + [{"text": str(e), "href": "#main-content"} for e in form.non_field_errors()]


def _may_edit(request: HttpRequest) -> bool:
    return has_any_role(request.user, EDIT_ROLES)


@roles(VIEW_ROLES)
@require_GET
def receipt_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    chosen: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    found = queries.receipts(
        received_from=chosen.get("received_from"),
        received_to=chosen.get("received_to"),
        channel=chosen.get("channel") or "",
        status=chosen.get("status") or "",
        text=chosen.get("q") or "",
    )
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    count, pence = queries.unallocated_total()
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "payments/receipts.html",
        {
            "form": form,
            "page": page,
            "rows": [presenters.receipt_row(r, queries.holder(r)) for r in page],
            "query": query,
            "unallocated_count": count,
            "unallocated_total": format_pounds(pence),
            "may_edit": _may_edit(request),
        },
    )


@roles(VIEW_ROLES)
@require_GET
def unallocated(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = []
    for receipt in queries.unallocated()[:500]:
        row = presenters.receipt_row(receipt, None)
        row["age_days"] = (today - receipt.received_on).days
        rows.append(row)
    count, pence = queries.unallocated_total()
    return render(
        request,
        "payments/unallocated.html",
        {
            "rows": rows,
            "count": count,
            "total": format_pounds(pence),
            "may_edit": _may_edit(request),
        },
    )


def _receipt_page(request: HttpRequest, number: str, **forms: Any) -> HttpResponse:
    receipt = queries.receipt_or_404(number)
    found = queries.history(receipt)
    holder = queries.account_or_none(allocations.current_account_id(receipt))
    free = allocations.unallocated_pence(receipt)
    failed = next((f for f in forms.values() if f is not None and f.errors), None)
    context = {
        "receipt": receipt,
        "row": presenters.receipt_row(receipt, holder) | {"status": _status(found, holder)},
        "history": found,
        "holder": holder,
        "holder_name": presenters.debtor_name(holder),
        "free": format_pounds(free),
        "may_edit": _may_edit(request) and found.reversal is None,
        "clear_form": forms.get("clear_form") or ClearForm(),
        "move_form": forms.get("move_form") or MoveForm(),
        "reverse_form": forms.get("reverse_form") or ReverseForm(),
        "problems": _problems(failed) if failed is not None else [],
        "trace": receipt.match_trace,
    }
    return render(request, "payments/receipt.html", context, status=400 if failed else 200)


def _status(found: queries.ReceiptHistory, holder: Any) -> str:
    if found.reversal is not None:
        return "Reversed"
    return "Unallocated" if holder is None else "On account"


@roles(VIEW_ROLES)
@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    return _receipt_page(request, number)


def _refused(form: Any, error: Exception) -> None:
    field, sep, message = str(error).partition(": ")
    if sep and field in form.fields:
        form.add_error(field, message[:1].upper() + message[1:])
    else:
        form.add_error(None, str(error))


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def clear(request: HttpRequest, number: str) -> HttpResponse:
    found = queries.receipt_or_404(number)
    form = ClearForm(request.POST)
    if form.is_valid():
        try:
            receipts.clear_from_suspense(
                found,
                account=form.cleaned_data["account"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except receipts.ReceiptError as error:
            _refused(form, error)
        else:
            return redirect("payments:receipt", number=number)
    return _receipt_page(request, number, clear_form=form)


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def move(request: HttpRequest, number: str) -> HttpResponse:
    found = queries.receipt_or_404(number)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            receipts.move_receipt(
                found,
                to=form.cleaned_data["account"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except (receipts.ReceiptError, AllocationError) as error:
            _refused(form, error)
        else:
            return redirect("payments:receipt", number=number)
    return _receipt_page(request, number, move_form=form)


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def reverse(request: HttpRequest, number: str) -> HttpResponse:
    found = queries.receipt_or_404(number)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            receipts.reverse_receipt(
                found,
                reason=form.cleaned_data["reason"],
                effective_date=form.cleaned_data["effective_date"],
                actor=request.user,
            )
        except receipts.ReceiptError as error:
            _refused(form, error)
        else:
            return redirect("payments:receipt", number=number)
    return _receipt_page(request, number, reverse_form=form)


@roles(EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def in_person(request: HttpRequest) -> HttpResponse:
    form = InPersonForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = receipts.record_in_person(
                channel=data["channel"],
                account=data["account"],
                amount_pence=data["amount"],
                received_on=data["received_on"],
                actor=request.user,
                payer_name=data.get("payer_name") or "",
                cheque_number=data.get("cheque_number") or "",
            )
        except receipts.ReceiptError as error:
            _refused(form, error)
        else:
            return redirect("payments:receipt", number=made.number)
    return render(
        request,
        "payments/in_person.html",
        {"form": form, "problems": _problems(form)},
        status=400 if form.errors else 200,
    )


@roles(VIEW_ROLES)
@require_GET
def banking(request: HttpRequest) -> HttpResponse:
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    found = queries.banking(day)
    channels = [
        {
            "label": label,
            "count": found["by_channel"].get(value, (0, 0))[0],
            "total": format_pounds(found["by_channel"].get(value, (0, 0))[1] or 0),
        }
        for value, label in Channel.choices
    ]
    cash = sum(r.amount_pence for r in found["paying_in"] if r.channel == Channel.CASH)
    cheques = sum(r.amount_pence for r in found["paying_in"] if r.channel == Channel.CHEQUE)
    total = sum(pence or 0 for _, pence in found["by_channel"].values())
    return render(
        request,
        "payments/banking.html",
        {
            "day": day,
            "channels": channels,
            "total": format_pounds(total),
            "paying_in": [
                presenters.receipt_row(r, r.account)
                | {"cheque": r.cheque_number, "by": r.created_by}
                for r in found["paying_in"]
            ],
            "cash_total": format_pounds(cash),
            "cheque_total": format_pounds(cheques),
            "paying_in_total": format_pounds(cash + cheques),
        },
    )


# --- Refunds -------------------------------------------------------------------------------


@roles(VIEW_ROLES)
@require_GET
def refund_list(request: HttpRequest) -> HttpResponse:
    balances = [
        {
            "reference": _reference(b.account),
            "debtor": presenters.debtor_name(b.account),
            "credit": format_pounds(b.credit_pence),
            "committed": format_pounds(b.committed_pence),
            "available": format_pounds(b.available_pence),
            "can_refund": b.available_pence > 0 and bool(_reference(b.account)),
        }
        for b in refunds.credit_balances()
    ]
    found = Refund.objects.select_related("account__person", "requested_by", "decided_by")[:200]
    return render(
        request,
        "payments/refunds.html",
        {
            "balances": balances,
            "refunds": [presenters.refund_row(r) for r in found],
            "may_edit": _may_edit(request),
            "bacs_waiting": Refund.objects.filter(state="approved", method="bacs").count(),
        },
    )


def _reference(account: Any) -> str:
    """The payment reference to show, without giving one (a page that only reads writes
    nothing): a service user's account reference, or the one already given."""
    if account.person is not None:
        return str(account.person.account_reference)
    given = PaymentReference.objects.filter(account=account).values_list("reference", flat=True)
    return given.first() or ""


@roles(EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def refund_request(request: HttpRequest, reference: str) -> HttpResponse:
    from .references import account_for_reference

    account = account_for_reference(reference)
    if account is None:
        raise Http404("No debtor has that payment reference")
    credit = max(0, refunds.credit_pence(account) - refunds.committed_pence(account))
    executor = refunds.executor_for(account)
    form = RefundForm(
        request.POST or None,
        initial={
            "amount": f"{credit // 100}.{credit % 100:02d}",
            "payee_name": executor.name
            if executor and account.person and account.person.date_of_death
            else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = refunds.request_refund(
                account=account,
                amount_pence=data["amount"],
                method=data["method"],
                payee_name=data["payee_name"],
                sort_code=data.get("sort_code") or "",
                account_number=data.get("account_number") or "",
                reason=data["reason"],
                actor=request.user,
            )
        except refunds.RefundError as error:
            for part in str(error).split("; "):
                _refused(form, Exception(part))
        else:
            return redirect("payments:refund", number=made.number)
    return render(
        request,
        "payments/refund_request.html",
        {
            "form": form,
            "problems": _problems(form),
            "debtor": presenters.debtor_name(account),
            "reference": reference,
            "available": format_pounds(credit),
        },
        status=400 if form.errors else 200,
    )


def _refund_page(request: HttpRequest, number: str, **forms: Any) -> HttpResponse:
    refund = (
        Refund.objects.select_related(
            "account__person", "requested_by", "decided_by", "transaction"
        )
        .filter(number=number)
        .first()
    )
    if refund is None:
        raise Http404("No such refund")
    failed = next((f for f in forms.values() if f is not None and f.errors), None)
    return render(
        request,
        "payments/refund.html",
        {
            "refund": refund,
            "row": presenters.refund_row(refund),
            "may_edit": _may_edit(request),
            "may_decide": _may_edit(request) and refund.requested_by_id != request.user.pk,
            "decision_form": forms.get("decision_form") or DecisionForm(),
            "paid_form": forms.get("paid_form")
            or PaidForm(initial={"paid_on": timezone.localdate()}),
            "problems": _problems(failed) if failed is not None else [],
        },
        status=400 if failed else 200,
    )


@roles(VIEW_ROLES)
@require_GET
def refund(request: HttpRequest, number: str) -> HttpResponse:
    return _refund_page(request, number)


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def refund_decide(request: HttpRequest, number: str) -> HttpResponse:
    found = Refund.objects.filter(number=number).first()
    if found is None:
        raise Http404("No such refund")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                refunds.approve_refund(
                    found, actor=request.user, note=form.cleaned_data["decision_note"]
                )
            else:
                refunds.reject_refund(
                    found, actor=request.user, note=form.cleaned_data["decision_note"]
                )
        except refunds.RefundError as error:
            _refused(form, error)
        else:
            return redirect("payments:refund", number=number)
    return _refund_page(request, number, decision_form=form)


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def refund_paid(request: HttpRequest, number: str) -> HttpResponse:
    found = Refund.objects.filter(number=number).first()
    if found is None:
        raise Http404("No such refund")
    form = PaidForm(request.POST)
    if form.is_valid():
        try:
            refunds.mark_paid(
                found,
                paid_on=form.cleaned_data["paid_on"],
                cheque_number=form.cleaned_data.get("cheque_number") or "",
                actor=request.user,
            )
        except refunds.RefundError as error:
            _refused(form, error)
        else:
            return redirect("payments:refund", number=number)
    return _refund_page(request, number, paid_form=form)


# --- Payment files ---------------------------------------------------------------------------


@roles(EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    schemes = sorted((importing.layouts().get("counter") or {}).keys())
    form = PaymentFileForm(request.POST or None, request.FILES or None, schemes=schemes)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = importing.import_payment_file(
                data=upload.read(),
                filename=str(upload.name or "payment-file"),
                kind=form.cleaned_data["kind"],
                scheme=form.cleaned_data.get("scheme") or "",
                actor=request.user,
                period=(
                    (form.cleaned_data["covers_from"], form.cleaned_data["covers_to"])
                    if form.cleaned_data.get("covers_from")
                    else None
                ),
            )
        except importing.PaymentFileRefused as error:
            form.add_error("file", f"The file was not imported, nothing was posted: {error}")
        else:
            found = outcome.file or outcome.duplicate_of
            assert found is not None
            suffix = "?again=1" if outcome.file is None else ""
            return redirect(url_for("payments:file", args=[found.pk]) + suffix)
    return render(
        request,
        "payments/import.html",
        {
            "form": form,
            "problems": _problems(form),
            "files": PaymentFile.objects.select_related("received_by")[:20],
        },
        status=400 if form.errors else 200,
    )


@roles(VIEW_ROLES)
@require_GET
def payment_file(request: HttpRequest, pk: int) -> HttpResponse:
    found = PaymentFile.objects.filter(pk=pk).select_related("received_by").first()
    if found is None:
        raise Http404("No such payment file")
    if request.GET.get("download") == "1":
        # The file as the bank sent it holds every payer's details: finance and audit only.
        if not has_any_role(request.user, RECONCILE_ROLES):
            return HttpResponse(status=403)
        response = HttpResponse(bytes(found.content), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
        return response
    rows = [
        presenters.receipt_row(r, queries.holder(r))
        for r in queries.receipts().filter(file=found).order_by("line_number")
    ]
    counts = dict(found.counts)
    return render(
        request,
        "payments/file.html",
        {
            "file": found,
            "counts": counts,
            "received": format_pounds(int(counts.get("received_pence", 0))),
            "rows": rows,
            "again": request.GET.get("again") == "1",
            "may_download": has_any_role(request.user, RECONCILE_ROLES),
        },
    )


# --- Reconciliation --------------------------------------------------------------------------

RECONCILE_ROLES = frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR})


@roles(RECONCILE_ROLES)
@require_http_methods(["GET", "POST"])
def reconcile(request: HttpRequest) -> HttpResponse:
    start, end = reconciliation.previous_month(timezone.localdate())
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PeriodForm(data, initial={"start": start, "end": end})
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = reconciliation.reconcile(start, end) if not form.errors else None
    if request.method == "POST" and report is not None:
        if not has_any_role(request.user, EDIT_ROLES):
            return HttpResponse(status=403)
        kept = reconciliation.prepare(start, end, actor=request.user)
        return redirect("payments:reconciliation", pk=kept.pk)
    return render(
        request,
        "payments/reconcile.html",
        {
            "form": form,
            "problems": _problems(form) if form.errors else [],
            "f": report.as_json() if report is not None else None,
            "period_fields": [
                (f"{name}_{part}", getattr(day, part))
                for name, day in (("start", start), ("end", end))
                for part in ("day", "month", "year")
            ],
            "kept": MonthEndReconciliation.objects.select_related("prepared_by", "signed_off_by")[
                :12
            ],
            "may_edit": _may_edit(request),
        },
        status=400 if form.errors else 200,
    )


@roles(RECONCILE_ROLES)
@require_http_methods(["GET", "POST"])
def kept_reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    kept = (
        MonthEndReconciliation.objects.select_related("prepared_by", "signed_off_by")
        .filter(pk=pk)
        .first()
    )
    if kept is None:
        raise Http404("No such reconciliation")
    form = SignOffForm(request.POST or None)
    if request.method == "POST":
        if not has_any_role(request.user, {Role.SENIOR_OFFICER}):
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                reconciliation.sign_off(kept, actor=request.user, note=form.cleaned_data["note"])
            except reconciliation.ReconciliationError as error:
                _refused(form, error)
            else:
                return redirect("payments:reconciliation", pk=pk)
    return render(
        request,
        "payments/reconciliation.html",
        {
            "kept": kept,
            "f": kept.figures,
            "form": form,
            "problems": _problems(form),
            "may_sign": has_any_role(request.user, {Role.SENIOR_OFFICER})
            and kept.signed_off_at is None
            and kept.prepared_by_id != request.user.pk,
        },
        status=400 if form.errors else 200,
    )


# --- Expected income -------------------------------------------------------------------------


@roles(VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def expected_income(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ArrangementForm(request.POST or None)
    if request.method == "POST":
        if not _may_edit(request):
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                expected.record_arrangement(
                    account=data["account"], kind=data["kind"], amount_pence=data["amount"],
                    frequency=data["frequency"], first_due=data["first_due"],
                    note=data.get("note") or "", actor=request.user,
                )  # fmt: skip
            except expected.ArrangementError as error:
                _refused(form, error)
            else:
                return redirect("payments:expected")
    missed = [
        {
            "debtor": presenters.debtor_name(m.arrangement.account),
            "kind": m.arrangement.get_kind_display(),
            "due": m.instalment.due,
            "amount": format_pounds(m.instalment.amount_pence),
            "note": m.instalment.note,
        }
        for m in expected.missed(as_at=today, since=today - timedelta(days=90))
    ]
    weeks = [
        {"week": week, "count": count, "amount": format_pounds(pence)}
        for week, count, pence in expected.forecast(start=today, weeks=8)
    ]
    arrangements = [
        {
            "debtor": presenters.debtor_name(a.account),
            "kind": a.get_kind_display(),
            "amount": format_pounds(a.amount_pence),
            "frequency": a.get_frequency_display(),
            "first_due": a.first_due,
            "ended_on": a.ended_on,
        }
        for a in PaymentArrangement.objects.select_related("account__person").order_by("-pk")[:200]
    ]
    return render(
        request,
        "payments/expected.html",
        {
            "form": form,
            "problems": _problems(form),
            "missed": missed,
            "weeks": weeks,
            "arrangements": arrangements,
            "may_edit": _may_edit(request),
        },
        status=400 if form.errors else 200,
    )


@roles(EDIT_ROLES)
@require_http_methods(["POST"])
def refund_bacs(request: HttpRequest) -> HttpResponse:
    """Pay every approved Bacs refund in one Standard 18 credit file."""
    from carecharge.apps.directdebit.policy import bank_holidays
    from carecharge.core.bacs.calendar import add_processing_days

    today = timezone.localdate()
    waiting = list(Refund.objects.filter(state="approved", method="bacs").order_by("number"))
    processing = add_processing_days(today, 2, bank_holidays=bank_holidays(today))
    try:
        made = refunds.pay_by_bacs(waiting, processing_day=processing, actor=request.user)
    except refunds.RefundError as error:
        return render(
            request,
            "payments/refunds_refused.html",
            {"message": str(error)},
            status=400,
        )
    return redirect("payments:refund_bacs_file", pk=made.pk)


@roles(EDIT_ROLES | {Role.AUDITOR})
@require_GET
def refund_bacs_file(request: HttpRequest, pk: int) -> HttpResponse:
    from carecharge.apps.directdebit.models import BacsFile

    found = BacsFile.objects.filter(pk=pk, kind="refunds").first()
    if found is None:
        raise Http404("No such refund file")
    if request.GET.get("download") == "1":
        response = HttpResponse(found.text, content_type="text/plain; charset=us-ascii")
        response["Content-Disposition"] = (
            f'attachment; filename="refunds-{found.serial_number:06d}.txt"'
        )
        return response
    paid = Refund.objects.filter(bacs_file_sha256=found.sha256).select_related("account__person")
    return render(
        request,
        "payments/refund_file.html",
        {"file": found, "refunds": [presenters.refund_row(r) for r in paid]},
    )


@roles(EDIT_ROLES)
@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, number: str) -> HttpResponse:
    """Allocate a receipt by hand across its account's invoices."""
    found = queries.receipt_or_404(number)
    holder = queries.account_or_none(allocations.current_account_id(found))
    if holder is None:
        raise Http404("The receipt is in the unallocated queue: put it on an account first")
    # The invoices it could pay: those open now, and those it pays already (undone first).
    paid_now = set(
        found.allocations.filter(invoice__isnull=False).values_list("invoice__number", flat=True)
    )
    numbers = sorted({i.number for i in allocations.open_invoices(holder)} | paid_now)
    form = SplitForm(request.POST or None, invoices=numbers)
    if request.method == "POST" and form.is_valid():
        requested = form.requested()
        if not form.errors:
            try:
                allocations.allocate_manually(
                    found, requested, reason=form.cleaned_data["reason"], actor=request.user
                )
            except (AllocationError, ValueError) as error:
                form.add_error(None, str(error))
            else:
                return redirect("payments:receipt", number=number)
    return render(
        request,
        "payments/split.html",
        {
            "receipt": found,
            "form": form,
            "problems": _problems(form),
            "rows": [(form[f"invoice_{n}"], form[f"amount_{n}"]) for n in range(1, 6)],
            "open": [
                {"number": i.number, "due": i.due_on, "owed": format_pounds(i.outstanding_pence)}
                for i in allocations.open_invoices(holder)
            ],
            "amount": format_pounds(found.amount_pence),
        },
        status=400 if form.errors else 200,
    )


@roles(EDIT_ROLES | {Role.CHARGING_OFFICER})
@require_http_methods(["POST"])
def payment_card(request: HttpRequest, code: str) -> HttpResponse:
    """Issue the debtor's payment card and keep it with the person's letters."""
    from carecharge.apps.documents.models import Document
    from carecharge.apps.ledger.models import LedgerAccount

    from .cards import CardError, issue_payment_card

    account = LedgerAccount.objects.filter(code=code, kind="debtor").first()
    if account is None:
        raise Http404("No such debtor account")
    try:
        made: Document = issue_payment_card(
            account,
            on=timezone.localdate(),
            actor=request.user,
            variant=request.POST.get("variant") or None,
        )
    except CardError as error:
        return render(request, "payments/refunds_refused.html", {"message": str(error)}, status=400)
    return redirect("documents:download", pk=made.pk)
