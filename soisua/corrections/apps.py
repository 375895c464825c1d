from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "soisua.corrections"
    label = "corrections"

    def ready(self):
        # What waits for a person on the home page, the counters' source, and the facts offered to reviews.
        from . import agenda, record_facts, rollup  # noqa: F401
