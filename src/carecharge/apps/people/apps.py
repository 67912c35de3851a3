from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "carecharge.apps.people"
    label = "people"
    verbose_name = "People"
