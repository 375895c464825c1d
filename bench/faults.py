"""Faults under load: processes killed, PostgreSQL restarted, the disk full; nothing confirmed may be lost, nothing
half-written, no e-mail sent twice or never. Run it through `bash bench/faults.sh` (bench/README.md, "Faults"),
which provides the throwaway PostgreSQL cluster, the tiny file system for MEDIA_ROOT and the clean-up.

Against gunicorn (production settings, 127.0.0.1:8801), the task worker (`manage.py db_worker`, restarted by this
script as systemd's Restart=always would, after `manage.py requeue_tasks --worker-id`, as its ExecStartPre) and
that PostgreSQL:

1. kill -9 of gunicorn workers while members submit self-reviews and report fixes (each report notifies the
   cell's secretary, inbox and e-mail); clients retry on a lost connection or a 5xx, as a person presses again;
2. kill -9 of the task worker while it sends a batch of e-mails;
3. PostgreSQL stopped (-m fast) for a few seconds while members submit; /healthz is polled throughout;
4. evidence uploaded to correction progress until MEDIA_ROOT (a 2 MB tmpfs) is full.

Per fault it prints submissions attempted, confirmed (a success answer), found in the database afterwards and
the checks (nothing lost, nothing half-written, duplicates, e-mails), and exits non-zero when a check fails.
"""

import argparse
import collections
import hashlib
import http.client
import http.cookies
import os
import queue
import random
import secrets
import shlex
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlparse

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PORT = 8801
WORKER_ID = "faults-worker-1"


class FaultsMailBackend(BaseEmailBackend):
    """The e-mail backend of the processes under test: each message becomes one file in FAULTS_MAIL_DIR, after
    FAULTS_MAIL_DELAY seconds (the relay's time to take it), so messages can be counted per notification."""

    def send_messages(self, messages):
        folder = Path(os.environ["FAULTS_MAIL_DIR"])
        for message in messages:
            time.sleep(float(os.environ.get("FAULTS_MAIL_DELAY", "0")))
            text = f"To: {','.join(message.to)}\nSubject: {message.subject}\n\n{message.body}"
            (folder / f"{time.time_ns()}-{uuid.uuid4().hex}.eml").write_text(text, encoding="utf-8")
        return len(messages)


# --- processes ------------------------------------------------------------------------------------------------


def process_env(args) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "soisua.settings",
        "SOISUA_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("FAULTS_SECRET_KEY") or secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(Path(args.work) / "static"),
        "MEDIA_ROOT": args.media,
        "FAST_PASSWORD_HASHER": "true",
        "LOG_LEVEL": "ERROR",
        "EMAIL_BACKEND": "bench.faults.FaultsMailBackend",
        "FAULTS_MAIL_DIR": str(Path(args.work) / "mail"),
        "FAULTS_MAIL_DELAY": "0.02",
        "PYTHONPATH": str(ROOT),
    }


class Gunicorn:
    def __init__(self, args, env):
        self.log = open(Path(args.work) / "gunicorn.log", "ab")  # noqa: SIM115
        command = [str(VENV_BIN / "gunicorn"), "soisua.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
                   "--workers", "2", "--threads", "2", "--timeout", "30", "--graceful-timeout", "5",
                   "--chdir", str(ROOT), "--log-level", "warning"]
        self.process = subprocess.Popen(command, env=env, start_new_session=True, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {self.process.returncode}")
            try:
                if request("GET", "/healthz")[0] == 200 and len(self.workers()) == 2:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not answer within 60 s")

    def workers(self) -> list[int]:
        """The worker processes (the master's children)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class SupervisedWorker:
    """`manage.py db_worker` kept running as systemd's Restart=always (RestartSec=1) would, with
    `manage.py requeue_tasks --worker-id` before each start, as its ExecStartPre."""

    def __init__(self, args, env):
        self.env, self.log = env, open(Path(args.work) / "db_worker.log", "ab")  # noqa: SIM115
        self.process: subprocess.Popen | None = None
        self.running = True
        self.starts = 0
        self.exits: list[int] = []
        self.requeued = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._supervise, daemon=True)
        self.thread.start()

    def _manage(self, *argv) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "manage.py", *argv], cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                stderr=self.log, start_new_session=True, text=True)

    def _supervise(self) -> None:
        while self.running:
            pre = self._manage("requeue_tasks", "--worker-id", WORKER_ID)
            out, _err = pre.communicate()
            if pre.returncode != 0:  # PostgreSQL away: systemd would try again after RestartSec
                time.sleep(1)
                continue
            self.requeued += int(out.split()[0]) if out.strip() else 0
            with self.lock:
                if not self.running:
                    return
                self.process = self._manage("db_worker", "--worker-id", WORKER_ID, "--interval", "0.2",
                                            "--no-startup-delay", "--no-reload", "-v", "0")
                self.starts += 1
            self.process.wait()
            self.exits.append(self.process.returncode)
            if self.running:
                time.sleep(1)

    def kill9(self) -> bool:
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                os.kill(self.process.pid, signal.SIGKILL)
                return True
        return False

    def stop(self) -> None:
        with self.lock:
            self.running = False
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
        if self.process is not None:
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


# --- HTTP -----------------------------------------------------------------------------------------------------


def request(method: str, path: str, *, cookie: str = "", body: bytes | None = None, content_type: str = "",
            timeout: float = 20) -> tuple[int, http.client.HTTPMessage, str]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        if content_type:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()
        self.tracebacks: list[str] = []
        self.odd: list[str] = []

    def add(self, key: str, number: int = 1) -> None:
        with self.lock:
            self.counts[key] += number


class Person:
    """One logged-in member: a session cookie and the CSRF secret sent as cookie and form field."""

    def __init__(self, cookie: str, csrf: str):
        self.cookie, self.csrf = cookie, csrf

    def submit(self, path: str, fields: dict, classify, stats: Stats, *, files=None, deadline: float) -> str:
        """POST until an answer that is not a lost connection or a 5xx (as a person presses again), or the
        deadline. Returns the outcome given by `classify(status, headers, body, retried)`."""
        fields = {**fields, "csrfmiddlewaretoken": self.csrf}
        retried = False
        while time.monotonic() < deadline:
            if files:
                body, content_type = multipart(fields, files)
            else:
                body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
            try:
                status, headers, text = request("POST", path, cookie=self.cookie, body=body,
                                                content_type=content_type)
            except (OSError, http.client.HTTPException):
                stats.add("connection errors")
                retried = True
                time.sleep(0.2)
                continue
            if status >= 500:
                stats.add(f"answered {status}")
                if "Traceback" in text or "File \"/" in text:
                    stats.tracebacks.append(text[:300])
                retried = True
                time.sleep(0.3)
                continue
            return classify(status, headers, text, retried)
        return "gave up"


# --- data -----------------------------------------------------------------------------------------------------


class World:
    """One cell of its own per fault: members with logins and e-mail, their self-reviews filled in (not
    submitted) and a shortcoming each with an approved correction plan supervised by the secretary."""

    def __init__(self, tag: str, members: int, *, reviews: bool = True, plans: bool = True):
        import datetime

        from django.utils import timezone

        from soisua.core.actors import SYSTEM
        from soisua.corrections import services as corrections
        from soisua.org import services as org
        from soisua.org.enums import PostKind, Role
        from soisua.reviews import services as reviews
        from soisua.reviews.models import Review
        from tests.factories import UserFactory, complete_review, make_member, make_unit

        province = make_unit(None, "province", f"Tỉnh thử lỗi {tag}", code=f"FT{tag}")
        commune = make_unit(province, "commune", f"Xã thử lỗi {tag}", code=f"FT{tag}-X")
        self.cell = make_unit(commune, "cell", f"Chi bộ thử lỗi {tag}", code=f"FT{tag}-X-1")
        secretary_user = UserFactory(username=f"faults-{tag}-secretary")
        self.secretary_user = secretary_user
        secretary = make_member(self.cell, f"Bí thư {tag}", user=secretary_user)
        org.assign_post(secretary, unit=self.cell, kind=PostKind.SECRETARY, by=SYSTEM)
        org.grant_role(secretary_user, unit=self.cell, role=Role.SECRETARY, by=SYSTEM)
        self.members = []
        for number in range(members):
            user = UserFactory(username=f"faults-{tag}-{number}")
            self.members.append((make_member(self.cell, f"Đảng viên {tag} số {number}", user=user), user))
        today = timezone.localdate()
        self.reviews, self.shortcomings = [], []
        if reviews:
            cycle = reviews.open_cycle(
                self.cell, title=f"Kiểm điểm thử lỗi {tag}", kind="year", period_start=today.replace(month=1, day=1),
                period_end=today.replace(month=12, day=31), self_review_due=today + datetime.timedelta(days=3),
                appraisal_due=today + datetime.timedelta(days=10), decision_due=today + datetime.timedelta(days=20),
                enforce_order=False, by=SYSTEM)
            for member, user in self.members:
                review = Review.objects.get(cycle=cycle, member=member)
                self.reviews.append((complete_review(review, user, submit=False), user))
        if plans:
            for member, user in self.members:
                shortcoming = corrections.record_shortcoming(unit=self.cell, member=member, by=secretary_user,
                                                             text=f"Chưa đóng đảng phí đúng hạn ({member.full_name})")
                plan = corrections.create_plan(unit=self.cell, member=member, shortcomings=[shortcoming],
                                               deadline=today + datetime.timedelta(days=60), by=user)
                measure = corrections.add_measure(plan, text="Đóng đảng phí trước ngày 5 hằng tháng",
                                                  supervisor=secretary, deadline=today + datetime.timedelta(days=60),
                                                  by=user)
                corrections.add_step(measure, what="Nộp biên lai", due=today + datetime.timedelta(days=10),
                                     evidence_expected="Biên lai", by=user)
                corrections.submit_plan(plan, by=user)
                corrections.decide_plan(plan, approve=True, by=secretary_user)
                self.shortcomings.append((shortcoming, user))
        self.people = {user.pk: login(user) for _member, user in self.members}


def login(user) -> Person:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    csrf = secrets.token_hex(16)  # 32 characters: Django takes an unmasked secret as the token
    return Person(f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}", csrf)


def vi(text_function) -> str:
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("vi"):
        return escape(text_function())


def flashed(headers) -> list[str]:
    """The messages a redirect carries in its cookie (the page after it would show them)."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    cookie = http.cookies.SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    if "messages" not in cookie or not cookie["messages"].value:
        return []
    return [str(message) for message in CookieStorage(HttpRequest())._decode(cookie["messages"].value) or []]


# --- the streams ----------------------------------------------------------------------------------------------


def review_job(review, person: Person, stats: Stats, deadline: float) -> tuple[str, str]:
    from django.urls import reverse
    from django.utils.translation import gettext

    detail, path = reverse("reviews:reviews.detail", args=[review.pk]), reverse("reviews:reviews.submit",
                                                                                args=[review.pk])
    already = vi(lambda: gettext("This review was already submitted."))

    def classify(status, headers, text, retried):
        location = urlparse(headers.get("Location", "")).path
        if status == 302 and location == detail:
            return "confirmed"
        if status == 302 and retried and any(already == vi(lambda m=m: m) for m in flashed(headers)):
            return "already done"
        if status == 403 and retried:  # the review is no longer editable: the page says access is refused
            return "already done (403)"
        stats.odd.append(f"review {review.pk}: {status} {location} {flashed(headers)}")
        return "refused"

    return f"review:{review.pk}", person.submit(path, {}, classify, stats, deadline=deadline)


def claim_job(shortcoming, person: Person, stats: Stats, deadline: float) -> tuple[str, str]:
    from django.urls import reverse
    from django.utils.translation import gettext

    detail = reverse("corrections:shortcomings.detail", args=[shortcoming.pk])
    already = vi(lambda: gettext("Only a shortcoming being fixed to an approved plan can be reported fixed."))

    def classify(status, headers, text, retried):
        if status == 302 and urlparse(headers.get("Location", "")).path == detail:
            return "confirmed"
        if status == 200 and retried and already in text:
            return "already done"
        stats.odd.append(f"claim {shortcoming.pk}: {status}")
        return "refused"

    path = reverse("corrections:shortcomings.claim", args=[shortcoming.pk])
    return f"claim:{shortcoming.pk}", person.submit(path, {"note": "Đã khắc phục xong"}, classify, stats,
                                                    deadline=deadline)


def run_stream(jobs: list, stats: Stats, *, clients: int = 4) -> dict[str, str]:
    """Run the jobs (callables returning (key, outcome)) on `clients` threads; returns each key's outcome."""
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    outcomes: dict[str, str] = {}

    def client():
        while True:
            try:
                job = work.get_nowait()
            except queue.Empty:
                return
            key, outcome = job()
            outcomes[key] = outcome
            stats.add(outcome)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def submissions(world: World, stats: Stats, seconds: float) -> list:
    """Self-review submissions and fix reports, interleaved."""
    deadline = time.monotonic() + seconds
    jobs = []
    for (review, user), (shortcoming, _user) in zip(world.reviews, world.shortcomings, strict=True):
        person = world.people[user.pk]
        jobs.append(lambda r=review, p=person: review_job(r, p, stats, deadline))
        jobs.append(lambda s=shortcoming, p=person: claim_job(s, p, stats, deadline))
    return jobs


# --- checks ---------------------------------------------------------------------------------------------------


class Report:
    def __init__(self):
        self.rows: list[tuple[str, str, bool]] = []

    def line(self, fault: str, text: str, ok: bool) -> None:
        self.rows.append((fault, text, ok))
        print(f"  [{'ok' if ok else 'WRONG'}] {text}", flush=True)

    @property
    def ok(self) -> bool:
        return all(ok for _fault, _text, ok in self.rows)


def check_writes(report: Report, fault: str, world: World, outcomes: dict[str, str], stats: Stats) -> None:
    """Submitted reviews and reported fixes found in the database against what the clients were told."""
    from django.db import connections

    from soisua.corrections.enums import ProgressKind, ShortcomingStatus
    from soisua.corrections.models import ProgressEntry, Shortcoming
    from soisua.notifications.models import Notification
    from soisua.reviews.enums import ReviewAction, ReviewStatus
    from soisua.reviews.models import Review, ReviewEvent

    connections.close_all()  # this process's own connection may predate a PostgreSQL restart
    review_ids = [review.pk for review, _user in world.reviews]
    shortcoming_ids = [item.pk for item, _user in world.shortcomings]
    found = {f"review:{pk}" for pk in Review.objects.filter(pk__in=review_ids, status=ReviewStatus.SUBMITTED)
             .values_list("pk", flat=True)}
    found |= {f"claim:{pk}" for pk in Shortcoming.objects.filter(pk__in=shortcoming_ids,
                                                                 status=ShortcomingStatus.CLAIMED)
              .values_list("pk", flat=True)}
    told = {key for key, outcome in outcomes.items() if outcome.startswith(("confirmed", "already done"))}
    confirmed = sum(outcome == "confirmed" for outcome in outcomes.values())
    retried_done = sum(outcome == "already done" for outcome in outcomes.values())
    retried_403 = sum(outcome == "already done (403)" for outcome in outcomes.values())
    events = collections.Counter(ReviewEvent.objects.filter(review_id__in=review_ids, action=ReviewAction.SUBMITTED)
                                 .values_list("review_id", flat=True))
    claims = collections.Counter(ProgressEntry.objects.filter(shortcoming_id__in=shortcoming_ids,
                                                              kind=ProgressKind.CLAIM)
                                 .values_list("shortcoming_id", flat=True))
    duplicates = sum(count - 1 for count in (*events.values(), *claims.values()) if count > 1)
    half = (sum(1 for pk in review_ids if f"review:{pk}" in found and not events[pk])
            + sum(1 for pk in shortcoming_ids if f"claim:{pk}" in found and not claims[pk]))
    entries = ProgressEntry.objects.filter(shortcoming_id__in=shortcoming_ids, kind=ProgressKind.CLAIM)
    expected_keys = {f"fix-claimed:{entry.pk}:{world.secretary_user.pk}" for entry in entries}
    keys = collections.Counter(Notification.objects.filter(recipient=world.secretary_user,
                                                           kind="corrections.fix_claimed")
                               .values_list("event_key", flat=True))
    report.line(fault, f"submissions attempted {len(outcomes)}, confirmed {confirmed}, answer lost then 'already "
                       f"done' on retry {retried_done} (and {retried_403} answered 403 on retry: a submitted review "
                       f"is no longer editable), found in the database {len(found)}", found == told)
    report.line(fault, f"confirmed but not in the database: {len(told - found)}", not told - found)
    report.line(fault, f"in the database but never confirmed to the client: {len(found - told)}", not found - told)
    report.line(fault, f"refused or given up: {len(outcomes) - len(told)} "
                       f"{stats.odd[:3] if stats.odd else ''}", len(outcomes) == len(told))
    report.line(fault, f"duplicates (a review submitted twice, a fix reported twice): {duplicates}", duplicates == 0)
    report.line(fault, f"half-written (status without its history entry): {half}", half == 0)
    report.line(fault, f"fix reports {len(expected_keys)}, secretary's notifications for them "
                       f"{sum(keys[key] for key in expected_keys)}; duplicates "
                       f"{sum(count - 1 for count in keys.values() if count > 1)}, missed "
                       f"{len(expected_keys - set(keys))}",
                set(keys) == expected_keys and all(count == 1 for count in keys.values()))
    report.line(fault, f"tracebacks shown to the user: {len(stats.tracebacks)}", not stats.tracebacks)


def wait_for_queue(seconds: float = 90) -> int:
    """Wait until no task is waiting or running; returns how many are still there."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + seconds
    while True:
        left = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).count()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def check_emails(report: Report, fault: str, mail_dir: Path, kills: int) -> None:
    """Every notification with an e-mail address: exactly one message in the mail folder."""
    from django.db import connections
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from soisua.notifications.models import Notification

    connections.close_all()  # this process's own connection may predate a PostgreSQL restart
    left = wait_for_queue()
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
    sent = collections.Counter()
    for path in mail_dir.glob("*.eml"):
        head, _blank, body = path.read_text(encoding="utf-8").partition("\n\n")
        to, subject = (line.split(": ", 1)[1] for line in head.splitlines()[:2])
        sent[(to, subject, body.split("\n\n")[0].strip())] += 1
    notifications = list(Notification.objects.select_related("recipient").exclude(recipient__email=""))
    counts = collections.Counter()
    for notification in notifications:
        key = (notification.recipient.email, notification.title, notification.body.split("\n\n")[0].strip())
        number = sent[key]
        if number == 1:
            counts["once"] += 1
        elif number > 1:
            counts["duplicate"] += number - 1
        elif notification.emailed_at is None:
            counts["missed"] += 1
        else:
            counts["claimed, lost"] += 1
    report.line(fault, f"tasks left waiting or running {left}, failed {failed}", left == 0 and failed == 0)
    report.line(fault, f"notifications with an address {len(notifications)}: e-mailed once {counts['once']}, "
                       f"duplicates {counts['duplicate']}, missed {counts['missed']}",
                counts["duplicate"] == 0 and counts["missed"] == 0)
    report.line(fault, f"lost in a kill between claim and send (at most once, at most one per kill of the task "
                       f"worker): {counts['claimed, lost']} (kills: {kills})", counts["claimed, lost"] <= kills)


# --- the faults -----------------------------------------------------------------------------------------------


def fault_gunicorn_kill(report: Report, server: Gunicorn, mail_dir: Path, members: int) -> None:
    name = "1. kill -9 of gunicorn workers mid-write"
    print(f"\n{name}", flush=True)
    world = World("K", members)
    stats = Stats()
    killed = []
    done = threading.Event()

    def killer():
        time.sleep(1.0)
        while not done.is_set() and len(killed) < 6:
            workers = server.workers()
            if workers:
                victim = random.choice(workers)
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            time.sleep(random.uniform(0.6, 1.2))

    thread = threading.Thread(target=killer)
    thread.start()
    started = time.monotonic()
    outcomes = run_stream(submissions(world, stats, 120), stats)
    done.set()
    thread.join()
    print(f"  {len(outcomes)} submissions in {time.monotonic() - started:.1f} s; {len(killed)} workers killed "
          f"(kill -9); connection errors {stats.counts['connection errors']}, "
          f"5xx {sum(v for k, v in stats.counts.items() if k.startswith('answered'))}; "
          f"gunicorn workers now {len(server.workers())}", flush=True)
    report.line(name, f"workers killed during the stream: {len(killed)}", len(killed) >= 3)
    report.line(name, f"gunicorn replaced them: {len(server.workers())} workers", len(server.workers()) == 2)
    check_writes(report, name, world, outcomes, stats)
    check_emails(report, name, mail_dir, kills=0)


def fault_worker_kill(report: Report, worker: SupervisedWorker, mail_dir: Path, count: int) -> None:
    from django.db import transaction

    from soisua.notifications.services import notify

    name = "2. kill -9 of the task worker mid-batch"
    print(f"\n{name}", flush=True)
    world = World("W", 10, reviews=False, plans=False)
    users = [user for _member, user in world.members]
    kills = 0
    with transaction.atomic():  # the whole batch is queued at once, then the worker works through it
        for number in range(count):
            notify(users[number % len(users)], kind="documents.import", event_key=f"faults-batch:{number}",
                   template="notifications/messages/welcome", url=f"/units/{world.cell.pk}/",
                   context={"unit": f"{world.cell.name} (lần {number})", "role": "Đảng viên"})
    starts_before, mails_before = worker.starts, len(list(mail_dir.glob("*.eml")))
    deadline = time.monotonic() + 30
    while len(list(mail_dir.glob("*.eml"))) == mails_before and time.monotonic() < deadline:
        time.sleep(0.05)  # the worker is sending the batch
    for _ in range(3):
        time.sleep(random.uniform(0.3, 1.0))
        before = worker.starts
        if worker.kill9():
            kills += 1
            deadline = time.monotonic() + 30
            while worker.starts == before and time.monotonic() < deadline:
                time.sleep(0.1)  # until the supervisor started it again
    print(f"  {count} notifications queued; task worker killed {kills} times (kill -9) while sending, restarted "
          f"{worker.starts - starts_before} times; tasks put back by requeue_tasks {worker.requeued}", flush=True)
    report.line(name, f"task worker killed mid-batch: {kills}", kills >= 2)
    check_emails(report, name, mail_dir, kills=kills)


def fault_postgres_restart(report: Report, args, worker: SupervisedWorker, mail_dir: Path, members: int) -> None:
    name = "3. PostgreSQL stopped for a few seconds under load"
    print(f"\n{name}", flush=True)
    world = World("P", members)
    stats = Stats()
    health: list[tuple[float, int]] = []
    stop_health = threading.Event()

    def poll():
        while not stop_health.is_set():
            try:
                status = request("GET", "/healthz", timeout=5)[0]
            except (OSError, http.client.HTTPException):
                status = 0
            health.append((time.monotonic(), status))
            time.sleep(0.1)

    poller = threading.Thread(target=poll)
    poller.start()
    times = {}

    def outage():
        time.sleep(1.5)
        options = postgres_options(args.pg_data)
        times["stop"] = time.monotonic()
        pg_ctl(args, "stop", "-m", "fast")
        time.sleep(args.outage)
        pg_ctl(args, "start", "-o", options)
        times["start"] = time.monotonic()

    exits_before = len(worker.exits)
    breaker = threading.Thread(target=outage)
    breaker.start()
    outcomes = run_stream(submissions(world, stats, 90), stats)
    breaker.join()
    time.sleep(2)
    stop_health.set()
    poller.join()
    down = [at for at, status in health if status != 200 and times["stop"] <= at]
    back = next((at for at, status in health if at > times["start"] and status == 200), None)
    after = [status for at, status in health if back and at >= back]
    print(f"  PostgreSQL down {times['start'] - times['stop']:.1f} s; answers during the outage: "
          f"{ {k: v for k, v in stats.counts.items() if k.startswith('answered') or k == 'connection errors'} }; "
          f"task worker exits meanwhile {len(worker.exits) - exits_before} (restarted by the supervisor)",
          flush=True)
    report.line(name, f"/healthz answered 503 while PostgreSQL was down: {len(down)} times", bool(down))
    report.line(name, "/healthz healthy again "
                f"{(back - times['start']) if back else float('nan'):.1f} s after PostgreSQL was back, and stayed so",
                back is not None and back - times["start"] <= 10 and all(status == 200 for status in after))
    errors = sum(v for k, v in stats.counts.items() if k.startswith("answered"))
    report.line(name, f"5xx answers during the outage: {errors} (retried by the client)", True)
    check_writes(report, name, world, outcomes, stats)
    check_emails(report, name, mail_dir, kills=0)


def fault_disk_full(report: Report, args, members: int) -> None:
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext

    from soisua.corrections.models import ProgressEntry

    name = "4. disk full while uploading evidence"
    print(f"\n{name}", flush=True)
    world = World("D", members, reviews=False)
    stats = Stats()
    sent: dict[str, str] = {}
    refused_text = vi(lambda: gettext("“%(name)s” could not be stored: the server has no room for it now. Nothing "
                                      "was saved; try again later, and tell the administrator if it happens again.")
                      ).split("%(name)s", 1)[1][:40]
    refusals = collections.Counter()
    lock = threading.Lock()

    def upload(shortcoming, person: Person, number: int) -> tuple[str, str]:
        note = f"Minh chứng số {number} {uuid.uuid4().hex[:8]}"
        content = b"%PDF-1.4\n" + os.urandom(random.randint(120, 320) * 1024)
        detail = reverse("corrections:shortcomings.detail", args=[shortcoming.pk])

        def classify(status, headers, text, retried):
            if status == 302 and urlparse(headers.get("Location", "")).path == detail:
                return "confirmed"
            if status == 200 and refused_text in text and note in text:
                return "refused cleanly"
            stats.odd.append(f"upload {number}: {status}")
            return "wrong answer"

        path = reverse("corrections:shortcomings.progress", args=[shortcoming.pk])
        outcome = person.submit(path, {"note": note, "link": ""}, classify, stats,
                                files={"evidence": (f"minh-chung-{number}.pdf", content)},
                                deadline=time.monotonic() + 30)
        with lock:
            sent[note] = hashlib.sha256(content).hexdigest()
            refusals[outcome] += 1
        return note, outcome

    outcomes: dict[str, str] = {}
    counter = iter(range(10_000))

    def client(index: int):
        shortcoming, user = world.shortcomings[index]
        while refusals["refused cleanly"] < 6 and len(outcomes) < 60:
            key, outcome = upload(shortcoming, world.people[user.pk], next(counter))
            outcomes[key] = outcome

    threads = [threading.Thread(target=client, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    confirmed = {note for note, outcome in outcomes.items() if outcome == "confirmed"}
    entries = list(ProgressEntry.objects.filter(shortcoming__unit=world.cell).exclude(evidence=""))
    media = Path(settings.MEDIA_ROOT)
    whole = sum(1 for entry in entries if (media / entry.evidence.name).is_file()
                and (media / entry.evidence.name).stat().st_size == entry.evidence_size
                and hashlib.sha256((media / entry.evidence.name).read_bytes()).hexdigest() == sent.get(entry.note))
    on_disk = {str(path.relative_to(media)) for path in (media / "evidence").rglob("*") if path.is_file()}
    referenced = {entry.evidence.name for entry in ProgressEntry.objects.exclude(evidence="")}
    rows_without = ProgressEntry.objects.filter(shortcoming__unit=world.cell, evidence="").count()
    print(f"  MEDIA_ROOT {media}: a tmpfs of {args.media_size}; {len(outcomes)} uploads of 120-320 KB", flush=True)
    report.line(name, f"uploads attempted {len(outcomes)}, confirmed {len(confirmed)}, refused with the translated "
                      f"message and the form kept {refusals['refused cleanly']}, found in the database "
                      f"{len(entries)}",
                {entry.note for entry in entries} == confirmed and refusals["refused cleanly"] > 0)
    report.line(name, f"other answers (5xx, wrong page): {refusals['wrong answer'] + refusals['gave up']} "
                      f"{stats.odd[:3] if stats.odd else ''}",
                refusals["wrong answer"] + refusals["gave up"] == 0 and not stats.tracebacks)
    report.line(name, f"rows whose file is whole (size and checksum as sent): {whole} of {len(entries)}",
                whole == len(entries))
    report.line(name, f"files without a row (partial or orphaned): {len(on_disk - referenced)}; rows of the "
                      f"refused uploads: {rows_without}", not on_disk - referenced and rows_without == 0)


# --- PostgreSQL -----------------------------------------------------------------------------------------------


def postgres_options(data: str) -> str:
    """The server options the cluster was started with (postmaster.opts), less the data directory."""
    argv = shlex.split(Path(data, "postmaster.opts").read_text())[1:]
    options, skip = [], False
    for item in argv:
        if skip:
            skip = False
            continue
        if item == "-D":
            skip = True
            continue
        options.append(item)
    return " ".join(shlex.quote(item) for item in options)


def pg_ctl(args, *argv) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", args.pg_ctl, "-D", args.pg_data, "-w",
                    "-l", str(Path(args.pg_data).parent / "postgres.log"), *argv],
                   check=True, stdout=subprocess.DEVNULL, timeout=60)


# --- main -----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", required=True, help="a folder of this run's own (logs, static files, e-mails)")
    parser.add_argument("--media", required=True, help="MEDIA_ROOT: a small tmpfs")
    parser.add_argument("--media-size", default="2m")
    parser.add_argument("--pg-data", required=True)
    parser.add_argument("--pg-ctl", required=True)
    parser.add_argument("--outage", type=float, default=3.0, help="seconds PostgreSQL stays down (default 3)")
    parser.add_argument("--members", type=int, default=24, help="members per fault (default 24)")
    args = parser.parse_args()
    env = process_env(args)
    os.environ.update({key: value for key, value in env.items() if key != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    mail_dir = Path(env["FAULTS_MAIL_DIR"])
    mail_dir.mkdir(parents=True, exist_ok=True)
    report = Report()
    health_checks = settings.DATABASES["default"].get("CONN_HEALTH_CHECKS")
    print(f"settings: CONN_HEALTH_CHECKS={health_checks}, CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}"
          f", tasks {settings.TASKS['default']['BACKEND']}, e-mail {settings.MAILERS['default']['BACKEND']}",
          flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    server = Gunicorn(args, env)
    worker = SupervisedWorker(args, env)
    try:
        report.line("settings", f"CONN_HEALTH_CHECKS is on: {health_checks}", health_checks is True)
        fault_gunicorn_kill(report, server, mail_dir, args.members)
        fault_worker_kill(report, worker, mail_dir, count=150)
        fault_postgres_restart(report, args, worker, mail_dir, args.members)
        fault_disk_full(report, args, 4)
    finally:
        worker.stop()
        server.stop()
    print("\nfaults summary")
    for fault, text, ok in report.rows:
        print(f"  {'ok   ' if ok else 'WRONG'} {fault}: {text}")
    print(f"faults: {'PASS' if report.ok else 'FAIL'}")
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":
    if os.environ.get("FAULTS_RUN") != "1":  # bench/run.sh runs every bench/*.py: this one needs its own set-up
        print("faults summary: skipped; run `bash bench/faults.sh` (as root: it mounts a tmpfs and restarts "
              "its own PostgreSQL)")
        sys.exit(0)
    main()
