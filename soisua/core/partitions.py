"""Partitioning the hot tables by province on PostgreSQL (docs/deploy.md, "Partitioning by province").

The tables that grow with members × months and that no other table references are turned into declarative
partitioned tables, `PARTITION BY HASH (province_id)` with a fixed number of partitions (`PROVINCE_PARTITIONS`):

- hash needs no DDL when a province is created (a list partition per province would have to be created by the
  unit service, taking a lock on each parent table in the middle of an ordinary write), and it is what Citus
  distributes by, so the same key and the same queries carry over;
- rows without a province (those of the central root) hash like every NULL key to the partition of remainder 0;
- a query filtered by `province_id = …` scans one partition; a national one scans all of them.

PostgreSQL requires the partition key in every primary key and unique constraint of a partitioned table. The
province is empty on the root's rows, so it cannot be part of a primary key: each partition keeps its own
primary key on `id` and the id stays unique across partitions because one sequence hands it out. The unique
constraints are widened with `province_id` under their own names; `UNIQUE_RULES` says for each why that is still
the rule, or which service check keeps the rest of it.

`partition(connection)` is idempotent; `manage.py partition_by_province` runs it on an existing database and
`PARTITION_BY_PROVINCE=1` runs it after every `migrate` (so the test database is built partitioned).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Largest first. Each is big (rows per member per meeting, month or check) and referenced by no foreign key.
TABLES = ["meetings_attendance", "dues_payment", "alerts_alert"]

KEY = "province_id"

# The unique rules widened with the province key, and what keeps each whole (docs/deploy.md lists them too). The
# widened constraint refuses the same duplicates whenever the first column fixes the province; it does not cover
# rows without a province (NULLs are distinct), which only the root's own rows are.
UNIQUE_RULES = {
    "meetings_one_roll_line": "one roll line per member and meeting: a meeting's lines all carry its province, so "
                              "the widened constraint is the same rule; the roll is written by the meeting services",
    "meetings_one_check_in_per_proof": "one check-in per proof and meeting: as above, and the check-in service "
                                       "looks for the proof first",
    "dues_one_payment_a_month": "one payment per member and month: a payment carries the province of the cell that "
                                "collected it, so after a move across provinces only the dues services' check (the "
                                "stored payment read under lock before writing) refuses a second one",
    "alerts_alert_once": "one warning per check, unit and subject: a unit's warnings carry its province (a move "
                         "rewrites them); the checks' run updates the warnings it finds and creates the others",
}


@dataclass
class Report:
    table: str
    rows: int
    widened: list[str]
    already: bool = False


def enabled() -> bool:
    return bool(getattr(settings, "PARTITION_BY_PROVINCE", False))


def modulus() -> int:
    return int(getattr(settings, "PROVINCE_PARTITIONS", 16))


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partition_names(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname", [table])
    return [name for (name,) in cursor.fetchall()]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _widen(definition: str) -> str:
    """`UNIQUE (a, b)` or `CREATE UNIQUE INDEX … (a, b) WHERE …` → the same with the province key added."""
    head, sep, tail = definition.partition(")")
    return f"{head}, {KEY}{sep}{tail}"


def partition_table(cursor, table: str, parts: int) -> Report:
    if is_partitioned(cursor, table):
        return Report(table, 0, [], already=True)
    # What the plain table has beyond its columns, read before anything changes.
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid), conindid FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'x') ORDER BY contype, conname", [table])
    constraints = cursor.fetchall()
    owned = {indid for (_, _, _, indid) in constraints if indid}
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisunique FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass ORDER BY c.relname", [table])
    indexes = [(name, definition, unique) for name, definition, unique in cursor.fetchall()]
    cursor.execute("SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass", [table])
    index_oids = [oid for (oid,) in cursor.fetchall()]
    cursor.execute("SELECT relname FROM pg_class WHERE oid = ANY(%s)", [[oid for oid in index_oids if oid in owned]])
    owned_names = {name for (name,) in cursor.fetchall()}

    plain = f"{table}__plain"
    sequence = f"{table}_id_seq"
    cursor.execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(plain)}")
    # Columns, defaults, NOT NULL and check constraints; the id's identity becomes a sequence default.
    cursor.execute(
        f"CREATE TABLE {_q(table)} (LIKE {_q(plain)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) "
        f"PARTITION BY HASH ({KEY})")
    for remainder in range(parts):
        part = f"{table}_p{remainder}"
        cursor.execute(
            f"CREATE TABLE {_q(part)} PARTITION OF {_q(table)} "
            f"FOR VALUES WITH (MODULUS {parts}, REMAINDER {remainder})")
        cursor.execute(f"ALTER TABLE {_q(part)} ADD CONSTRAINT {_q(part + '_pkey')} PRIMARY KEY (id)")
    cursor.execute(f"INSERT INTO {_q(table)} SELECT * FROM {_q(plain)}")  # noqa: S608 - names from TABLES
    rows = cursor.rowcount
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(plain)}")  # noqa: S608 - names from TABLES
    top = cursor.fetchone()[0]
    cursor.execute(f"DROP TABLE {_q(plain)}")  # with its identity sequence, its indexes and its constraints
    cursor.execute(f"CREATE SEQUENCE {_q(sequence)} OWNED BY {_q(table)}.id")
    cursor.execute("SELECT setval(%s, %s, %s)", [sequence, max(top, 1), top > 0])
    cursor.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN id SET DEFAULT nextval('{sequence}'::regclass)")

    widened = []
    for name, definition, unique in indexes:
        if name in owned_names:
            continue
        if unique and KEY not in definition:
            definition = _widen(definition)  # CREATE UNIQUE INDEX … USING btree (a, b) [WHERE …]
            widened.append(name)
        cursor.execute(definition)
    for name, kind, definition, _indid in constraints:
        if kind == "p":
            continue
        if kind == "u" and KEY not in definition:
            definition = _widen(definition)
            widened.append(name)
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    cursor.execute(f"ANALYZE {_q(table)}")
    return Report(table, rows, widened)


def partition(connection, *, parts: int | None = None, tables: list[str] | None = None) -> list[Report]:
    """Turn `tables` (default TABLES) into hash partitions by province, each in one transaction, moving the rows."""
    from django.db import transaction

    if connection.vendor != "postgresql":
        return []
    reports = []
    for table in tables or TABLES:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            reports.append(partition_table(cursor, table, parts or modulus()))
    return reports


def partition_after_migrate(sender, using="default", **kwargs):
    """post_migrate of each app owning one of TABLES: partition its tables when PARTITION_BY_PROVINCE is on
    (idempotent; the signal comes once every migration has run)."""
    from django.db import connections

    tables = [table for table in TABLES if table.split("_", 1)[0] == sender.label]
    if not enabled() or not tables:
        return
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.settings_dict.get("TEST", {}).get("MIRROR"):
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(t) IS NOT NULL FROM unnest(%s::text[]) t", [tables])
        if not all(exists for (exists,) in cursor.fetchall()):
            return  # migrated to an earlier state: the next full migrate partitions them
    partition(connection, tables=tables)


def partitions_scanned(sql: str, tables: list[str] = TABLES) -> dict[str, set[str]]:
    """{partitioned table named in `sql`: the partitions the plan PostgreSQL makes for it reads} (EXPLAIN, FORMAT
    JSON), to show that a query of one province prunes to one partition."""
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found: dict[str, set[str]] = {table: set() for table in tables if table in sql}

    def walk(node):
        if isinstance(node, dict):
            name = node.get("Relation Name", "")
            for table in found:
                if name.startswith(f"{table}_p"):
                    found[table].add(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(plan)
    return found
