"""Meeting pages: planning from topics, bad input kept, locked minutes, calendar feeds."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.meetings import services
from soisua.meetings.enums import AttendanceStatus
from soisua.meetings.models import CalendarFeed, Meeting
from soisua.org import services as org_services
from tests.factories import make_member

START = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    """These pages are seen ten days before the meeting (feeds list what is ahead)."""
    with time_machine.travel(START - datetime.timedelta(days=10), tick=True):
        yield


def schedule(cast, **changes):
    values = {"title": "Sinh hoạt chi bộ tháng 12", "starts_at": START,
              "ends_at": START + datetime.timedelta(minutes=120), "place": "Nhà văn hóa thôn, xã Hòa An; phòng 2"}
    return services.schedule_meeting(cast.cell, by=cast.users["secretary"], **(values | changes))


def test_a_topic_of_another_commune_or_a_bad_id_prefills_nothing(cast):
    foreign = services.save_topic(cast.other_commune, title="Chuyên đề riêng của xã Hòa Bình", summary="Nội bộ",
                                  by=cast.users["unrelated_staff"])
    client = cast.client("secretary")

    for topic in (str(foreign.pk), "abc", "1e3"):
        response = client.get(reverse("meetings:create", args=[cast.cell.pk]) + f"?topic={topic}&quarter=2")

        assert response.status_code == 200
        assert "Chuyên đề riêng của xã Hòa Bình" not in response.content.decode()


def test_a_calendar_link_for_a_unit_that_is_not_a_number_is_not_found(cast):
    response = cast.client("secretary").post(reverse("meetings:feed.create"), {"unit": "abc"})

    assert response.status_code == 404


def test_a_thematic_session_is_prefilled_from_a_topic_the_cell_picked(cast):
    year = timezone.localdate().year + 1
    topic = services.save_topic(cast.commune, title="Những điều đảng viên không được làm", summary="Đề dẫn",
                                by=cast.users["parent_staff"])
    services.save_topic_plan(cast.commune, year, topics=[topic], publish=True, by=cast.users["parent_staff"])
    services.save_cell_plan(cast.cell, year, meeting_day=5, meeting_time=datetime.time(19, 30),
                            topics={2: [topic]}, by=cast.users["secretary"])

    page = cast.client("secretary").get(reverse("meetings:plan", args=[cast.cell.pk]) + f"?year={year}")
    link = reverse("meetings:create", args=[cast.cell.pk]) + f"?topic={topic.pk}&amp;quarter=2&amp;year={year}"
    assert link in page.content.decode()

    form = cast.client("secretary").get(link.replace("&amp;", "&")).content.decode()
    assert 'value="Những điều đảng viên không được làm"' in form
    assert f'value="05/04/{year}"' in form
    assert 'value="19:30"' in form
    assert 'value="thematic" selected' in form


def test_an_agenda_of_ten_thousand_items_is_refused_and_the_form_keeps_what_was_typed(cast):
    response = cast.client("secretary").post(reverse("meetings:create", args=[cast.cell.pk]), {
        "kind": "regular", "title": "Họp tháng 12 của chi bộ", "day": "2026-12-03", "starts": "19:30",
        "ends": "21:30", "agenda": "\n".join(f"Mục {number}" for number in range(10_000))[:19_999]})

    assert response.status_code == 200
    assert "Họp tháng 12 của chi bộ" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_locked_roll_line_is_not_changed_without_a_reason(cast):
    meeting = schedule(cast)
    secretary = cast.users["secretary"]
    services.save_minutes(meeting, conclusions="Kết luận", by=secretary)
    services.mark_rest_absent(meeting, by=secretary)
    with time_machine.travel(START + datetime.timedelta(hours=3), tick=False):
        services.approve_minutes(meeting, by=secretary)
    line = meeting.attendance.get(member=cast.members["member"])

    response = cast.client("secretary").post(reverse("meetings:attendance.mark", args=[line.pk]),
                                             {"status": "excused", "reason": "Ốm"}, follow=True)

    line.refresh_from_db()
    assert line.status == AttendanceStatus.UNEXCUSED
    assert "reason for the change" in response.content.decode() or "lý do" in response.content.decode()


def test_the_calendar_feed_lists_the_members_meetings_and_a_renewed_link_replaces_the_old(cast):
    meeting = schedule(cast)
    client = cast.client("member")
    client.post(reverse("meetings:feed.create"))
    old = CalendarFeed.objects.get(user=cast.users["member"])

    body = client.get(reverse("meetings:feed", args=[old.token])).content.decode()

    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:meeting-{meeting.pk}@" in body
    assert "DTSTART:20261203T123000Z" in body
    assert "LOCATION:Nhà văn hóa thôn\\, xã Hòa An\\; phòng 2" in body.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))

    client.post(reverse("meetings:feed.create"))
    assert client.get(reverse("meetings:feed", args=[old.token])).status_code == 404


def test_a_renewed_calendar_link_is_in_the_audit_trail_without_its_token(cast):
    client = cast.client("member")
    client.post(reverse("meetings:feed.create"))
    first = CalendarFeed.objects.get(user=cast.users["member"])

    client.post(reverse("meetings:feed.create"))

    current = CalendarFeed.objects.get(user=cast.users["member"])
    entries = list(AuditEntry.objects.filter(action="meetings.feed.renew").order_by("pk"))
    assert current.token != first.token
    assert [entry.actor for entry in entries] == [cast.users["member"]] * 2
    assert [entry.changes for entry in entries] == [{"unit": None, "replaced": False},
                                                    {"unit": None, "replaced": True}]
    assert not any(token in str(entry.changes) + entry.object_label for entry in entries
                   for token in (first.token, current.token))


def test_a_unit_feed_follows_the_owners_access(cast):
    schedule(cast)
    feed = CalendarFeed.objects.create(user=cast.users["parent_staff"], unit=cast.commune)
    assert b"VEVENT" in cast.client("anonymous").get(reverse("meetings:feed", args=[feed.token])).content

    for grant in cast.users["parent_staff"].role_grants.all():
        org_services.revoke_role(grant, by=SYSTEM)
    assert cast.client("anonymous").get(reverse("meetings:feed", args=[feed.token])).status_code == 404


def test_who_joins_the_cell_is_on_the_roll_of_its_coming_meetings_without_anyone_opening_them(cast):
    meeting = schedule(cast)
    past = schedule(cast, title="Sinh hoạt tháng trước", starts_at=START - datetime.timedelta(days=40),
                    ends_at=START - datetime.timedelta(days=40) + datetime.timedelta(minutes=120))

    joiner = make_member(cast.cell, "Đỗ Thị Hằng")
    moved = make_member(cast.sibling_cell, "Phan Văn Lộc")
    org_services.transfer_member(moved, to_cell=cast.cell, by=SYSTEM)

    assert {line.member for line in meeting.attendance.all()} >= {joiner, moved}
    assert not past.attendance.filter(member__in=[joiner, moved]).exists()


def test_my_meetings_tells_a_login_without_a_member_record_why_it_lists_nothing(cast):
    page = cast.client("committee").get(reverse("meetings:mine")).text

    assert "chưa gắn với đảng viên nào trong danh sách chi bộ" in page


def test_opening_a_meeting_page_writes_nothing(cast):
    meeting = schedule(cast)

    client = cast.client("secretary")
    client.get(reverse("meetings:mine"))  # the session is saved on the first request

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meetings:detail", args=[meeting.pk]))

    assert response.status_code == 200
    writes = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE",
                                                                                              "DELETE"))]
    assert writes == []


def test_the_meeting_page_opens_on_the_step_of_its_time_and_each_step_is_a_link(cast):
    meeting = schedule(cast)
    services.save_minutes(meeting, conclusions="Thống nhất kế hoạch tháng 1", by=cast.users["secretary"])
    client = cast.client("member")
    url = reverse("meetings:detail", args=[meeting.pk])

    ahead = client.get(url).text
    with time_machine.travel(START + datetime.timedelta(minutes=10), tick=False):
        under_way = client.get(url).text
        minutes_asked = client.get(url + "?step=after").text
    with time_machine.travel(START + datetime.timedelta(hours=3), tick=False):
        held = client.get(url).text
        roll_asked = client.get(url + "?step=during").text

    def shown(page: str) -> set[str]:
        return {part for part, mark in (("documents", 'id="documents"'), ("roll", 'id="roll"'),
                                        ("speakers", 'id="speakers"'), ("minutes", 'id="minutes"')) if mark in page}

    assert shown(ahead) == {"documents"}
    assert shown(under_way) == shown(roll_asked) == {"roll", "speakers"}
    assert shown(held) == shown(minutes_asked) == {"minutes"}
    assert "Thống nhất kế hoạch tháng 1" in held
    for page, current in ((ahead, "before"), (under_way, "during"), (held, "after")):
        assert f'<a href="?step={current}" aria-current="page">' in page
        assert all(f'href="?step={step}"' in page for step in ("before", "during", "after"))


def test_one_tap_marks_a_line_of_the_roll_and_comes_back_to_it(cast):
    meeting = schedule(cast)
    line = meeting.attendance.get(member=cast.members["member"])
    client = cast.client("secretary")

    with time_machine.travel(START + datetime.timedelta(minutes=10), tick=False):
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).text
        tapped = client.post(reverse("meetings:attendance.mark", args=[line.pk]),
                             {"status": "late", "minutes_late": "10", "reason": ""})

    line.refresh_from_db()
    assert (line.status, line.minutes_late) == ("late", 10)
    assert tapped["Location"] == reverse("meetings:detail", args=[meeting.pk]) + f"?step=during#line-{line.pk}"
    form = page.split(f'id="line-{line.pk}"', 1)[1].split("</form>", 1)[0]
    assert [value for value in ("present", "late", "unexcused", "excused")
            if f'name="status" value="{value}"' in form] == ["present", "late", "unexcused", "excused"]
    assert f'id="late-{line.pk}" name="minutes_late" type="number" min="0" max="600" inputmode="numeric" ' \
           'value="10"' in form  # the minutes since the start, ready for a late arrival


def test_everyone_present_from_the_page_leaves_the_marked_lines_alone(cast):
    meeting = schedule(cast)
    absent = meeting.attendance.get(member=cast.members["member"])
    services.mark_attendance(absent, status="unexcused", by=cast.users["secretary"])

    with time_machine.travel(START + datetime.timedelta(minutes=30), tick=False):
        response = cast.client("secretary").post(reverse("meetings:roll.present", args=[meeting.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("meetings:detail", args=[meeting.pk]) + "?step=during#roll"
    assert "Đã ghi 1 người có mặt." in response.text
    assert dict(meeting.attendance.values_list("member", "status")) == {
        cast.members["member"].pk: "unexcused", cast.members["secretary"].pk: "present"}


def test_the_speaker_form_offers_only_those_present_or_late(cast):
    absent = make_member(cast.cell, "Đỗ Thị Hằng")
    meeting = schedule(cast)
    services.mark_attendance(meeting.attendance.get(member=cast.members["member"]), status="present",
                             by=cast.users["secretary"])
    services.mark_attendance(meeting.attendance.get(member=absent), status="excused", reason="Ốm",
                             by=cast.users["secretary"])

    page = cast.client("secretary").get(reverse("meetings:detail", args=[meeting.pk]) + "?step=during").text
    refused = cast.client("secretary").post(reverse("meetings:speakers.add", args=[meeting.pk]),
                                            {"member": absent.pk, "kind": "opinion"}, follow=True)

    options = page.split('name="member"', 1)[1].split("</select>", 1)[0]
    assert cast.members["member"].full_name in options
    assert absent.full_name not in options and cast.members["secretary"].full_name not in options
    assert not meeting.contributions.exists()
    assert refused.redirect_chain[-1][0].endswith("?step=during#speakers")
