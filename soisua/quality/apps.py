from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "soisua.quality"
    label = "quality"

    def ready(self):
        from . import (
            agenda,  # noqa: F401 - registers the meetings waiting for the member's rating
            jobs,  # noqa: F401 - registers the nightly audit of ratings
            record_facts,  # noqa: F401 - registers the facts offered to reviews
            rollup,  # noqa: F401 - registers the counters' source
        )
