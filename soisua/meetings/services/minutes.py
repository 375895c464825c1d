"""Speakers and the minutes: saved with a version check, approved and locked."""


from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import Conflict, check_version
from soisua.documents import numbering
from soisua.notifications.services import notify
from soisua.org.models import Member

from ..enums import AttendanceStatus, ContributionKind, MinutesStatus, MotionStatus
from ..models import AgendaItem, Attendance, Contribution, Meeting, Minutes
from ..queries import ATTENDED
from .common import MeetingError, clean, meeting_people, record_locked_change

MINUTES_FIELDS = ("conclusions", "resolution", "votes_for", "votes_against", "votes_abstain")




@transaction.atomic
def add_contribution(meeting: Meeting, *, member: Member, kind: str = ContributionKind.OPINION,
                     agenda_item: AgendaItem | None = None, note: str = "", change_reason: str = "",
                     by) -> Contribution:
    """Log who spoke. Refused: a speaker not on the roll, or on it but not marked present or late (checked in or
    marked by the secretary: nobody speaks at a meeting they did not attend); an item of another meeting, an
    unknown kind. The upper-level liaison, who is on no roll, may speak."""
    if kind not in ContributionKind.values:
        raise MeetingError(_("Unknown kind of contribution."), code="kind")
    if member.pk != meeting.liaison_id:
        status = Attendance.objects.filter(meeting=meeting, member=member).values_list("status", flat=True).first()
        if status is None:
            raise MeetingError(_("%(name)s is not on the roll of this meeting.") % {"name": member.full_name},
                               code="member")
        if status not in ATTENDED:
            raise MeetingError(_("%(name)s is not marked present or late at this meeting: only those who attended "
                                 "are recorded as speakers.") % {"name": member.full_name}, code="absent")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MeetingError(_("That agenda item belongs to another meeting."), code="item")
    contribution = Contribution(meeting=meeting, member=member, kind=kind, agenda_item=agenda_item,
                                note=clean(note, _("note"), 1000), created_by=person(by))
    record_locked_change(meeting, "speakers", change_reason, {},
                         {"member": member.pk, "kind": kind, "note": contribution.note}, by=by)
    contribution.save()
    audit.record(by, "meetings.contribution.add", contribution, {"member": member.pk, "kind": kind})
    return contribution


@transaction.atomic
def remove_contribution(contribution: Contribution, *, change_reason: str = "", by) -> None:
    record_locked_change(contribution.meeting, "speakers", change_reason,
                         {"member": contribution.member_id, "kind": contribution.kind, "note": contribution.note},
                         {}, by=by)
    audit.record(by, "meetings.contribution.remove", contribution, {"member": contribution.member_id})
    contribution.delete()


class StaleMinutes(Conflict, MeetingError):
    """The minutes changed since this form was opened."""

    default_code = "stale"


@transaction.atomic
def save_minutes(meeting: Meeting, *, version: int | None = None, reason: str = "", by, **values) -> Minutes:
    """Write the minutes' conclusions, resolution and vote. `version` guards against overwriting a change made
    since the form was opened (StaleMinutes). Approved minutes change only with a reason, kept in the history.
    Refused: more votes than people on the roll."""
    minutes, _created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
    check_version(minutes.version, version, error=StaleMinutes,
                  message=_("Someone else changed these minutes since you opened them; your text is kept below — "
                            "reload to see their version, then apply your change again."))
    total = meeting.attendance.count()
    votes = sum(values.get(name) or 0 for name in ("votes_for", "votes_against", "votes_abstain"))
    if votes > total:
        raise MeetingError(_("%(votes)s votes were counted, but the roll has only %(total)s members.")
                           % {"votes": votes, "total": total}, code="votes")
    before = audit.snapshot(minutes, MINUTES_FIELDS)
    for name in MINUTES_FIELDS:
        if name in values:
            value = values[name]
            setattr(minutes, name, clean(value, _("minutes")) if isinstance(value, str) else value)
    after = audit.snapshot(minutes, MINUTES_FIELDS)
    if before == after:
        return minutes
    changed = audit.diff(before, after)
    record_locked_change(meeting, "minutes", reason, {name: old for name, (old, _new) in changed.items()},
                         {name: new for name, (_old, new) in changed.items()}, by=by)
    minutes.version += 1
    minutes.save()
    audit.record(by, "meetings.minutes.save", minutes, changed)
    return minutes


def approval_problems(meeting: Meeting) -> list[str]:
    problems = []
    unmarked = meeting.attendance.filter(status=AttendanceStatus.UNMARKED).count()
    if unmarked:
        problems.append(_("%(count)s people on the roll are not marked yet.") % {"count": unmarked})
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not minutes.conclusions.strip():
        problems.append(_("Write the conclusions."))
    if timezone.now() < meeting.starts_at:
        problems.append(_("The meeting has not started yet."))
    if meeting.motions.filter(status=MotionStatus.OPEN).exists():
        problems.append(_("A vote is still open: close it first."))
    return problems


@transaction.atomic
def approve_minutes(meeting: Meeting, *, by) -> Minutes:
    """Approve (and so lock) the minutes. Refused while people on the roll are unmarked, without conclusions,
    or before the meeting. Side effects: the minutes' status; the minutes' number in the cell's register
    (docs/documents.md, "Numbers"); audit entry."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problems = approval_problems(meeting)
    if problems:
        raise MeetingError(problems, code="incomplete")
    minutes = Minutes.objects.select_for_update().get(meeting=meeting)
    if minutes.locked:
        return minutes
    minutes.status, minutes.approved_at, minutes.approved_by = MinutesStatus.APPROVED, timezone.now(), person(by)
    minutes.version += 1
    minutes.save()
    approved_on = timezone.localdate(minutes.approved_at)
    numbering.assign(meeting, unit=meeting.unit, kind=numbering.MINUTES, on=approved_on, by=by,
                     title=f"Biên bản {meeting.title} ngày {approved_on:%d/%m/%Y}")
    audit.record(by, "meetings.minutes.approve", minutes, {})
    actor, url = person(by), reverse("meetings:detail", args=[meeting.pk])
    for user in meeting_people(meeting):
        if actor is None or user.pk != actor.pk:
            notify(user, kind="meetings.minutes", event_key=f"meeting-minutes:{meeting.pk}:{user.pk}", url=url,
                   template="meetings/notifications/minutes", context={"meeting": meeting,
                                                                       "unit": meeting.unit.name})
    return minutes
