from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from soisua.notifications.scheduling import JOBS, run_due


class Command(BaseCommand):
    help = "Run periodic jobs that are due (reminders, escalations, clean-up). Safe to call from cron often."

    def add_arguments(self, parser):
        parser.add_argument("--job", help="Run only this job.")
        parser.add_argument("--list", action="store_true", help="List the registered jobs and exit.")

    def handle(self, *args, job=None, list=False, **options):
        assert apps.ready
        autodiscover_modules("jobs")
        if list:
            for name in sorted(JOBS):
                self.stdout.write(name)
            return
        for name, period, result in run_due(only=job):
            self.stdout.write(f"{name} [{period}]: {result}")
