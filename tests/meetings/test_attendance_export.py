"""The meetings and attendance of a subtree as an exchange file: read back, it holds the figures of a meeting built
here (roll by status, present, late, absences, rate, speakers, minutes approved) and one line per member; the numbers
on the card and the citizen ID only for those who may see personal data; strangers get 404."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.documents.models import ExportJob
from soisua.meetings import services
from soisua.meetings.enums import ContributionKind, MeetingKind
from soisua.org import services as org
from soisua.org.enums import MemberStatus
from tests.factories import make_member

VN = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _in_november_2026(_fixed_clock):
    """The meeting held here in October belongs to the year read: the clock travels to November 2026."""
    _fixed_clock.move_to(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=VN))


@pytest.fixture
def held(cast):
    """A thematic session of Chi bộ Thôn 1 on 05/10/2026, 19:30–21:30: five on the roll (one probationary, one
    exempt), two present (one 10 minutes late), one absent with reason, one without, one present who is exempt;
    two speakers; minutes approved. A meeting of Chi bộ Thôn 2 in September, and one still to come."""
    secretary = cast.users["secretary"]
    late = make_member(cast.cell, "Ngô Văn Muộn", status=MemberStatus.PROBATIONARY)
    away = make_member(cast.cell, "Vũ Thị Vắng")
    exempt = make_member(cast.cell, "Đặng Văn Miễn", status=MemberStatus.EXEMPT)
    starts = datetime.datetime(2026, 10, 5, 19, 30, tzinfo=VN)
    meeting = services.schedule_meeting(cast.cell, kind=MeetingKind.THEMATIC, title="Chuyên đề quý IV",
                                        starts_at=starts, ends_at=starts + datetime.timedelta(minutes=120),
                                        by=secretary)
    lines = {line.member_id: line for line in meeting.attendance.all()}
    members = cast.members
    services.mark_attendance(lines[members["secretary"].pk], status="present", by=secretary)
    services.mark_attendance(lines[late.pk], status="late", minutes_late=10, by=secretary)
    services.mark_attendance(lines[members["member"].pk], status="excused", reason="Đi công tác", by=secretary)
    services.mark_attendance(lines[away.pk], status="unexcused", by=secretary)
    services.mark_attendance(lines[exempt.pk], status="present", by=secretary)
    for member in (members["secretary"], late):
        services.add_contribution(meeting, member=member, kind=ContributionKind.OPINION, by=secretary)
    services.add_contribution(meeting, member=late, kind=ContributionKind.CRITICISM, by=secretary)
    services.save_minutes(meeting, conclusions="Thống nhất.", by=secretary)
    services.approve_minutes(meeting, by=secretary)
    other = datetime.datetime(2026, 9, 3, 19, 30, tzinfo=VN)
    services.schedule_meeting(cast.sibling_cell, title="Sinh hoạt tháng 9", starts_at=other,
                              ends_at=other + datetime.timedelta(minutes=90), by=SYSTEM)
    coming = datetime.datetime(2026, 12, 3, 19, 30, tzinfo=VN)
    services.schedule_meeting(cast.cell, title="Sinh hoạt tháng 12", starts_at=coming,
                              ends_at=coming + datetime.timedelta(minutes=90), by=secretary)
    return meeting


def workbook_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def records(sheet) -> list[dict]:
    """The rows under the two header rows, by machine key (the second header row)."""
    rows = list(sheet.iter_rows(values_only=True))
    keys = rows[1]
    return [dict(zip(keys, row, strict=True)) for row in rows[2:]]


def export(cast, who="parent_staff", unit="commune", fmt="xlsx", query="?year=2026"):
    return cast.client(who).get(reverse("meetings:attendance_export", args=[getattr(cast, unit).pk, fmt]) + query)


def test_the_workbook_holds_the_figures_of_each_meeting_and_a_line_per_member(cast, held):
    workbook = workbook_of(export(cast))

    assert workbook.sheetnames == ["Thông tin", "Cuộc họp", "Điểm danh"]
    info = {row["key"]: row["value"] for row in records(workbook["Thông tin"])}
    assert (info["format"], info["part"], info["version"], info["unit_code"]) == (
        "soisua-exchange", "meetings", "1", "TN-HA")
    meetings = records(workbook["Cuộc họp"])
    assert [row["unit_code"] for row in meetings] == ["TN-HA-1", "TN-HA-2"]  # tree order; none still to come
    row = meetings[0]
    assert row == {
        "meeting_key": f"TN-HA-1-{held.pk}", "unit_code": "TN-HA-1", "unit_name": "Chi bộ Thôn 1",
        "date": datetime.datetime(2026, 10, 5), "kind": "Chuyên đề", "starts_at": "19:30", "ends_at": "21:30",
        "duration_minutes": 120, "topic": "Chuyên đề quý IV", "expected_official": 3, "expected_probationary": 1,
        "expected_exempt": 1, "present": 3, "late": 1, "absent_excused": 1, "absent_unexcused": 1, "unmarked": 0,
        "attendance_rate": 60, "speakers": 2, "minutes_approved": "Có"}
    roll = {line["full_name"]: line for line in records(workbook["Điểm danh"])
            if line["meeting_key"] == row["meeting_key"]}
    assert {name: (line["member_status"], line["attendance"], line["minutes_late"], line["reason"])
            for name, line in roll.items()} == {
        "Lê Văn Cường": ("Chính thức", "Có mặt", None, None),
        "Ngô Văn Muộn": ("Dự bị", "Đến muộn", 10, None),
        "Trần Thị Bình": ("Chính thức", "Vắng có lý do", None, "Đi công tác"),
        "Vũ Thị Vắng": ("Chính thức", "Vắng không lý do", None, None),
        "Đặng Văn Miễn": ("Miễn công tác và sinh hoạt", "Có mặt", None, None)}
    assert roll["Trần Thị Bình"]["citizen_id"] == "001190000001"
    assert roll["Lê Văn Cường"]["card_number"] == cast.members["secretary"].card_number
    assert AuditEntry.objects.filter(action="meetings.attendance.export").exists()


def test_the_csv_files_read_back_the_same_figures(cast, held):
    response = export(cast, fmt="zip", query="?year=2026&month=10")
    assert response.status_code == 200

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["cuoc-hop.csv", "diem-danh.csv", "thong-tin.csv"]
    rows = list(csv.reader(io.StringIO(archive.read("cuoc-hop.csv").decode("utf-8-sig"))))
    meetings = [dict(zip(rows[1], row, strict=True)) for row in rows[2:]]
    assert [(row["unit_code"], row["date"], row["present"], row["attendance_rate"], row["speakers"])
            for row in meetings] == [("TN-HA-1", "05/10/2026", "3", "60", "2")]  # September is outside the month
    lines = list(csv.reader(io.StringIO(archive.read("diem-danh.csv").decode("utf-8-sig"))))
    assert len(lines) == 2 + 5


def test_a_reader_without_personal_data_gets_names_without_numbers(cast, held):
    roll = records(workbook_of(export(cast, who="member", unit="cell"))["Điểm danh"])

    assert {line["full_name"] for line in roll} >= {"Trần Thị Bình", "Vũ Thị Vắng"}
    assert all(line["card_number"] is None and line["citizen_id"] is None for line in roll)


@pytest.mark.parametrize(("who", "unit", "status"), [
    ("unrelated_staff", "commune", 404), ("sibling", "cell", 404), ("anonymous", "cell", 302),
])
def test_strangers_get_nothing(cast, held, who, unit, status):
    assert export(cast, who=who, unit=unit).status_code == status


def test_another_format_or_a_bad_period_is_not_found(cast, held):
    assert export(cast, fmt="pdf").status_code == 404
    assert export(cast, query="?year=20x6").status_code == 404
    assert export(cast, query="?year=2026&month=13").status_code == 404


def test_a_large_file_is_written_in_the_background(cast, held, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 3

    response = export(cast)

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("documents:exports.detail", args=[job.pk])
    assert (job.kind, job.total_rows) == ("meetings.attendance", 2 + 5 + 1)  # two meetings, their roll lines
    job.refresh_from_db()
    with job.file.open("rb") as stored:
        meetings = records(openpyxl.load_workbook(stored)["Cuộc họp"])
    assert [(row["unit_code"], row["present"]) for row in meetings] == [("TN-HA-1", 3), ("TN-HA-2", 0)]


def test_the_statistics_page_links_to_the_export_of_its_year(cast, held):
    page = cast.client("secretary").get(reverse("meetings:statistics", args=[cast.cell.pk]) + "?year=2026")

    assert reverse("meetings:attendance_export", args=[cast.cell.pk, "xlsx"]) + "?year=2026" in page.content.decode()


def test_a_member_who_left_since_keeps_the_status_of_the_meeting_day(cast, held):
    org.change_member_status(cast.members["member"], status=MemberStatus.LEFT, reason="Chuyển đi", by=SYSTEM)

    roll = records(workbook_of(export(cast))["Điểm danh"])

    assert next(line for line in roll if line["full_name"] == "Trần Thị Bình")["member_status"] == "Chính thức"
