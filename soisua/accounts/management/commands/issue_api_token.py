from django.core.management.base import BaseCommand, CommandError

from soisua.accounts import services
from soisua.accounts.models import User
from soisua.core.actors import SYSTEM


class Command(BaseCommand):
    help = "Issue an API token for a login and print it once: issue_api_token USERNAME NAME."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. 'district reporting script'.")
        parser.add_argument("--days", type=int, default=None,
                            help="How long the token is valid (1-365 days; API_TOKEN_DAYS by default).")

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active login named {username!r}.")
        try:
            token = services.issue_api_token(user, name=name, days=days, by=SYSTEM)
        except services.TokenError as error:
            raise CommandError(" ".join(error.messages)) from None
        expires = services.tokens_of(user).first().expires_at
        self.stdout.write(f"Token for {username} ({name}), valid until {expires:%Y-%m-%d %H:%M %Z}; it is shown "
                          f"only now:\n{token}")
