"""Scheduling, check-in by rotating code and attendance (docs/domain.md, "Meetings")."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.meetings import services
from soisua.meetings.models import Attendance
from soisua.org.enums import MemberStatus
from tests.factories import make_member

START = datetime.datetime(2026, 12, 3, 19, 30, tzinfo=datetime.UTC)
END = START + datetime.timedelta(minutes=120)


def schedule(cast, **changes):
    values = {"title": "Sinh hoạt chi bộ tháng 12", "starts_at": START, "ends_at": END,
              "agenda": ["Thông tin thời sự", "Kiểm điểm tháng 11"]} | changes
    return services.schedule_meeting(cast.cell, by=cast.users["secretary"], **values)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def test_the_roll_lists_official_probationary_and_exempt_members(cast):
    probationary = make_member(cast.cell, "Vũ Thị Lan", status=MemberStatus.PROBATIONARY)
    suspended = make_member(cast.cell, "Đinh Văn Tám", status=MemberStatus.SUSPENDED)

    meeting = schedule(cast)

    members = set(meeting.attendance.values_list("member", flat=True))
    assert {cast.members["member"].pk, cast.members["secretary"].pk, probationary.pk} <= members
    assert suspended.pk not in members
    assert [item.title for item in meeting.agenda.all()] == ["Thông tin thời sự", "Kiểm điểm tháng 11"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"ends_at": START - datetime.timedelta(minutes=5)}, "times"),
    ({"agenda": [f"Mục {number}" for number in range(10_000)]}, "agenda"),
])
def test_bad_meetings_are_refused(cast, changes, code):
    with pytest.raises(services.MeetingError) as error:
        schedule(cast, **changes)

    assert error.value.code == code
    assert not cast.cell.meetings.exists()


def test_overlapping_meetings_of_one_cell_are_refused(cast):
    schedule(cast)

    with pytest.raises(services.MeetingError) as error:
        schedule(cast, title="Chuyên đề", starts_at=START + datetime.timedelta(minutes=60),
                 ends_at=END + datetime.timedelta(minutes=60))

    assert error.value.code == "overlap"
    assert services.schedule_meeting(cast.sibling_cell, title="Chi bộ Thôn 2", starts_at=START, ends_at=END, by=SYSTEM)


def test_check_in_is_present_before_the_start_and_late_after_it_by_the_server_clock(cast):
    meeting = schedule(cast)
    arrival = START - datetime.timedelta(minutes=5)

    with at(arrival):
        early = services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["member"])
    with at(START + datetime.timedelta(minutes=12, seconds=30)):
        late = services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["secretary"])

    assert (early.status, early.minutes_late) == ("present", 0)
    assert (late.status, late.minutes_late) == ("late", 12)


def test_a_code_from_another_meeting_or_an_expired_one_is_refused(cast):
    meeting = schedule(cast)
    other = services.schedule_meeting(cast.sibling_cell, title="Chi bộ Thôn 2", starts_at=START, ends_at=END, by=SYSTEM)

    with at(START), pytest.raises(services.MeetingError) as foreign:
        services.check_in(meeting, code=services.check_in_code(other), by=cast.users["member"])
    with at(START):
        old = services.check_in_code(meeting)
    with at(START + datetime.timedelta(seconds=95)), pytest.raises(services.MeetingError) as expired:
        services.check_in(meeting, code=old, by=cast.users["member"])

    assert foreign.value.code == expired.value.code == "code"
    assert Attendance.objects.get(meeting=meeting, member=cast.members["member"]).status == "unmarked"


def test_the_system_checks_nobody_in(cast):
    without_login = make_member(cast.cell, "Đinh Văn Tám")
    meeting = schedule(cast)

    with at(START), pytest.raises(services.MeetingError) as error:
        services.check_in(meeting, code=services.check_in_code(meeting), by=SYSTEM)

    assert error.value.code == "member"
    assert set(Attendance.objects.filter(meeting=meeting).values_list("status", flat=True)) == {"unmarked"}
    assert Attendance.objects.filter(meeting=meeting, member=without_login).exists()


def test_check_in_outside_the_meeting_window_is_refused(cast):
    meeting = schedule(cast)

    with at(END + datetime.timedelta(minutes=1)), pytest.raises(services.MeetingError) as error:
        services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["member"])

    assert error.value.code == "window"


def test_the_check_in_screen_states_its_window_and_period_from_the_settings(cast, settings):
    settings.MEETING_CHECK_IN_OPENS_MINUTES = 45
    settings.MEETING_CHECK_IN_PERIOD_SECONDS = 20
    meeting = schedule(cast)

    with at(START - datetime.timedelta(minutes=50)):
        screen = cast.client("secretary").get(reverse("meetings:check_in_screen", args=[meeting.pk]))
    with at(START - datetime.timedelta(minutes=50)), pytest.raises(services.MeetingError) as error:
        services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["member"])

    assert "Chỉ điểm danh được từ 45 phút trước giờ họp đến khi kết thúc." in screen.text
    assert "Mã đổi sau mỗi 20 giây." in screen.text
    assert error.value.messages == ["Chỉ điểm danh được từ 45 phút trước giờ họp đến khi kết thúc."]


def test_a_check_in_by_someone_not_on_the_roll_is_refused(cast):
    meeting = schedule(cast)

    with at(START), pytest.raises(services.MeetingError) as error:
        services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["sibling"])

    assert error.value.code == "member"


def test_the_secretarys_correction_is_audited(cast):
    meeting = schedule(cast)
    line = Attendance.objects.get(meeting=meeting, member=cast.members["member"])

    with pytest.raises(services.MeetingError):
        services.mark_attendance(line, status="excused", by=cast.users["secretary"])
    services.mark_attendance(line, status="excused", reason="Đi công tác", by=cast.users["secretary"])

    entry = AuditEntry.objects.get(action="meetings.attendance.mark")
    assert entry.changes["status"] == ["unmarked", "excused"]
    assert entry.actor == cast.users["secretary"]


def test_a_member_checks_in_from_the_qr_link_on_their_phone(cast):
    meeting = schedule(cast)
    with at(START - datetime.timedelta(minutes=10)):
        screen = cast.client("secretary").get(reverse("meetings:check_in_screen", args=[meeting.pk]))
        link = re.search(r'href="(http[^"]+/check-in/\?code=\w+)"', screen.content.decode())[1]
        path = link.split("testserver", 1)[1]

        page = cast.client("member").post(path.split("?")[0], {"code": path.split("code=")[1]})

    assert "<svg" in screen.content.decode()
    assert page.status_code == 200
    assert Attendance.objects.get(meeting=meeting, member=cast.members["member"]).status == "present"
