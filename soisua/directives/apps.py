from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "soisua.directives"
    label = "directives"

    def ready(self):
        # The reminder job, the counters' source, what waits for a person on the home page, and the facts offered
        # to a review's writer.
        from . import agenda, jobs, record_facts, rollup  # noqa: F401
