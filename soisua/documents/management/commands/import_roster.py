"""manage.py import_roster UNIT_CODE FILE [--confirm]: check a roster file and, with --confirm, apply it."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soisua.core import progress
from soisua.core.actors import SYSTEM
from soisua.documents import services
from soisua.documents.models import ImportStatus

from ._arguments import read_upload, unit_named


class Command(BaseCommand):
    help = ("Check a roster file (.xlsx or .csv) for a unit and print every problem; with --confirm, apply it "
            "(all rows or none). Exits with an error if the file has problems.")

    def add_arguments(self, parser):
        parser.add_argument("unit_code", help="code of the unit whose subtree the import may change")
        parser.add_argument("file", type=Path)
        parser.add_argument("--confirm", action="store_true", help="apply the file if it has no errors")

    def handle(self, *args, unit_code: str, file: Path, confirm: bool, verbosity: int = 1, **options):
        self.started = time.monotonic()
        unit = unit_named(unit_code)
        job = read_upload(file, lambda upload: services.start_import(unit=unit, upload=upload, by=SYSTEM))
        job.refresh_from_db()
        if job.status == ImportStatus.UPLOADED:  # queued for a worker: check it here and now
            with progress.for_command(self, "Checking", verbosity=verbosity) as shown:
                services.validate_import(job, progress=shown.update)
                job.refresh_from_db()
                shown.update(job.total_rows, job.total_rows)
        self._report(job)
        if job.status != ImportStatus.VALID:
            raise CommandError(f"{job.error_count} problem(s); nothing was imported." if job.error_count
                               else job.failure_message or f"The import is {job.status}.")
        if not confirm:
            self.stdout.write("The file has no errors. Run again with --confirm to import it.")
            self.stdout.write(self._summary("Checked", job))
            return
        services.confirm_import(job, by=SYSTEM)
        job.refresh_from_db()
        if job.status == ImportStatus.APPLYING:  # queued for a worker: apply it here and now
            with progress.for_command(self, "Checking again and writing", verbosity=verbosity) as shown:
                services.apply_import(job, progress=shown.update)
                job.refresh_from_db()
                shown.update(job.total_rows, job.total_rows)
        if job.status != ImportStatus.DONE:
            self._report(job)
            raise CommandError(job.failure_message or "The import was not applied.")
        self.stdout.write(self.style.SUCCESS(
            f"Imported: {job.new_count} new, {job.updated_count} updated, {job.unchanged_count} unchanged."))
        self.stdout.write(self._summary("Imported", job))

    def _summary(self, what: str, job) -> str:
        """'<what> 1,234 rows in 2.1 s.', from the upload to now."""
        return f"{what} {job.total_rows:,} rows in {progress.duration(time.monotonic() - self.started)}."

    def _report(self, job) -> None:
        self.stdout.write(f"{job.original_name}: {job.total_rows} rows, {job.new_count} new, "
                          f"{job.updated_count} updated, {job.unchanged_count} unchanged, {job.error_count} errors")
        for error in job.errors:
            row = error["row"] if error["row"] is not None else "-"
            column = job.headers.get(error["column"], error["column"]) or "-"
            self.stdout.write(f"row {row}\t{column}\t{error['code']}\t{error['message']}")
