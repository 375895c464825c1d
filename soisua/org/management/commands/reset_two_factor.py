from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from soisua.core.actors import SYSTEM
from soisua.org import services


class Command(BaseCommand):
    help = ("Reset a login's two-factor login (a lost phone and lost recovery codes, e.g. the only superuser's): "
            "reset_two_factor USERNAME. Its sessions end, the person is told and sets it up again at the next "
            "login.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No login named {username!r}.")
        try:
            services.reset_two_factor(user, by=SYSTEM)
        except ValidationError as error:  # OrgError, or nothing to reset
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Two-factor login of {username} reset: it is set up again at the next login.")
