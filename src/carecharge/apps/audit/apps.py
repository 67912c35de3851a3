from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "carecharge.apps.audit"
    label = "audit"
    verbose_name = "Audit trail"
