from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.enums import Role
from soisua.org.models import Unit


class Command(BaseCommand):
    help = f"Give a login a role on a unit: grant_role USERNAME UNIT_CODE ROLE (roles: {', '.join(Role.values)})."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("unit_code")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args, username, unit_code, role, **options):
        user = get_user_model().objects.filter(username=username).first()
        unit = Unit.objects.filter(code=unit_code).first()
        if user is None:
            raise CommandError(f"No login named {username!r}.")
        if unit is None:
            raise CommandError(f"No unit with code {unit_code!r}.")
        services.grant_role(user, unit=unit, role=role, by=SYSTEM)
        self.stdout.write(f"{username} is now {role} of {unit.name} ({unit.code}).")
