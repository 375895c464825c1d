"""The roll: who is expected, check-in by rotating code, attendance marked by the secretary, absences followed up."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM, person
from soisua.counters import rollups
from soisua.org.models import Member

from ..enums import ROLL_STATUSES, AttendanceStatus
from ..models import Attendance, Meeting
from .common import MeetingError, clean, count_line_change, record_locked_change


def add_joiners_to_upcoming_rolls(sender, *, cells, **kwargs) -> None:
    """Receiver of org's cell_members_changed: the rolls of the cells' meetings still to come take in whoever
    joined (a member, a transfer in, a status that belongs on the roll). Nothing is written when a page is read."""
    for meeting in Meeting.objects.filter(unit__in=cells, starts_at__gt=timezone.now()).select_related("unit"):
        refresh_roll(meeting)


def refresh_roll(meeting: Meeting) -> int:
    """Before the meeting starts, add members who joined the cell since it was scheduled. Returns how many."""
    if timezone.now() >= meeting.starts_at:
        return 0
    with transaction.atomic():
        missing = (Member.objects.filter(cell=meeting.unit_id, status__in=ROLL_STATUSES)
                   .exclude(attendance__meeting=meeting))
        lines = Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member=member, province_id=meeting.province_id) for member in missing])
        if lines:
            rollups.bump(meeting.unit, rollups.period_of(meeting.starts_at), {"attendance.unmarked": len(lines)})
    return len(lines)




def check_in_code(meeting: Meeting, at: datetime.datetime | None = None) -> str:
    """The code the secretary's screen shows now; it changes every MEETING_CHECK_IN_PERIOD_SECONDS."""
    period = int((at or timezone.now()).timestamp() // settings.MEETING_CHECK_IN_PERIOD_SECONDS)
    return _code(meeting, period)


def _code(meeting: Meeting, period: int) -> str:
    message = f"{meeting.pk}:{period}".encode()
    return hmac.new(meeting.check_in_secret.encode(), message, hashlib.sha256).hexdigest()[:16]


def _code_is_current(meeting: Meeting, code: str, now: datetime.datetime) -> bool:
    period = int(now.timestamp() // settings.MEETING_CHECK_IN_PERIOD_SECONDS)
    return any(hmac.compare_digest(_code(meeting, candidate), code) for candidate in (period, period - 1))


def check_in_opens_minutes() -> int:
    """How many minutes before the start check-in opens, as pages and messages say it."""
    return settings.MEETING_CHECK_IN_OPENS_MINUTES


def check_in_is_open(meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return meeting.starts_at - datetime.timedelta(minutes=check_in_opens_minutes()) <= now <= meeting.ends_at


@transaction.atomic
def check_in(meeting: Meeting, *, code: str, by) -> Attendance:
    """A member checks in by the code on the secretary's screen: present, or late by the server clock.

    Refused: a code that is not this meeting's current one, outside the meeting's window, or by someone not on
    its roll (SYSTEM too: it checks nobody in). Side effects: the member's roll line; counters; audit entry.
    """
    now = timezone.now()
    if not check_in_is_open(meeting, now):
        raise MeetingError(_("Check-in is open only from %(minutes)s minutes before the meeting until its end.")
                           % {"minutes": check_in_opens_minutes()}, code="window")
    if not _code_is_current(meeting, code or "", now):
        raise MeetingError(_("This check-in code is not valid (it has expired or belongs to another meeting): "
                             "scan the code on the screen again."), code="code")
    # Checking in is a person's own act: the system is on no roll.
    line = None if by is SYSTEM else (Attendance.objects.select_for_update().filter(meeting=meeting, member__user=by)
                                      .select_related("member", "meeting__unit").first())
    if line is None:
        raise MeetingError(_("You are not on the roll of this meeting."), code="member")
    if line.status not in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        old_status, old_late = line.status, line.minutes_late
        late = max(0, int((now - meeting.starts_at).total_seconds() // 60))
        line.status = AttendanceStatus.LATE if late > 0 else AttendanceStatus.PRESENT
        line.minutes_late, line.checked_in_at, line.marked_by = late, now, person(by)
        line.save(update_fields=["status", "minutes_late", "checked_in_at", "marked_by"])
        count_line_change(line, old_status, old_late)
        audit.record(by, "meetings.attendance.check_in", line, {"status": line.status, "minutes_late": late})
    return line

ATTENDANCE_FIELDS = ("status", "minutes_late", "reason")


@transaction.atomic
def mark_attendance(line: Attendance, *, status: str, minutes_late: int = 0, reason: str = "",
                    change_reason: str = "", by) -> Attendance:
    """The secretary marks or corrects a roll line. After the minutes are approved a change reason is required.

    Side effects: the line; counters; audit entry with old and new values. Absences without reason are watched by
    the early-warning check "unexcused" (docs/alerts.md), which tells the cell's leadership.
    """
    line = Attendance.objects.select_for_update().select_related("meeting__unit", "member").get(pk=line.pk)
    if status not in AttendanceStatus.values:
        raise MeetingError(_("Unknown attendance status."), code="status")
    if status == AttendanceStatus.EXCUSED and not reason.strip():
        raise MeetingError(_("Give the reason for the excused absence."), code="reason")
    before = audit.snapshot(line, ATTENDANCE_FIELDS)
    old_status, old_late = line.status, line.minutes_late
    line.status, line.minutes_late = status, minutes_late if status == AttendanceStatus.LATE else 0
    line.reason = clean(reason, _("reason"), 500) if status == AttendanceStatus.EXCUSED else ""
    line.marked_by = person(by)
    after = audit.snapshot(line, ATTENDANCE_FIELDS)
    if before == after:
        return line
    record_locked_change(line.meeting, f"attendance:{line.member_id}", change_reason, before, after, by=by)
    line.save(update_fields=["status", "minutes_late", "reason", "marked_by"])
    count_line_change(line, old_status, old_late)
    audit.record(by, "meetings.attendance.mark", line, audit.diff(before, after))
    return line


@transaction.atomic
def mark_rest_absent(meeting: Meeting, *, by) -> int:
    """Close the roll: every line still unmarked becomes an absence without reason. Returns how many."""
    lines = (Attendance.objects.select_for_update().filter(meeting=meeting, status=AttendanceStatus.UNMARKED)
             .select_related("meeting__unit", "member"))
    count = 0
    for line in lines:
        mark_attendance(line, status=AttendanceStatus.UNEXCUSED, by=by)
        count += 1
    return count
