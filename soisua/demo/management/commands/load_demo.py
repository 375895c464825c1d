import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from soisua.demo.loader import load_demo
from soisua.org.demo import DEMO_PASSWORD

# While the demo loads, its hundred messages go only to the logins' inboxes: printed as e-mails (the development
# mail backend) they would bury the logins listed below, and a server's mail and task worker would send them to the
# demo's made-up addresses. Each task's run is not logged either.
INBOX_ONLY = {"MAILERS": {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
              "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}}


@contextmanager
def inbox_only():
    tasks = logging.getLogger("django.tasks")
    level = tasks.level
    tasks.setLevel(logging.WARNING)
    try:
        with override_settings(**INBOX_ONLY):
            yield
    finally:
        tasks.setLevel(level)


class Command(BaseCommand):
    help = "Load the demo organisation (Đắk Lắk, 2023 structure) and print one login per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for every demo login.")

    def handle(self, *args, password, **options):
        with inbox_only():
            logins = load_demo(password=password)
        self.stdout.write(self.style.SUCCESS("Demo organisation ready."))
        self.stdout.write(f"Open {settings.SITE_URL}/ and log in with one of these (password: {password}):\n")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role:<10} {login.description}")
        self.stdout.write("\nWhat waits for each login is on its home page; the demo's messages are in the inboxes "
                          "(no e-mail was sent for them).")
