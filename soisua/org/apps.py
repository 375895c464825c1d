from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "soisua.org"
    label = "org"

    def ready(self):
        from soisua.accounts import login_roles, token_units

        from . import access
        from .tokens import UNITS

        token_units.register(UNITS)  # API tokens keep a unit's id; the organisation says what it means
        login_roles.register(access.held_roles)  # who must log in with a second factor depends on the roles
