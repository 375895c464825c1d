"""`manage.py generate_national`: a national-scale organisation for benchmarks and sizing (soisua.national)."""

import time

from django.core.management.base import BaseCommand, CommandError

from soisua.core import progress
from soisua.national.dates import MEETINGS_YEAR
from soisua.national.generator import Generator
from soisua.national.reviews import REVIEW_YEAR
from soisua.national.sizes import NATIONAL, Sizes
from soisua.org.models import Member, Unit


class Command(BaseCommand):
    help = ("Generate a national-scale organisation (root, provinces, communes, cells, members) for benchmarks. "
            "Deterministic for a given --seed and starting database.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, help="Fraction of the national sizes, e.g. 0.01 "
                            "(34 provinces, 3,300 communes, 270,000 cells, 5.6 million members at 1).")
        for level, count in NATIONAL.items():
            parser.add_argument(f"--{level}", type=int, help=f"Total {level} (national: {count:,}).")
        parser.add_argument("--shortcomings", type=int, default=2, choices=range(5),
                            help="Shortcomings per member on average, with correction plans (default 2; 0: none).")
        parser.add_argument("--meetings", type=int, default=12, choices=range(13),
                            help=f"Months of {MEETINGS_YEAR} with the cells' meetings, their rolls and the "
                                 f"attendance counters (default 12: the whole year; 0: no meetings).")
        parser.add_argument("--directives", action="store_true",
                            help="Also issue a national plan to every unit, with acknowledgements and reports.")
        parser.add_argument("--reviews", action="store_true",
                            help=f"Also the year-end review of {REVIEW_YEAR}: a cycle of the whole tree, closed, with "
                                 f"every unit's and member's review as it stood and their counters.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--chunk", type=int, default=20_000, help="Members per transaction (default 20,000).")
        parser.add_argument("--append", "--force", dest="append", action="store_true",
                            help="Add a new national tree even though the database already holds units or members.")

    def handle(self, *args, scale=None, seed=1, chunk=20_000, append=False, verbosity=1, shortcomings=2,
               meetings=12, directives=False, reviews=False, **options):
        base = Sizes.scaled(scale) if scale else Sizes(**NATIONAL)
        sizes = Sizes(**{level: options.get(level) or getattr(base, level) for level in NATIONAL})
        if scale is None and not any(options.get(level) for level in NATIONAL):
            raise CommandError("Give --scale or the sizes (--provinces, --communes, --cells, --members).")
        sizes.check()
        if not append and (Unit.objects.exists() or Member.objects.exists()):
            raise CommandError("The database already holds an organisation; use --append to add another tree.")
        self.verbosity = verbosity
        self.shown = progress.for_command(self, "Generating", sizes.members, verbosity=verbosity, unit="members")
        self.generator = generator = Generator(
            sizes, seed=seed, chunk=max(chunk, 1), shortcomings=shortcomings, meeting_months=meetings,
            report=self.progress, directives=directives, reviews=reviews)
        started = time.monotonic()
        with self.shown:
            root = generator.run()
        elapsed = time.monotonic() - started
        levels = ", ".join(f"{getattr(sizes, level):,} {level[:-1] if getattr(sizes, level) == 1 else level}"
                           for level in NATIONAL)
        levels += (f", {generator.shortcomings_done:,} shortcomings, {generator.meetings_done:,} meetings, "
                   f"{generator.lines_done:,} roll lines, {generator.reviews_done:,} reviews")
        self.stdout.write(f"Generated {generator.total_rows:,} rows ({levels}) under unit {root.pk} in "
                          f"{elapsed:.1f} s: {generator.total_rows / elapsed:,.0f} rows/s.")

    def progress(self, message: str) -> None:
        """Members written so far move the bar (stderr); other news (the national plan) goes to stdout, at
        verbosity 2 also each chunk's line."""
        if message.lstrip().startswith("members "):
            self.shown.update(self.generator.members_done)
            if self.verbosity >= 2:
                self.stdout.write(message)
        elif self.verbosity >= 1:
            self.stdout.write(message)
