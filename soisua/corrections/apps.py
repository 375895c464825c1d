from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "soisua.corrections"
    label = "corrections"

    def ready(self):
        # What waits for a person on the home page, and the counters' source.
        from . import agenda, rollup  # noqa: F401
