"""A member present at a regular meeting is told they may rate it: a message once the meeting has ended (to everyone
present, whether they rated already or not, so the messages tell nothing of who rated), and an item on their home
page, read on every visit, while the ratings are open and until they rate."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from soisua.notifications import scheduling
from soisua.notifications.models import Notification
from soisua.quality import services
from tests.quality.common import held


def home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("org:dashboard"))
    assert response.status_code == 200
    return response.text


def test_those_present_are_told_once_whether_or_not_they_rated(cast):
    meeting, _others = held(cast, days_ago=0)
    services.rate_meeting(meeting, level="good", by=cast.users["member"])

    told = services.invite_raters()
    again = services.invite_raters()

    recipients = set(Notification.objects.filter(kind="quality.rate").values_list("recipient__username", flat=True))
    # Present: the secretary, the member, m0; late: m1; m2 was absent with reason.
    assert recipients == {cast.users["secretary"].username, cast.users["member"].username, "m0", "m1"}
    assert (told, again) == (4, 0)
    notification = Notification.objects.get(kind="quality.rate", recipient=cast.users["member"])
    assert notification.title == f"Đánh giá buổi sinh hoạt: {meeting.title}"
    assert "ẩn danh" in notification.body
    assert notification.url == reverse("quality:meeting", args=[meeting.pk]) + "#ratings-title"
    # It arrives read: when each member opened it, set beside the day of a rating, would point at its author.
    assert not Notification.objects.filter(kind="quality.rate", read_at=None).exists()
    cast.users["member"].refresh_from_db()
    assert cast.users["member"].inbox_unread == Notification.objects.filter(
        recipient=cast.users["member"], read_at=None).count()


def test_a_meeting_ended_more_than_a_day_ago_is_not_told_again(cast):
    held(cast, days_ago=2)

    assert services.invite_raters() == 0


def test_the_hourly_job_tells_them(cast):
    held(cast, days_ago=0)

    done = {name: result for name, _period, result in scheduling.run_due(only="quality.rating_invitations")}

    assert done == {"quality.rating_invitations": "told 4"}


def test_the_home_page_offers_the_rating_until_it_is_given_or_closed(cast, settings):
    settings.AGENDA_CACHE_SECONDS = 300
    meeting, others = held(cast)
    member = cast.users["member"]
    absent = others[2].user

    offered = home(member)
    services.rate_meeting(meeting, level="fair", by=member)
    rated = home(member)
    with time_machine.travel(meeting.ends_at + datetime.timedelta(days=settings.QUALITY_RATING_DAYS, minutes=1)):
        closed = home(cast.users["secretary"])

    closes = timezone.localtime(meeting.ends_at + datetime.timedelta(days=settings.QUALITY_RATING_DAYS))
    assert f"Đánh giá buổi sinh hoạt: {meeting.title}" in offered
    assert f"Ẩn danh, mở đến {closes:%H:%M %d/%m/%Y}" in offered
    assert meeting.title not in rated
    assert "Đánh giá buổi sinh hoạt" not in home(absent)
    assert "Đánh giá buổi sinh hoạt" not in closed
