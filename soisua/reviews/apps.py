from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "soisua.reviews"
    label = "reviews"
