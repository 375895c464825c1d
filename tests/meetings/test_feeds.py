"""Calendar feeds: what a subscribed calendar program fetches without a login, and how the text is written."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from soisua.meetings import services
from soisua.meetings.models import CalendarFeed
from soisua.org import services as org_services
from soisua.org.enums import MemberStatus

START = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)
TITLE = "Sinh hoạt chi bộ tháng 12"


@pytest.fixture(autouse=True)
def _clock():
    """Ten days before the meeting: feeds list what is ahead."""
    with time_machine.travel(START - datetime.timedelta(days=10), tick=True):
        yield


def schedule(cast, **changes):
    values = {"title": TITLE, "starts_at": START, "ends_at": START + datetime.timedelta(minutes=120),
              "place": "Nhà văn hóa thôn"}
    return services.schedule_meeting(cast.cell, by=cast.users["secretary"], **(values | changes))


def fetch(cast, feed) -> str:
    response = cast.client("anonymous").get(reverse("meetings:feed", args=[feed.token]))
    assert response.status_code == 200
    return response.content.decode()


def unfolded(body: str) -> list[str]:
    """The feed's content lines, long lines joined again (RFC 5545 §3.1)."""
    assert body.endswith("\r\n")
    return body.replace("\r\n ", "").split("\r\n")[:-1]


@pytest.mark.parametrize("status", [MemberStatus.SUSPENDED, MemberStatus.LEFT])
def test_a_personal_feed_stops_listing_the_cells_meetings_once_the_member_loses_access(cast, status):
    schedule(cast)
    feed = CalendarFeed.objects.create(user=cast.users["member"])
    assert f"SUMMARY:{TITLE}" in fetch(cast, feed)

    org_services.change_member_status(cast.members["member"], status=status, reason="Kỷ luật",
                                      by=cast.users["secretary"])

    body = fetch(cast, feed)
    assert "BEGIN:VEVENT" not in body
    assert TITLE not in body


def test_a_personal_feed_lists_the_meetings_again_when_access_returns(cast):
    schedule(cast)
    feed = CalendarFeed.objects.create(user=cast.users["member"])
    member = cast.members["member"]
    org_services.change_member_status(member, status=MemberStatus.SUSPENDED, by=cast.users["secretary"])

    org_services.change_member_status(member, status=MemberStatus.OFFICIAL, by=cast.users["secretary"])

    assert f"SUMMARY:{TITLE}" in fetch(cast, feed)


@pytest.mark.parametrize("breaker", ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x00", "\x1b", "\x7f", "\x85", "\u2028"])
def test_control_characters_in_a_title_or_place_cannot_start_a_new_calendar_property(cast, breaker):
    injected = f"Họp{breaker}ATTENDEE:mailto:ke-gian@example.com{breaker}X-INJECTED:1"
    schedule(cast, title=injected, place=f"Hội trường{breaker}DTSTART:20000101T000000Z")
    feed = CalendarFeed.objects.create(user=cast.users["member"])

    body = fetch(cast, feed)

    lines = unfolded(body)
    assert not any(line.startswith(("ATTENDEE", "X-INJECTED", "DTSTART:2000")) for line in lines)
    assert not any(char in line for line in lines for char in "\r\n\x0b\x0c\x00\x1b\x7f\x85\u2028")
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    location = next(line for line in lines if line.startswith("LOCATION:"))
    assert summary.startswith("SUMMARY:Họp") and summary.endswith("X-INJECTED:1")
    assert location.startswith("LOCATION:Hội trường") and location.endswith("DTSTART:20000101T000000Z")
    if breaker in {"\r", "\n", "\r\n", "\x85", "\u2028"}:  # a line break is kept as the escaped newline
        assert summary == "SUMMARY:Họp\\nATTENDEE:mailto:ke-gian@example.com\\nX-INJECTED:1"


def test_a_units_name_in_the_feed_is_escaped_too(cast):
    schedule(cast)
    cast.cell.name = "Chi bộ\rX-INJECTED:1"
    cast.cell.save(update_fields=["name"])
    feed = CalendarFeed.objects.create(user=cast.users["parent_staff"], unit=cast.cell)

    lines = unfolded(fetch(cast, feed))

    assert "X-WR-CALNAME:Chi bộ\\nX-INJECTED:1" in lines
    assert "DESCRIPTION:Chi bộ\\nX-INJECTED:1" in lines
    assert not any(line.startswith("X-INJECTED") for line in lines)
