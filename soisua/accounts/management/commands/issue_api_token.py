from django.core.management.base import BaseCommand, CommandError

from soisua.accounts import services, token_units
from soisua.accounts.models import TokenScope, User
from soisua.core.actors import SYSTEM


class Command(BaseCommand):
    help = "Issue an API token for a login and print it once: issue_api_token USERNAME NAME."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. 'district reporting script'.")
        parser.add_argument("--days", type=int, default=None,
                            help="How long the token is valid (1-365 days; API_TOKEN_DAYS by default).")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ,
                            help="read (the default: every write is refused) or read_write.")
        parser.add_argument("--unit", metavar="CODE", default=None,
                            help="Limit the token to this unit's subtree (a unit the login sees), by its code.")

    def handle(self, *args, username, name, days, scope, unit, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active login named {username!r}.")
        unit_id = None
        if unit is not None:
            unit_id = token_units.provider().by_code(unit)
            if unit_id is None:
                raise CommandError(f"No unit with the code {unit!r}.")
        try:
            token = services.issue_api_token(user, name=name, days=days, scope=scope, unit_id=unit_id, by=SYSTEM)
        except services.TokenError as error:
            raise CommandError(" ".join(error.messages)) from None
        expires = services.tokens_of(user).first().expires_at
        limit = f", limited to {unit}" if unit is not None else ""
        self.stdout.write(f"Token for {username} ({name}, {scope}{limit}), valid until {expires:%Y-%m-%d %H:%M %Z}; "
                          f"it is shown only now:\n{token}")
