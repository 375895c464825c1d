"""The home page says what needs the person today, most urgent first, each item linking to where it is done."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from soisua.core import agenda
from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.meetings import services as meetings
from soisua.org.models import Member
from soisua.reviews.models import Review
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for


def items_of(user) -> list[agenda.Item]:
    return agenda.agenda_for(user, timezone.localdate())


def titles(user) -> list[str]:
    return [item.title for item in items_of(user)]


def meeting_today(cast):
    starts = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    if starts <= timezone.now():
        starts = timezone.now() + datetime.timedelta(minutes=30)
    return meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ hôm nay", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=90), by=SYSTEM)


def approved_plan_with_overdue_step(cast):
    """A plan approved ten days ago whose step fell due two days ago, undone."""
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10), tick=False):
        shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"],
                                                     text="Chậm đóng đảng phí", by=cast.users["member"])
        plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                       deadline=today + datetime.timedelta(days=30), by=SYSTEM)
        measure = corrections.add_measure(plan, text="Đóng đúng hạn", supervisor=cast.members["secretary"],
                                          deadline=plan.deadline, by=SYSTEM)
        corrections.add_step(measure, what="Nộp biên lai tháng trước", due=today - datetime.timedelta(days=2),
                             by=SYSTEM)
        corrections.submit_plan(plan, by=SYSTEM)
        plan = corrections.decide_plan(plan, approve=True, by=SYSTEM)
    return plan, shortcoming


def test_a_members_home_lists_the_overdue_step_first_then_todays_meeting_and_both_links_work(cast):
    meeting = meeting_today(cast)
    plan, _shortcoming = approved_plan_with_overdue_step(cast)
    client = cast.client("member")

    items = items_of(cast.users["member"])
    page = client.get(reverse("org:dashboard"))

    assert [item.title for item in items[:2]] == ["Bước khắc phục: Nộp biên lai tháng trước",
                                                  "Cuộc họp: Sinh hoạt chi bộ hôm nay"]
    assert items[0].overdue and items[0].url == reverse("corrections:plans.detail", args=[plan.pk])
    assert items[1].url == reverse("meetings:detail", args=[meeting.pk])
    for item in items[:2]:
        assert item.url in page.text and client.get(item.url).status_code == 200
    assert not [title for title in titles(cast.users["sibling"]) if "Sinh hoạt chi bộ hôm nay" in title]


def test_a_secretarys_home_lists_the_plan_waiting_until_it_is_approved(cast):
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"],
                                                 text="Chậm đóng đảng phí", by=cast.users["member"])
    plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                   deadline=timezone.localdate() + datetime.timedelta(days=30),
                                   by=cast.users["member"])
    measure = corrections.add_measure(plan, text="Đóng đúng hạn", supervisor=cast.members["secretary"],
                                      deadline=plan.deadline, by=cast.users["member"])
    corrections.add_step(measure, what="Nộp biên lai", due=plan.deadline, by=cast.users["member"])
    corrections.submit_plan(plan, by=cast.users["member"])

    waiting = [item for item in items_of(cast.users["secretary"]) if item.url.endswith(f"/plans/{plan.pk}/")]
    assert [item.title for item in waiting] == ["Kế hoạch khắc phục chờ duyệt: Trần Thị Bình"]
    assert not [item for item in items_of(cast.users["member"]) if "chờ duyệt" in item.title]

    cast.client("secretary").post(reverse("corrections:plans.decide", args=[plan.pk]), {"decision": "approve"})

    assert not [item for item in items_of(cast.users["secretary"]) if "chờ duyệt" in item.title]


def test_a_self_review_to_write_is_listed_with_its_due_date_until_submitted(cast):
    cycle = open_for(cast.commune, title="Kiểm điểm năm 2026", enforce_order=False, by=SYSTEM)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])

    [mine] = [item for item in items_of(cast.users["member"]) if "Kiểm điểm năm 2026" in item.title]
    assert mine.url == reverse("reviews:reviews.edit", args=[review.pk]) and mine.when == cycle.self_review_due
    assert any("chưa nộp" in title for title in titles(cast.users["secretary"]))

    complete_review(review, cast.users["member"])

    assert not [item for item in items_of(cast.users["member"]) if "Kiểm điểm năm 2026" in item.title]


def test_an_empty_home_says_what_will_appear(cast):
    page = cast.client("unrelated_staff").get(reverse("org:dashboard"))

    assert "Chưa có việc nào chờ đồng chí" in page.text
    assert "sẽ hiển thị tại đây" not in page.text


def test_a_directive_to_acknowledge_and_a_self_report_to_write_are_on_the_leaderships_home(cast):
    from soisua.directives import services as directives
    from soisua.oversight import services as oversight

    today = timezone.localdate()
    draft = directives.create_draft(cast.commune, kind="KH", number="75", issuer_symbol="ĐUX", issued_on=today,
                                    title="Kế hoạch tự soi, tự sửa", target_mode="children", tasks=["Quán triệt"],
                                    report_dates=[today + datetime.timedelta(days=3)], by=cast.users["committee"])
    directives.issue(draft, version=None, by=cast.users["committee"])
    inspection = oversight.plan_inspection(cast.commune, year=today.year, kind="thematic_supervision",
                                           subject_unit=cast.cell, content="Thực hiện nghị quyết",
                                           period_start=today, period_end=today + datetime.timedelta(days=20),
                                           by=cast.users["committee"])
    oversight.notify_subject(inspection, by=cast.users["committee"])

    mine = titles(cast.users["secretary"])

    assert "Xác nhận 75-KH/ĐUX" in mine and "Báo cáo thực hiện 75-KH/ĐUX" in mine
    assert f"Báo cáo tự kiểm tra gửi {cast.commune.name}" in mine
    assert f"Cuộc kiểm tra, giám sát đang tiến hành: {cast.cell.name}" in titles(cast.users["committee"])
    assert not [title for title in titles(cast.users["member"]) if "75-KH/ĐUX" in title]


def test_a_fix_claimed_waits_on_the_home_of_its_supervisor_and_of_the_cells_leadership_only(cast):
    supervisor = UserFactory()
    make_member(cast.cell, "Đỗ Văn Giám", user=supervisor)
    today = timezone.localdate()
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"],
                                                 text="Chậm đóng đảng phí", by=SYSTEM)
    plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                   deadline=today + datetime.timedelta(days=30), by=SYSTEM)
    measure = corrections.add_measure(plan, text="Đóng đúng hạn", deadline=plan.deadline, by=SYSTEM,
                                      supervisor=Member.objects.get(user=supervisor))
    corrections.add_step(measure, what="Nộp biên lai", due=today + datetime.timedelta(days=5), by=SYSTEM)
    corrections.submit_plan(plan, by=SYSTEM)
    corrections.decide_plan(plan, approve=True, by=SYSTEM)

    corrections.claim_fix(shortcoming, note="Đã nộp", by=cast.users["member"])

    waiting = "Kết quả khắc phục chờ xác nhận: Trần Thị Bình"
    assert waiting in titles(supervisor) and waiting in titles(cast.users["secretary"])
    assert waiting not in titles(cast.users["member"]) and waiting not in titles(cast.users["sibling"])
