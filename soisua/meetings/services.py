"""Writes to meetings: scheduling with its roll, check-in by rotating code, attendance marked by the secretary."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.errors import DomainError
from soisua.org.enums import MemberStatus
from soisua.org.models import Member, Unit

from .enums import AttendanceStatus, MeetingKind
from .models import AgendaItem, Attendance, Meeting

# A check-in code lives this long; the code of the previous period is still accepted (a phone that scanned it
# a moment before it rotated).
CHECK_IN_PERIOD_SECONDS = 30
# The roll (domain.md §3): official, probationary and exempt members; suspended members are not on it.
ROLL_STATUSES = (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT)
# Check-in opens this long before the start, so members arriving early are marked present.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)


class MeetingError(DomainError):
    """A refused change to a meeting; the message is already translated."""


@transaction.atomic
def schedule_meeting(unit: Unit, *, kind: str = MeetingKind.REGULAR, title: str, starts_at: datetime.datetime,
                     ends_at: datetime.datetime, place: str = "", chair: Member | None = None,
                     minute_taker: Member | None = None, agenda: list[str] = (), by=None) -> Meeting:
    """Schedule a meeting of a cell with its agenda and its roll (official, probationary and exempt members).

    Refused: an end before the start, a meeting overlapping another of the same cell, an agenda longer than
    MEETING_MAX_AGENDA_ITEMS. Side effects: inserts the meeting, agenda items and roll lines; audit entry.
    """
    if not unit.kind.holds_members:
        raise MeetingError(_("Meetings are held by cells."), code="unit")
    if ends_at <= starts_at:
        raise MeetingError(_("The meeting must end after it starts."), code="times")
    agenda = [item.strip() for item in agenda if item.strip()]
    if len(agenda) > settings.MEETING_MAX_AGENDA_ITEMS:
        raise MeetingError(_("An agenda has at most %(limit)s items; this one has %(count)s.")
                           % {"limit": settings.MEETING_MAX_AGENDA_ITEMS, "count": len(agenda)}, code="agenda")
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one scheduler per cell at a time
    clash = Meeting.objects.filter(unit=unit, starts_at__lt=ends_at, ends_at__gt=starts_at).first()
    if clash is not None:
        raise MeetingError(_("%(unit)s already has “%(other)s” at that time.")
                           % {"unit": unit.name, "other": clash.title}, code="overlap")
    for person in (chair, minute_taker):
        if person is not None and person.cell_id != unit.pk:
            raise MeetingError(_("%(name)s is not a member of %(unit)s.") % {"name": person.full_name,
                                                                            "unit": unit.name}, code="member")
    meeting = Meeting.objects.create(unit=unit, province_id=unit.province_id, kind=kind, title=title.strip(),
                                     starts_at=starts_at, ends_at=ends_at, place=place.strip(), chair=chair,
                                     minute_taker=minute_taker, created_by=by)
    AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, title=text[:500], order=number)
                                    for number, text in enumerate(agenda)])
    members = Member.objects.filter(cell=unit, status__in=ROLL_STATUSES)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member, province_id=unit.province_id)
                                    for member in members])
    audit.record(by, "meetings.meeting.schedule", meeting, {"kind": kind, "starts_at": starts_at,
                                                            "agenda": len(agenda)})
    return meeting


def check_in_code(meeting: Meeting, at: datetime.datetime | None = None) -> str:
    """The code the secretary's screen shows now; it changes every CHECK_IN_PERIOD_SECONDS."""
    period = int((at or timezone.now()).timestamp() // CHECK_IN_PERIOD_SECONDS)
    return _code(meeting, period)


def _code(meeting: Meeting, period: int) -> str:
    message = f"{meeting.pk}:{period}".encode()
    return hmac.new(meeting.check_in_secret.encode(), message, hashlib.sha256).hexdigest()[:16]


def _code_is_current(meeting: Meeting, code: str, now: datetime.datetime) -> bool:
    period = int(now.timestamp() // CHECK_IN_PERIOD_SECONDS)
    return any(hmac.compare_digest(_code(meeting, candidate), code) for candidate in (period, period - 1))


@transaction.atomic
def check_in(meeting: Meeting, *, code: str, by) -> Attendance:
    """A member checks in by the code on the secretary's screen: present, or late by the server clock.

    Refused: a code that is not this meeting's current one, outside the meeting's window, or by someone not on
    its roll. Side effects: the member's roll line; audit entry.
    """
    now = timezone.now()
    if not (meeting.starts_at - CHECK_IN_OPENS_BEFORE <= now <= meeting.ends_at):
        raise MeetingError(_("Check-in is open only from 30 minutes before the meeting until its end."),
                           code="window")
    if not _code_is_current(meeting, code or "", now):
        raise MeetingError(_("This check-in code is not valid (it has expired or belongs to another meeting): "
                             "scan the code on the screen again."), code="code")
    line = (Attendance.objects.select_for_update().filter(meeting=meeting, member__user=by)
            .select_related("member").first())
    if line is None:
        raise MeetingError(_("You are not on the roll of this meeting."), code="member")
    if line.status not in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        late = max(0, int((now - meeting.starts_at).total_seconds() // 60))
        line.status = AttendanceStatus.LATE if late > 0 else AttendanceStatus.PRESENT
        line.minutes_late, line.checked_in_at, line.marked_by = late, now, by
        line.save(update_fields=["status", "minutes_late", "checked_in_at", "marked_by"])
        audit.record(by, "meetings.attendance.check_in", line, {"status": line.status, "minutes_late": late})
    return line


@transaction.atomic
def mark_attendance(line: Attendance, *, status: str, minutes_late: int = 0, reason: str = "", by) -> Attendance:
    """The secretary marks or corrects a roll line. Side effects: the line; audit entry with old and new values."""
    if status not in AttendanceStatus.values:
        raise MeetingError(_("Unknown attendance status."), code="status")
    if status == AttendanceStatus.EXCUSED and not reason.strip():
        raise MeetingError(_("Give the reason for the excused absence."), code="reason")
    before = audit.snapshot(line, ("status", "minutes_late", "reason"))
    line.status, line.minutes_late = status, minutes_late if status == AttendanceStatus.LATE else 0
    line.reason, line.marked_by = reason.strip()[:500], by
    line.save(update_fields=["status", "minutes_late", "reason", "marked_by"])
    audit.record(by, "meetings.attendance.mark", line,
                 audit.diff(before, audit.snapshot(line, ("status", "minutes_late", "reason"))))
    return line
