from django.apps import AppConfig


class DirectDebitConfig(AppConfig):
    name = "carecharge.apps.directdebit"
    label = "directdebit"
    verbose_name = "Direct Debit"

    def ready(self) -> None:
        # The ledger check asks every app that posts for its own checks.
        from . import checks

        checks.register_all()
