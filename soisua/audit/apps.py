from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "soisua.audit"
    label = "audit"
