"""The votes page offers to open a vote only while one may be opened: once the meeting's minutes are approved it
says why instead of a form that every submission would be refused."""

import datetime

import time_machine
from django.urls import reverse

from soisua.meetings import services
from soisua.meetings.models import Motion

START = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)
DURING = START + datetime.timedelta(minutes=30)
LOCKED = "Biên bản cuộc họp này đã được thông qua: không thể biểu quyết hay thay đổi biểu quyết nữa."


def meeting_of(cast):
    with time_machine.travel(START - datetime.timedelta(days=5), tick=False):
        return services.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ tháng 12", starts_at=START,
                                         ends_at=START + datetime.timedelta(minutes=120),
                                         agenda=["Nhiệm vụ tháng tới"], by=cast.users["secretary"])


def test_the_form_to_open_a_vote_is_offered_during_the_meeting(cast):
    meeting = meeting_of(cast)

    with time_machine.travel(DURING, tick=False):
        page = cast.client("secretary").get(reverse("meetings:votes", args=[meeting.pk])).content.decode()

    assert 'id="new-motion"' in page
    assert LOCKED not in page


def test_after_the_minutes_are_approved_the_page_says_no_vote_can_be_opened(cast):
    meeting = meeting_of(cast)
    url = reverse("meetings:votes", args=[meeting.pk])
    with time_machine.travel(DURING, tick=False):
        services.mark_rest_present(meeting, by=cast.users["secretary"])
        services.save_minutes(meeting, conclusions="Kết luận", by=cast.users["secretary"])
        services.approve_minutes(meeting, by=cast.users["secretary"])
        page = cast.client("secretary").get(url).content.decode()
        posted = cast.client("secretary").post(url, {"text": "Muộn", "kind": "resolution"})

    assert 'id="new-motion"' not in page
    assert LOCKED in page
    assert posted.status_code == 200 and LOCKED in posted.content.decode()
    assert not Motion.objects.filter(meeting=meeting).exists()
