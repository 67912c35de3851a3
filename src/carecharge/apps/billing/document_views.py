"""Billing documents on screen: an invoice's PDF, statements of account, and a posted run's
finance export files. Each page states who may use it; pages about a person honour restricted
records."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from carecharge.apps.accounts.roles import CASEWORK_ROLES, Role, has_any_role, roles
from carecharge.apps.documents import queries as documents
from carecharge.apps.documents.models import DocumentVariant
from carecharge.apps.documents.operations import record_download
from carecharge.apps.ledger.models import LedgerAccount, Posting
from carecharge.apps.people.views import refuse_restricted

from . import export, statements
from .export_layout import LayoutError
from .invoices import InvoiceError, issue_invoice
from .models import BillingRun, Invoice

log = logging.getLogger(__name__)

# Issuing stores a document that is sent to someone: the officers who bill and collect.
ISSUE_ROLES = frozenset({Role.CHARGING_OFFICER, Role.FINANCE_OFFICER, Role.SENIOR_OFFICER})
# The finance files go to the general ledger: finance and senior officers, and auditors to check.
EXPORT_ROLES = frozenset({Role.FINANCE_OFFICER, Role.SENIOR_OFFICER, Role.AUDITOR})


def _pdf(content: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- invoices --------------------------------------------------------------------------------


@roles(CASEWORK_ROLES)
@require_GET
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice or credit note exactly as issued (the stored PDF, checked against its hash)."""
    invoice = get_object_or_404(Invoice.objects.select_related("person", "document"), pk=pk)
    refused = refuse_restricted(request, invoice.person, "invoice")
    if refused is not None:
        return refused
    document = invoice.document
    if document is None:
        return render(
            request,
            "billing/documents/not_issued.html",
            {"invoice": invoice, "may_issue": has_any_role(request.user, ISSUE_ROLES)},
            status=404,
        )
    try:
        content = documents.stored_pdf(document)
    except documents.DocumentAltered:
        log.exception("Refused to serve an altered invoice document")
        return render(request, "billing/documents/altered.html", {"invoice": invoice}, status=500)
    if invoice.person.restricted:
        record_download(document=document, actor=request.user)
    return _pdf(
        content, f"{invoice.get_kind_display().lower().replace(' ', '-')}-{invoice.number}.pdf"
    )


@roles(ISSUE_ROLES)
@require_POST
def invoice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue an invoice not issued by its run yet, or a copy in another print."""
    invoice = get_object_or_404(Invoice.objects.select_related("person"), pk=pk)
    refused = refuse_restricted(request, invoice.person, "invoice")
    if refused is not None:
        return refused
    variant = request.POST.get("variant") or None
    try:
        document = issue_invoice(invoice, actor=request.user, variant=variant, source="web")
    except InvoiceError as error:
        return render(
            request,
            "billing/documents/not_issued.html",
            {
                "invoice": invoice,
                "may_issue": True,
                "problems": [{"text": str(error), "href": "#issue"}],
            },
            status=400,
        )
    messages.success(request, f"{invoice} was issued ({document.get_variant_display().lower()})")
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return redirect(target)
    return redirect(reverse("billing:invoice_pdf", args=[invoice.pk]))


# ---- statements ------------------------------------------------------------------------------


def _account(code: str) -> LedgerAccount:
    account = statements.debtor_account(code)
    if account is None:
        raise Http404("No debtor account with that code")
    return account


def _dates(data: QueryDict, account: LedgerAccount) -> tuple[date, date, list[dict[str, str]]]:
    """The statement's dates from the form (defaults: from the first posting to today)."""
    today = timezone.localdate()
    first = (
        Posting.objects.filter(account=account)
        .order_by("transaction__effective_date")
        .values_list("transaction__effective_date", flat=True)
        .first()
    )
    chosen: dict[str, date] = {"from": min(first or today, today), "to": today}
    problems = []
    for name, label in (("from", "From"), ("to", "To")):
        text = data.get(name, "").strip()
        if not text:
            continue
        try:
            chosen[name] = date.fromisoformat(text)
        except ValueError:
            problems.append(
                {
                    "text": f"{label}: {text[:20]!r} is not a date like 2025-04-07",
                    "href": f"#{name}",
                }
            )
    if not problems:
        try:
            statements.check_dates(chosen["from"], chosen["to"])
        except statements.StatementError as error:
            field, _, message = str(error).partition(": ")
            problems.append({"text": message[:1].upper() + message[1:], "href": f"#{field}"})
    return chosen["from"], chosen["to"], problems


def _statement_page(
    request: HttpRequest,
    account: LedgerAccount,
    start: date,
    end: date,
    problems: list[dict[str, str]],
    *,
    status: int = 200,
) -> HttpResponse:
    who = statements.party(account)
    context: dict[str, Any] = {
        "account": account,
        "who": who,
        "start": start,
        "end": end,
        "problems": problems,
        "may_issue": has_any_role(request.user, ISSUE_ROLES) and who.person is not None,
        "variants": DocumentVariant.choices,
        "issued": statements.issued_for(account),
        "statement": None,
    }
    if not any(p["href"] in {"#from", "#to"} for p in problems):
        context["statement"] = statements.figures(account, start, end)
    return render(request, "billing/documents/statement.html", context, status=status)


def _refuse_restricted(request: HttpRequest, account: LedgerAccount) -> HttpResponse | None:
    person = statements.party(account).person
    return refuse_restricted(request, person, "statement") if person is not None else None


@roles(CASEWORK_ROLES)
@require_GET
def statement(request: HttpRequest, code: str) -> HttpResponse:
    account = _account(code)
    refused = _refuse_restricted(request, account)
    if refused is not None:
        return refused
    start, end, problems = _dates(request.GET, account)
    return _statement_page(request, account, start, end, problems, status=400 if problems else 200)


@roles(CASEWORK_ROLES)
@require_GET
def statement_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The statement as a PDF to download, dated today; not stored (issuing stores it)."""
    account = _account(code)
    refused = _refuse_restricted(request, account)
    if refused is not None:
        return refused
    start, end, problems = _dates(request.GET, account)
    if not problems:
        try:
            _, _, rendered = statements.render_statement(
                account,
                start,
                end,
                on=timezone.localdate(),
                variant=request.GET.get("variant") or None,
            )
        except statements.StatementError as error:
            problems = [{"text": str(error).partition(": ")[2] or str(error), "href": "#issue"}]
        else:
            return _pdf(
                rendered.pdf, f"statement-{account.code}-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"
            )
    return _statement_page(request, account, start, end, problems, status=400)


@roles(ISSUE_ROLES)
@require_POST
def statement_issue(request: HttpRequest, code: str) -> HttpResponse:
    """Issue the statement: render it and keep it in the documents store."""
    account = _account(code)
    refused = _refuse_restricted(request, account)
    if refused is not None:
        return refused
    start, end, problems = _dates(request.POST, account)
    if not problems:
        try:
            statements.issue_statement(
                account, start, end, on=timezone.localdate(), actor=request.user,
                variant=request.POST.get("variant") or None, source="web",
            )  # fmt: skip
        except statements.StatementError as error:
            problems = [{"text": str(error).partition(": ")[2] or str(error), "href": "#issue"}]
        else:
            messages.success(request, "The statement was issued and stored")
            query = f"?from={start.isoformat()}&to={end.isoformat()}"
            return redirect(reverse("billing:statement_view", args=[account.code]) + query)
    return _statement_page(request, account, start, end, problems, status=400)


# ---- finance export --------------------------------------------------------------------------


def _export(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    run = get_object_or_404(BillingRun, pk=pk)
    try:
        layout = export.configured_layout()
        exported = (
            export.journal_file(run, layout)
            if what == "Journal file"
            else export.invoice_file(run, layout)
        )
    except (export.ExportError, LayoutError) as error:
        return render(
            request,
            "billing/documents/export_refused.html",
            {"run": run, "message": str(error)},
            status=409,
        )
    export.record_export(run, exported, what=what, actor=request.user, source="web")
    response = HttpResponse(exported.content, content_type="text/csv")
    response["Content-Disposition"] = content_disposition_header(True, exported.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@roles(EXPORT_ROLES)
@require_GET
def export_journal(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "Journal file")


@roles(EXPORT_ROLES)
@require_GET
def export_invoices(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "Invoice file")
