"""What every meetings write shares: the refusal error, text cleaning, the counters of meetings and attendance
kept in the same transaction as the change, and the record of a change after minutes are locked."""


from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Concat, ExtractMonth, ExtractYear
from django.utils.translation import gettext as _

from soisua.core.actors import person
from soisua.core.errors import DomainError, clean_text
from soisua.counters import rollups
from soisua.org.models import Member

from ..enums import MinutesStatus
from ..models import Attendance, Meeting, Minutes, MinutesChange

MAX_TEXT = 20_000


class MeetingError(DomainError):
    """A refused change to a meeting; the message is already translated."""




def clean(value: str, label: str, limit: int = MAX_TEXT) -> str:
    return clean_text(value, label, limit, error=MeetingError)




@rollups.register_source("meetings.")
def _meeting_counts():
    yield (Meeting.objects.order_by()
           .values(r_unit=F("unit_id"), r_year=ExtractYear("starts_at"), r_month=ExtractMonth("starts_at"),
                   r_metric=Concat(Value("meetings."), "kind"))
           .annotate(r_value=Count("id")))


@rollups.register_source("attendance.")
def _attendance_counts():
    lines = Attendance.objects.order_by()
    when = {"r_unit": F("meeting__unit_id"), "r_year": ExtractYear("meeting__starts_at"),
            "r_month": ExtractMonth("meeting__starts_at")}
    yield lines.values(**when, r_metric=Concat(Value("attendance."), "status")).annotate(r_value=Count("id"))
    yield (lines.filter(minutes_late__gt=0).values(**when, r_metric=Value("attendance.minutes_late"))
           .annotate(r_value=Sum("minutes_late")))


def count_meeting(meeting: Meeting, sign: int, *, lines: list[Attendance] | None = None) -> None:
    """Add (sign=1) or remove (sign=-1) a meeting and its roll from the counters of its month."""
    lines = list(meeting.attendance.all()) if lines is None else lines
    changes = {f"meetings.{meeting.kind}": sign}
    for line in lines:
        changes[f"attendance.{line.status}"] = changes.get(f"attendance.{line.status}", 0) + sign
        changes["attendance.minutes_late"] = changes.get("attendance.minutes_late", 0) + sign * line.minutes_late
    rollups.bump(meeting.unit, rollups.period_of(meeting.starts_at), changes)


def count_line_change(line: Attendance, old_status: str, old_late: int) -> None:
    changes = {f"attendance.{old_status}": -1}
    changes[f"attendance.{line.status}"] = changes.get(f"attendance.{line.status}", 0) + 1
    changes["attendance.minutes_late"] = line.minutes_late - old_late
    rollups.bump(line.meeting.unit, rollups.period_of(line.meeting.starts_at), changes)


def record_locked_change(meeting: Meeting, what: str, reason: str, before: dict, after: dict, *, by) -> None:
    """Approved minutes are locked: a change to them, the roll or the speakers needs a reason and is kept."""
    if not Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED).exists():
        return
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_("The minutes of this meeting are approved: give the reason for the change."),
                           code="locked")
    MinutesChange.objects.create(meeting=meeting, what=what, reason=clean(reason, _("reason"), 2000),
                                 before=before, after=after, by=person(by))


def meeting_people(meeting: Meeting) -> list:
    members = Member.objects.filter(attendance__meeting=meeting, user__isnull=False).select_related("user")
    people = {member.user_id: member.user for member in members}
    if meeting.liaison_id and meeting.liaison.user_id:
        people[meeting.liaison.user_id] = meeting.liaison.user
    return list(people.values())
