from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "carecharge.apps.demo"
    label = "demo"
    verbose_name = "Demo council"
