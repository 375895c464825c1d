from django.core.management.base import BaseCommand

from soisua.reviews.reference import markdown


class Command(BaseCommand):
    help = "Print the shipped rule sets as the reference part of docs/rules.md (every rule, its source and state)."

    def handle(self, *args, **options):
        self.stdout.write(markdown(), ending="")
