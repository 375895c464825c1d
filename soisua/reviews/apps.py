from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "soisua.reviews"
    label = "reviews"

    def ready(self):
        from . import agenda  # noqa: F401 - registers what waits for a person on the home page
