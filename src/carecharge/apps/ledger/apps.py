from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "carecharge.apps.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        # The built-in ledger checks register themselves when the module is imported.
        from . import checks  # noqa: F401
