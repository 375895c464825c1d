"""Rows written in bulk: COPY on PostgreSQL, bulk_create elsewhere, one transaction per chunk of rows.

Rows come as dicts keyed by attribute name, or as tuples in a table's declared column order (the bulk of the rows,
cheaper to build); the columns a row leaves out take the model's defaults (NULL or "" when it has none).
"""

import contextlib
import datetime
import json
from collections.abc import Iterable, Mapping

from django.db import connection, models, transaction


class Table:
    """Column order and defaults for one model, so rows can be written as COPY tuples or as instances.

    Rows come as dicts, or as tuples in the order of `columns` when given (the columns left out get NULL)."""

    def __init__(self, model: type[models.Model], now: datetime.datetime, columns: tuple[str, ...] | None = None):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in columns] if columns else model._meta.concrete_fields
        self.names = [f.attname for f in self.fields]
        self.defaults = [self._default(f, now) for f in self.fields]
        # COPY takes JSON columns as text (a review's answers, empty when loaded).
        self.json = [index for index, f in enumerate(self.fields) if isinstance(f, models.JSONField)]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.copy_sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"

    @staticmethod
    def _default(f: models.Field, now: datetime.datetime):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        if f.has_default():
            return f.get_default()
        return None if f.null else ""

    def as_tuple(self, values: dict) -> tuple:
        row = tuple(map(values.get, self.names, self.defaults))
        if self.json:
            row = tuple(json.dumps(value) if index in self.json else value for index, value in enumerate(row))
        return row

    def instance(self, values: dict | tuple) -> models.Model:
        return self.model(**(values if isinstance(values, dict) else dict(zip(self.names, values, strict=True))))


class Chunk:
    """The rows of one transaction, by table: `chunk[Model]` is the list to append that table's rows to."""

    def __init__(self, tables: Iterable[type[models.Model]]):
        self.rows: dict[type[models.Model], list] = {model: [] for model in tables}

    def __getitem__(self, model: type[models.Model]) -> list:
        return self.rows[model]

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class BulkWriter:
    """Writes chunks to `tables` (parents before children: foreign keys are checked at commit, the order only
    helps readers). `columns` gives the column order of the tables whose rows are tuples. The rows of `unchecked`
    tables are written without foreign key checks when the connection may (a PostgreSQL superuser)."""

    def __init__(self, tables: Iterable[type[models.Model]], *, now: datetime.datetime,
                 columns: Mapping[type[models.Model], tuple[str, ...]] | None = None,
                 unchecked: Iterable[type[models.Model]] = ()):
        columns = columns or {}
        self.tables = {model: Table(model, now, columns.get(model)) for model in tables}
        self.unchecked = frozenset(unchecked)
        self.superuser = connection.vendor == "postgresql" and self.is_superuser()

    @staticmethod
    def is_superuser() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            return cursor.fetchone()[0]

    def chunk(self) -> Chunk:
        return Chunk(self.tables)

    def write_chunk(self, chunk: Chunk) -> int:
        """Write every row of `chunk` in one transaction; returns the number of rows."""
        with transaction.atomic():
            tables = [(model, rows) for model, rows in chunk.rows.items() if rows]
            for model, rows in tables:
                if model not in self.unchecked:
                    self.write(model, rows)
            with self.unchecked_keys():
                for model, rows in tables:
                    if model in self.unchecked:
                        self.write(model, rows)
        return len(chunk)

    @contextlib.contextmanager
    def unchecked_keys(self):
        """Rows written inside are not checked against their foreign keys: in the replica role the deferred
        checks are not even queued. Only a superuser may; others keep the checks. The tests check every
        reference of a small generated tree."""
        if not self.superuser:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    def write(self, model: type[models.Model], rows: list[dict] | list[tuple]) -> None:
        table = self.tables[model]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor, cursor.cursor.copy(table.copy_sql) as copy:
                if isinstance(rows[0], tuple):
                    for row in rows:
                        copy.write_row(row)
                else:
                    for row in rows:
                        copy.write_row(table.as_tuple(row))
        else:
            model.objects.bulk_create((table.instance(row) for row in rows), batch_size=2_000)

    def analyze(self) -> None:
        """Fresh planner statistics: a benchmark on tables the planner believes empty measures the wrong plan.

        Outside a transaction, VACUUM too: it sets the visibility map that index-only scans (the capped counts of
        corrections.queries) rely on, which autovacuum would otherwise do a minute later, in the middle of a
        benchmark."""
        if connection.vendor != "postgresql":
            return
        tables = ", ".join(model._meta.db_table for model in self.tables)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {tables}")
