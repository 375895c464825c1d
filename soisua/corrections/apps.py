from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "soisua.corrections"
    label = "corrections"

    def ready(self):
        from . import agenda  # noqa: F401 - registers what waits for a person on the home page
