from django.core.management.base import BaseCommand, CommandError

from soisua.audit import verify
from soisua.core import progress


class Command(BaseCommand):
    help = ("Check that the audit trail was not tampered with: walk every hash chain, recompute each entry's hash, "
            "and compare the chains with their heads and with the anchors. Names every entry edited, deleted or "
            "inserted; exits with a non-zero status when anything is wrong (docs/security.md).")

    def add_arguments(self, parser):
        parser.add_argument("--anchor", action="append", default=[], metavar="DIGEST", dest="anchors",
                            help="An anchor digest kept off-site; it must still be in the database (repeatable).")

    def handle(self, *args, anchors, verbosity=1, **options):
        with progress.for_command(self, "Verifying the audit trail", verbosity=verbosity, unit="entries") as shown:
            report = verify.verify(kept_digests=anchors, progress=lambda done, total: shown.update(done, total))
        for problem in report.problems:
            self.stdout.write(problem)
        if report.found > len(report.problems):
            self.stdout.write(f"… and {report.found - len(report.problems):,} more problem(s)")
        rate = f" ({report.entries / report.seconds:,.0f} entries/s)" if report.seconds >= 0.1 else ""
        summary = (f"{report.chains:,} chain(s), {report.entries:,} entries, {report.anchors:,} anchor(s) checked in "
                   f"{progress.duration(report.seconds)}{rate}")
        if not report.clean:
            raise CommandError(f"The audit trail was tampered with: {report.found:,} problem(s). {summary}.")
        self.stdout.write(f"The audit trail is intact: {summary}.")
