"""A unit's dashboard at every level, the home page of a member and of a secretary, and what keeping the subtree
counters adds to a write, against a primary-key lookup (docs/architecture.md, "Subtree counters").

    DATABASE_URL=postgres://… .venv/bin/python bench/dashboards.py [--scale 0.05] [--runs 200] [--seed 1]

Needs DATABASE_URL pointing at a migrated PostgreSQL database (bench/run.sh provides a throwaway one). Generates a
national organisation with every part the dashboard shows unless the database already holds one (`generate_national
--scale … --reviews --directives`: members' shortcomings and correction plans, a year of meetings, the closed
year-end review and a national plan, with their counters). Then:

  (a) the dashboard (`oversight:dashboard`) of the country, a random province, commune and cell, requested
      in-process through the whole middleware stack (server time) as a committee member of the root;
  (b) the home page (`/`, with "what needs you") of a member and of their cell's secretary, in a commune where a
      review cycle is open (their reviews, plans and meetings are on it), as served: the list of what waits is
      kept while nothing told to the person or done by them changes it (core.agenda.cached_agenda_for); and,
      for information, the secretary's page with the list computed afresh each time (the first visit after a
      change);
  (c) two writes through their services, each in its own transaction: a member's review submitted in that cycle
      (`submit_review`) and a claimed fix verified (`verify_fix`), with the time spent inside each moving its
      figures up the tree (`rollups.bump_periods`, which every review and correction bump goes through).

The clock is set to the last day of the generated meetings year (`time_machine`): the dashboard then reads a full
year of meeting counters and every month of correction due dates ahead, the most rows it can read. Before timing,
the counters of reviews and corrections are checked against a recount (`rebuild_rollups`), and the dashboard's
figures of the country, every province, 10 communes and 20 cells against a count over their subtrees' rows, on that
day and on the generator's REFERENCE_DAY (when part of the plans are overdue).

The floor is fetching one random unit by primary key, timed in the same rounds. PASS when each dashboard answers in
under --target-ms (100 ms) at p95, each home page under --home-ms (50 ms), and the counters add under --write-ms
(10 ms) to each write at p95.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import configure, p95, server_session, timed_rounds

LEVELS = ("country", "province", "commune", "cell")
HOMES = ("member home", "secretary home")
RECOMPUTED = "secretary home, list recomputed"
WRITES = ("review submit", "fix verified")


def ensure_data(scale: float, seed: int):
    """The root of the generated organisation, and the generation time when this run generated it."""
    from django.core.management import call_command

    from soisua.org.models import Unit
    from soisua.reviews.models import Cycle

    cycle = Cycle.objects.filter(unit__parent=None, unit__kind__code="central").order_by("-pk").first()
    if cycle is not None:
        return cycle.unit, None
    print(f"Generating the organisation, its year of meetings, review and national plan at --scale {scale} …",
          flush=True)
    started = time.perf_counter()
    call_command("generate_national", scale=scale, seed=seed, append=Unit.objects.exists(), reviews=True,
                 directives=True, verbosity=0)
    elapsed = time.perf_counter() - started
    return Cycle.objects.filter(unit__parent=None).order_by("-pk").first().unit, elapsed


def login(username: str, *, unit=None, role: str = "", member=None):
    """A login linked to `member` and holding `role` on `unit` when given, through the org services."""
    from soisua.accounts.models import User
    from soisua.core.actors import SYSTEM
    from soisua.org import services

    user, created = User.objects.get_or_create(username=username)
    if created:
        if member is not None:
            services.link_account(member, user=user, by=SYSTEM)
        if role:
            services.grant_role(user, unit=unit, role=role, by=SYSTEM)
    return user


def open_commune_cycle(commune):
    """A review cycle of one commune, open on the benchmark's day, without the review order."""
    from django.utils import timezone

    from soisua.core.actors import SYSTEM
    from soisua.reviews import services
    from soisua.reviews.models import Cycle

    cycle = Cycle.objects.filter(unit=commune, status="open").first()
    if cycle is not None:
        return cycle
    today = timezone.localdate()
    return services.open_cycle(commune, title="Kiểm điểm giữa nhiệm kỳ", kind="ad_hoc", enforce_order=False,
                               period_start=today.replace(month=1, day=1), period_end=today,
                               self_review_due=today, appraisal_due=today, decision_due=today, by=SYSTEM)


def saved_reviews(cycle, count: int) -> list:
    """`count` members' reviews of `cycle` filled in and saved (not timed): each one is then submitted."""
    from soisua.core.actors import SYSTEM
    from soisua.reviews import services
    from soisua.reviews.models import ChecklistItem, Review
    from soisua.reviews.queries import form_fields

    items = list(ChecklistItem.objects.filter(checklist__rule_set=cycle.rule_set).values_list("code", flat=True))
    reviews = []
    for review in (Review.objects.filter(cycle=cycle, member__isnull=False, status="expected")
                   .select_related("form", "cycle__rule_set").order_by("pk")[:count]):
        fields = form_fields(review.form)
        kinds = {spec["kind"] for spec in fields.values()}
        content = services.ReviewContent(
            answers={key: f"Tự đánh giá {spec['label']} của đồng chí số {review.pk}" for key, spec in fields.items()
                     if spec["kind"] == "text"},
            checklist={code: {"present": False} for code in items} if "checklist" in kinds else {},
            self_level="good",
            self_score_general=Decimal(25) if "score_general" in kinds else None,
            self_score_tasks=Decimal(60) if "score_general" in kinds else None)
        reviews.append(services.save_review(review, version=review.version, content=content, by=SYSTEM))
    if len(reviews) < count:
        raise SystemExit(f"the commune's cycle has only {len(reviews)} reviews to submit, {count} needed")
    return reviews


class BumpTimer:
    """Wraps rollups.bump_periods: the milliseconds the last write spent moving its figures up the tree."""

    def __init__(self):
        from soisua.counters import rollups

        self.original, self.last = rollups.bump_periods, 0.0
        rollups.bump_periods = self

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        self.original(*args, **kwargs)
        self.last += (time.perf_counter() - started) * 1000


def write(kind: str, target, timer: BumpTimer, bumps: dict[str, list[float]]) -> None:
    from soisua.core.actors import SYSTEM
    from soisua.corrections import services as corrections
    from soisua.reviews import services as reviews

    timer.last = 0.0
    if kind == "review submit":
        reviews.submit_review(target, version=None, by=SYSTEM)
    else:
        corrections.verify_fix(target, note="Đã kiểm tra kết quả", by=SYSTEM)
    bumps[kind].append(timer.last)


def page(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def page_recomputed(client, url: str) -> None:
    """The page with its list of what waits computed afresh, as on the first visit after something changed."""
    from django.test import override_settings

    with override_settings(AGENDA_CACHE_SECONDS=0):
        page(client, url)


def lookup(pk: int) -> None:
    from soisua.org.models import Unit

    Unit.objects.get(pk=pk)


def check_figures(root, units: list, days: list[datetime.date]) -> int:
    """The dashboard's review and correction figures of each unit equal a count over its subtree's rows."""
    from django.db.models import Count

    from soisua.corrections.enums import DONE_STATUSES
    from soisua.corrections.models import Shortcoming
    from soisua.oversight import dashboard
    from soisua.reviews import queries as reviews
    from soisua.reviews.models import Review

    checked = 0
    for day in days:
        for unit in units:
            board = dashboard.build(unit, day)
            rows = Shortcoming.objects.filter(unit__path__startswith=unit.path)
            unverified = rows.exclude(status__in=DONE_STATUSES)
            counted = {"open": unverified.count(), "verified": rows.filter(status__in=DONE_STATUSES).count(),
                       "recurring": unverified.filter(recurring_of__isnull=False).count(),
                       "overdue": unverified.filter(next_due__lt=day).count()}
            levels = dict(Review.objects.filter(cycle=board.cycle, unit__path__startswith=unit.path,
                                                member__isnull=False, decided_at__isnull=False)
                          .values_list("decided_level").annotate(count=Count("pk")).order_by())
            if board.corrections != counted:
                raise SystemExit(f"{unit} on {day}: corrections {board.corrections}, counted {counted}")
            if board.review_progress != reviews.progress(board.cycle, unit):
                raise SystemExit(f"{unit}: reviews {board.review_progress}, counted "
                                 f"{reviews.progress(board.cycle, unit)}")
            if {level.code: count for level, count in board.levels if count} != levels:
                raise SystemExit(f"{unit}: levels {board.levels}, counted {levels}")
            checked += 1
    return checked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05, help="generator scale when no organisation exists "
                        "(default 0.05: 2 provinces, 165 communes, 13,500 cells, 280,000 members)")
    parser.add_argument("--runs", type=int, default=200, help="timed requests per page and writes (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed rounds first (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="generator and sampling seed (default 1)")
    parser.add_argument("--target-ms", type=float, default=100.0, help="p95 limit per dashboard (default 100 ms)")
    parser.add_argument("--home-ms", type=float, default=50.0, help="p95 limit per home page (default 50 ms)")
    parser.add_argument("--write-ms", type=float, default=10.0, help="p95 limit of what the counters add to a "
                        "write (default 10 ms)")
    args = parser.parse_args()
    configure()

    import time_machine
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from soisua.corrections.models import Shortcoming
    from soisua.counters import rollups
    from soisua.national.dates import MEETINGS_YEAR, REFERENCE_DAY
    from soisua.org.enums import Role
    from soisua.org.models import Member, Post, Unit

    root, generated = ensure_data(args.scale, args.seed)
    started = time.perf_counter()
    drift = rollups.rebuild(["corr.", "rev."])
    rebuilt = time.perf_counter() - started
    if any(drift.values()):
        raise SystemExit(f"the counters differ from a recount: {drift}")
    rng = random.Random(args.seed)
    subtree = Unit.objects.filter(path__startswith=root.path)
    units = {"country": [root], "province": list(subtree.filter(depth=root.depth + 1)),
             "commune": list(subtree.filter(depth=root.depth + 2)),
             "cell": list(subtree.filter(depth=root.depth + 3).order_by("?")[:2000])}
    day = datetime.date(MEETINGS_YEAR, 12, 31)
    sample = [root, *units["province"], *rng.sample(units["commune"], 10), *rng.sample(units["cell"], 20)]
    checked = check_figures(root, sample, [day, REFERENCE_DAY])

    zone = timezone.get_current_timezone()
    clock = time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=zone), tick=True)
    clock.start()
    try:
        commune = rng.choice(units["commune"])
        cycle = open_commune_cycle(commune)
        post = (Post.objects.filter(kind="secretary", ended_on=None, unit__path__startswith=commune.path)
                .select_related("unit", "member").order_by("pk").first())
        member = Member.objects.filter(cell=post.unit).exclude(pk=post.member_id).order_by("pk").first()
        homes = {"member home": login("bench.member", member=member),
                 "secretary home": login("bench.secretary", unit=post.unit, role=Role.SECRETARY, member=post.member)}
        committee = login("bench.committee", unit=root, role=Role.COMMITTEE)
        clients = {}
        for name, user in [*homes.items(), ("committee", committee)]:
            clients[name] = Client()
            clients[name].cookies[settings.SESSION_COOKIE_NAME] = server_session(user)
        urls = {level: [reverse("oversight:dashboard", args=[unit.pk]) for unit in found]
                for level, found in units.items()}
        rounds = args.runs + args.warmup
        targets = {"review submit": saved_reviews(cycle, rounds),
                   "fix verified": list(Shortcoming.objects.filter(status="claimed", unit__path__startswith=root.path)
                                        .order_by("?")[:rounds])}
        unit_ids = list(subtree.values_list("pk", flat=True)[:100_000])
        timer, bumps = BumpTimer(), {kind: [] for kind in WRITES}
        times = timed_rounds(("floor", *LEVELS, *HOMES, RECOMPUTED, *WRITES), lambda number: [
            ("floor", lookup, (rng.choice(unit_ids),)),
            *((level, page, (clients["committee"], rng.choice(urls[level]))) for level in LEVELS),
            *((name, page, (clients[name], "/")) for name in HOMES),
            (RECOMPUTED, page_recomputed, (clients["secretary home"], "/")),
            *((kind, write, (kind, targets[kind][number], timer, bumps)) for kind in WRITES)],
            runs=args.runs, warmup=args.warmup, rng=rng)
    finally:
        clock.stop()
    bumps = {kind: values[args.warmup:] for kind, values in bumps.items()}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]

    floor_p50, floor_p95 = statistics.median(times["floor"]), p95(times["floor"])
    made = f"generated in {generated:.0f} s" if generated is not None else "reused"
    print(f"dashboards summary: PostgreSQL {version}, {args.runs} requests per page after {args.warmup} "
          f"warm-up rounds, server time in-process, clock on {day:%d/%m/%Y}")
    print(f"  data ({made}): {subtree.count():,} units, {Member.objects.count():,} members, "
          f"{Shortcoming.objects.count():,} shortcomings; counters of reviews and corrections equal a recount "
          f"({rebuilt:.0f} s); figures of {checked} dashboards equal a count over their rows")
    print(f"  {'floor (unit by pk)':36} p50 {floor_p50:7.2f} ms   p95 {floor_p95:7.2f} ms")
    failed = []

    def line(name: str, values: list[float], limit: float | None) -> None:
        value_p50, value_p95 = statistics.median(values), p95(values)
        verdict = "" if limit is None else "PASS" if value_p95 < limit else "FAIL"
        if verdict == "FAIL":
            failed.append(name)
        print(f"  {name:36} p50 {value_p50:7.2f} ms   p95 {value_p95:7.2f} ms   "
              f"({value_p95 / floor_p95:5.1f}× floor)  {verdict}")

    for level in LEVELS:
        line(f"{level} dashboard", times[level], args.target_ms)
    for name in HOMES:
        line(name, times[name], args.home_ms)
    line(RECOMPUTED, times[RECOMPUTED], None)
    for kind in WRITES:
        line(f"{kind} (whole write)", times[kind], None)
        line("  of which counters up the tree", bumps[kind], args.write_ms)
    if failed:
        print(f"FAIL: {', '.join(failed)}")
        return 1
    print(f"PASS: every dashboard under {args.target_ms:.0f} ms, every home page under {args.home_ms:.0f} ms and the "
          f"counters under {args.write_ms:.0f} ms of a write, at p95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
