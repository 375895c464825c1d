"""A unit's dashboard: its subtree's reviews, corrections, meetings and directives, sub-units worst first."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.meetings import services as meetings
from soisua.oversight import dashboard
from soisua.reviews import services as reviews
from tests.factories import complete_review, make_member, make_unit
from tests.reviews.test_cycles import open_for


def due_yesterday() -> dict:
    """Self-reviews due yesterday (a review submitted today is late), the later stages in a week."""
    today = timezone.localdate()
    return {"self_review_due": today - datetime.timedelta(days=1), "appraisal_due": today + datetime.timedelta(days=7),
            "decision_due": today + datetime.timedelta(days=7)}


def overdue_shortcoming(cast):
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - datetime.timedelta(days=20), tick=False):
        shortcoming = corrections.record_shortcoming(unit=cast.sibling_cell, member=cast.members["sibling"],
                                                     text="Chậm nộp đảng phí", by=SYSTEM)
        plan = corrections.create_plan(unit=cast.sibling_cell, member=cast.members["sibling"],
                                       shortcomings=[shortcoming], deadline=today + datetime.timedelta(days=30),
                                       by=SYSTEM)
        supervisor = make_member(cast.sibling_cell, "Đỗ Văn Giám")
        measure = corrections.add_measure(plan, text="Nộp đúng hạn", deadline=plan.deadline, supervisor=supervisor,
                                          by=SYSTEM)
        corrections.add_step(measure, what="Nộp biên lai", due=today - datetime.timedelta(days=5), by=SYSTEM)
        corrections.submit_plan(plan, by=SYSTEM)
        corrections.decide_plan(plan, approve=True, by=SYSTEM)
    return shortcoming


def test_the_communes_dashboard_ranks_the_cell_with_overdue_corrections_first_and_counts_the_subtree(cast):
    overdue_shortcoming(cast)
    corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Ít phát biểu", by=SYSTEM)
    starts = timezone.now() - datetime.timedelta(days=2)
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
    for line in meeting.attendance.all():
        meetings.mark_attendance(line, status="present", by=SYSTEM)
    open_for(cast.commune, title="Kiểm điểm năm", by=SYSTEM)

    board = dashboard.build(cast.commune, timezone.localdate())

    assert [row.unit for row in board.children] == [cast.sibling_cell, cast.cell]
    assert [row.overdue for row in board.children] == [1, 0]
    assert board.corrections == {"open": 2, "verified": 0, "overdue": 1, "recurring": 0}
    assert board.attendance["rate"] == 100 and board.review_progress["expected"] > 0
    assert sum(month["total"] for month in board.months) == 1


def test_the_dashboard_is_for_those_who_lead_or_cover_the_unit(cast):
    url = reverse("oversight:dashboard", args=[cast.commune.pk])

    page = cast.client("committee").get(url)

    assert page.status_code == 200 and cast.sibling_cell.name in page.text and "Bảng theo dõi" in page.text
    assert cast.client("inspector").get(url).status_code == 200
    assert cast.client("secretary").get(url).status_code == 404  # a cell's secretary does not read the commune
    assert cast.client("member").get(reverse("oversight:dashboard", args=[cast.cell.pk])).status_code == 403
    assert cast.client("secretary").get(reverse("oversight:dashboard", args=[cast.cell.pk])).status_code == 200
    assert cast.client("unrelated_staff").get(url).status_code == 404


def test_the_dashboard_shows_reviews_submitted_late_and_members_by_decided_level(cast):
    cycle = open_for(cast.province, enforce_order=False,
                     **due_yesterday())
    review = complete_review(cycle.reviews.get(member=cast.members["member"]), cast.users["member"])
    review = reviews.propose_level(review, level="good", comment="Đồng ý", by=cast.users["secretary"])
    reviews.decide_level(review, level="good", by=cast.users["parent_staff"])

    board = dashboard.build(cast.commune, timezone.localdate())

    assert board.review_progress == {"expected": 6, "drafted": 0, "submitted": 1, "late": 1}
    assert [(level.code, count) for level, count in board.levels] == [
        ("excellent", 0), ("good", 1), ("completed", 0), ("not_completed", 0)]


def test_the_dashboard_costs_the_same_queries_whatever_its_subtree_holds(cast):
    def queries_for_the_province() -> int:
        with CaptureQueriesContext(connection) as queries:
            dashboard.build(cast.province, timezone.localdate())
        return len(queries)

    cycle = open_for(cast.province, enforce_order=False)
    before = queries_for_the_province()
    complete_review(cycle.reviews.get(member=cast.members["member"]), cast.users["member"])
    for number in range(3):
        cell = make_unit(cast.other_commune, "cell", f"Chi bộ Thôn {number + 4}")
        member = make_member(cell, f"Nguyễn Văn {number}")
        corrections.record_shortcoming(unit=cell, member=member, text="Chậm nộp đảng phí", by=SYSTEM)
    overdue_shortcoming(cast)

    assert queries_for_the_province() == before
