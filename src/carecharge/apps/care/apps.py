from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "carecharge.apps.care"
    label = "care"
    verbose_name = "Care"
