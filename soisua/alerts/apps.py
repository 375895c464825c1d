from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "soisua.alerts"
    label = "alerts"

    def ready(self):
        from soisua.org.signals import subtree_moved

        from . import agenda, jobs, services  # noqa: F401 - registers the home page's provider and the periodic jobs

        subtree_moved.connect(services.follow_moved_subtree, dispatch_uid="alerts.follow_moved_subtree")
