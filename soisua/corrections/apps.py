from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "soisua.corrections"
    label = "corrections"
