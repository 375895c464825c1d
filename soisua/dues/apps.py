from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "soisua.dues"
    label = "dues"

    def ready(self):
        from . import record_facts  # noqa: F401 - registers the facts offered to reviews
