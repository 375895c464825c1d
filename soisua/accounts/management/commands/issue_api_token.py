from django.core.management.base import BaseCommand, CommandError

from soisua.accounts import services
from soisua.accounts.models import User


class Command(BaseCommand):
    help = "Issue an API token for a login and print it once: issue_api_token USERNAME NAME."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. 'district reporting script'.")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active login named {username!r}.")
        token = services.issue_api_token(user, name=name)
        self.stdout.write(f"Token for {username} ({name}); it is shown only now:\n{token}")
