from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "carecharge.apps.billing"
    label = "billing"
    verbose_name = "Billing runs, charges and invoices"

    def ready(self) -> None:
        # The ledger check asks every app that posts for its own checks.
        from . import checks

        checks.register_all()
