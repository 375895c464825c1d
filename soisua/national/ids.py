"""Primary keys reserved ahead, so generated rows can reference each other before they are written."""

from django.db import connection, models, transaction


class IdBlock:
    """Primary keys of one table reserved `block` at a time.

    A block of the exact count when it is known (units, members); for rows whose number is drawn as they go
    (shortcomings, plans), blocks of about a twentieth of the expected count: the last leaves a gap of unused ids.
    """

    def __init__(self, model: type[models.Model], block: int):
        self.model, self.block = model, max(block, 1)
        self.next = self.end = 0

    def take(self) -> int:
        if self.next == self.end:
            self.next = reserve_ids(self.model, self.block)
            self.end = self.next + self.block
        value, self.next = self.next, self.next + 1
        return value


def reserve_ids(model: type[models.Model], count: int) -> int:
    """First id of `count` consecutive ids no other writer will get; the sequence moves past them."""
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, max(count, 1)])
            return cursor.fetchone()[0] - max(count, 1) + 1
        # SQLite AUTOINCREMENT: the next id is above both the highest row and sqlite_sequence.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table from _meta
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(highest, row[0] if row else 0) + 1
        if row:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [first + count - 1, table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first + count - 1])
        return first
