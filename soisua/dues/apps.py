from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "soisua.dues"
    label = "dues"
