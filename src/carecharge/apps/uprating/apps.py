from django.apps import AppConfig


class UpratingConfig(AppConfig):
    name = "carecharge.apps.uprating"
    label = "uprating"
    verbose_name = "Annual uprating"
