"""`manage.py backup`: the database, the stored files and a manifest in one archive (soisua/core/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soisua.core import backup, progress


class Command(BaseCommand):
    help = ("Write one archive holding the database (one consistent snapshot, taken while the app runs), every "
            "stored file under MEDIA_ROOT and a manifest with the checksums. Name the archive .tar, or .tar.gz "
            "to compress it. It holds personal data: encrypt it before it leaves the server (docs/deploy.md).")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Path of the archive to write, e.g. soisua-2026-12-07.tar.gz.")
        parser.add_argument("--database", default="default", help="The database to back up (a DATABASES alias).")
        parser.add_argument("--allow-missing", action="store_true",
                            help="Write the archive even if files named in the database are missing; they are "
                                 "listed in its manifest.")

    def handle(self, *args, archive, database, allow_missing, verbosity=1, **options):
        def shown(label, total=None, *, unit="files"):
            return progress.for_command(self, label, total, verbosity=verbosity, unit=unit)

        try:
            result = backup.create_backup(archive, using=database, allow_missing=allow_missing, progress=shown)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for name in result.missing:
            self.stderr.write(f"missing file (listed in the manifest): {name}")
        self.stdout.write(self.style.SUCCESS(
            f"Backed up the {result.engine} database ({result.tables} tables, {result.rows:,} rows) and "
            f"{result.files:,} files to {result.path} ({result.bytes / 1_000_000:,.1f} MB)."))
