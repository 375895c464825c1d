from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "soisua.oversight"
    label = "oversight"

    def ready(self):
        # What waits for a person on the home page, and the facts offered to a review's writer.
        from . import agenda, record_facts  # noqa: F401
