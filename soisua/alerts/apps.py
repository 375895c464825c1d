from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "soisua.alerts"
    label = "alerts"

    def ready(self):
        from . import agenda, jobs  # noqa: F401 - registers the home page's provider and the periodic jobs
