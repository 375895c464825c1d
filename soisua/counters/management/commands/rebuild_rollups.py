from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from soisua.counters import rollups


class Command(BaseCommand):
    help = ("Recompute the precomputed subtree figures (counters) from their source rows, report how many "
            "differed, and replace them. Safe to run at any time; it locks the counters while it runs.")

    def add_arguments(self, parser):
        parser.add_argument("prefixes", nargs="*", help="Only these metric prefixes (e.g. attendance.).")

    def handle(self, *args, prefixes, **options):
        autodiscover_modules("services")  # sources register themselves where they are kept
        drift = rollups.rebuild(prefixes or None)
        for prefix, count in drift.items():
            self.stdout.write(f"{prefix} {count} figure(s) differed" if count else f"{prefix} no drift")
