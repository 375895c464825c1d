"""Meetings and attendance of a subtree over a period, as a "soisua-exchange" file, part "meetings", version 1
(docs/exchange.md, "Meetings and attendance"): the statistics of the cell meetings held, in a documented format.

A file is an Excel workbook, or a zip of CSV UTF-8 files, one sheet (or CSV file) per table, each with two header
rows (the Vietnamese header, then the column's stable machine key), as the organisation's exchange file is:

- "Thông tin" (thong-tin.csv): format, part, version, when and by which unit it was exported, the period;
- "Cuộc họp" (cuoc-hop.csv): one row per meeting held (begun) in the period;
- "Điểm danh" (diem-danh.csv): one row per line of those meetings' rolls.

Only meetings that have begun are listed (those still to come have no attendance yet). Who reads the unit reads its
meetings and their rolls (meetings policy); the party card and citizen ID numbers of the roll are personal data, filled
in only for those who may see it (`policy.may_see_member_numbers`), left empty otherwise. The roll names who stayed
away and why, so every download leaves an audit entry. The caller decides access first; the tables are written in
Vietnamese (documents.responses).
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soisua.core.text import file_name
from soisua.documents.background import ExportKind, register
from soisua.documents.exchange.format import FORMAT_NAME, Column, Table
from soisua.documents.exchange.writing import exchange_sheet
from soisua.documents.writers import Sheet
from soisua.org.models import Unit

from . import policy, queries
from .enums import AttendanceStatus, MinutesStatus
from .models import Attendance, Contribution, Meeting

PART = "meetings"
VERSION = 1

INFO = Table("info", "Thông tin", (
    Column("key", "Khóa", gettext_lazy("Key"), required=True),
    Column("item", "Mục", gettext_lazy("Item")),
    Column("value", "Giá trị", gettext_lazy("Value"), required=True),
))
MEETINGS = Table("meetings", "Cuộc họp", (
    Column("meeting_key", "Mã cuộc họp", gettext_lazy("Meeting key"), required=True),
    Column("unit_code", "Mã tổ chức đảng", gettext_lazy("Unit code"), required=True),
    Column("unit_name", "Tên tổ chức đảng", gettext_lazy("Unit name")),
    Column("date", "Ngày họp", gettext_lazy("Date"), kind="date", required=True),
    Column("kind", "Loại", gettext_lazy("Kind"), required=True),
    Column("starts_at", "Bắt đầu", gettext_lazy("Start")),
    Column("ends_at", "Kết thúc", gettext_lazy("End")),
    Column("duration_minutes", "Thời lượng (phút)", gettext_lazy("Duration (minutes)"), kind="number"),
    Column("topic", "Chủ đề / nội dung", gettext_lazy("Topic")),
    Column("expected_official", "Đảng viên chính thức", gettext_lazy("Official members on the roll"),
           kind="number"),
    Column("expected_probationary", "Đảng viên dự bị", gettext_lazy("Probationary members on the roll"),
           kind="number"),
    Column("expected_exempt", "Đảng viên miễn công tác và sinh hoạt",
           gettext_lazy("Members exempt from work and activity on the roll"), kind="number"),
    Column("present", "Có mặt", gettext_lazy("Present (late included)"), kind="number"),
    Column("late", "Đến muộn", gettext_lazy("Late"), kind="number"),
    Column("absent_excused", "Vắng có lý do", gettext_lazy("Absent with reason"), kind="number"),
    Column("absent_unexcused", "Vắng không lý do", gettext_lazy("Absent without reason"), kind="number"),
    Column("unmarked", "Chưa điểm danh", gettext_lazy("Not marked"), kind="number"),
    Column("attendance_rate", "Tỷ lệ dự họp (%)", gettext_lazy("Attendance rate (%)"), kind="number"),
    Column("speakers", "Số đảng viên phát biểu", gettext_lazy("Members who spoke"), kind="number"),
    Column("minutes_approved", "Biên bản đã thông qua", gettext_lazy("Minutes approved")),
))
ROLL = Table("roll", "Điểm danh", (
    Column("meeting_key", "Mã cuộc họp", gettext_lazy("Meeting key"), required=True),
    Column("card_number", "Số thẻ đảng viên", gettext_lazy("Party card number")),
    Column("citizen_id", "Số CCCD", gettext_lazy("Citizen ID number")),
    Column("full_name", "Họ và tên", gettext_lazy("Full name"), required=True),
    Column("member_status", "Trạng thái tại cuộc họp", gettext_lazy("Status at the meeting")),
    Column("attendance", "Điểm danh", gettext_lazy("Attendance"), required=True),
    Column("minutes_late", "Số phút đến muộn", gettext_lazy("Minutes late"), kind="number"),
    Column("reason", "Lý do vắng", gettext_lazy("Reason for absence")),
))
TABLES = (INFO, MEETINGS, ROLL)
INFO_ITEMS = (("format", "Định dạng"), ("part", "Phần"), ("version", "Phiên bản"),
              ("exported_at", "Thời điểm xuất"), ("unit_code", "Mã đơn vị xuất"), ("unit_name", "Tên đơn vị xuất"),
              ("period_from", "Từ ngày"), ("period_to", "Đến ngày"))
# The words of the file for coded values (the file's own language, fixed by the format's version).
KINDS = {"regular": "Thường kỳ", "thematic": "Chuyên đề", "combined": "Thường kỳ kết hợp chuyên đề",
         "review": "Kiểm điểm", "extraordinary": "Bất thường"}
ATTENDANCE = {AttendanceStatus.UNMARKED: "Chưa điểm danh", AttendanceStatus.PRESENT: "Có mặt",
              AttendanceStatus.LATE: "Đến muộn", AttendanceStatus.EXCUSED: "Vắng có lý do",
              AttendanceStatus.UNEXCUSED: "Vắng không lý do"}
MEMBER_STATUSES = {"official": "Chính thức", "probationary": "Dự bị", "exempt": "Miễn công tác và sinh hoạt",
                   "suspended": "Đình chỉ sinh hoạt", "left": "Ra khỏi danh sách"}
YES, NO = "Có", "Không"
WIDTHS = {"unit_name": 30, "topic": 36, "full_name": 26, "reason": 30, "value": 30, "item": 20, "meeting_key": 18}


# --- The period ----------------------------------------------------------------------------------------------

# An export job stores one number for what it exports: the unit, the year and the month (0 for the whole year).
_UNIT_FACTOR = 1_000_000


@dataclass(frozen=True)
class Period:
    """A unit's subtree over a year, or one month of it."""

    unit: Unit
    year: int
    month: int = 0  # 0: the whole year

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month or 1, 1)

    @property
    def last(self) -> datetime.date:
        if self.month in (0, 12):
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, self.month + 1, 1) - datetime.timedelta(days=1)

    @property
    def key(self) -> int:
        return self.unit.pk * _UNIT_FACTOR + self.year * 100 + self.month

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}" if self.month else str(self.year)


def split_key(key: int) -> tuple[int, int, int]:
    """(unit pk, year, month) of a Period.key."""
    unit_pk, rest = divmod(key, _UNIT_FACTOR)
    return unit_pk, rest // 100, rest % 100


def load(user, key: int) -> Period:
    """The period an export job names, after the meetings policy (404 for a unit the user may not read)."""
    unit_pk, year, month = split_key(key)
    return Period(policy.get_unit_for_attendance_export(user, unit_pk), year, month)


# --- Rows ----------------------------------------------------------------------------------------------------


def _held(user, period: Period) -> QuerySet[Meeting]:
    return queries.meetings_visible_to(user, within=period.unit, first=period.first, last=period.last).filter(
        starts_at__lte=timezone.now())


def _count(**conditions) -> Count:
    return Count("attendance", filter=Q(**{f"attendance__{name}": value for name, value in conditions.items()}))


def meetings_of(user, period: Period) -> QuerySet[Meeting]:
    """The meetings held in the period, cell by cell (tree order), in the order they were held, each with its
    roll's figures: one query."""
    speakers = (Contribution.objects.filter(meeting_id=OuterRef("pk")).order_by().values("meeting_id")
                .annotate(count=Count("member_id", distinct=True)).values("count"))
    return (_held(user, period).select_related("unit", "topic", "minutes")
            .annotate(official=_count(member_status="official"), probationary=_count(member_status="probationary"),
                      exempt=_count(member_status="exempt"), present=_count(status=AttendanceStatus.PRESENT),
                      late=_count(status=AttendanceStatus.LATE), excused=_count(status=AttendanceStatus.EXCUSED),
                      unexcused=_count(status=AttendanceStatus.UNEXCUSED),
                      unmarked=_count(status=AttendanceStatus.UNMARKED),
                      speakers=Coalesce(Subquery(speakers, output_field=IntegerField()), Value(0)))
            .order_by("unit__path", "starts_at", "pk"))


def roll_of(user, period: Period) -> QuerySet[Attendance]:
    meetings = _held(user, period).order_by().values("pk")
    return (Attendance.objects.filter(meeting__in=meetings).select_related("member", "meeting__unit")
            .order_by("meeting__unit__path", "meeting__starts_at", "meeting_id", "member__sort_key", "pk"))


def size(user, period: Period) -> int:
    """Rows of the file: past EXPORT_INLINE_MAX_ROWS it is written in the background."""
    return _held(user, period).count() + roll_of(user, period).count()


def meeting_key(meeting: Meeting) -> str:
    """A meeting's key in the file: its cell's code and its number in the installation."""
    return f"{meeting.unit.code}-{meeting.pk}"


def _clock(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _minutes_approved(meeting: Meeting) -> bool:
    minutes = getattr(meeting, "minutes", None)
    return minutes is not None and minutes.status == MinutesStatus.APPROVED


def _meeting_rows(user, period: Period) -> Iterator[list[Any]]:
    for meeting in meetings_of(user, period).iterator(chunk_size=2000):
        attended = meeting.present + meeting.late
        marked = attended + meeting.excused + meeting.unexcused
        yield [meeting_key(meeting), meeting.unit.code, meeting.unit.name, timezone.localtime(meeting.starts_at).date(),
               KINDS.get(meeting.kind, meeting.kind), _clock(meeting.starts_at), _clock(meeting.ends_at),
               meeting.minutes_long, meeting.topic.title if meeting.topic else meeting.title, meeting.official,
               meeting.probationary, meeting.exempt, attended, meeting.late, meeting.excused, meeting.unexcused,
               meeting.unmarked, queries.rate(attended, marked), meeting.speakers,
               YES if _minutes_approved(meeting) else NO]


def _roll_rows(user, period: Period, *, numbers: bool) -> Iterator[list[Any]]:
    for line in roll_of(user, period).iterator(chunk_size=2000):
        member = line.member
        yield [meeting_key(line.meeting), member.card_number if numbers else "",
               member.citizen_id if numbers else "", member.full_name,
               MEMBER_STATUSES.get(line.member_status, line.member_status), ATTENDANCE.get(line.status, line.status),
               line.minutes_late if line.status == AttendanceStatus.LATE else None,
               line.reason if line.status in (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED) else ""]


def _info_rows(period: Period) -> Iterator[list[Any]]:
    values = {"format": FORMAT_NAME, "part": PART, "version": str(VERSION), "exported_at": timezone.localtime(),
              "unit_code": period.unit.code, "unit_name": period.unit.name, "period_from": period.first,
              "period_to": period.last}
    for key, item in INFO_ITEMS:
        yield [key, item, values[key]]


def sheets(user, period: Period) -> list[Sheet]:
    numbers = policy.may_see_member_numbers(user, period.unit)
    return [exchange_sheet(INFO, _info_rows(period), widths=WIDTHS, width=14),
            exchange_sheet(MEETINGS, _meeting_rows(user, period), widths=WIDTHS, width=14),
            exchange_sheet(ROLL, _roll_rows(user, period, numbers=numbers), widths=WIDTHS, width=14)]


def title(period: Period) -> str:
    return _("Meetings and attendance of %(unit)s, %(period)s") % {"unit": period.unit.name,
                                                                    "period": period.label}


def export_file_name(period: Period) -> str:
    return file_name("Sinh hoat va diem danh", period.unit.name, period.label)


ACTION = "meetings.attendance.export"
ATTENDANCE_EXPORT = register(ExportKind(
    "meetings.attendance", load=load, build=sheets, title=title, file_name=export_file_name, action=ACTION,
    # A file written with the card and citizen ID numbers is served only to a requester who may still see them (its
    # queueing is audited in any case, and its download then too).
    personal=lambda user, period: policy.may_see_member_numbers(user, period.unit),
    object_of=lambda period: period.unit))
