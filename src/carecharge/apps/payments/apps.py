from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "carecharge.apps.payments"
    label = "payments"
    verbose_name = "Payments"
