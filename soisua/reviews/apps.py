from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "soisua.reviews"
    label = "reviews"

    def ready(self):
        # What waits for a person on the home page, and the counters' source.
        from . import agenda, rollup  # noqa: F401
