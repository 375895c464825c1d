from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "soisua.org"
    label = "org"

    def ready(self):
        from soisua.accounts import token_units

        from .tokens import UNITS

        token_units.register(UNITS)  # API tokens keep a unit's id; the organisation says what it means
