"""The demo installation as a newcomer meets it (`make demo`): the organisation and its logins, a year of history
written by the system through the services, and for every demo login something waiting on the home page.

The demo is loaded once for the module (it takes seconds) and everything is read then; the tests assert on what
was read.
"""

import datetime
import io
import time
import zoneinfo
from dataclasses import dataclass, field

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from soisua.accounts.models import User
from soisua.alerts.models import Alert
from soisua.audit.models import AuditEntry
from soisua.corrections import queries as correction_queries
from soisua.corrections.enums import PlanStatus, ShortcomingStatus
from soisua.corrections.models import CorrectionPlan, RoadmapStep, Shortcoming
from soisua.counters import rollups
from soisua.demo.loader import load_demo
from soisua.directives import queries as directive_queries
from soisua.directives.models import Directive
from soisua.dues.models import Payment
from soisua.meetings.models import Attendance, Meeting, Motion
from soisua.org import access
from soisua.org.models import Member, Unit
from soisua.oversight.models import Inspection
from soisua.quality.models import Assessment
from soisua.reviews.enums import CycleStatus, ReviewStatus
from soisua.reviews.models import Cycle, Feedback, Review

from ..conftest import fixed_now

# The demo is loaded once, by the module's fixture; the marker has the test database set up for it.
pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-1"
# The demo's day: in the review season, and not the suite's clock, so the demo is shown to follow the day it is
# given (its history is dated from it), whatever the clock says while it loads.
DAY = datetime.date(2026, 11, 16)
TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
COMMUNE, SCHOOL = "DL-EK-EKM", "DL-EK-EKM-MTB"
# Nothing waits for these two by their role alone: the administrator runs the installation and the inspector only
# reads; neither leads a unit nor is a member, and no part of the product asks them to act.
ONLY_READ = {"admin", "kiemtra.eakar"}


@dataclass
class Demo:
    seconds: float
    today: datetime.date
    output: str
    logins: list[str]
    agenda: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # (title, url) of each item
    pages: dict[str, tuple[int, str]] = field(default_factory=dict)
    rows_after_first: dict[str, int] = field(default_factory=dict)
    rows_after_second: dict[str, int] = field(default_factory=dict)
    drift: dict[str, int] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)


def _rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if not model._meta.label.startswith(("sessions.", "axes."))}


def _url(name: str, row) -> str:
    return reverse(name, args=[row.pk])


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Demo:
    """The demo loaded for DAY while the clock says another day, then read on DAY."""
    settings = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"),
                                 PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), settings, time_machine.travel(fixed_now(), tick=True), transaction.atomic():
        cache.clear()
        started = time.monotonic()
        load_demo(password=PASSWORD, today=DAY)
        seconds = time.monotonic() - started
        written_after = AuditEntry.objects.filter(at__date__gt=DAY).count()
        with time_machine.travel(datetime.datetime.combine(DAY, datetime.time(10), tzinfo=TZ), tick=True):
            result = Demo(seconds=seconds, today=timezone.localdate(), output="", logins=[])
            result.rows_after_first = _rows()
            output = io.StringIO()
            call_command("load_demo", password=PASSWORD, stdout=output)
            result.rows_after_second = _rows()
            result.output = output.getvalue()
            result.logins = [line.split()[0] for line in result.output.splitlines() if line.startswith("  ")]
            # Who wrote the audit trail, read before the logins below add their own entries.
            audited = {"audited by a person": AuditEntry.objects.filter(actor__isnull=False).count(),
                       "audited by nobody": set(AuditEntry.objects.exclude(actor_label="system")
                                                .values_list("action", flat=True))}
            for username in result.logins:
                client = Client()
                client.force_login(User.objects.get(username=username))
                result.agenda[username] = [(item.title, item.url) for item in client.get("/").context["agenda"]]
            _read(result)
            result.facts.update(audited, **{"audited after the day": written_after})
            result.drift = rollups.rebuild()
        transaction.set_rollback(True)
    cache.clear()
    return result


def _page(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


def _read(result: Demo) -> None:
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[COMMUNE, SCHOOL])}
    this_year = Cycle.objects.get(unit=units[COMMUNE], status=CycleStatus.OPEN)
    last_year = Cycle.objects.get(unit=units[COMMUNE], status=CycleStatus.CLOSED, kind="year")
    committee, secretary = Client(), Client()
    committee.force_login(User.objects.get(username="capuy.eakmut"))
    secretary.force_login(User.objects.get(username="bithu.xoan"))
    result.pages = {
        "dashboard": _page(committee, reverse("oversight:dashboard", args=[units[COMMUNE].pk])),
        "board": _page(secretary, reverse("corrections:units.board", args=[units[SCHOOL].pk])),
        "this year's cycle": _page(committee, reverse("reviews:cycles.detail", args=[this_year.pk])),
        "last year's cycle": _page(committee, reverse("reviews:cycles.detail", args=[last_year.pk])),
        "warnings": _page(committee, reverse("alerts:unit", args=[units[COMMUNE].pk])),
        "meeting rules": _page(committee, reverse("meetings:unit_rules", args=[units[COMMUNE].pk])),
    }
    reviews = Review.objects.filter(cycle=this_year, member__isnull=False)
    feedback = Feedback.objects.filter(cycle=this_year)
    steps = RoadmapStep.objects.filter(measure__plan__status=PlanStatus.APPROVED, done_on__isnull=True)
    result.facts = {
        "plan states": set(CorrectionPlan.objects.values_list("status", flat=True)),
        "collective plan states": set(CorrectionPlan.objects.filter(member=None).values_list("status", flat=True)),
        "shortcoming states": set(Shortcoming.objects.values_list("status", flat=True)),
        "overdue in the commune": correction_queries.count_overdue(units[COMMUNE], overdue_on=result.today),
        "measures without supervisor": CorrectionPlan.objects.filter(measures__supervisor=None).count(),
        "steps done with evidence": Shortcoming.objects.filter(progress__evidence_name__endswith=".docx").count(),
        "reopened": Shortcoming.objects.filter(progress__kind="reopen", status=ShortcomingStatus.VERIFIED).count(),
        "statuses this year": {status: reviews.filter(status=status).count() for status in ReviewStatus.values},
        "collectives this year": set(Review.objects.filter(cycle=this_year, member=None)
                                     .values_list("status", flat=True)),
        "feedback": {"peer": feedback.filter(review__member__isnull=False).count(),
                     "on a collective": feedback.filter(review__isnull=False, review__member__isnull=True).count(),
                     "on the commune": feedback.filter(superior=units[COMMUNE]).count(),
                     "accepted": feedback.filter(response="accepted").count(),
                     "disputed": feedback.filter(response="disputed").count()},
        "anonymity": this_year.anonymity,
        "decided last year": dict(Review.objects.filter(cycle=last_year, member__isnull=False)
                                  .exclude(decided_level="").values_list("decided_level")
                                  .annotate(count=Count("pk")).order_by()),
        "named last year": Shortcoming.objects.filter(cycle=last_year).count(),
        "named again": Shortcoming.objects.filter(cycle=this_year, recurring_of__cycle=last_year).count(),
        "warnings": set(Alert.objects.values_list("kind", flat=True)),
        "this year opened": timezone.localdate(this_year.opened_at),
        "this year's self-reviews due": this_year.self_review_due,
        "last year": (last_year.period_end, last_year.status),
        "latest due": max(Shortcoming.objects.exclude(next_due=None).values_list("next_due", flat=True)),
        "last year closed": timezone.localdate(last_year.closed_at),
        "to approve in the school": _url("corrections:plans.detail", CorrectionPlan.objects.get(
            unit=units[SCHOOL], member__isnull=False, status=PlanStatus.SUBMITTED)),
        "to verify in the school": _url("corrections:shortcomings.detail", Shortcoming.objects.get(
            unit=units[SCHOOL], status=ShortcomingStatus.CLAIMED)),
        "steps of dangvien": {_url("corrections:plans.detail", step.measure.plan)
                              for step in steps.filter(measure__plan__member__user__username="dangvien")},
        "steps of dangvien.thon1": {_url("corrections:plans.detail", step.measure.plan)
                                    for step in steps.filter(measure__plan__member__user__username="dangvien.thon1")},
        "returned review": _url("reviews:reviews.edit", reviews.get(status=ReviewStatus.RETURNED)),
        "written by a person": {name: rows.count() for name, rows in {
            "meetings": Meeting.objects.filter(created_by__isnull=False),
            "attendance": Attendance.objects.filter(marked_by__isnull=False),
            "reviews": Review.objects.filter(updated_by__isnull=False),
            "plans": CorrectionPlan.objects.filter(created_by__isnull=False)}.items() if rows.exists()},
    }
    xoan = Member.objects.get(full_name="Đào Thị Mỹ Xoan")
    result.facts["Đào Thị Mỹ Xoan"] = {
        "login": xoan.user.username, "posts": [post.kind for post in xoan.posts.all()],
        "written": Review.objects.filter(member=xoan).exclude(status=ReviewStatus.EXPECTED).count(),
        "shortcomings": Shortcoming.objects.filter(member=xoan).count()}
    bloc_plan = Directive.objects.get(number="75", issuer_symbol="ĐUK")
    figures = directive_queries.progress(bloc_plan, bloc_plan.issuer, list(bloc_plan.tasks.all()))
    result.facts["75-KH/ĐUK"] = {
        "parent": bloc_plan.parent.symbol, "tasks": bloc_plan.tasks.count(), "targets": figures["targets"],
        "acknowledged": figures["acknowledged"],
        "not acknowledged": [receipt.unit.name for receipt in directive_queries.not_acknowledged(
            bloc_plan, bloc_plan.issuer)]}
    inspection = Inspection.objects.get()
    remedy = Shortcoming.objects.get(source="inspection")
    result.facts["inspection"] = {"concluded": inspection.is_concluded,
                                  "remedy in the subject": remedy.unit == inspection.subject_unit,
                                  "followed by the body": remedy.followed_by == inspection.body,
                                  "plan": remedy.plans.get().status}
    result.facts["school members"] = units[SCHOOL].members.count()
    result.facts["dues"] = {
        "payments": Payment.objects.filter(unit=units[SCHOOL]).count(),
        "behind": [(alert.unit.code, alert.figures["count"]) for alert in Alert.objects.filter(
            kind="dues_unpaid", status="open").select_related("unit")]}
    result.facts["quality"] = list(Assessment.objects.filter(unit=units[SCHOOL]).order_by("meeting__starts_at")
                                   .values_list("level", "status"))
    result.facts["documents met"] = [lines["documents"]["met"] for lines in Assessment.objects.filter(
        unit=units[SCHOOL]).values_list("lines", flat=True)]
    held = Meeting.objects.filter(unit=units[SCHOOL], minutes__isnull=False)
    result.facts["documents late"] = sorted(meeting.starts_at.month for meeting in held if meeting.documents_late)
    result.facts["documents sent"] = all(meeting.documents_published_at is not None for meeting in held)
    motion = Motion.objects.select_related("meeting__minutes").get()
    result.facts["vote"] = {
        "during": motion.meeting.starts_at <= motion.opened_at <= motion.closed_at <= motion.meeting.ends_at,
        "in the minutes": (motion.meeting.minutes.votes_for, motion.meeting.minutes.votes_against,
                           motion.meeting.minutes.votes_abstain) == (motion.votes_for, motion.votes_against,
                                                                     motion.votes_abstain),
        "minutes approved after": all(meeting.ends_at < meeting.minutes.approved_at for meeting in held)}
    result.facts["cited"] = [(review.status, cited["section"], cited["key"].partition(":")[0])
                             for review in Review.objects.only("status", "citations") for cited in review.citations]
    logins = User.objects.filter(username__in=result.logins)
    result.facts["password hashes"] = len(set(logins.values_list("password", flat=True)))
    result.facts["logs in"] = all(user.check_password(PASSWORD) for user in logins)
    result.facts["who reads the school"] = {
        username: access.can_read_unit(User.objects.get(username=username), units[SCHOOL])
        for username in ("dangvien.thon1", "kiemtra.eakar")}


# --- the organisation and its logins ---------------------------------------------------------------------------


def test_the_demo_prints_its_logins_and_builds_the_organisation(demo):
    assert "bithu.xoan" in demo.output and "kiemtra.eakar" in demo.output
    assert len(demo.logins) == 14
    assert 200 <= demo.rows_after_first["org.Member"] <= 400
    assert demo.facts["school members"] == 16
    assert demo.facts["logs in"]
    assert demo.facts["password hashes"] == 1  # the one password is hashed once, not once per login


def test_loading_the_demo_again_creates_nothing(demo):
    changed = {label: (count, demo.rows_after_second[label]) for label, count in demo.rows_after_first.items()
               if demo.rows_after_second[label] != count}

    assert not changed


def test_the_demo_loads_in_seconds(demo):
    assert demo.seconds < 90, f"the demo took {demo.seconds:.1f} s to load"


def test_the_counters_match_what_the_demo_wrote(demo):
    assert not any(demo.drift.values()), demo.drift


# --- what waits for each login -----------------------------------------------------------------------------------


def test_every_demo_login_finds_something_waiting_on_the_home_page(demo):
    empty = [username for username in demo.logins if not demo.agenda[username] and username not in ONLY_READ]

    assert not empty, f"nothing waits on the home page of {empty}"


def _links(demo: Demo, username: str) -> list[str]:
    return [url for _title, url in demo.agenda[username]]


def test_the_demo_logins_are_asked_for_the_work_of_the_review_season(demo):
    xoan, member, neighbour = (_links(demo, name) for name in ("bithu.xoan", "dangvien", "dangvien.thon1"))
    texts = {name: " ".join(title for title, _url in items) for name, items in demo.agenda.items()}

    assert any(url.startswith("/reviews/") and url.endswith("/edit/") for url in xoan)  # her own self-review
    assert demo.facts["to approve in the school"] in xoan
    assert demo.facts["to verify in the school"] in xoan
    assert set(member) & demo.facts["steps of dangvien"]
    assert demo.facts["returned review"] in neighbour
    assert set(neighbour) & demo.facts["steps of dangvien.thon1"]
    assert "Chi bộ Thôn 1" in texts["capuy.eakmut"] and "Chi bộ Thôn 1" in texts["vanphong.eakmut"]
    assert "Chi bộ Tham mưu" in texts["phobithu.chung"]
    assert "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh" in texts["vanphong.tinhuy"]
    assert "Chi bộ Thôn Ea Lang" in texts["capuy.cupui"]


def test_the_commune_pages_show_the_demo(demo):
    pages = demo.pages

    assert {name: status for name, (status, _content) in pages.items()} == dict.fromkeys(pages, 200)
    assert "Chi bộ Trường Tiểu học Mạc Thị Bưởi" in pages["dashboard"][1]
    assert {"corrections_overdue", "recurring", "formalism"} <= demo.facts["warnings"]


def test_the_commune_shows_its_lower_minimum_for_its_smallest_cells(demo):
    page = demo.pages["meeting rules"][1]

    assert "Số 12-QĐ/ĐU" in page and "Chi bộ có không quá 5 đảng viên" in page


# --- reviews -----------------------------------------------------------------------------------------------------


def test_a_draft_of_this_year_cites_the_year_s_record(demo):
    assert demo.facts["cited"] == [("draft", "I", "meetings.summary"), ("draft", "I", "meetings.attendance")]


def test_this_years_cycle_has_submitted_draft_and_returned_reviews_and_feedback(demo):
    statuses, feedback = demo.facts["statuses this year"], demo.facts["feedback"]

    assert statuses[ReviewStatus.SUBMITTED] >= 10
    assert statuses[ReviewStatus.DRAFT] >= 3
    assert statuses[ReviewStatus.RETURNED] == 1
    assert statuses[ReviewStatus.EXPECTED] > 0
    assert {ReviewStatus.SUBMITTED, ReviewStatus.DRAFT} <= demo.facts["collectives this year"]
    assert feedback["peer"] >= 4 and feedback["on a collective"] >= 1 and feedback["on the commune"] >= 1
    assert feedback["accepted"] >= 1 and feedback["disputed"] >= 1
    assert demo.facts["anonymity"] == "secretary"
    assert demo.facts["named again"] >= 1


def test_last_years_cycle_is_closed_with_the_four_levels_within_the_quota(demo):
    decided = demo.facts["decided last year"]

    assert set(decided) == {"excellent", "good", "completed", "not_completed"}
    assert decided["excellent"] <= decided["good"] * 20 // 100
    assert demo.facts["named last year"] > 10


def test_the_school_cell_collects_dues_and_one_member_is_three_months_behind(demo):
    assert demo.facts["dues"]["payments"] > 50
    assert demo.facts["dues"]["behind"] == [(SCHOOL, 3)]


def test_the_school_cell_assessed_its_last_three_meetings_and_the_latest_is_confirmed(demo):
    assert [level for level, _status in demo.facts["quality"]] == ["average", "fair", "good"]
    assert [status for _level, status in demo.facts["quality"]] == ["decided", "decided", "confirmed"]
    assert demo.facts["documents met"] == [True, True, True]


def test_the_school_cell_sent_its_documents_before_each_meeting_late_once_and_voted_during_the_latest(demo):
    assert demo.facts["documents sent"] and demo.facts["documents late"] == [7]
    assert demo.facts["vote"] == {"during": True, "in the minutes": True, "minutes approved after": True}


def test_the_demo_is_dated_from_the_day_it_is_given_not_from_the_clock(demo):
    facts = demo.facts

    assert demo.today == DAY
    assert facts["this year opened"] == DAY - datetime.timedelta(days=14)
    assert facts["this year's self-reviews due"] == DAY + datetime.timedelta(days=3)
    assert facts["last year"] == (datetime.date(2025, 12, 31), CycleStatus.CLOSED)
    assert facts["last year closed"] < DAY - datetime.timedelta(days=300)
    assert facts["audited after the day"] == 0
    assert facts["latest due"] <= DAY + datetime.timedelta(days=120)


# --- corrections -------------------------------------------------------------------------------------------------


def test_plans_stand_in_every_state_for_members_and_collectives_with_supervisors(demo):
    facts = demo.facts

    assert facts["plan states"] == set(PlanStatus.values)
    assert facts["shortcoming states"] == set(ShortcomingStatus.values)
    assert {PlanStatus.SUBMITTED, PlanStatus.APPROVED} <= facts["collective plan states"]
    assert facts["overdue in the commune"] >= 2
    assert facts["measures without supervisor"] == 0
    assert facts["steps done with evidence"] > 0
    assert facts["reopened"] >= 1


# --- built by the system, through the services ------------------------------------------------------------------


def test_the_demo_is_written_by_the_system_not_by_a_person(demo):
    facts = demo.facts

    assert facts["audited by a person"] == 0
    # Feedback under "anonymous to the person" is audited without anyone (reviews.services.feedback).
    assert facts["audited by nobody"] == {"reviews.feedback.give"}
    assert facts["written by a person"] == {}


def test_the_real_public_person_writes_nothing_in_the_demo(demo):
    assert demo.facts["Đào Thị Mỹ Xoan"] == {"login": "bithu.xoan", "posts": ["secretary"], "written": 0,
                                             "shortcomings": 0}


def test_the_demo_carries_plans_that_cascade_and_an_inspection_whose_remedy_waits_for_its_plan(demo):
    facts = demo.facts

    assert facts["75-KH/ĐUK"] == {"parent": "72-KH/TU", "tasks": 13, "targets": 4, "acknowledged": 3,
                                  "not acknowledged": ["Chi bộ Sở Xây dựng"]}
    assert facts["inspection"] == {"concluded": True, "remedy in the subject": True, "followed by the body": True,
                                   "plan": PlanStatus.SUBMITTED}


def test_a_member_of_the_next_cell_does_not_see_the_school(demo):
    assert demo.facts["who reads the school"] == {"dangvien.thon1": False, "kiemtra.eakar": True}
