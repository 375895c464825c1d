"""The load benchmark's parts that can break unseen (bench/load.py, bench/locustfile.py): its request list against
the URLs, the way it reads the pages it posts back, and how it reads locust's results and counts failures. The
benchmark itself runs outside the suite (bench/run.sh)."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from django.urls import resolve, reverse

from soisua.reviews.models import Review
from tests.reviews.test_cycles import open_for
from tests.reviews.test_editor import full_form

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
load = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load)

HEADER = ("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
          "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
          "99.99%,100%\n")


def stats_line(method: str, name: str, count: int, failures: int, rps: float, p50: int, p95: int) -> str:
    return f"{method},{name},{count},{failures},{p50},{p50},1,{p95},100,{rps},0,{p50},0,0,0,0,{p95},0,0,0,0,{p95}\n"


def test_every_request_of_the_scenario_reaches_the_view_it_names():
    ids = {"review": 7, "cell": 8, "unit": 9, "meeting": 10}
    for request in load.REQUESTS:
        match = resolve(request.path.format(**ids), urlconf="bench.urls")
        assert match.view_name == request.url_name, request.name


def test_the_editor_read_as_the_browser_sends_it_autosaves_and_a_stale_copy_is_a_conflict(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])
    client = cast.client("member")
    page = client.get(reverse("reviews:reviews.edit", args=[review.pk])).content.decode()

    fields = load.form_with(page, "version")
    box = next(name for name, _value in fields if name.startswith("a_"))
    typed = [(name, "Đã sửa" if name == box else value) for name, value in fields]
    saved = client.post(reverse("reviews:reviews.autosave", args=[review.pk]), dict(typed)).content.decode()
    stale = client.post(reverse("reviews:reviews.autosave", args=[review.pk]), dict(typed)).content.decode()

    assert "csrfmiddlewaretoken" in dict(fields)
    assert "status-ok" in saved and load.VERSION.search(saved).group(1) == str(review.version + 1)
    assert "status-bad" in stale and "status-ok" not in stale  # the locustfile counts it as a failure
    review.refresh_from_db()
    assert review.answers[box.removeprefix("a_")] == "Đã sửa"


def test_the_rating_page_read_as_the_browser_sends_it_records_the_proposal(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])
    client = cast.client("member")
    client.post(reverse("reviews:reviews.edit", args=[review.pk]), full_form(review, submit="1"))
    secretary = cast.client("secretary")
    page = secretary.get(reverse("reviews:reviews.propose", args=[review.pk])).content.decode()

    levels = load.select_options(page, "level")
    data = [(name, levels[0] if name == "level" else value) for name, value in load.form_with(page, "level")]
    answer = secretary.post(reverse("reviews:reviews.propose", args=[review.pk]), dict(data))

    assert answer.status_code == 302 and answer["Location"] == reverse("reviews:reviews.detail", args=[review.pk])
    review.refresh_from_db()
    assert review.status == "submitted" and review.cell_level == levels[0]


def test_a_login_page_an_error_or_a_page_without_its_content_counts_as_failed():
    assert load.problem_with(200, "", "<p>ok</p>", expected="ok") == ""
    assert load.problem_with(302, "/reviews/3/", "") == ""
    assert load.problem_with(500, "", "") == "HTTP 500"
    assert load.problem_with(302, "/accounts/login/?next=/", "") == "HTTP 302: the login page"
    assert load.problem_with(200, "", '<input name="password">') == "HTTP 200: the login page"
    assert load.problem_with(200, "", "<p>Trang chủ</p>", expected='name="version"').startswith("HTTP 200: a page")
    assert load.problem_with(0, "", "") == "HTTP 0"  # no answer at all
    assert load.problem_with(302, "/accounts/two-factor/", "", expected="ok").startswith("HTTP 302: sent to")


def test_the_results_table_compares_each_p95_with_the_bare_views_and_counts_failures(tmp_path):
    stats = tmp_path / "u8_stats.csv"
    stats.write_text(HEADER + stats_line("GET", "review editor", 40, 0, 4.0, 120, 400)
                     + stats_line("GET", "bare view", 100, 0, 10.0, 20, 50)
                     + stats_line("POST", "review autosave", 80, 3, 8.0, 60, 150)
                     + stats_line("", "Aggregated", 220, 3, 22.0, 40, 300), encoding="utf-8")
    failures = tmp_path / "u8_failures.csv"
    failures.write_text("Method,Name,Error,Occurrences,First Seen,Last Seen\n"
                        "POST,review autosave,HTTP 200: autosave conflict,1,0,0\n"
                        "POST,review autosave,HTTP 500,2,0,0\n", encoding="utf-8")

    rows = load.read_stats(stats)
    steps = {8: rows}
    text = load.table(steps)

    assert [row.name for row in rows] == ["review editor", "bare view", "review autosave"]
    assert load.failure_count(steps) == 3
    lines = text.splitlines()
    assert lines[1].split()[1:3] == ["bare", "view"] and lines[1].endswith("1.0×        0")
    assert "review editor" in lines[2] and "8.0×" in lines[2]
    assert "review autosave" in lines[3] and "3.0×" in lines[3] and lines[3].endswith(" 3")
    assert lines[-1] == "failed requests in total: 3"
    assert load.read_failures(failures)[0] == ("POST", "review autosave", "HTTP 500", 2)
    assert load.read_failures(tmp_path / "missing.csv") == []


def test_the_locustfile_loads_its_users_from_a_plan(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"members": [], "secretaries": [], "committee": [], "meetings": {"warmup": []},
                                "bare": []}), encoding="utf-8")
    locust = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--list"]
    listed = subprocess.run(locust, env={"BENCH_LOAD_PLAN": str(plan), "PATH": "/usr/bin:/bin"},  # noqa: S603
                            capture_output=True, text=True, timeout=60)

    assert listed.returncode == 0, listed.stderr
    assert set(listed.stdout.split()) >= {"Member", "Secretary", "Committee", "Attendee", "BareView"}

