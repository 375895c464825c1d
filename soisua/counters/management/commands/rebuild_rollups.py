from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from soisua.core import progress
from soisua.counters import rollups


class Command(BaseCommand):
    help = ("Recompute the precomputed subtree figures (counters) from their source rows, report how many "
            "differed, and replace them. Safe to run at any time; it locks the counters while it runs.")

    def add_arguments(self, parser):
        parser.add_argument("prefixes", nargs="*", help="Only these metric prefixes (e.g. attendance.).")

    def handle(self, *args, prefixes, verbosity=1, **options):
        autodiscover_modules("services")  # sources register themselves where they are kept
        with progress.for_command(self, "Rebuilding counters", verbosity=verbosity, unit="prefixes") as shown:
            written = 0

            def advance(done: int, total: int, rows: int) -> None:
                nonlocal written
                written = rows
                shown.update(done, total)

            drift = rollups.rebuild(prefixes or None, progress=advance)
        for prefix, count in drift.items():
            self.stdout.write(f"{prefix} {count} figure(s) differed" if count else f"{prefix} no drift")
        self.stdout.write(f"Rebuilt {written:,} counter rows of {len(drift)} prefixes in "
                          f"{progress.duration(shown.elapsed)}; {sum(drift.values()):,} figure(s) differed.")
