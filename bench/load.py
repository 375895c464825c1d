"""The review season under load: members, secretaries, committees and a meeting's check-in at once, against the
bare view on the same server (bench/README.md, "Load").

Needs DATABASE_URL pointing at a migrated PostgreSQL database (bench/run.sh provides a throwaway one). Generates a
small province unless the database holds one, opens the province's year-end review cycle, links logins to the
members it samples (one password hashed once for all of them), submits part of the reviews for their cells'
secretaries to rate, schedules a meeting happening now in a few cells, and writes a session per login on the server
side (the committee's verified by its second factor when two-factor login is installed). Then it starts gunicorn
with production settings on 127.0.0.1 (the project's URLs plus the bare view, bench/urls.py) and runs the locust
scenario (bench/locustfile.py) headless, in its own process, at 8, 16 and 32 users:

  members          open their review and autosave it as they type (the version the page carries, the CSRF token);
  secretaries      open their cell's page and the rating page of a submitted review, follow the rule checks as
                   they pick a level, and record the cell's proposal;
  committee        opens its commune's dashboard;
  meeting          members check in with the code the secretary's screen shows (it rotates), as they arrive;
  bare view        the floor: no query, no template, the same middleware.

Prints, per step, each request's rate, p50 and p95 and its p95 as a multiple of the bare view's in the same step,
with its failures. Any answer that is not 2xx/3xx, a login page, a page without what it must show, or an autosave
refused as a conflict counts as a failure; exits non-zero when there is one, printing the first ones.

The module holds no Django or locust import at its top: the locustfile reads its request list and form reader,
and the tests its parsing and table.
"""

import argparse
import csv
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
PORTS = range(8701, 8711)  # this benchmark's ports on 127.0.0.1
STEPS = (8, 16, 32)
BARE = "bare view"
# Every sampled login's, on a throwaway database; the benchmark itself writes sessions instead of logging in.
PASSWORD = "tu-soi-tu-sua-2026"  # noqa: S105


@dataclass(frozen=True)
class Request:
    """One request of the scenario: its name in the table, method, path (with {placeholders} the plan fills)
    and the URL name it must resolve to (checked by the tests)."""

    name: str
    method: str
    path: str
    url_name: str


REQUESTS = (
    Request(BARE, "GET", "/bench/bare/", "bench.bare"),
    Request("review editor", "GET", "/reviews/{review}/edit/", "reviews:reviews.edit"),
    Request("review autosave", "POST", "/reviews/{review}/autosave/", "reviews:reviews.autosave"),
    Request("cell page", "GET", "/units/{cell}/", "org:units.detail"),
    Request("rating page", "GET", "/reviews/{review}/propose/", "reviews:reviews.propose"),
    Request("rating checks (htmx)", "GET", "/reviews/{review}/propose/", "reviews:reviews.propose"),
    Request("rating recorded", "POST", "/reviews/{review}/propose/", "reviews:reviews.propose"),
    Request("commune dashboard", "GET", "/oversight/units/{unit}/dashboard/", "oversight:dashboard"),
    Request("check-in screen (code)", "GET", "/meetings/{meeting}/check-in/screen/", "meetings:check_in_screen"),
    Request("check-in page", "GET", "/meetings/{meeting}/check-in/", "meetings:check_in"),
    Request("check-in", "POST", "/meetings/{meeting}/check-in/", "meetings:check_in"),
)
REQUEST = {request.name: request for request in REQUESTS}


# --- pages, as the browser reads them ------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields a browser would send for each <form> of a page: hidden and text inputs, checked boxes and radios,
    textareas, and each select's chosen option (else its first). Buttons are left out: the scenario names the one
    it presses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attributes.get("action") or "", "hx_post": attributes.get("hx-post") or "",
                               "fields": []})
            return
        if not self.forms:
            return
        fields, name = self.forms[-1]["fields"], attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            fields.append((name, attributes.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.append((name, ""))
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attributes:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None and self.forms:
            name, text = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self.forms[-1]["fields"][-1]
            # The HTML parser keeps the newline browsers drop right after <textarea>.
            self.forms[-1]["fields"][-1] = (name, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            if chosen is not None and self.forms:
                self.forms[-1]["fields"].append((self._select["name"], chosen))
            self._select = None


def page_forms(html: str) -> list[dict]:
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_with(html: str, field: str) -> list[tuple[str, str]] | None:
    """The fields of the page's first form that sends `field`, or None."""
    for form in page_forms(html):
        if any(name == field for name, _value in form["fields"]):
            return form["fields"]
    return None


def select_options(html: str, name: str) -> list[str]:
    """The non-empty option values of the page's select named `name`."""
    found = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    return [value for value in re.findall(r'<option value="([^"]*)"', found.group(1)) if value] if found else []


VERSION = re.compile(r'<input type="hidden" name="version" value="(\d+)"')
CODE = re.compile(r'<p class="code">([A-Z0-9]{4}) ([A-Z0-9]{4})</p>')
LOGIN_FORM = 'name="password"'


def problem_with(status: int, url: str, body: str, *, expected: str = "") -> str:
    """Why an answer counts as failed ("" when it does not): not 2xx/3xx, the login page, or, for a page that
    must show `expected`, any other answer (a redirect elsewhere, such as a second-factor step, included)."""
    if not 200 <= status < 400:
        return f"HTTP {status}"
    if "/accounts/login/" in url or (status == 200 and LOGIN_FORM in body):
        return f"HTTP {status}: the login page"
    if expected and status != 200:
        return f"HTTP {status}: sent to {url or 'nowhere'} instead of the page"
    if expected and expected not in body:
        return f"HTTP {status}: a page without {expected!r}"
    return ""


# --- results -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float


def read_stats(path: Path) -> list[Row]:
    """The per-request rows of locust's `<prefix>_stats.csv` (the "Aggregated" line left out)."""
    rows = []
    with open(path, newline="", encoding="utf-8") as file:
        for line in csv.DictReader(file):
            if line["Name"] == "Aggregated" or not line["Name"]:
                continue
            rows.append(Row(name=line["Name"], requests=int(line["Request Count"]),
                            failures=int(line["Failure Count"]), rps=float(line["Requests/s"]),
                            p50=float(line["50%"] or 0), p95=float(line["95%"] or 0)))
    return rows


def read_failures(path: Path) -> list[tuple[str, str, str, int]]:
    """(method, name, error, occurrences) of locust's `<prefix>_failures.csv`, most frequent first."""
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as file:
        found = [(line["Method"], line["Name"], line["Error"], int(line["Occurrences"]))
                 for line in csv.DictReader(file)]
    return sorted(found, key=lambda entry: -entry[3])


def failure_count(steps: dict[int, list[Row]]) -> int:
    return sum(row.failures for rows in steps.values() for row in rows)


def table(steps: dict[int, list[Row]]) -> str:
    """Per step: each request's rate, p50, p95, p95 over the bare view's p95 in that step, failures."""
    order = {request.name: number for number, request in enumerate(REQUESTS)}
    lines = [f"{'users':>5}  {'request':<24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p95/bare':>8} "
             f"{'failures':>8}"]
    for users, rows in steps.items():
        bare = next((row.p95 for row in rows if row.name == BARE), 0.0)
        for row in sorted(rows, key=lambda row: (order.get(row.name, len(order)), row.name)):
            ratio = f"{row.p95 / bare:7.1f}×" if bare else "      –"
            lines.append(f"{users:>5}  {row.name:<24} {row.rps:7.1f} {row.p50:7.0f} {row.p95:7.0f} {ratio:>8} "
                         f"{row.failures:>8}")
        total_rps = sum(row.rps for row in rows)
        lines.append(f"{users:>5}  {'all requests':<24} {total_rps:7.1f}")
    lines.append(f"failed requests in total: {failure_count(steps)}")
    return "\n".join(lines)


# --- data ----------------------------------------------------------------------------------------------------


def production_env(port: int) -> dict[str, str]:
    """Production settings for this process and gunicorn alike (one SECRET_KEY: the sessions written here are
    read there). Cookies stay HTTPS-only: the load generator sends X-Forwarded-Proto as the TLS proxy would."""
    return {
        "DJANGO_SETTINGS_MODULE": "soisua.settings",
        "SOISUA_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "STATIC_ROOT": str(ROOT / "var" / "bench" / "load-static"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def static_is_stale() -> bool:
    """Whether the collected static files (compressed and hashed, a minute or two on a busy machine) are older
    than the project's static files or the locked dependencies."""
    manifest = Path(os.environ["STATIC_ROOT"]) / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [ROOT / "uv.lock", *(ROOT / "soisua").glob("*/static/**/*")]
    return max(path.stat().st_mtime for path in sources if path.is_file()) > manifest.stat().st_mtime


def ensure_province(communes: int, cells: int, members: int):
    from django.core.management import call_command

    from soisua.org.models import Unit

    province = Unit.objects.filter(parent__parent=None, parent__kind__code="central").order_by("pk").first()
    if province is None:
        print(f"Generating a province: {communes} communes, {cells} cells, {members} members …", flush=True)
        call_command("generate_national", provinces=1, communes=communes, cells=cells, members=members,
                     meetings=0, shortcomings=0, append=Unit.objects.exists(), verbosity=0)
        province = Unit.objects.filter(parent__parent=None, parent__kind__code="central").order_by("pk").first()
    return province


def open_cycle(province):
    """The province's year-end review, open now (the review season), without the review order."""
    from django.utils import timezone

    from soisua.core.actors import SYSTEM
    from soisua.reviews import services
    from soisua.reviews.models import Cycle

    cycle = Cycle.objects.filter(unit=province, status="open").first()
    if cycle is None:
        today = timezone.localdate()
        cycle = services.open_cycle(province, title=f"Kiểm điểm cuối năm {today.year}", kind="year",
                                    enforce_order=False, period_start=today.replace(month=1, day=1),
                                    period_end=today.replace(month=12, day=31), self_review_due=today,
                                    appraisal_due=today, decision_due=today, by=SYSTEM)
    return cycle


def link_logins(members: list, password_hash: str) -> dict[int, object]:
    """A login per member, created in bulk with one password hash, linked through the org services."""
    from soisua.accounts.models import User
    from soisua.core.actors import SYSTEM
    from soisua.org import services

    unlinked = [member for member in members if member.user_id is None]
    User.objects.bulk_create([User(username=f"bench-load-{member.pk}", password=password_hash)
                              for member in unlinked], ignore_conflicts=True)
    users = {user.username: user for user in
             User.objects.filter(username__in=[f"bench-load-{member.pk}" for member in unlinked])}
    for member in unlinked:
        services.link_account(member, user=users[f"bench-load-{member.pk}"], by=SYSTEM)
    return {member.pk: member.user for member in members}


def filled(review, text: str):
    """A review's content with every text box answered and the checklist walked, as a member leaves it."""
    from decimal import Decimal

    from soisua.reviews import services
    from soisua.reviews.models import ChecklistItem
    from soisua.reviews.queries import form_fields

    fields = form_fields(review.form)
    kinds = {spec["kind"] for spec in fields.values()}
    items = ChecklistItem.objects.filter(checklist__rule_set=review.cycle.rule_set).values_list("code", flat=True)
    return services.ReviewContent(
        answers={key: f"{text} ({spec['label']})" for key, spec in fields.items() if spec["kind"] == "text"},
        checklist={code: {"present": False} for code in items} if "checklist" in kinds else {},
        self_level="good",
        self_score_general=Decimal(25) if "score_general" in kinds else None,
        self_score_tasks=Decimal(60) if "score_general" in kinds else None)


def prepare(args) -> dict:
    """The data and the sessions of the scenario, as a plan for the locustfile (JSON)."""
    import datetime

    import django
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    django.setup()
    from common import server_session

    from soisua.core.actors import SYSTEM
    from soisua.meetings import services as meetings
    from soisua.meetings.models import Meeting
    from soisua.org import services as org
    from soisua.org.enums import ACTIVE_STATUSES, Role
    from soisua.org.models import Member, Post, Unit
    from soisua.reviews import services as reviews
    from soisua.reviews.models import Review

    call_command("migrate", interactive=False, verbosity=0)  # run.sh migrated it; a reused database may lag
    if static_is_stale():
        print("Collecting the static files …", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    province = ensure_province(args.communes, args.cells, args.members)
    cycle = open_cycle(province)
    password_hash = make_password(PASSWORD)  # hashed once, with the production hasher, for every sampled login
    cells = list(Unit.objects.filter(path__startswith=province.path, kind__holds_members=True,
                                     posts__kind="secretary", posts__ended_on=None).distinct().order_by("pk"))
    if len(cells) < 4:
        raise SystemExit("The province needs at least four cells with a secretary.")
    # A meeting happening now in a few cells for each run of locust (each checks its own rolls in), the rest write.
    runs = [str(users) for users in args.users] + (["warmup"] if args.warmup else [])
    per_run = max(1, len(cells) // (2 * len(runs)))
    meeting_cells, writing_cells = cells[:per_run * len(runs)], cells[per_run * len(runs):]
    secretaries = {post.unit_id: post.member for post in Post.objects.filter(
        unit__in=cells, kind="secretary", ended_on=None).select_related("member").order_by("pk")}

    # Members writing their review: drafts in the writing cells, one per simulated user at most.
    drafts = list(Review.objects.filter(cycle=cycle, unit__in=writing_cells, member__isnull=False,
                                        status__in=("expected", "draft"))
                  .exclude(member__in=secretaries.values()).select_related("member").order_by("pk")[:args.pool])
    # Reviews the secretaries rate: a few submitted in each writing cell.
    to_rate = []
    for cell in writing_cells:
        submitted = list(Review.objects.filter(cycle=cycle, unit=cell, member__isnull=False, status="submitted")
                         .exclude(pk__in=[draft.pk for draft in drafts])[:3])
        for review in (Review.objects.filter(cycle=cycle, unit=cell, member__isnull=False, status="expected")
                       .exclude(pk__in=[draft.pk for draft in drafts])
                       .exclude(member=secretaries[cell.pk]).select_related("form", "cycle__rule_set")
                       .order_by("-pk")[:3 - len(submitted)]):
            review = reviews.save_review(review, version=review.version, content=filled(review, "Đã soạn xong"),
                                         by=SYSTEM)
            submitted.append(reviews.submit_review(review, version=review.version, by=SYSTEM))
        to_rate.extend(submitted)

    # A meeting happening now in each meeting cell, check-in open.
    now = timezone.now()
    meetings_now = []
    for cell in meeting_cells:
        meeting = Meeting.objects.filter(unit=cell, starts_at__lte=now + datetime.timedelta(minutes=5),
                                         ends_at__gte=now + datetime.timedelta(minutes=30)).first()
        if meeting is None:
            meeting = meetings.schedule_meeting(cell, title="Sinh hoạt chi bộ thường kỳ tháng 12",
                                                starts_at=now - datetime.timedelta(minutes=5),
                                                ends_at=now + datetime.timedelta(hours=3), place="Hội trường",
                                                agenda=["Kiểm điểm cuối năm"], by=SYSTEM)
        meetings_now.append(meeting)
    attendees = {meeting.pk: list(Member.objects.filter(attendance__meeting=meeting, status__in=ACTIVE_STATUSES)
                                  .exclude(pk=secretaries[meeting.unit_id].pk).order_by("pk"))
                 for meeting in meetings_now}

    people = [draft.member for draft in drafts] + list(secretaries.values())
    people += [member for members in attendees.values() for member in members]
    users = link_logins(people, password_hash)
    for cell_pk, secretary in secretaries.items():
        org.grant_role(users[secretary.pk], unit=Unit.objects.get(pk=cell_pk), role=Role.SECRETARY, by=SYSTEM)
    communes = list(Unit.objects.filter(parent=province).order_by("pk"))
    committee = []
    for number in range(args.pool):
        commune = communes[number % len(communes)]
        user = link_committee(f"bench-load-committee-{number}", commune, password_hash)
        committee.append({"unit": commune.pk, "session": server_session(user)})
    by_cell: dict[int, list] = {}
    for review in to_rate:
        by_cell.setdefault(review.unit_id, []).append(review.pk)

    def verified(member) -> str:  # the cell's leaders: their session passed the second factor, if there is one
        return server_session(users[member.pk])

    plan = {
        "members": [{"review": draft.pk, "session": server_session(users[draft.member_id])} for draft in drafts],
        "secretaries": [{"cell": cell, "reviews": found, "session": verified(secretaries[cell])}
                        for cell, found in by_cell.items()],
        "committee": committee,
        "meetings": {run: [{"meeting": meeting.pk, "screen": verified(secretaries[meeting.unit_id]),
                            "attendees": [server_session(users[member.pk]) for member in attendees[meeting.pk]]}
                           for meeting in meetings_now[number * per_run:(number + 1) * per_run]]
                     for number, run in enumerate(runs)},
        "bare": [server_session(users[draft.member_id]) for draft in drafts],
    }
    if len(plan["members"]) < args.pool:
        raise SystemExit(f"Only {len(plan['members'])} draft reviews to write, {args.pool} needed.")
    summary = (f"{cycle.title} of {province.name}: {len(drafts)} members writing, {len(to_rate)} reviews to rate "
               f"by {len(by_cell)} secretaries, {len(communes)} commune dashboards, {len(meetings_now)} meetings "
               f"with {sum(len(found) for found in attendees.values())} members checking in")
    connections.close_all()
    return {"plan": plan, "summary": summary}


def link_committee(username: str, commune, password_hash: str):
    from soisua.accounts.models import User
    from soisua.core.actors import SYSTEM
    from soisua.org import services
    from soisua.org.enums import Role

    user, created = User.objects.get_or_create(username=username, defaults={"password": password_hash})
    if created:
        services.grant_role(user, unit=commune, role=Role.COMMITTEE, by=SYSTEM)
    return user


# --- server and load -----------------------------------------------------------------------------------------


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port on 127.0.0.1 between {PORTS.start} and {PORTS.stop - 1}.")


def start_gunicorn(port: int, workers: int, threads: int, keep_alive: int, log: Path) -> subprocess.Popen:
    import http.client

    command = [str(VENV_BIN / "gunicorn"), "bench.unit_page:wsgi_application()", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads), "--timeout", "60",
               "--keep-alive", str(keep_alive), "--chdir", str(ROOT),
               "--log-level", "warning", "--graceful-timeout", "5"]
    server = subprocess.Popen(command, env=os.environ.copy(), start_new_session=True, stdout=log.open("ab"),
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log}")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_locust(port: int, plan: Path, users: int, seconds: int, prefix: Path, run: str) -> None:
    """One headless locust run in its own process (locust patches the process it runs in)."""
    command = [str(VENV_BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless", "-u", str(users),
               "-r", str(users), "-t", f"{seconds}s", "--csv", str(prefix), "--host", f"http://127.0.0.1:{port}",
               "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30", "--exit-code-on-error", "0"]
    environment = {**os.environ, "BENCH_LOAD_PLAN": str(plan), "BENCH_LOAD_RUN": run}
    locust = subprocess.Popen(command, env=environment, start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=prefix.with_suffix(".log").open("w"))
    try:
        status = locust.wait(timeout=seconds + 120)
    finally:
        stop(locust)
    if status != 0:
        raise SystemExit(f"locust exited with status {status}; see {prefix.with_suffix('.log')}")


def run(args) -> int:
    port = free_port()
    os.environ.update(production_env(port))
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()
    prepared = prepare(args)
    prepared_in = time.monotonic() - started
    work = Path(tempfile.mkdtemp(prefix="soisua-load-"))
    plan = work / "plan.json"
    plan.write_text(json.dumps(prepared["plan"]), encoding="utf-8")
    cores = os.cpu_count() or 1
    workers = args.workers or cores
    print(f"load: {prepared['summary']} (prepared in {prepared_in:.0f} s)", flush=True)
    print(f"load: gunicorn on 127.0.0.1:{port}, {workers} workers × {args.threads} threads ({cores} cores), "
          f"keep-alive {args.keep_alive} s, production settings; results in {work}", flush=True)
    server = start_gunicorn(port, workers, args.threads, args.keep_alive, work / "gunicorn.log")
    steps: dict[int, list] = {}
    failures: list = []
    try:
        if args.warmup:
            run_locust(port, plan, args.users[0], args.warmup, work / "warmup", "warmup")
            failures += read_failures(work / "warmup_failures.csv")
        for users in args.users:
            prefix = work / f"u{users}"
            run_locust(port, plan, users, args.seconds, prefix, str(users))
            steps[users] = read_stats(Path(f"{prefix}_stats.csv"))
            failures += read_failures(Path(f"{prefix}_failures.csv"))
            print(f"load: {users} users done", flush=True)
    finally:
        stop(server)
    load = os.getloadavg()
    print(f"\nload summary: {args.seconds} s per step after a {args.warmup} s warm-up, {workers} workers × "
          f"{args.threads} threads, load average {load[0]:.1f} at the end")
    print(table(steps))
    if failures or failure_count(steps):
        print("first failures (method, request, error, times):")
        for method, name, error, times in failures[:10]:
            print(f"  {method} {name}: {error} ({times}×)")
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=list(STEPS), help="concurrent users per step "
                        "(default 8 16 32)")
    parser.add_argument("--seconds", type=int, default=40, help="seconds per step (default 40)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of warm-up at 8 users, not counted in "
                        "the table (default 10; 0 for none)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: one per core, "
                        "docs/deploy.md)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (default 2, docs/deploy.md)")
    parser.add_argument("--keep-alive", type=int, default=75, help="seconds gunicorn keeps an idle connection "
                        "(default 75, docs/deploy.md: longer than the proxy keeps one to it; the load generator "
                        "reuses its connections as a proxy does)")
    parser.add_argument("--communes", type=int, default=2, help="communes of the generated province (default 2)")
    parser.add_argument("--cells", type=int, default=40, help="cells of the generated province (default 40)")
    parser.add_argument("--members", type=int, default=1200, help="members of the generated province "
                        "(default 1200)")
    parser.add_argument("--pool", type=int, default=0, help="sessions per role (default: the most users of a step)")
    args = parser.parse_args()
    args.pool = args.pool or max(args.users)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a migrated PostgreSQL database (bench/run.sh does).")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-up in `finally`
    sys.exit(run(args))


if __name__ == "__main__":
    main()
