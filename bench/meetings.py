"""Attendance summary of any unit at national scale, against a primary-key lookup (docs/architecture.md,
"Subtree counters").

    DATABASE_URL=postgres://… .venv/bin/python bench/meetings.py [--scale 0.05] [--runs 200] [--seed 1]

Needs DATABASE_URL pointing at a migrated PostgreSQL database (bench/run.sh provides a throwaway one). Generates a
national organisation with a year of meetings per cell, their rolls and the attendance counters
(`generate_national --scale --shortcomings 0`) unless the database already holds one, then times what a committee's
page shows for random units of each level (cell, commune, province, country): the attendance summary of the
unit's whole subtree for the year (`meetings.queries.attendance_summary`, counts by status, minutes late, number of
meetings, attendance rate). The second figure is the same summary for each child of a province or of the country
(`children_summaries`). The floor is fetching one random roll line by primary key, timed in the same rounds on the
same connection. Rounds visit the levels and the floor in a shuffled order, after a warm-up.

Before timing, the summaries of every province, the country and a sample of communes and cells are checked against
the plain aggregate over the roll lines joined to their meetings and units by path; then `rebuild_rollups`
recomputes every attendance counter from the roll lines and must find no drift (--skip-rebuild leaves that out).

PASS when every level, and the children of a province and of the country, answer in under --target-ms
(default 100 ms) at p95.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LEVELS, configure, p95, timed_rounds

CHILDREN = ("children of a province", "children of the country")
PREFIXES = ("attendance.", "meetings.")


# --- data -----------------------------------------------------------------------------------------------


def ensure_data(scale: float, seed: int) -> tuple[object, float | None]:
    """The country to measure, and the generation time when this run generated it."""
    from django.core.management import call_command

    from soisua.meetings.models import Meeting
    from soisua.org.models import Unit

    root = Unit.objects.filter(parent=None, kind__code="central").order_by("pk").first()
    if root is not None and Meeting.objects.filter(unit__path__startswith=root.path).exists():
        return root, None
    # Shortcomings are two thirds of the generator's rows and no part of this answer.
    print(f"Generating the organisation and a year of meetings at --scale {scale} (no shortcomings) …", flush=True)
    started = time.perf_counter()
    call_command("generate_national", scale=scale, seed=seed, shortcomings=0, append=Unit.objects.exists())
    elapsed = time.perf_counter() - started
    root = Unit.objects.filter(parent=None, kind__code="central").order_by("-pk").first()
    return root, elapsed


def units_by_level(root) -> dict[str, list]:
    from soisua.org.models import Unit

    subtree = Unit.objects.filter(path__startswith=root.path).only("pk", "path", "depth", "name")
    return {"cell": list(subtree.filter(depth=root.depth + 3)), "commune": list(subtree.filter(depth=root.depth + 2)),
            "province": list(subtree.filter(depth=root.depth + 1)), "country": [root]}


def describe(root, units: dict[str, list]) -> dict:
    from django.db import connection

    from soisua.counters.models import Counter
    from soisua.meetings.models import Attendance, Meeting
    from soisua.org.models import Member

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s) + pg_total_relation_size(%s)",
                       [Meeting._meta.db_table, Attendance._meta.db_table])
        size = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size(%s)", [Counter._meta.db_table])
        counter_size = cursor.fetchone()[0]
    return {"members": Member.objects.filter(cell__path__startswith=root.path).count(),
            "meetings": Meeting.objects.filter(unit__path__startswith=root.path).count(),
            "lines": Attendance.objects.filter(meeting__unit__path__startswith=root.path).count(),
            "counters": Counter.objects.count(), "size": size, "counter_size": counter_size,
            **{level: len(found) for level, found in units.items()}}


def plain_summary(unit, year: int) -> dict[str, int]:
    """What the counters must give: the roll lines of the unit's subtree in `year`, joined by path."""
    from django.db.models import Count, Sum

    from soisua.meetings.enums import AttendanceStatus
    from soisua.meetings.models import Attendance, Meeting

    lines = Attendance.objects.filter(meeting__unit__path__startswith=unit.path, meeting__starts_at__year=year)
    rows = lines.order_by().values("status").annotate(count=Count("id"), late=Sum("minutes_late"))
    summary = dict.fromkeys(AttendanceStatus.values, 0)
    summary["minutes_late"] = 0
    for row in rows:
        summary[row["status"]] = row["count"]
        summary["minutes_late"] += row["late"] or 0
    summary["meetings"] = Meeting.objects.filter(unit__path__startswith=unit.path, starts_at__year=year).count()
    return summary


def check_answers(units: dict[str, list], year: int, rng: random.Random) -> dict[str, float]:
    """Every province, the country and a sample of communes and cells: the summary equals the plain aggregate.
    Returns the slowest plain aggregate per level, in seconds."""
    from soisua.meetings import queries

    sample = {"cell": rng.sample(units["cell"], min(50, len(units["cell"]))),
              "commune": rng.sample(units["commune"], min(20, len(units["commune"]))),
              "province": units["province"], "country": units["country"]}
    slowest = dict.fromkeys(LEVELS, 0.0)
    for level, chosen in sample.items():
        for unit in chosen:
            started = time.perf_counter()
            expected = plain_summary(unit, year)
            slowest[level] = max(slowest[level], time.perf_counter() - started)
            summary = queries.attendance_summary(unit, year)
            found = {key: summary[key] for key in expected}
            if found != expected:
                raise SystemExit(f"{unit.name}: the summary differs from the plain aggregate\n"
                                 f"  summary {found}\n  plain   {expected}")
    return slowest


def check_rebuild() -> float:
    """rebuild_rollups recomputes the counters from the roll lines and finds no drift. Returns its seconds.

    It replaces every counter row, so the table is vacuumed afterwards, as autovacuum would soon do anyway."""
    from django.db import connection

    import soisua.meetings.services  # noqa: F401 - registers the counter sources
    from soisua.counters import rollups
    from soisua.counters.models import Counter

    started = time.perf_counter()
    drift = rollups.rebuild(PREFIXES)
    elapsed = time.perf_counter() - started
    if any(drift.values()):
        raise SystemExit(f"rebuild_rollups found drift in the generated counters: {drift}")
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {Counter._meta.db_table}")
    return elapsed


# --- timing ---------------------------------------------------------------------------------------------


def answer(unit, year: int) -> dict:
    from soisua.meetings import queries

    return queries.attendance_summary(unit, year)


def children(unit, year: int) -> int:
    from soisua.meetings import queries

    return len(queries.children_summaries(unit, year))


def lookup(pk: int) -> None:
    from soisua.meetings.models import Attendance

    Attendance.objects.get(pk=pk)


def random_line_ids(count: int, rng: random.Random) -> list[int]:
    """Ids of `count` random roll lines (drawn between the lowest and the highest id, kept when they exist)."""
    from django.db.models import Max, Min

    from soisua.meetings.models import Attendance

    bounds = Attendance.objects.aggregate(low=Min("pk"), high=Max("pk"))
    found: list[int] = []
    while len(found) < count:
        candidates = [rng.randint(bounds["low"], bounds["high"]) for _ in range(2 * count)]
        found += Attendance.objects.filter(pk__in=candidates).values_list("pk", flat=True)
    return found[:count]


def measure(units: dict[str, list], year: int, *, runs: int, warmup: int,
            rng: random.Random) -> dict[str, list[float]]:
    """Milliseconds per level, per children list and for the floor, in rounds that visit all of them in a
    shuffled order."""
    pks = random_line_ids(runs + warmup, rng)
    return timed_rounds(("floor", *LEVELS, *CHILDREN), lambda number: [
        ("floor", lookup, (pks[number],)),
        *((level, answer, (rng.choice(units[level]), year)) for level in LEVELS),
        (CHILDREN[0], children, (rng.choice(units["province"]), year)),
        (CHILDREN[1], children, (units["country"][0], year))], runs=runs, warmup=warmup, rng=rng)


# --- main -----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05, help="generator scale when no organisation exists "
                        "(default 0.05: 2 provinces, 165 communes, 13,500 cells, 280,000 members)")
    parser.add_argument("--runs", type=int, default=200, help="timed answers per level (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed rounds first (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="generator and sampling seed (default 1)")
    parser.add_argument("--target-ms", type=float, default=100.0, help="p95 limit per level (default 100 ms)")
    parser.add_argument("--skip-rebuild", action="store_true",
                        help="do not check the counters against rebuild_rollups (minutes at national scale)")
    args = parser.parse_args()
    configure()

    from django.db import connection

    from soisua.national.dates import MEETINGS_YEAR

    root, generated = ensure_data(args.scale, args.seed)
    units = units_by_level(root)
    sizes = describe(root, units)
    rng = random.Random(args.seed)
    print("Checking the summaries against the plain aggregate …", flush=True)
    plain = check_answers(units, MEETINGS_YEAR, rng)
    rebuilt = None
    if not args.skip_rebuild:
        print("Rebuilding the counters from the roll lines …", flush=True)
        rebuilt = check_rebuild()
    print("Timing …", flush=True)
    times = measure(units, MEETINGS_YEAR, runs=args.runs, warmup=args.warmup, rng=rng)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]

    floor_p50, floor_p95 = statistics.median(times["floor"]), p95(times["floor"])
    made = f"generated in {generated:.0f} s" if generated is not None else "reused"
    print(f"meetings summary: PostgreSQL {version}, {args.runs} answers per level after {args.warmup} "
          f"warm-up rounds, year {MEETINGS_YEAR}")
    print(f"  data ({made}): {sizes['members']:,} members, {sizes['meetings']:,} meetings, "
          f"{sizes['lines']:,} roll lines ({sizes['size'] / 2**30:.1f} GiB with indexes), "
          f"{sizes['counters']:,} counter rows ({sizes['counter_size'] / 2**20:,.0f} MiB)")
    print("  checked: every province, the country, 20 communes and 50 cells equal the plain aggregate by path "
          f"(slowest plain aggregate: {', '.join(f'{level} {plain[level]:.2f} s' for level in LEVELS)})")
    if rebuilt is not None:
        print(f"  rebuild_rollups: no drift, {rebuilt:.0f} s")
    print(f"  {'floor (roll line by pk)':44} p50 {floor_p50:7.2f} ms   p95 {floor_p95:7.2f} ms")
    failed = []
    labels = {level: (f"{level} ({sizes[level]:,} unit{'s' if sizes[level] != 1 else ''}, "
                      f"~{sizes['lines'] / sizes[level]:,.0f} lines)") for level in LEVELS}
    labels[CHILDREN[0]] = f"{CHILDREN[0]} (~{sizes['commune'] / sizes['province']:,.0f})"
    labels[CHILDREN[1]] = f"{CHILDREN[1]} ({sizes['province']:,})"
    for name in (*LEVELS, *CHILDREN):
        name_p50, name_p95 = statistics.median(times[name]), p95(times[name])
        verdict = "PASS" if name_p95 < args.target_ms else "FAIL"
        if verdict == "FAIL":
            failed.append(name)
        print(f"  {labels[name]:44} p50 {name_p50:7.2f} ms   p95 {name_p95:7.2f} ms   "
              f"({name_p95 / floor_p95:5.1f}× floor)  {verdict}")
    if failed:
        print(f"FAIL: {', '.join(failed)} at or above {args.target_ms:.0f} ms at p95")
        return 1
    print(f"PASS: every level under {args.target_ms:.0f} ms at p95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
