"""The statistics page of a cell: small groups are not counted aloud beside the names of silent members."""

import datetime
import re

from django.urls import reverse

from soisua.meetings import services
from soisua.meetings.enums import ContributionKind
from tests.factories import make_member


def hold_three_meetings(cast, speakers):
    """Three past meetings of the cell (the last MEETING_SILENT_AFTER), in each of which `speakers` spoke."""
    for month in (8, 9, 10):
        starts = datetime.datetime(2026, month, 5, 12, 30, tzinfo=datetime.UTC)
        meeting = services.schedule_meeting(cast.cell, title=f"Sinh hoạt tháng {month}", starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=120),
                                            by=cast.users["secretary"])
        for member in speakers:
            services.mark_attendance(meeting.attendance.get(member=member), status="present",
                                     by=cast.users["secretary"])
            services.add_contribution(meeting, member=member, kind=ContributionKind.REPORT, by=cast.users["secretary"])


def statistics_page(cast, who="member") -> str:
    response = cast.client(who).get(reverse("meetings:statistics", args=[cast.cell.pk]) + "?year=2026")
    assert response.status_code == 200
    return response.content.decode()


def band_row(page: str, label: str) -> tuple[str, str] | None:
    match = re.search(rf'<th scope="row">{re.escape(label)}</th><td>([^<]*)</td><td>([^<]*)</td>', page)
    return (match[1], match[2]) if match else None


def test_bands_of_fewer_than_three_people_read_less_than_three(cast):
    young = make_member(cast.cell, "Nguyễn Văn Trẻ", date_of_birth=datetime.date(2000, 1, 1))
    forties = [make_member(cast.cell, name, date_of_birth=datetime.date(1980, 5, 1))
               for name in ("Đinh Văn Bốn", "Đinh Văn Năm", "Đinh Văn Sáu")]
    hold_three_meetings(cast, speakers=[cast.members["secretary"], cast.members["member"], forties[2]])

    page = statistics_page(cast)

    assert all(name in page for name in (young.full_name, forties[0].full_name, forties[1].full_name))
    assert band_row(page, "&lt; 30") == ("&lt; 3", "&lt; 3")  # one young member, and silent
    assert band_row(page, "40–49") == ("&lt; 3", "3")
    assert "Nhóm dưới 3 người được ghi là “&lt; 3” để không ai bị nhận ra." in page
    silent_tables = page[page.index('<th scope="row">&lt; 30</th>'):]
    assert not re.search(r"<td>[012]</td>", silent_tables)


def test_no_age_table_when_it_would_tell_the_age_of_the_members_named_as_silent(cast):
    young = make_member(cast.cell, "Nguyễn Văn Trẻ", date_of_birth=datetime.date(2000, 1, 1))
    forties = [make_member(cast.cell, name, date_of_birth=datetime.date(1980, 5, 1))
               for name in ("Đinh Văn Bốn", "Đinh Văn Năm", "Đinh Văn Sáu")]
    hold_three_meetings(cast, speakers=[cast.members["secretary"], cast.members["member"], *forties])

    for who in ("member", "secretary", "parent_staff"):
        page = statistics_page(cast, who)

        assert young.full_name in page
        assert band_row(page, "&lt; 30") is None, who
        assert band_row(page, "40–49") is None, who
        assert "bảng sẽ cho biết tuổi của họ" in page


def test_a_member_is_marked_once_absences_without_reason_reach_the_setting(cast, settings):
    settings.MEETING_UNEXCUSED_ALERT = 2
    hold_three_meetings(cast, speakers=[])
    meetings = list(cast.cell.meetings.order_by("starts_at"))
    for meeting in meetings[:2]:
        line = meeting.attendance.get(member=cast.members["member"])
        services.mark_attendance(line, status="unexcused", by=cast.users["secretary"])

    page = statistics_page(cast, "secretary")

    row = re.search(r'<th scope="row">Trần Thị Bình</th>(.*?)</tr>', page)[1]
    assert '<td class="status-bad">2</td>' in row
