from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "carecharge.apps.documents"
    label = "documents"
    verbose_name = "Letters and documents"
