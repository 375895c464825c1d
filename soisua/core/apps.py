from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "soisua.core"
    label = "core"
