"""`manage.py partition_by_province`: split the hot tables into hash partitions by province (soisua.core.partitions).

On PostgreSQL only. It moves the rows of each table in one transaction, holding an exclusive lock on it: run it in
a maintenance window (docs/deploy.md, "Partitioning by province"). Running it again changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from soisua.core import partitions


class Command(BaseCommand):
    help = ("Turn the largest tables that carry a province (meeting attendance, dues payments, alerts) into "
            "PostgreSQL partitioned tables, hash-partitioned by province, moving their rows. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--partitions", dest="parts", type=int, default=None,
                            help="Number of hash partitions per table (default: PROVINCE_PARTITIONS, 16).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, parts: int | None, database: str, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Partitioning needs PostgreSQL; this database is " + connection.vendor + ".")
        if parts is not None and parts < 2:
            raise CommandError("--partitions must be at least 2.")
        for report in partitions.partition(connection, parts=parts):
            if report.already:
                self.stdout.write(f"{report.table}: already partitioned")
                continue
            self.stdout.write(f"{report.table}: {report.rows} rows moved into partitions")
            for name in report.widened:
                self.stdout.write(f"  unique {name} now includes province_id: "
                                  f"{partitions.UNIQUE_RULES.get(name, '(see docs/deploy.md)')}")
