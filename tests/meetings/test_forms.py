"""The meeting forms as people fill them in: times typed the Vietnamese way, the liaison offered from the levels
above, the shortcomings recorded at the meeting offered for the minutes' conclusions, numbers refused in a clean
sentence."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.core.forms import parse_time
from soisua.corrections import services as corrections
from soisua.corrections.enums import Source
from soisua.meetings import queries, services
from soisua.meetings.models import CellPlan, Meeting
from soisua.org import services as org
from soisua.org.enums import PostKind, Role
from tests.factories import UserFactory, make_member


@pytest.mark.parametrize(("typed", "time"), [
    ("19h30", (19, 30)), ("19h", (19, 0)), ("19:30", (19, 30)), ("7:30 PM", (19, 30)), ("7h30 tối", (19, 30)),
    ("7h30 sáng", (7, 30)), ("19 giờ 30 phút", (19, 30)), ("7h toi", (19, 0)), ("2h chiều", (14, 0)),
    ("12h trưa", (12, 0)), ("12:15 AM", (0, 15)), (" 8g ", (8, 0)), ("19:30:00", (19, 30)),
])
def test_times_are_read_as_people_type_them(typed, time):
    assert parse_time(typed) == datetime.time(*time)


@pytest.mark.parametrize("typed", ["25h", "19h75", "13h sáng", "sau bữa tối", "19 30", ""])
def test_what_is_no_time_is_not_read_as_one(typed):
    assert parse_time(typed) is None


def meeting_form(day: datetime.date, starts: str, ends: str) -> dict:
    return {"kind": "regular", "title": "Sinh hoạt chi bộ tháng 12", "day": day.strftime("%d/%m/%Y"),
            "starts": starts, "ends": ends}


def test_a_meeting_is_scheduled_from_19h30_to_21h(cast):
    day = timezone.localdate() + datetime.timedelta(days=20)

    response = cast.client("secretary").post(reverse("meetings:create", args=[cast.cell.pk]),
                                             meeting_form(day, "7h30 tối", "21h"))

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.starts_at).time() == datetime.time(19, 30)
    assert timezone.localtime(meeting.ends_at).time() == datetime.time(21, 0)


def test_a_time_that_cannot_be_read_says_which_forms_are_accepted(cast):
    day = timezone.localdate() + datetime.timedelta(days=20)

    response = cast.client("secretary").post(reverse("meetings:create", args=[cast.cell.pk]),
                                             meeting_form(day, "sau bữa tối", "21h"))

    page = response.content.decode()
    assert "Nhập giờ theo một trong các cách: 19:30, 19h30, 19h, 7:30 PM hoặc 7h30 tối." in page
    assert "Nhập một thời gian hợp lệ" not in page
    assert 'value="sau bữa tối"' in page
    assert not Meeting.objects.exists()


def test_the_cell_plans_meeting_time_takes_19h(cast):
    year = timezone.localdate().year + 1

    cast.client("secretary").post(reverse("meetings:plan", args=[cast.cell.pk]) + f"?year={year}",
                                  {"meeting_day": "5", "meeting_time": "19h", "place": "Nhà văn hóa"})

    assert CellPlan.objects.get(unit=cast.cell, year=year).meeting_time == datetime.time(19, 0)


def test_a_negative_vote_is_refused_in_a_sentence_without_a_stray_space(cast):
    meeting = services.schedule_meeting(cast.cell, title="Sinh hoạt", by=cast.users["secretary"],
                                        starts_at=timezone.now() - datetime.timedelta(hours=3),
                                        ends_at=timezone.now() - datetime.timedelta(hours=1))

    response = cast.client("secretary").post(reverse("meetings:minutes.edit", args=[meeting.pk]),
                                             {"conclusions": "Thống nhất.", "votes_for": "-1", "version": "1"})

    page = response.content.decode()
    assert "Đảm bảo giá trị này lớn hơn hoặc bằng 0." in page
    assert " ." not in page.replace("&nbsp;", " ").split("errorlist")[1][:200]


def test_the_liaison_is_offered_from_the_committees_and_post_holders_above_the_cell(cast):
    ward = make_member(cast.sibling_cell, "Đặng Văn Phường", user=UserFactory(username="ward"))
    org.grant_role(ward.user, unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)
    staff = make_member(cast.sibling_cell, "Vũ Thị Văn Phòng", user=UserFactory(username="office"))
    org.grant_role(staff.user, unit=cast.commune, role=Role.STAFF, by=SYSTEM)
    deputy = make_member(cast.sibling_cell, "Ngô Văn Phó")
    org.assign_post(deputy, unit=cast.commune, kind=PostKind.DEPUTY_SECRETARY, by=SYSTEM)
    elsewhere = make_member(cast.other_cell, "Hồ Văn Xa", user=UserFactory(username="far"))
    org.grant_role(elsewhere.user, unit=cast.other_commune, role=Role.COMMITTEE, by=SYSTEM)

    page = cast.client("secretary").get(reverse("meetings:create", args=[cast.cell.pk])).content.decode()

    offered = set(queries.liaison_candidates(cast.cell))
    assert offered == {ward, staff, deputy}
    liaison = page[page.index('name="liaison"'):]
    liaison = liaison[:liaison.index("</select>")]
    assert all(f'value="{member.pk}">{member.full_name}</option>' in liaison for member in offered)
    assert "Hồ Văn Xa" not in liaison
    assert cast.members["member"].full_name not in liaison  # the cell's own members are not the level above


def test_the_minutes_offer_the_shortcomings_recorded_at_the_meeting_and_add_those_ticked(cast):
    secretary = cast.users["secretary"]
    with time_machine.travel(timezone.now() - datetime.timedelta(days=1)):
        earlier = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"],
                                                 source=Source.MEETING, text="Ghi trước buổi họp", by=secretary)
    meeting = services.schedule_meeting(cast.cell, title="Sinh hoạt", by=secretary,
                                        starts_at=timezone.now() - datetime.timedelta(hours=2),
                                        ends_at=timezone.now() - datetime.timedelta(minutes=10))
    found = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], source=Source.MEETING,
                                           text="Chưa   đóng đảng phí đúng hạn", by=secretary)
    collective = corrections.record_shortcoming(unit=cast.cell, source=Source.MEETING,
                                                text="Sinh hoạt chưa đúng giờ", by=secretary)
    corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], source=Source.SECRETARY,
                                   text="Ghi từ nguồn khác", by=secretary)
    url = reverse("meetings:minutes.edit", args=[meeting.pk])

    form = cast.client("secretary").get(url).content.decode()
    cast.client("secretary").post(url, {"conclusions": "Chi bộ thống nhất nội dung.", "version": "1",
                                         "findings": [str(found.pk), str(collective.pk)]})
    again = cast.client("secretary").post(url, {"conclusions": meeting_conclusions(meeting), "version": "2",
                                                "findings": [str(found.pk)]})

    assert "- Trần Thị Bình: Chưa đóng đảng phí đúng hạn" in form
    assert "- Sinh hoạt chưa đúng giờ" in form
    assert earlier.text not in form and "Ghi từ nguồn khác" not in form
    assert meeting_conclusions(meeting) == ("Chi bộ thống nhất nội dung.\n- Trần Thị Bình: Chưa đóng đảng phí đúng "
                                            "hạn\n- Sinh hoạt chưa đúng giờ")
    assert again.status_code == 302  # ticked again: already there, not added twice


def meeting_conclusions(meeting) -> str:
    return queries.minutes_of(meeting).conclusions


def test_the_minutes_form_shows_no_findings_field_when_none_were_recorded(cast):
    meeting = services.schedule_meeting(cast.cell, title="Sinh hoạt", by=cast.users["secretary"],
                                        starts_at=timezone.now() + datetime.timedelta(days=1),
                                        ends_at=timezone.now() + datetime.timedelta(days=1, hours=2))

    form = cast.client("secretary").get(reverse("meetings:minutes.edit", args=[meeting.pk])).content.decode()

    assert 'name="findings"' not in form
