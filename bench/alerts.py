"""The daily early-warning checks over a generated national organisation, projected to the whole country, against
a sequential read of the roll lines (docs/alerts.md, "Cost").

    DATABASE_URL=postgres://… .venv/bin/python bench/alerts.py [--scale 0.05] [--seed 1] [--limit-s 600]

Needs DATABASE_URL pointing at a migrated PostgreSQL database (bench/run.sh provides a throwaway one). Generates a
national organisation at --scale with its shortcomings, a year of meetings with their rolls, a national plan
and the review year's correction plans (`generate_national --scale … --directives --reviews`), unless the database
already holds one. The generator logs no speakers, so every cell that met has silent members: the silent-member
checks raise a warning for nearly every cell, the worst case for the job.
Then, on the day after the generated year's last meetings:

  (a) the floor: counting the roll lines (`SELECT count(*)` over meetings_attendance, a sequential read of the
      biggest table the checks touch);
  (b) the first run of `alerts.services.evaluate` (every check, every warning raised and its owner told);
  (c) a second run on the same day, which must raise, re-open and resolve nothing (each warning once);
  (d) a run half a year later (the generator's reference day), when part of the correction plans are overdue and
      no meeting was recorded since December: many warnings raised and resolved at once.

The whole-country time is the slower of (b) and (d) divided by --scale (every check is set-wise or walks provinces,
so its cost grows with the rows). PASS when that projection is under --limit-s (default 600 s: ten minutes) and
the second run changed nothing.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import configure


def ensure_data(scale: float, seed: int) -> float | None:
    from django.core.management import call_command

    from soisua.meetings.models import Meeting
    from soisua.org.models import Unit

    if Meeting.objects.exists():
        return None
    print(f"Generating the organisation, its meetings and a national plan at --scale {scale} …", flush=True)
    started = time.perf_counter()
    call_command("generate_national", scale=scale, seed=seed, append=Unit.objects.exists(), directives=True,
                 reviews=True, verbosity=0)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05, help="generator scale when nothing is there yet "
                        "(default 0.05: 2 provinces, 165 communes, 13,500 cells, 280,000 members)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--limit-s", type=float, default=600.0, help="whole-country limit (default 600 s)")
    args = parser.parse_args()
    configure()

    from django.db import connection

    from soisua.alerts import services
    from soisua.alerts.models import Alert
    from soisua.core.actors import SYSTEM
    from soisua.meetings.models import Attendance, Meeting
    from soisua.national.dates import MEETINGS_YEAR, REFERENCE_DAY
    from soisua.org.models import Member, Unit

    generated = ensure_data(args.scale, args.seed)
    today = datetime.date(MEETINGS_YEAR, 12, 31)

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {Attendance._meta.db_table}")  # noqa: S608 - a table name
        lines = cursor.fetchone()[0]
    floor = time.perf_counter() - started

    started = time.perf_counter()
    first = services.evaluate(by=SYSTEM, today=today)
    first_s = time.perf_counter() - started
    stored = Alert.objects.count()
    started = time.perf_counter()
    second = services.evaluate(by=SYSTEM, today=today)
    second_s = time.perf_counter() - started
    # Half a year on: part of the correction plans are overdue and no meeting is recorded after December.
    started = time.perf_counter()
    later = services.evaluate(by=SYSTEM, today=REFERENCE_DAY)
    later_s = time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    made = f"generated in {generated:.0f} s" if generated is not None else "reused"
    print(f"alerts summary: PostgreSQL {version}, checks on {today.isoformat()}")
    print(f"  data ({made}): {Unit.objects.count():,} units, {Member.objects.count():,} members, "
          f"{Meeting.objects.count():,} meetings, {lines:,} roll lines")
    print(f"  {'floor (count the roll lines)':34} {floor:8.2f} s")
    for check, counts in first.items():
        print(f"    {check:30} raised {counts['raised']:>8,}")
    projected = max(first_s, later_s) / args.scale
    print(f"  {'first run (every check)':34} {first_s:8.2f} s   ({first_s / floor:6.1f}× floor)   "
          f"{stored:,} warnings")
    print(f"  {'second run, same day':34} {second_s:8.2f} s   ({second_s / floor:6.1f}× floor)")
    moved = ", ".join(f"{check} +{counts['raised']} −{counts['resolved']}" for check, counts in later.items()
                      if counts["raised"] or counts["resolved"])
    print(f"  {'run on ' + REFERENCE_DAY.isoformat():34} {later_s:8.2f} s   ({later_s / floor:6.1f}× floor)   {moved}")
    changed = {check: counts for check, counts in second.items()
               if counts["raised"] or counts["reopened"] or counts["resolved"]}
    failed = []
    verdict = "PASS" if projected < args.limit_s else "FAIL"
    if verdict == "FAIL":
        failed.append("whole-country time")
    print(f"  {'whole country (slower run / scale)':34} {projected:8.0f} s   limit {args.limit_s:.0f} s   {verdict}")
    verdict = "PASS" if not changed else "FAIL"
    if changed:
        failed.append(f"the second run changed warnings: {changed}")
    print(f"  {'each warning raised once':34} {verdict}")
    if failed:
        print(f"FAIL: {'; '.join(failed)}")
        return 1
    print(f"PASS: the whole country's checks projected at {projected:.0f} s (limit {args.limit_s:.0f} s), each "
          f"warning raised once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
