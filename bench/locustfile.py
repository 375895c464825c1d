"""The review season's requests for locust, run by bench/load.py (never imported by Django's process: locust
patches the process it runs in).

The plan (BENCH_LOAD_PLAN, JSON written by bench/load.py) holds the sessions written on the server for each role
and the ids they work on; BENCH_LOAD_RUN names the run (its own meetings to check in to). Every request carries
the session cookie, a CSRF cookie of the client's own (the token is read from the page, as the browser sends it)
and the header a TLS proxy adds (X-Forwarded-Proto: https): the production settings keep their HTTPS-only cookies.
Redirects are not followed: each request is judged on its own answer (bench/load.py, problem_with).
"""

import itertools
import json
import os
import random
import secrets
import string
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import BARE, CODE, REQUEST, VERSION, form_with, problem_with, select_options
from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8"))
RUN = os.environ.get("BENCH_LOAD_RUN", "warmup")
_turns: dict[str, itertools.count] = {}


def next_of(role: str, pool: list):
    """The next entry of a pool: each simulated user takes its own while the pool lasts."""
    counter = _turns.setdefault(role, itertools.count())
    return pool[next(counter) % len(pool)]


class Visitor(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    session = ""

    def on_start(self):
        self.client.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # the cookies are ours to send
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.origin = self.host.replace("http://", "https://", 1)

    def call(self, name: str, *, session: str = "", expected: str = "", refused: dict | None = None,
             redirect: str = "", data=None, params=None, htmx: bool = False, **ids):
        """One request of the scenario; its answer, or None when it failed (recorded as a failure)."""
        request = REQUEST[name]
        path = request.path.format(**ids)
        headers = {"Cookie": f"sessionid={session or self.session}; csrftoken={self.csrf}",
                   "X-Forwarded-Proto": "https", "Referer": f"{self.origin}{path}"}
        if htmx:
            headers["HX-Request"] = "true"
        with self.client.request(request.method, path, name=name, data=data, params=params, headers=headers,
                                 allow_redirects=False, catch_response=True) as response:
            status, body = response.status_code, response.text or ""
            problem = problem_with(status, response.headers.get("Location", ""), body, expected=expected)
            if problem and not status:
                problem = f"{problem} ({response.error!r})"  # no answer: the connection's error
            for marker, why in (refused or {}).items():
                if not problem and marker in body:
                    problem = f"HTTP {status}: {why}"
            if not problem and redirect and not (status == 302
                                                 and response.headers.get("Location", "").startswith(redirect)):
                problem = f"HTTP {status}: not sent on to {redirect}"
            if problem:
                response.failure(problem)
                return None
            response.success()
            return response


class Member(Visitor):
    """A member writing their self-review: the editor, then an autosave after each burst of typing."""

    weight = 4

    def on_start(self):
        super().on_start()
        mine = next_of("members", PLAN["members"])
        self.session, self.review, self.fields, self.typed = mine["session"], mine["review"], None, 0

    @task
    def write(self):
        if self.fields is None or random.random() < 0.1:  # (re)opens the editor now and then
            page = self.call("review editor", review=self.review, expected='name="version"')
            self.fields = form_with(page.text, "version") if page is not None else None
            if self.fields is None:
                return
        self.typed += 1
        box = next((name for name, _value in self.fields if name.startswith("a_")), None)
        data = [(name, f"Tự soi, tự sửa: đã rút kinh nghiệm, lần sửa thứ {self.typed}." if name == box else value)
                for name, value in self.fields]
        answer = self.call("review autosave", review=self.review, data=data, expected="status-ok",
                           refused={"status-bad": "autosave conflict", "status-warn": "autosave refused"})
        if answer is None:
            self.fields = None  # reopen the editor: its current version
            return
        version = VERSION.search(answer.text)
        if version:
            self.fields = [(name, version.group(1) if name == "version" else value) for name, value in data]


class Secretary(Visitor):
    """A cell's secretary: the cell's page, then a submitted review's rating page, its rule checks as a level is
    picked (htmx), and the proposal recorded."""

    weight = 2

    def on_start(self):
        super().on_start()
        mine = next_of("secretaries", PLAN["secretaries"])
        self.session, self.cell, self.reviews = mine["session"], mine["cell"], mine["reviews"]

    @task
    def rate(self):
        self.call("cell page", cell=self.cell, expected=f'/units/{self.cell}/')
        review = random.choice(self.reviews)
        page = self.call("rating page", review=review, expected='name="level"')
        if page is None:
            return
        fields, levels = form_with(page.text, "level"), select_options(page.text, "level")
        if fields is None or not levels:
            return
        level = random.choice(levels)
        data = [(name, level if name == "level" else value) for name, value in fields]
        self.call("rating checks (htmx)", review=review, params=data, htmx=True, expected='id="rule-checks"')
        data = [(name, "Đồng ý với mức tự xếp loại." if name == "comment" else value) for name, value in data]
        self.call("rating recorded", review=review, data=data, redirect=f"/reviews/{review}/")


class Committee(Visitor):
    """A member of a commune's committee following the review season on the commune's dashboard."""

    weight = 1

    def on_start(self):
        super().on_start()
        mine = next_of("committee", PLAN["committee"])
        self.session, self.unit = mine["session"], mine["unit"]

    @task
    def dashboard(self):
        self.call("commune dashboard", unit=self.unit, expected=f"/oversight/units/{self.unit}/dashboard.")


_codes: dict[int, tuple[float, str]] = {}


class Attendee(Visitor):
    """Members arriving at a meeting: each opens the check-in page on their phone and types the code the
    secretary's screen shows (read from the screen's refresh, at most every 10 seconds per meeting)."""

    weight = 2

    def on_start(self):
        super().on_start()
        self.meeting = next_of("meetings", PLAN["meetings"][RUN])

    def code(self) -> str | None:
        meeting = self.meeting["meeting"]
        read_at, code = _codes.get(meeting, (0.0, ""))
        if time.monotonic() - read_at > 10:
            screen = self.call("check-in screen (code)", meeting=meeting, session=self.meeting["screen"], htmx=True,
                               expected='class="code"')
            found = CODE.search(screen.text) if screen is not None else None
            if found is None:
                return None
            read_at, code = time.monotonic(), found.group(1) + found.group(2)
            _codes[meeting] = (read_at, code)
        return code

    @task
    def check_in(self):
        meeting = self.meeting["meeting"]
        session = next_of(f"attendees-{meeting}", self.meeting["attendees"])
        page = self.call("check-in page", meeting=meeting, session=session, refused={
            "status-warn": "check-in closed or not on the roll"})
        if page is None or 'name="code"' not in page.text:
            return  # already checked in
        code = self.code()
        fields = form_with(page.text, "code")
        if code is None or fields is None:
            return
        data = [(name, code if name == "code" else value) for name, value in fields]
        self.call("check-in", meeting=meeting, session=session, data=data, redirect=f"/meetings/{meeting}/check-in/")


class BareView(Visitor):
    """The floor: a view without queries or templates behind the same middleware, with a member's session. It
    comes back sooner than the others, so that its p95 rests on enough requests; each costs the server little."""

    weight = 1
    wait_time = between(0.1, 0.5)

    def on_start(self):
        super().on_start()
        self.session = next_of("bare", PLAN["bare"])

    @task
    def bare(self):
        self.call(BARE, expected="ok")
