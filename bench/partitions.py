"""Partitioning by province (docs/deploy.md, "Partitioning by province"): how long moving the rows takes, and which
partitions the dashboards read, from the plans PostgreSQL makes for them.

    DATABASE_URL=postgres://… .venv/bin/python bench/partitions.py [--scale 0.01] [--seed 1] [--partitions 16]

Needs DATABASE_URL pointing at a migrated PostgreSQL database (bench/run.sh provides a throwaway one). Generates a
national organisation (`generate_national --scale …`, with its year of meetings) unless the database already holds
one, then partitions the largest tables (`partition_by_province`,
timed: the rows it moves and how long it holds each table) unless they are partitioned already.

Then it requests the dashboard (`oversight:dashboard`) of the country, a province, a commune and a cell as a
committee member of the root, captures every query it runs, and has PostgreSQL plan each one that reads a
partitioned table (EXPLAIN (FORMAT JSON)). PASS when every such query of the province, the commune and the cell
reads one partition of each table, and the country's read all of them (nothing pruned: it is the whole country).
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import configure
from dashboards import login

LEVELS = ("country", "province", "commune", "cell")


def ensure_data(scale: float, seed: int):
    from django.core.management import call_command

    from soisua.org.models import Unit

    root = Unit.objects.filter(parent=None, kind__code="central").order_by("pk").first()
    if root is not None:
        return root, None
    print(f"Generating the organisation and its year of meetings at --scale {scale} …", flush=True)
    started = time.perf_counter()
    call_command("generate_national", scale=scale, seed=seed, verbosity=0)
    return Unit.objects.filter(parent=None, kind__code="central").order_by("pk").first(), time.perf_counter() - started


def plan_reads(sql: str, tables: list[str]) -> dict[str, int]:
    """{partitioned table named in `sql`: how many of its partitions the plan reads}."""
    from soisua.core.partitions import partitions_scanned

    return {table: len(names) for table, names in partitions_scanned(sql, tables).items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.01, help="generate_national --scale when generating")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--partitions", type=int, default=None, help="hash partitions per table (default 16)")
    args = parser.parse_args()
    configure()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from soisua.core import partitions
    from soisua.org.enums import Role
    from soisua.org.models import Unit

    root, generated = ensure_data(args.scale, args.seed)
    if generated is not None:
        print(f"generated in {generated:.0f} s")
    with connection.cursor() as cursor:
        plain = [table for table in partitions.TABLES if not partitions.is_partitioned(cursor, table)]
    if plain:
        started = time.perf_counter()
        reports = partitions.partition(connection, parts=args.partitions, tables=plain)
        took = time.perf_counter() - started
        rows = sum(report.rows for report in reports)
        print(f"partitioned {', '.join(plain)}: {rows:,} rows moved in {took:.1f} s "
              f"({rows / max(took, 1e-9):,.0f} rows/s; each table locked while its rows move)")
    with connection.cursor() as cursor:
        total = {table: len(partitions.partition_names(cursor, table)) for table in partitions.TABLES}

    rng = random.Random(args.seed)
    province = rng.choice(list(Unit.objects.filter(parent=root)))
    commune = rng.choice(list(Unit.objects.filter(parent=province)))
    cell = rng.choice(list(Unit.objects.filter(parent=commune)))
    client = Client()
    user = login("bench.partitions", unit=root, role=Role.COMMITTEE)
    client.force_login(user)
    # A committee member's login has a second factor: the session is marked as having entered its code.
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(user=user, name="bench")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    failures = 0
    print(f"\n{'level':10} {'queries':>7}  partitions read (of {max(total.values())}) per table")
    for level, unit in zip(LEVELS, (root, province, commune, cell), strict=True):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("oversight:dashboard", args=[unit.pk]))
        if response.status_code != 200:
            raise SystemExit(f"the {level} dashboard answered {response.status_code}")
        most: dict[str, int] = {}
        counted = 0
        for query in queries.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            reads = plan_reads(query["sql"], partitions.TABLES)
            counted += bool(reads)
            for table, count in reads.items():
                most[table] = max(most.get(table, 0), count)
        wanted = total if level == "country" else dict.fromkeys(most, 1)
        ok = bool(most) and all(most[table] == wanted[table] for table in most)
        failures += not ok
        shown = ", ".join(f"{table} {count}" for table, count in sorted(most.items())) or "none"
        print(f"{level:10} {counted:>7}  {shown}  {'ok' if ok else 'NOT PRUNED'}")
    print("\nPASS" if not failures else f"\nFAIL: {failures} level(s) read more partitions than their province's")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
