from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "soisua.oversight"
    label = "oversight"

    def ready(self):
        from . import agenda  # noqa: F401 - registers what waits for a person on the home page
