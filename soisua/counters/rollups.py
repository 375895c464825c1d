# ruff: noqa: S608 - SQL here is built from table names (_meta) and fixed text; every value is a parameter.
"""Precomputed figures of subtrees (docs/architecture.md, "Subtree counters").

A write that changes a figure calls `bump()` in its own transaction: the unit's counter and each ancestor's move by
the same amount, so any unit's figure, the country's included, is a read of a few rows. `rebuild()` recomputes every
registered figure from its source rows, reports the drift and replaces the stored counters.

Sources register themselves (`register_source`) with a metric prefix and querysets of rows named r_unit, r_year,
r_month (or r_period, a period string such as STANDING), r_metric and r_value, counted at the unit where the source
rows live (without ordering).
"""

import datetime
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from soisua.org.models import PATH_STEP, Unit
from soisua.org.queries import ancestor_chain

from .models import Counter

# Units this deep or shallower (the country, the provinces) spread each figure over COUNTER_SLOTS rows.
HOT_DEPTH = 2
COUNTER_SLOTS = 16
# The period of figures that tell what stands now rather than what happened in a month (corrections still open):
# a word, so it sorts after every "YYYY-MM" and a read of the months from one on reads it in the same range.
STANDING = "now"

_sources: dict[str, Callable[[], Iterable[QuerySet]]] = {}


def register_source(prefix: str):
    """Register a function returning querysets of (r_unit, r_year, r_month, r_metric, r_value) for `prefix*`."""
    def decorate(function):
        _sources[prefix] = function
        return function
    return decorate


def period_of(moment: datetime.datetime | datetime.date) -> str:
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment)
    return f"{moment.year:04d}-{moment.month:02d}"


def year_periods(year: int) -> list[str]:
    return [f"{year:04d}-{month:02d}" for month in range(1, 13)]


def last_months(day: datetime.date, count: int = 12) -> list[str]:
    """The periods of the `count` months that end with `day`'s, oldest first."""
    index = day.year * 12 + day.month - 1
    return [f"{month // 12:04d}-{month % 12 + 1:02d}" for month in range(index - count + 1, index + 1)]


Prefix = str | tuple[str, ...]


def chain(unit: Unit) -> list[tuple[int, int]]:
    """(unit id, depth) of the unit's ancestors, root first, and of the unit itself."""
    return ancestor_chain(unit)


def bump(unit: Unit, period: str, changes: dict[str, int], *, units: list[tuple[int, int]] | None = None) -> None:
    """Add `changes` (metric → amount) to the counters of `unit` and of its ancestors for `period`.

    Runs inside the caller's transaction; rows are locked in one order (root first), so concurrent bumps do not
    deadlock. `units` may pass a precomputed `chain(unit)`.
    """
    bump_periods(unit, {(period, metric): amount for metric, amount in changes.items()}, units=units)


def bump_periods(unit: Unit, changes: dict[tuple[str, str], int], *,
                 units: list[tuple[int, int]] | None = None) -> None:
    """`bump` for figures of several periods at once, `changes` by (period, metric): one statement."""
    changes = {key: amount for key, amount in sorted(changes.items()) if amount}
    if not changes:
        return
    rows = []
    # An empty `units` is no unit at all (a move that leaves or joins no ancestor), not the whole chain.
    for unit_id, depth in chain(unit) if units is None else units:
        slot = unit.pk % COUNTER_SLOTS if depth <= HOT_DEPTH else 0
        rows.extend((unit_id, period, metric, slot, amount) for (period, metric), amount in changes.items())
    if not rows:
        return
    table = Counter._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, period, metric, slot, value) VALUES {placeholders} "
            f"ON CONFLICT (unit_id, period, metric, slot) DO UPDATE SET value = {table}.value + excluded.value",
            [value for row in rows for value in row])


def add_totals(period: str, totals: dict[int, dict[str, int]]) -> None:
    """Add many units' figures at once (a directive issued to thousands of units): `totals` is {unit id: {metric:
    amount}}, already summed up the tree by the caller. Written in unit order, in the caller's transaction."""
    rows = [(unit_id, period, metric, 0, amount) for unit_id, changes in sorted(totals.items())
            for metric, amount in sorted(changes.items()) if amount]
    table = Counter._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            batch = rows[start:start + 2000]
            cursor.execute(
                f"INSERT INTO {table} (unit_id, period, metric, slot, value) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
                + f" ON CONFLICT (unit_id, period, metric, slot) DO UPDATE SET value = {table}.value + excluded.value",
                [value for row in batch for value in row])


def add_up_the_tree(period: str, counts: dict[Unit, dict[str, int]]) -> None:
    """Add figures counted at many units (a cycle opened for a province: its expected reviews) to those units and
    every ancestor of theirs, in one batch (`add_totals`)."""
    by_path: dict[str, dict[str, int]] = {}
    for unit, changes in counts.items():
        for depth in range(1, unit.depth + 1):
            totals = by_path.setdefault(unit.path[:depth * PATH_STEP], {})
            for metric, amount in changes.items():
                totals[metric] = totals.get(metric, 0) + amount
    ids = {}
    paths = list(by_path)
    for start in range(0, len(paths), 5000):
        ids.update(Unit.objects.filter(path__in=paths[start:start + 5000]).values_list("path", "pk"))
    add_totals(period, {ids[path]: totals for path, totals in by_path.items()})


def _read(columns: str, unit_ids: list[int], periods: list[str], prefix: Prefix) -> list[tuple]:
    """Rows of (`columns`…, total) summed over `periods` for the units' counters whose metric starts with `prefix`
    (or one of several): one index range of the counters' key per unit and metric prefix. Dashboards read these on
    every request, so the statement is written once here rather than compiled by the ORM each time."""
    if not unit_ids or not periods:
        return []
    prefixes = (prefix,) if isinstance(prefix, str) else prefix
    prefixes = prefixes if all(prefixes) else ()  # an empty prefix: every metric
    likes = [each.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%" for each in prefixes]
    metrics = " OR ".join(["metric LIKE %s ESCAPE '\\'"] * len(likes)) or "1 = 1"
    sql = (f"SELECT {columns}, SUM(value) FROM {Counter._meta.db_table} "
           f"WHERE unit_id IN ({', '.join(['%s'] * len(unit_ids))}) AND period IN ({', '.join(['%s'] * len(periods))}) "
           f"AND ({metrics}) GROUP BY {columns}")
    params = [*unit_ids, *periods, *likes]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def figures(unit_id: int, periods: list[str], prefix: Prefix = "") -> dict[str, int]:
    """The unit's subtree figures summed over `periods`, by metric (those starting with `prefix`, or with one of a
    tuple of prefixes)."""
    return {metric: int(total) for metric, total in _read("metric", [unit_id], periods, prefix)}


def figures_by_period(unit_id: int, periods: list[str], prefix: Prefix = "") -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {period: {} for period in periods}
    for period, metric, total in _read("period, metric", [unit_id], periods, prefix):
        result[period][metric] = int(total)
    return result


def figures_of_units(unit_ids: list[int], periods: list[str], prefix: Prefix = "") -> dict[int, dict[str, int]]:
    """Each unit's subtree figures over `periods` (a committee page passes its children): one index range per
    unit of the counters' key, never a scan of the units."""
    result: dict[int, dict[str, int]] = {}
    for unit_id, metric, total in _read("unit_id, metric", list(unit_ids), periods, prefix):
        result.setdefault(unit_id, {})[metric] = int(total)
    return result


def follow_moved_subtree(sender, *, unit: Unit, old_chain: list[tuple[int, int]],
                         new_chain: list[tuple[int, int]], **kwargs) -> None:
    """Receiver of org's subtree_moved: the subtree's figures leave the old ancestors and join the new ones."""
    move_subtree(unit, old_chain, new_chain)


def move_subtree(unit: Unit, old_chain: list[tuple[int, int]], new_chain: list[tuple[int, int]]) -> None:
    """After `unit` moved: its subtree's figures leave the old ancestors and join the new ones."""
    old_ids = {unit_id for unit_id, _ in old_chain} - {unit.pk}
    new_ids = {unit_id for unit_id, _ in new_chain} - {unit.pk}
    own = (Counter.objects.filter(unit=unit).values("period", "metric").annotate(total=Sum("value"))
           .order_by("period", "metric"))
    by_period: dict[str, dict[str, int]] = {}
    for row in own:
        by_period.setdefault(row["period"], {})[row["metric"]] = row["total"]
    for period, totals in by_period.items():
        bump(unit, period, {metric: -value for metric, value in totals.items()},
             units=[row for row in old_chain if row[0] in old_ids - new_ids])
        bump(unit, period, totals, units=[row for row in new_chain if row[0] in new_ids - old_ids])


@transaction.atomic
def rebuild(prefixes: Iterable[str] | None = None, *,
            progress: Callable[[int, int, int], None] | None = None) -> dict[str, int]:
    """Recompute the counters of the registered sources (all, or those of `prefixes`) from their source rows.

    Returns the number of (unit, period, metric) figures that differed from the stored ones, by prefix, and
    replaces the stored counters with the recomputed ones. `progress(prefixes done, prefixes, counter rows
    written)` is called after each prefix.
    """
    table = Counter._meta.db_table
    unit_table = Unit._meta.db_table
    drift = {}
    if connection.vendor == "postgresql":
        # Writers wait until the new counters are in: a roll change committed while the sources are read would
        # otherwise be counted by neither the rebuild nor its own bump. Readers are not blocked.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    max_depth = Unit.objects.order_by("-depth").values_list("depth", flat=True).first() or 0
    chosen, written = sorted(prefixes or _sources), 0
    with connection.cursor() as cursor:
        for done, prefix in enumerate(chosen, start=1):
            cursor.execute("DROP TABLE IF EXISTS rollup_leaf")
            cursor.execute("DROP TABLE IF EXISTS rollup_all")
            cursor.execute("CREATE TEMPORARY TABLE rollup_leaf (unit_id bigint, period varchar(7), "
                           "metric varchar(64), value bigint)")
            cursor.execute("CREATE TEMPORARY TABLE rollup_all (unit_id bigint, period varchar(7), "
                           "metric varchar(64), value bigint)")
            for queryset in _sources[prefix]():
                sql, params = queryset.query.sql_with_params()
                period = ("s.r_period" if "r_period" in queryset.query.annotations
                          else _period_sql("s.r_year", "s.r_month"))
                cursor.execute(f"INSERT INTO rollup_leaf (unit_id, period, metric, value) "
                               f"SELECT s.r_unit, {period}, s.r_metric, s.r_value FROM ({sql}) s", params)
            for depth in range(1, max_depth + 1):
                cursor.execute(
                    f"INSERT INTO rollup_all (unit_id, period, metric, value) "
                    f"SELECT a.id, l.period, l.metric, SUM(l.value) FROM rollup_leaf l "
                    f"JOIN {unit_table} u ON u.id = l.unit_id "
                    f"JOIN {unit_table} a ON a.path = substr(u.path, 1, %s) "
                    f"WHERE u.depth >= %s GROUP BY a.id, l.period, l.metric", [depth * PATH_STEP, depth])
            cursor.execute("DELETE FROM rollup_all WHERE value = 0")
            like = prefix.replace("%", r"\%").replace("_", r"\_") + "%"
            stored = (f"SELECT unit_id, period, metric, SUM(value) AS value FROM {table} "
                      f"WHERE metric LIKE %s ESCAPE '\\' GROUP BY unit_id, period, metric HAVING SUM(value) <> 0")
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM rollup_all n LEFT JOIN ({stored}) o ON o.unit_id = n.unit_id "
                f"AND o.period = n.period AND o.metric = n.metric WHERE o.value IS NULL OR o.value <> n.value) + "
                f"(SELECT COUNT(*) FROM ({stored}) o2 LEFT JOIN rollup_all n2 ON o2.unit_id = n2.unit_id "
                f"AND o2.period = n2.period AND o2.metric = n2.metric WHERE n2.value IS NULL)", [like, like])
            drift[prefix] = cursor.fetchone()[0]
            cursor.execute(f"DELETE FROM {table} WHERE metric LIKE %s ESCAPE '\\'", [like])
            cursor.execute(f"INSERT INTO {table} (unit_id, period, metric, slot, value) "
                           f"SELECT unit_id, period, metric, 0, value FROM rollup_all")
            written += max(cursor.rowcount, 0)
            cursor.execute("DROP TABLE rollup_leaf")
            cursor.execute("DROP TABLE rollup_all")
            if progress is not None:
                progress(done, len(chosen), written)
    return drift


def _period_sql(year: str, month: str) -> str:
    """'YYYY-MM' from integer year and month columns, on PostgreSQL and SQLite."""
    if connection.vendor == "postgresql":
        return f"lpad(({year})::int::text, 4, '0') || '-' || lpad(({month})::int::text, 2, '0')"
    return f"printf('%%04d-%%02d', {year}, {month})"
