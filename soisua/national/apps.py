from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "soisua.national"
    label = "national"
