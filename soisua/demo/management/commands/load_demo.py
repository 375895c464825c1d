from django.conf import settings
from django.core.management.base import BaseCommand

from soisua.demo.loader import load_demo
from soisua.org.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo organisation (Đắk Lắk, 2023 structure) and print one login per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for every demo login.")

    def handle(self, *args, password, **options):
        logins = load_demo(password=password)
        self.stdout.write(self.style.SUCCESS("Demo organisation ready."))
        self.stdout.write(f"Open {settings.SITE_URL}/ and log in with one of these (password: {password}):\n")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role:<10} {login.description}")
