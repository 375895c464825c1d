"""Each roll line keeps the member's status on the meeting's day: the minutes of a past meeting (its page and its
Word file) still count a member made official since as probationary."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.meetings import services
from soisua.meetings.models import Attendance
from soisua.org import services as org
from soisua.org.enums import MemberStatus
from tests.factories import make_member
from tests.files import docx_text

PAST = datetime.datetime(2026, 10, 3, 12, 30, tzinfo=datetime.UTC)
COMING = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)
NEWCOMER = "Vũ Thị Dự Bị"

@pytest.fixture(autouse=True)
def _in_november_2026(_fixed_clock):
    """These dates are written for the review season of 2026: the tests travel there whatever the suite's clock."""
    _fixed_clock.move_to(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))))



def hold(cast, starts_at):
    return services.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ", starts_at=starts_at,
                                     ends_at=starts_at + datetime.timedelta(minutes=120), by=SYSTEM)


def test_a_past_meetings_minutes_keep_the_status_of_its_day(cast):
    with time_machine.travel(PAST - datetime.timedelta(days=5), tick=False):
        newcomer = make_member(cast.cell, NEWCOMER, status=MemberStatus.PROBATIONARY)
        meeting = hold(cast, PAST)
    services.save_minutes(meeting, conclusions="Thống nhất", by=cast.users["secretary"])

    org.change_member_status(newcomer, status=MemberStatus.OFFICIAL, by=SYSTEM)
    client = cast.client("secretary")
    after = client.get(reverse("meetings:detail", args=[meeting.pk]) + "?step=after")
    during = client.get(reverse("meetings:detail", args=[meeting.pk]) + "?step=during")
    word = docx_text(client.get(reverse("meetings:minutes", args=[meeting.pk, "docx"])).content)

    assert Attendance.objects.get(meeting=meeting, member=newcomer).member_status == MemberStatus.PROBATIONARY
    assert "<dt>Chính thức</dt><dd>2</dd>" in after.text and "<dt>Dự bị</dt><dd>1</dd>" in after.text
    assert f"<strong>{NEWCOMER}</strong> <span class=\"muted\">(Dự bị)</span>" in during.text
    assert "Trong đó: chính thức 2; dự bị 1; miễn công tác và sinh hoạt đảng 0." in word


def test_a_coming_meetings_roll_follows_a_status_changed_before_it(cast):
    newcomer = make_member(cast.cell, NEWCOMER, status=MemberStatus.PROBATIONARY)
    meeting = hold(cast, COMING)
    assert Attendance.objects.get(meeting=meeting, member=newcomer).member_status == MemberStatus.PROBATIONARY

    org.change_member_status(newcomer, status=MemberStatus.OFFICIAL, by=SYSTEM)

    assert Attendance.objects.get(meeting=meeting, member=newcomer).member_status == MemberStatus.OFFICIAL


def test_a_member_added_to_a_coming_roll_keeps_their_status(cast):
    meeting = hold(cast, COMING)

    exempt = make_member(cast.cell, "Đỗ Văn Miễn", status=MemberStatus.EXEMPT)

    assert Attendance.objects.get(meeting=meeting, member=exempt).member_status == MemberStatus.EXEMPT
