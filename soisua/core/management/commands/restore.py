"""`manage.py restore`: an archive written by `backup`, into an empty database and an empty MEDIA_ROOT."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from soisua.core import backup, progress


class Command(BaseCommand):
    help = ("Restore an archive written by `backup`: check every checksum, then restore the database into the "
            "configured database, which must be empty (created, not migrated), and the files into MEDIA_ROOT, "
            "which must hold no file; then compare every table's rows with the archive's manifest. PostgreSQL "
            "restores into PostgreSQL and SQLite into SQLite. Stop the app while it runs.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Path of the archive written by `backup`.")
        parser.add_argument("--database", default="default", help="The database to restore into (a DATABASES alias).")
        parser.add_argument("--into-empty-only", action="store_true", default=True,
                            help="Restore only into an empty database and an empty MEDIA_ROOT (the default and "
                                 "only mode: nothing is ever overwritten).")

    def handle(self, *args, archive, database, verbosity=1, **options):
        def shown(label, total=None, *, unit="files"):
            return progress.for_command(self, label, total, verbosity=verbosity, unit=unit)

        connection = connections[database]
        try:
            result = backup.restore_backup(archive, database=connection.settings_dict, engine=connection.vendor,
                                           media=backup.media_root(), progress=shown)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if result.unknown_migrations:
            self.stderr.write(self.style.WARNING(
                f"The archive has {len(result.unknown_migrations)} migration(s) this version of soisua does not know "
                f"(e.g. {result.unknown_migrations[0]}): it was taken by a newer version; install that version."))
        elif result.pending_migrations:
            self.stdout.write(f"This version of soisua has {len(result.pending_migrations)} migration(s) newer than "
                              "the archive: run `soisua migrate` next.")
        self.stdout.write(self.style.SUCCESS(
            f"Restored the {result.engine} backup of {result.created_at}: {result.tables} tables, {result.rows:,} "
            f"rows, {result.files:,} files; every table's rows match the manifest."))
