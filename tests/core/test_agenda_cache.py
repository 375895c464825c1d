"""The home page keeps a person's list of what needs them while nothing told to them or done by them changes it:
new work told to them shows at once, their own acts (their audit entries) renew the list at once, and what changed
without telling them shows when the list is kept no longer (AGENDA_CACHE_SECONDS)."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.meetings import services as meetings
from soisua.meetings.models import Meeting


def schedule(cast, title: str) -> Meeting:
    starts = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    return meetings.schedule_meeting(cast.cell, title=title, starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=90), by=SYSTEM)


def home(client) -> str:
    response = client.get(reverse("org:dashboard"))
    assert response.status_code == 200
    return response.text


def retitle_silently(meeting: Meeting, title: str) -> None:
    """A change nobody is told of."""
    Meeting.objects.filter(pk=meeting.pk).update(title=title)


def test_a_meeting_told_to_the_member_shows_at_once_on_the_home_page_kept_before_it(cast):
    client = cast.client("member")
    assert "Sinh hoạt tháng Mười Hai" not in home(client)

    schedule(cast, "Sinh hoạt tháng Mười Hai")  # the cell's members are told of it

    assert "Sinh hoạt tháng Mười Hai" in home(client)


def test_what_changed_without_telling_the_member_shows_once_the_list_is_kept_no_longer(cast, settings):
    settings.AGENDA_CACHE_SECONDS = 300
    client = cast.client("member")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        meeting = schedule(cast, "Sinh hoạt chuyên đề quý IV")
        assert "Sinh hoạt chuyên đề quý IV" in home(client)

        retitle_silently(meeting, "Sinh hoạt chuyên đề về chuyển đổi số")
        kept = home(client)
        clock.shift(datetime.timedelta(seconds=301))
        renewed = home(client)

    assert "Sinh hoạt chuyên đề quý IV" in kept
    assert "Sinh hoạt chuyên đề về chuyển đổi số" in renewed and "quý IV" not in renewed


def test_the_members_own_act_renews_their_list_at_once(cast):
    client = cast.client("member")
    meeting = schedule(cast, "Sinh hoạt chi bộ tháng Mười Hai")
    assert "Sinh hoạt chi bộ tháng Mười Hai" in home(client)
    retitle_silently(meeting, "Sinh hoạt chi bộ cuối năm")

    corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Chậm nộp thu hoạch",
                                   by=cast.users["member"])

    assert "Sinh hoạt chi bộ cuối năm" in home(client)


def test_the_list_is_computed_on_every_visit_when_keeping_is_turned_off(cast, settings):
    settings.AGENDA_CACHE_SECONDS = 0
    client = cast.client("member")
    meeting = schedule(cast, "Sinh hoạt chi bộ tháng Mười Hai")
    assert "Sinh hoạt chi bộ tháng Mười Hai" in home(client)

    retitle_silently(meeting, "Sinh hoạt chi bộ cuối năm")

    assert "Sinh hoạt chi bộ cuối năm" in home(client)
