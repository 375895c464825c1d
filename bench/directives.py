"""A national plan's progress pages and the cost of reporting on it, against a primary-key lookup
(docs/architecture.md, "Subtree counters").

    DATABASE_URL=postgres://… .venv/bin/python bench/directives.py [--scale 0.05] [--runs 200] [--seed 1]

Needs DATABASE_URL pointing at a migrated PostgreSQL database (bench/run.sh provides a throwaway one). Generates a
national organisation with a national plan issued to every unit below the root, acknowledged and reported on by
most (`generate_national --scale … --directives`, without shortcomings or meetings), unless the database already
holds one. Then:

  (a) the issuer's progress page (`directives:progress`) for the country, a random province and a random commune,
      requested in-process through the whole middleware stack as a committee member of the root (server time:
      the counters of the unit, its children's, the units not acknowledged and not reported);
  (b) a report on one key task (`directives.services.file_report`, in its own transaction), with the time spent
      moving the progress up the tree (`rollup.bump`) measured inside it.

The floor is fetching one random receipt by primary key, timed in the same rounds. Before timing, the counters of
the plan are checked against a recount (`rebuild_rollups`).

PASS when each page answers in under --target-ms (default 100 ms) at p95 and the progress kept by a report adds
under --write-ms (default 10 ms) to it at p95.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import configure, p95, timed_rounds

PAGES = ("country", "province", "commune")


def ensure_data(scale: float, seed: int):
    """The national plan to measure, and the generation time when this run generated it."""
    from django.core.management import call_command

    from soisua.directives.models import Directive
    from soisua.org.models import Unit

    plan = Directive.objects.filter(issuer__parent=None, status="issued").order_by("-pk").first()
    if plan is not None:
        return plan, None
    print(f"Generating the organisation and its national plan at --scale {scale} …", flush=True)
    started = time.perf_counter()
    call_command("generate_national", scale=scale, seed=seed, append=Unit.objects.exists(), shortcomings=0,
                 meetings=0, directives=True, verbosity=0)
    elapsed = time.perf_counter() - started
    return Directive.objects.filter(issuer__parent=None).order_by("-pk").first(), elapsed


def committee_login(root):
    """A committee member of the root: the issuer's side of the plan."""
    from soisua.accounts.models import User
    from soisua.core.actors import SYSTEM
    from soisua.org import services
    from soisua.org.enums import Role

    user, created = User.objects.get_or_create(username="bench.committee")
    if created:
        services.grant_role(user, unit=root, role=Role.COMMITTEE, by=SYSTEM)
    return user


def page(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def lookup(pk: int) -> None:
    from soisua.directives.models import Receipt

    Receipt.objects.get(pk=pk)


class BumpTimer:
    """Wraps rollup.bump: the milliseconds each report spent moving the progress up the tree."""

    def __init__(self):
        from soisua.directives import rollup

        self.rollup, self.original, self.last = rollup, rollup.bump, 0.0
        rollup.bump = self

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        self.original(*args, **kwargs)
        self.last = (time.perf_counter() - started) * 1000


def report(receipt, task, period, timer: BumpTimer, bumps: list[float], rng: random.Random) -> None:
    from soisua.core.actors import SYSTEM
    from soisua.directives import services

    percent = rng.randint(0, 99)
    services.file_report(receipt, key_task=task, period=period, percent=percent, status="in_progress",
                         narrative="Đang triển khai", by=SYSTEM)
    bumps.append(timer.last)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05, help="generator scale when no plan exists "
                        "(default 0.05: 2 provinces, 165 communes, 13,500 cells)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per page and reports (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed rounds first (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="generator and sampling seed (default 1)")
    parser.add_argument("--target-ms", type=float, default=100.0, help="p95 limit per page (default 100 ms)")
    parser.add_argument("--write-ms", type=float, default=10.0, help="p95 limit of what reporting adds (10 ms)")
    args = parser.parse_args()
    configure()

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from soisua.counters import rollups
    from soisua.directives.models import Receipt, Report
    from soisua.org.models import Unit

    plan, generated = ensure_data(args.scale, args.seed)
    root = plan.issuer
    drift = rollups.rebuild(["dir."])["dir."]
    if drift:
        raise SystemExit(f"the plan's counters differ from a recount in {drift} figures")
    rng = random.Random(args.seed)
    subtree = Unit.objects.filter(path__startswith=root.path)
    units = {"country": [root], "province": list(subtree.filter(depth=root.depth + 1)),
             "commune": list(subtree.filter(depth=root.depth + 2))}
    client = Client()
    client.force_login(committee_login(root))
    urls = {level: [reverse("directives:progress", args=[plan.pk, unit.pk]) for unit in found]
            for level, found in units.items()}
    receipts = list(Receipt.objects.filter(directive=plan).select_related("unit", "directive")
                    .order_by("?")[: args.runs + args.warmup])
    tasks, period = list(plan.tasks.all()), plan.periods.order_by("-due_on").first()
    timer, bumps = BumpTimer(), []
    times = timed_rounds(("floor", *PAGES, "report"), lambda number: [
        ("floor", lookup, (receipts[number].pk,)),
        *((level, page, (client, rng.choice(urls[level]))) for level in PAGES),
        ("report", report, (receipts[number], rng.choice(tasks), period, timer, bumps, rng))],
        runs=args.runs, warmup=args.warmup, rng=rng)
    bumps = bumps[args.warmup:]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]

    floor_p50, floor_p95 = statistics.median(times["floor"]), p95(times["floor"])
    made = f"generated in {generated:.0f} s" if generated is not None else "reused"
    print(f"directives summary: PostgreSQL {version}, {args.runs} requests per page after {args.warmup} "
          f"warm-up rounds")
    print(f"  data ({made}): {plan.receipts.count():,} units addressed, "
          f"{plan.receipts.filter(acknowledged_at__isnull=False).count():,} acknowledged, "
          f"{Report.objects.filter(receipt__directive=plan).count():,} reports, {len(tasks)} key tasks")
    print(f"  {'floor (receipt by pk)':36} p50 {floor_p50:7.2f} ms   p95 {floor_p95:7.2f} ms")
    failed = []
    for level in PAGES:
        level_p50, level_p95 = statistics.median(times[level]), p95(times[level])
        verdict = "PASS" if level_p95 < args.target_ms else "FAIL"
        if verdict == "FAIL":
            failed.append(f"{level} page")
        print(f"  {level + ' progress page':36} p50 {level_p50:7.2f} ms   p95 {level_p95:7.2f} ms   "
              f"({level_p95 / floor_p95:5.1f}× floor)  {verdict}")
    write_p50, write_p95 = statistics.median(times["report"]), p95(times["report"])
    bump_p50, bump_p95 = statistics.median(bumps), p95(bumps)
    verdict = "PASS" if bump_p95 < args.write_ms else "FAIL"
    if verdict == "FAIL":
        failed.append("reporting")
    print(f"  {'a report (whole write)':36} p50 {write_p50:7.2f} ms   p95 {write_p95:7.2f} ms   "
          f"({write_p95 / floor_p95:5.1f}× floor)")
    print(f"  {'  of which progress up the tree':36} p50 {bump_p50:7.2f} ms   p95 {bump_p95:7.2f} ms   "
          f"({bump_p95 / floor_p95:5.1f}× floor)  {verdict}")
    if failed:
        print(f"FAIL: {', '.join(failed)}")
        return 1
    print(f"PASS: every page under {args.target_ms:.0f} ms and reporting's progress under {args.write_ms:.0f} ms "
          f"at p95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
