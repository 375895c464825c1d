from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "soisua.org"
    label = "org"
