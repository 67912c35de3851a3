"""The URL map: each app owns its own patterns under a namespace."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("carecharge.apps.accounts.urls")),
    path("people/", include("carecharge.apps.people.urls")),
    path("care/", include("carecharge.apps.care.urls")),
    path("assessments/", include("carecharge.apps.assessments.urls")),
    path("documents/", include("carecharge.apps.documents.urls")),
    path("audit/", include("carecharge.apps.audit.urls")),
    path("estimate/", include("carecharge.apps.estimate.urls")),
    path("uprating/", include("carecharge.apps.uprating.urls")),
    path("ledger/", include("carecharge.apps.ledger.urls")),
    path("billing/", include("carecharge.apps.billing.urls")),
    path("payments/", include("carecharge.apps.payments.urls")),
    path("direct-debit/", include("carecharge.apps.directdebit.urls")),
    path("", include("carecharge.apps.web.urls")),
]
