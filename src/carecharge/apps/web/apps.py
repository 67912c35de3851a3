from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "carecharge.apps.web"
    label = "web"
    verbose_name = "Web interface"
