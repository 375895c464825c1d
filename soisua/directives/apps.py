from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "soisua.directives"
    label = "directives"

    def ready(self):
        # The reminder job, the counters' source, and what waits for a person on the home page.
        from . import agenda, jobs, rollup  # noqa: F401
