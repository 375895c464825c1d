from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "soisua.directives"
    label = "directives"

    def ready(self):
        from . import jobs, rollup  # noqa: F401 - register the reminder job and the counters' source
