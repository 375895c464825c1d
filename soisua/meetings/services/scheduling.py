"""Scheduling, changing and cancelling a meeting, and the documents sent with it."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.uploads import check_document_upload
from soisua.counters import rollups
from soisua.notifications.services import notify
from soisua.org.models import Member, Unit

from ..enums import ROLL_STATUSES, AttendanceStatus, MeetingKind
from ..models import AgendaItem, Attendance, Meeting, MeetingDocument, Minutes, Topic
from .common import MeetingError, clean, count_meeting, meeting_people, record_locked_change


def _check_meeting(unit: Unit, *, starts_at, ends_at, agenda: list[str], people, exclude: int | None = None):
    if ends_at <= starts_at:
        raise MeetingError(_("The meeting must end after it starts."), code="times")
    if len(agenda) > settings.MEETING_MAX_AGENDA_ITEMS:
        raise MeetingError(_("An agenda has at most %(limit)s items; this one has %(count)s.")
                           % {"limit": settings.MEETING_MAX_AGENDA_ITEMS, "count": len(agenda)}, code="agenda")
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one scheduler per cell at a time
    clash = Meeting.objects.filter(unit=unit, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(pk=exclude)
    clash = clash.first()
    if clash is not None:
        raise MeetingError(_("%(unit)s already has “%(other)s” at that time.")
                           % {"unit": unit.name, "other": clash.title}, code="overlap")
    for member in people:
        if member is not None and member.cell_id != unit.pk:
            raise MeetingError(_("%(name)s is not a member of %(unit)s.") % {"name": member.full_name,
                                                                            "unit": unit.name}, code="member")


def _agenda_lines(agenda) -> list[str]:
    return [item.strip()[:500] for item in agenda if item.strip()]


@transaction.atomic
def schedule_meeting(unit: Unit, *, kind: str = MeetingKind.REGULAR, title: str, starts_at: datetime.datetime,
                     ends_at: datetime.datetime, place: str = "", chair: Member | None = None,
                     minute_taker: Member | None = None, liaison: Member | None = None, topic: Topic | None = None,
                     introductory_paper: str = "", agenda: list[str] = (), by) -> Meeting:
    """Schedule a meeting of a cell with its agenda and its roll (official, probationary and exempt members).

    Refused: an end before the start, a meeting overlapping another of the same cell, an agenda longer than
    MEETING_MAX_AGENDA_ITEMS, a chair or minute-taker from outside the cell. Side effects: inserts the meeting,
    agenda items and roll lines; the cell's counters; audit entry.
    """
    if not unit.kind.holds_members:
        raise MeetingError(_("Meetings are held by cells."), code="unit")
    agenda = _agenda_lines(agenda)
    _check_meeting(unit, starts_at=starts_at, ends_at=ends_at, agenda=agenda, people=(chair, minute_taker))
    meeting = Meeting.objects.create(
        unit=unit, province_id=unit.province_id, kind=kind, title=clean(title, _("title"), 255),
        starts_at=starts_at, ends_at=ends_at, place=clean(place, _("place"), 255), chair=chair,
        minute_taker=minute_taker, liaison=liaison, topic=topic,
        introductory_paper=clean(introductory_paper, _("introductory paper")), created_by=person(by))
    AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, title=text, order=number)
                                    for number, text in enumerate(agenda)])
    members = Member.objects.filter(cell=unit, status__in=ROLL_STATUSES)
    lines = Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member, province_id=unit.province_id,
                                                       member_status=member.status) for member in members])
    count_meeting(meeting, 1, lines=lines)
    audit.record(by, "meetings.meeting.schedule", meeting, {"kind": kind, "starts_at": starts_at,
                                                            "agenda": len(agenda)})
    announce(meeting, event=f"meeting-scheduled:{meeting.pk}", template="meetings/notifications/scheduled", by=by)
    return meeting


def announce(meeting: Meeting, *, event: str, template: str, by, url: str = "") -> None:
    """Tell the people on the roll (and the liaison) about a meeting coming within MEETING_ANNOUNCE_DAYS (a year's
    regular meetings generated at once are announced by their reminders instead), never the one who acted."""
    now = timezone.now()
    if not now < meeting.starts_at <= now + datetime.timedelta(days=settings.MEETING_ANNOUNCE_DAYS):
        return
    actor = person(by)
    url = url or reverse("meetings:detail", args=[meeting.pk])
    for user in meeting_people(meeting):
        if actor is None or user.pk != actor.pk:
            notify(user, kind="meetings.scheduled", event_key=f"{event}:{user.pk}", template=template, url=url,
                   context={"meeting": meeting, "unit": meeting.unit.name})

MEETING_FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "chair", "minute_taker", "liaison", "topic",
                  "introductory_paper")


@transaction.atomic
def update_meeting(meeting: Meeting, *, agenda: list[str] | None = None, reason: str = "", by,
                   **values) -> Meeting:
    """Change a meeting's details and agenda (items kept by position; speakers of a removed item keep their
    words without the item). Once the minutes are approved a reason is required and the change is kept.
    Same refusals as schedule_meeting. Side effects: the meeting; counters when its month or kind changes;
    audit entry."""
    meeting = Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    new = {name: values.get(name, getattr(meeting, name)) for name in MEETING_FIELDS}
    items = list(meeting.agenda.order_by("order", "pk"))
    agenda = _agenda_lines(agenda) if agenda is not None else [item.title for item in items]
    _check_meeting(meeting.unit, starts_at=new["starts_at"], ends_at=new["ends_at"], agenda=agenda,
                   people=(new["chair"], new["minute_taker"]), exclude=meeting.pk)
    before = audit.snapshot(meeting, MEETING_FIELDS)
    before["agenda"] = [item.title for item in items]
    moved = (rollups.period_of(meeting.starts_at) != rollups.period_of(new["starts_at"])
             or meeting.kind != new["kind"])
    if moved:
        count_meeting(meeting, -1)
    for name, value in new.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.save()
    if moved:
        count_meeting(meeting, 1)
    for number, text in enumerate(agenda):
        if number < len(items):
            if items[number].title != text:
                items[number].title = text
                items[number].save(update_fields=["title"])
        else:
            AgendaItem.objects.create(meeting=meeting, title=text, order=number)
    AgendaItem.objects.filter(pk__in=[item.pk for item in items[len(agenda):]]).delete()
    after = audit.snapshot(meeting, MEETING_FIELDS)
    after["agenda"] = agenda
    record_locked_change(meeting, "meeting", reason, before, after, by=by)
    changes = audit.diff(before, after)
    audit.record(by, "meetings.meeting.update", meeting, changes)
    if {"starts_at", "ends_at", "place"} & set(changes):
        announce(meeting, template="meetings/notifications/changed", by=by,
                 event=f"meeting-changed:{meeting.pk}:{meeting.starts_at.isoformat()}:{meeting.place}")
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, by) -> None:
    """Remove a meeting that has not taken place. Refused once anyone checked in or the minutes exist.
    Side effects: counters; audit entry; the roll is told when the meeting was close enough to be announced."""
    meeting = Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    if (meeting.attendance.exclude(status=AttendanceStatus.UNMARKED).exists()
            or Minutes.objects.filter(meeting=meeting).exists() or meeting.contributions.exists()):
        raise MeetingError(_("This meeting has attendance, speakers or minutes recorded; it cannot be cancelled."),
                           code="held")
    count_meeting(meeting, -1)
    audit.record(by, "meetings.meeting.cancel", meeting, {"title": meeting.title, "starts_at": meeting.starts_at})
    announce(meeting, event=f"meeting-cancelled:{meeting.pk}", template="meetings/notifications/cancelled", by=by,
             url=reverse("meetings:list", args=[meeting.unit_id]))
    meeting.delete()


def follow_moved_subtree(sender, *, unit: Unit, **kwargs) -> None:
    """Receiver of org's subtree_moved: roll lines carry their meeting's province key, which the move rewrote."""
    Attendance.objects.filter(meeting__unit__path__startswith=unit.path).update(
        province_id=Subquery(Meeting.objects.filter(pk=OuterRef("meeting_id")).values("province_id")[:1]))




@transaction.atomic
def add_document(meeting: Meeting, *, title: str, upload, by) -> MeetingDocument:
    """Attach a document (draft resolution, report, introductory paper). Checked like evidence files.
    A document added once the documents were published goes out at once: the roll and the liaison are told of
    it, once per document. Side effects: the file and its row; audit entry; those notifications."""
    check_document_upload(upload)
    meeting = Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    document = MeetingDocument(meeting=meeting, title=clean(title, _("title"), 255) or upload.name[:255],
                               uploaded_by=person(by))
    document.file.save(upload.name, upload, save=False)
    document.save()
    audit.record(by, "meetings.document.add", document, {"title": document.title})
    if meeting.documents_published_at is not None:
        _send_documents(meeting, by=by, event=f"meeting-document:{document.pk}",
                        template="meetings/notifications/document_added",
                        context={"title": meeting.title, "starts_at": meeting.starts_at, "document": document.title})
    return document


def _send_documents(meeting: Meeting, *, by, event: str, template: str, context: dict) -> None:
    """Tell the roll and the liaison that documents went out, never the one who sent them."""
    actor, url = person(by), reverse("meetings:detail", args=[meeting.pk])
    for user in meeting_people(meeting):
        if actor is None or user.pk != actor.pk:
            notify(user, kind="meetings.documents", event_key=event, template=template, url=url, context=context)


@transaction.atomic
def publish_documents(meeting: Meeting, *, by) -> Meeting:
    """Send the meeting's documents to its members and liaison. Publication later than the meeting rules' days
    before the start (MeetingRules.documents_days_before, the rules of the meeting's day) is recorded as late.
    Refused with nothing to publish.
    Side effects: the publication time; inbox notifications; audit entry."""
    meeting = Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    if not meeting.documents.exists() and not meeting.introductory_paper:
        raise MeetingError(_("Add the documents (or the introductory paper) before publishing them."),
                           code="empty")
    if meeting.documents_published_at is not None:
        return meeting  # published once: documents added since went out as they came (add_document)
    meeting.documents_published_at = timezone.now()
    meeting.save(update_fields=["documents_published_at"])
    _send_documents(meeting, by=by, event=f"meeting-documents:{meeting.pk}",
                    template="meetings/notifications/documents",
                    context={"title": meeting.title, "starts_at": meeting.starts_at})
    audit.record(by, "meetings.documents.publish", meeting, {"late": meeting.documents_late})
    return meeting
