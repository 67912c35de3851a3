from django.apps import AppConfig


class EstimateConfig(AppConfig):
    name = "carecharge.apps.estimate"
    label = "estimate"
    verbose_name = "Citizen's estimate"
