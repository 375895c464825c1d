"""Open and overdue corrections for any unit at national scale, against a primary-key lookup
(docs/architecture.md, "Scale").

    DATABASE_URL=postgres://… .venv/bin/python bench/corrections.py [--scale 0.05] [--runs 200] [--seed 1]

Needs DATABASE_URL pointing at a migrated PostgreSQL database (bench/run.sh provides a throwaway one). Generates a
national organisation with its shortcomings (`generate_national --scale`, about 2 per member) unless the database
already holds one, then answers, for random units of each level (cell, commune, province, country), what the
committee's page shows: the first 50 overdue shortcomings of the unit's subtree, oldest due first, with the
member's and the unit's names, and how many are overdue (`count_overdue`, capped at 10,000). The floor is
fetching one random shortcoming by primary key, timed in the same rounds on the same connection. Rounds visit the
levels and the floor in a shuffled order, after a warm-up.

"Today" is the generator's REFERENCE_DAY, the day its plans and due dates are drawn around. Before timing, the
answers for every province, the country and a sample of communes and cells are checked against the plain join
by path.

PASS when every level answers in under --target-ms (default 100 ms) at p95.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LEVELS, configure, p95, timed_rounds

PAGE = 50


# --- data -----------------------------------------------------------------------------------------------


def ensure_data(scale: float, seed: int) -> tuple[object, float | None]:
    """The country to measure, and the generation time when this run generated it."""
    from django.core.management import call_command

    from soisua.corrections.models import Shortcoming
    from soisua.org.models import Unit

    root = Unit.objects.filter(parent=None, kind__code="central").order_by("pk").first()
    if root is not None and Shortcoming.objects.filter(unit__path__startswith=root.path).exists():
        return root, None
    print(f"Generating the organisation and its shortcomings at --scale {scale} …", flush=True)
    started = time.perf_counter()
    call_command("generate_national", scale=scale, seed=seed, append=Unit.objects.exists(), verbosity=0)
    elapsed = time.perf_counter() - started
    root = Unit.objects.filter(parent=None, kind__code="central").order_by("-pk").first()
    return root, elapsed


def units_by_level(root) -> dict[str, list]:
    from soisua.org.models import Unit

    subtree = Unit.objects.filter(path__startswith=root.path).only("pk", "path", "province_id", "depth", "name")
    return {"cell": list(subtree.filter(depth=root.depth + 3)), "commune": list(subtree.filter(depth=root.depth + 2)),
            "province": list(subtree.filter(depth=root.depth + 1)), "country": [root]}


def describe(root, units: dict[str, list], day) -> dict:
    from soisua.corrections.models import Shortcoming
    from soisua.org.models import Member

    shortcomings = Shortcoming.objects.filter(unit__path__startswith=root.path)
    return {"members": Member.objects.filter(cell__path__startswith=root.path).count(),
            "shortcomings": shortcomings.count(),
            "overdue": shortcomings.exclude(status="verified").filter(next_due__lt=day).count(),
            **{level: len(found) for level, found in units.items()}}


def check_answers(units: dict[str, list], day, rng: random.Random) -> None:
    """Each level's query shape and the cap give what the plain join by path gives (every province, some others)."""
    from soisua.corrections import queries
    from soisua.corrections.models import Shortcoming

    sample = [*rng.sample(units["cell"], min(50, len(units["cell"]))),
              *rng.sample(units["commune"], min(20, len(units["commune"]))), *units["province"], *units["country"]]
    for unit in sample:
        plain = (Shortcoming.objects.filter(unit__path__startswith=unit.path).exclude(status="verified")
                 .filter(next_due__lt=day).order_by("next_due", "pk"))
        page = [row.pk for row in queries.open_corrections(unit, overdue_on=day)[:PAGE]]
        count = queries.count_overdue(unit, overdue_on=day)
        expected = min(plain.count(), queries.OVERDUE_COUNT_CAP + 1)
        if page != list(plain.values_list("pk", flat=True)[:PAGE]) or count != expected:
            raise SystemExit(f"{unit.name}: the answer differs from the plain join by path "
                             f"(count {count}, expected {expected})")


# --- timing ---------------------------------------------------------------------------------------------


def answer(unit, day) -> tuple[int, int]:
    """What the committee's page needs: the first page with names, and the (capped) count."""
    from soisua.corrections import queries

    rows = [(row.member.full_name if row.member_id else "", row.unit.name, row.next_due)
            for row in queries.open_corrections(unit, overdue_on=day)[:PAGE]]
    return len(rows), queries.count_overdue(unit, overdue_on=day)


def lookup(pk: int) -> None:
    from soisua.corrections.models import Shortcoming

    Shortcoming.objects.get(pk=pk)


def measure(units: dict[str, list], day, *, runs: int, warmup: int, rng: random.Random) -> dict[str, list[float]]:
    """Milliseconds per level and for the floor, in rounds that visit all of them in a shuffled order."""
    from soisua.corrections.models import Shortcoming

    pks = list(Shortcoming.objects.order_by("?").values_list("pk", flat=True)[: runs + warmup])
    return timed_rounds(("floor", *LEVELS), lambda number: [
        ("floor", lookup, (pks[number % len(pks)],)),
        *((level, answer, (rng.choice(units[level]), day)) for level in LEVELS)], runs=runs, warmup=warmup, rng=rng)


# --- main -----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05, help="generator scale when no organisation exists "
                        "(default 0.05: 2 provinces, 165 communes, 13,500 cells, 280,000 members)")
    parser.add_argument("--runs", type=int, default=200, help="timed answers per level (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed rounds first (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="generator and sampling seed (default 1)")
    parser.add_argument("--target-ms", type=float, default=100.0, help="p95 limit per level (default 100 ms)")
    args = parser.parse_args()
    configure()

    from django.db import connection

    from soisua.corrections.queries import OVERDUE_COUNT_CAP
    from soisua.national.dates import REFERENCE_DAY

    root, generated = ensure_data(args.scale, args.seed)
    units = units_by_level(root)
    sizes = describe(root, units, REFERENCE_DAY)
    rng = random.Random(args.seed)
    check_answers(units, REFERENCE_DAY, rng)
    times = measure(units, REFERENCE_DAY, runs=args.runs, warmup=args.warmup, rng=rng)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]

    floor_p50, floor_p95 = statistics.median(times["floor"]), p95(times["floor"])
    made = f"generated in {generated:.0f} s" if generated is not None else "reused"
    print(f"corrections summary: PostgreSQL {version}, {args.runs} answers per level after {args.warmup} "
          f"warm-up rounds, today = {REFERENCE_DAY:%d/%m/%Y}")
    print(f"  data ({made}): {sizes['members']:,} members, {sizes['shortcomings']:,} shortcomings, "
          f"{sizes['overdue']:,} overdue ({sizes['overdue'] / max(sizes['shortcomings'], 1):.1%})")
    print(f"  answer = first {PAGE} overdue with member and unit names + count capped at {OVERDUE_COUNT_CAP:,}")
    print(f"  {'floor (shortcoming by pk)':42} p50 {floor_p50:7.2f} ms   p95 {floor_p95:7.2f} ms")
    failed = []
    for level in LEVELS:
        level_p50, level_p95 = statistics.median(times[level]), p95(times[level])
        verdict = "PASS" if level_p95 < args.target_ms else "FAIL"
        if verdict == "FAIL":
            failed.append(level)
        label = (f"{level} ({sizes[level]:,} unit{'s' if sizes[level] != 1 else ''}, "
                 f"~{sizes['overdue'] / sizes[level]:,.0f} overdue)")
        print(f"  {label:42} p50 {level_p50:7.2f} ms   p95 {level_p95:7.2f} ms   "
              f"({level_p95 / floor_p95:5.1f}× floor)  {verdict}")
    if failed:
        print(f"FAIL: {', '.join(failed)} at or above {args.target_ms:.0f} ms at p95")
        return 1
    print(f"PASS: every level under {args.target_ms:.0f} ms at p95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
