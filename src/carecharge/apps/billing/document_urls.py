"""Billing documents' addresses, included by the billing app's urls under ``/billing/``.

No ``app_name`` here: the names (``invoice_*``, ``statement_*``, ``export_*``) join the billing
namespace of the file that includes them (``billing:invoice_pdf``).
"""

from django.urls import path

from . import document_views as views

urlpatterns = [
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("statements/<str:code>/", views.statement, name="statement_view"),
    path("statements/<str:code>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("statements/<str:code>/issue/", views.statement_issue, name="statement_issue"),
    path("runs/<int:pk>/export/journal.csv", views.export_journal, name="export_journal"),
    path("runs/<int:pk>/export/invoices.csv", views.export_invoices, name="export_invoices"),
]
