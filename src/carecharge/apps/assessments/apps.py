from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "carecharge.apps.assessments"
    label = "assessments"
    verbose_name = "Financial assessments"
