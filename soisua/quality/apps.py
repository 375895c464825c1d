from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "soisua.quality"
    label = "quality"

    def ready(self):
        from . import rollup  # noqa: F401 - registers the counters' source
