from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "soisua.oversight"
    label = "oversight"
