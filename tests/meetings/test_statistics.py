"""The statistics page of a cell: small groups are not counted aloud beside the names of silent members."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from soisua.meetings import services
from soisua.meetings.enums import ContributionKind
from tests.factories import make_member


@pytest.fixture(autouse=True)
def _in_november_2026(_fixed_clock):
    """The meetings these tests hold days before now belong to the year of the page they read: the tests travel to
    November 2026 whatever the suite's clock (on 1 January the days before are last year's)."""
    _fixed_clock.move_to(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))))


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
    """(silent, on the roll) of a band of the silent members' tables."""
    silent = page[page.index('id="silent"'):]
    match = re.search(rf'<th scope="row">{re.escape(label)}</th><td>([^<]*)</td><td>([^<]*)</td>', silent)
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
    silent_tables = page[page.index('id="silent"'):]
    silent_tables = silent_tables[silent_tables.index('<th scope="row">&lt; 30</th>'):]
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


def hold(cast, days_ago: list[float], speakers, present=None):
    """Meetings of the cell that began `days_ago` days before now, each two hours long; everyone in `present`
    (all the roll by default) marked present, and `speakers` speaking at each."""
    for days in days_ago:
        starts = timezone.now() - datetime.timedelta(days=days)
        meeting = services.schedule_meeting(cast.cell, title=f"Sinh hoạt {days}", starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=120),
                                            by=cast.users["secretary"])
        if starts > timezone.now():
            continue
        for line in meeting.attendance.all():
            if present is None or line.member in present:
                services.mark_attendance(line, status="present", by=cast.users["secretary"])
        for member in speakers:
            services.add_contribution(meeting, member=member, kind=ContributionKind.OPINION,
                                      by=cast.users["secretary"])


def page_of_this_year(cast, who="secretary") -> str:
    year = timezone.localdate().year
    response = cast.client(who).get(reverse("meetings:statistics", args=[cast.cell.pk]) + f"?year={year}")
    assert response.status_code == 200
    return response.content.decode()


def test_members_who_never_spoke_are_named_even_before_the_silent_window_is_full(cast, settings):
    settings.MEETING_SILENT_AFTER = 3
    hold(cast, [2, 1], speakers=[cast.members["secretary"]])

    page = page_of_this_year(cast)

    assert "Mọi đảng viên" not in page
    silent = page[page.index('id="silent"'):]
    assert "Không phát biểu trong 2 buổi gần nhất: Trần Thị Bình." in silent


def test_everyone_spoke_is_said_only_when_everyone_on_the_roll_spoke(cast):
    hold(cast, [3, 2, 1], speakers=[cast.members["secretary"], cast.members["member"]])

    page = page_of_this_year(cast)

    assert "Mọi đảng viên trong danh sách đều đã phát biểu ít nhất một lần trong 3 buổi sinh hoạt gần nhất." in page


def test_meetings_still_to_come_are_not_counted(cast):
    hold(cast, [3, 2, 1, -5 / 24 / 60], speakers=[cast.members["secretary"]])  # the last begins in five minutes

    page = page_of_this_year(cast)

    facts = re.search(r"<dt>Sinh hoạt chi bộ</dt><dd>(\d+)</dd>", page)
    assert facts[1] == "3"
    per_month = dict(re.findall(r'<th scope="row">(\d\d/\d{4})</th><td>(\d+)</td>', page))
    assert sum(int(total) for total in per_month.values()) == 3, per_month
    assert "Chỉ tính các buổi đã bắt đầu; các buổi sắp tới chưa được tính." in page


def test_age_bands_are_ordered_by_age_and_the_age_group_table_counts_the_year(cast):
    today = timezone.localdate()
    born = {age: today.replace(year=today.year - age, day=1) - datetime.timedelta(days=1) for age in (25, 45, 65)}
    young = [make_member(cast.cell, f"Nguyễn Văn Trẻ {n}", date_of_birth=born[25]) for n in "ABC"]
    make_member(cast.cell, "Lê Thị Trung", date_of_birth=born[45])
    make_member(cast.cell, "Phạm Văn Cao", date_of_birth=born[65])
    hold(cast, [3, 2, 1], speakers=[young[0]], present=[*young, cast.members["secretary"]])

    page = page_of_this_year(cast)

    ages = page[page.index('id="ages"'):page.index('id="silent"')]
    labels = re.findall(r'<th scope="row">([^<]*)</th>', ages)
    assert labels == ["&lt; 30", "40–49", "≥ 60", "không rõ"]
    assert '<th scope="row">&lt; 30</th><td>3</td><td>100 %</td>' in ages
    assert '<th scope="row">40–49</th><td>&lt; 3</td><td>—</td>' in ages  # one person: no rate that names them
    silent = page[page.index('id="silent"'):]
    silent_labels = [label for label in re.findall(r'<th scope="row">([^<]*)</th>', silent) if "–" in label
                     or "30" in label or "60" in label]
    assert silent_labels[:3] == ["&lt; 30", "40–49", "≥ 60"]


def test_the_member_table_scrolls_in_a_region_a_keyboard_reaches(cast):
    hold(cast, [1], speakers=[])

    page = page_of_this_year(cast)

    members = page[page.index("<h2>Đảng viên</h2>"):]
    assert members.split("<table>")[0].endswith('<div class="table-wrap" tabindex="0" role="region" '
                                                'aria-label="Tình hình dự họp của từng đảng viên">')
