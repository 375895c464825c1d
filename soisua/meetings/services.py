"""Writes to meetings: the topic library and plans, scheduling with its roll, documents, check-in by rotating
code, attendance, speakers, minutes, reminders. Every change to the roll or to a meeting's date keeps the
attendance counters of the cell and its ancestors (oversight.rollups) in the same transaction."""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Concat, ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM, person
from soisua.core.errors import Conflict, DomainError, check_version, clean_text
from soisua.core.uploads import check_document_upload
from soisua.counters import rollups
from soisua.notifications.services import notify
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Member, Unit

from .enums import ROLL_STATUSES, AttendanceStatus, ContributionKind, MeetingKind, MinutesStatus
from .models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    CellPlan,
    CellTopic,
    Contribution,
    Meeting,
    MeetingDocument,
    Minutes,
    MinutesChange,
    Topic,
    TopicPlan,
)

# A check-in code lives this long; the code of the previous period is still accepted (a phone that scanned it
# a moment before it rotated).
CHECK_IN_PERIOD_SECONDS = 30
# Check-in opens this long before the start, so members arriving early are marked present.
CHECK_IN_OPENS_BEFORE = datetime.timedelta(minutes=30)
MINUTES_FIELDS = ("conclusions", "resolution", "votes_for", "votes_against", "votes_abstain")
MAX_TEXT = 20_000


class MeetingError(DomainError):
    """A refused change to a meeting; the message is already translated."""


# --- counters -----------------------------------------------------------------------------------------------


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


def _count_meeting(meeting: Meeting, sign: int, *, lines: list[Attendance] | None = None) -> None:
    """Add (sign=1) or remove (sign=-1) a meeting and its roll from the counters of its month."""
    lines = list(meeting.attendance.all()) if lines is None else lines
    changes = {f"meetings.{meeting.kind}": sign}
    for line in lines:
        changes[f"attendance.{line.status}"] = changes.get(f"attendance.{line.status}", 0) + sign
        changes["attendance.minutes_late"] = changes.get("attendance.minutes_late", 0) + sign * line.minutes_late
    rollups.bump(meeting.unit, rollups.period_of(meeting.starts_at), changes)


def _count_line_change(line: Attendance, old_status: str, old_late: int) -> None:
    changes = {f"attendance.{old_status}": -1}
    changes[f"attendance.{line.status}"] = changes.get(f"attendance.{line.status}", 0) + 1
    changes["attendance.minutes_late"] = line.minutes_late - old_late
    rollups.bump(line.meeting.unit, rollups.period_of(line.meeting.starts_at), changes)


# --- topics and plans ---------------------------------------------------------------------------------------


def _text(value: str, label: str, limit: int = MAX_TEXT) -> str:
    return clean_text(value, label, limit, error=MeetingError)


@transaction.atomic
def save_topic(unit: Unit, *, title: str, summary: str = "", materials: str = "", tags: list[str] = (),
               topic: Topic | None = None, by) -> Topic:
    """Add a topic to a committee's library, or change one. Side effects: the topic; audit entry."""
    topic = topic or Topic(unit=unit, created_by=person(by))
    topic.title = _text(title, _("title"), 255)
    if not topic.title:
        raise MeetingError(_("Give the topic a title."), code="title")
    topic.summary, topic.materials = _text(summary, _("summary")), _text(materials, _("suggested materials"))
    topic.tags = sorted({tag.strip()[:60] for tag in tags if tag.strip()})[:20]
    topic.save()
    audit.record(by, "meetings.topic.save", topic, {"title": topic.title})
    return topic


@transaction.atomic
def save_topic_plan(unit: Unit, year: int, *, topics: list[Topic], note: str = "", publish: bool = False,
                    by) -> TopicPlan:
    """A committee's recommended thematic topics for `year`, published to its subtree when `publish`.

    Refused: topics from another committee's library that is not an ancestor's (a committee recommends its own
    and its superiors' topics). Side effects: the plan; audit entry.
    """
    allowed = set(unit.ancestor_paths()) | {unit.path}
    for topic in topics:
        if topic.unit.path not in allowed:
            raise MeetingError(_("“%(topic)s” is not in the library of this committee or of a committee above it.")
                               % {"topic": topic.title}, code="topic")
    plan, _created = TopicPlan.objects.select_for_update().get_or_create(unit=unit, year=year)
    plan.note = _text(note, _("note"))
    if publish and plan.published_at is None:
        plan.published_at, plan.published_by = timezone.now(), person(by)
    plan.save()
    plan.topics.set(topics)
    audit.record(by, "meetings.topic_plan.save", plan, {"year": year, "topics": [t.pk for t in topics],
                                                        "published": plan.published_at is not None})
    return plan


def topics_for_cell(unit: Unit, year: int):
    """The topics published for `year` by the cell's committees (its ancestors), for the cell to pick from."""
    return (Topic.objects.filter(plans__unit__path__in=unit.ancestor_paths(), plans__year=year,
                                 plans__published_at__isnull=False).distinct().order_by("title"))


@transaction.atomic
def save_cell_plan(unit: Unit, year: int, *, meeting_day: int, meeting_time: datetime.time, place: str = "",
                   topics: dict[int, list[Topic]] | None = None, by) -> CellPlan:
    """A cell's year: its fixed meeting day and time, and the topics it picked per quarter (1–4).

    Refused: a day outside 1–28 (every month has it), a topic not published to the cell for that year.
    Side effects: the plan and its topic choices; audit entry.
    """
    if not unit.kind.holds_members:
        raise MeetingError(_("Meetings are held by cells."), code="unit")
    if not 1 <= meeting_day <= 28:
        raise MeetingError(_("The fixed meeting day must be between 1 and 28, so that every month has it."),
                           code="day")
    plan, _created = CellPlan.objects.select_for_update().get_or_create(
        unit=unit, year=year, defaults={"province_id": unit.province_id})
    plan.meeting_day, plan.meeting_time, plan.place = meeting_day, meeting_time, _text(place, _("place"), 255)
    plan.save()
    if topics is not None:
        published = set(topics_for_cell(unit, year).values_list("pk", flat=True))
        for chosen in topics.values():
            for topic in chosen:
                if topic.pk not in published:
                    raise MeetingError(_("“%(topic)s” is not among the topics published to this cell for %(year)s.")
                                       % {"topic": topic.title, "year": year}, code="topic")
        plan.topics.all().delete()
        CellTopic.objects.bulk_create([CellTopic(plan=plan, quarter=quarter, topic=topic)
                                       for quarter, chosen in sorted(topics.items()) for topic in chosen])
    audit.record(by, "meetings.cell_plan.save", plan, {
        "year": year, "day": meeting_day, "topics": {str(q): [t.pk for t in ts] for q, ts in (topics or {}).items()}})
    return plan


@transaction.atomic
def generate_regular_meetings(plan: CellPlan, *, from_month: int = 1, by) -> list[Meeting]:
    """Schedule the monthly regular meeting on the plan's fixed day for each month from `from_month` that has
    none yet (a combined session counts); months whose slot clashes with another meeting are skipped.
    Side effects: the meetings with their rolls; audit entries."""
    have = set(Meeting.objects.filter(unit=plan.unit, starts_at__year=plan.year,
                                      kind__in=(MeetingKind.REGULAR, MeetingKind.COMBINED))
               .annotate(month=ExtractMonth("starts_at")).values_list("month", flat=True))
    made = []
    for month in range(from_month, 13):
        if month in have:
            continue
        starts = plan.day_in(month)
        try:
            with transaction.atomic():
                made.append(schedule_meeting(
                    plan.unit, kind=MeetingKind.REGULAR, title=_("Regular meeting, %(month)02d/%(year)s")
                    % {"month": month, "year": plan.year}, starts_at=starts,
                    ends_at=starts + datetime.timedelta(minutes=settings.MEETING_MIN_MINUTES), place=plan.place,
                    by=by))
        except MeetingError:
            continue
    return made


# --- meetings -----------------------------------------------------------------------------------------------


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
        unit=unit, province_id=unit.province_id, kind=kind, title=_text(title, _("title"), 255),
        starts_at=starts_at, ends_at=ends_at, place=_text(place, _("place"), 255), chair=chair,
        minute_taker=minute_taker, liaison=liaison, topic=topic,
        introductory_paper=_text(introductory_paper, _("introductory paper")), created_by=person(by))
    AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, title=text, order=number)
                                    for number, text in enumerate(agenda)])
    members = Member.objects.filter(cell=unit, status__in=ROLL_STATUSES)
    lines = Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member, province_id=unit.province_id)
                                            for member in members])
    _count_meeting(meeting, 1, lines=lines)
    audit.record(by, "meetings.meeting.schedule", meeting, {"kind": kind, "starts_at": starts_at,
                                                            "agenda": len(agenda)})
    return meeting


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
        _count_meeting(meeting, -1)
    for name, value in new.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.save()
    if moved:
        _count_meeting(meeting, 1)
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
    _record_locked_change(meeting, "meeting", reason, before, after, by)
    audit.record(by, "meetings.meeting.update", meeting, audit.diff(before, after))
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, by) -> None:
    """Remove a meeting that has not taken place. Refused once anyone checked in or the minutes exist."""
    meeting = Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    if (meeting.attendance.exclude(status=AttendanceStatus.UNMARKED).exists()
            or Minutes.objects.filter(meeting=meeting).exists() or meeting.contributions.exists()):
        raise MeetingError(_("This meeting has attendance, speakers or minutes recorded; it cannot be cancelled."),
                           code="held")
    _count_meeting(meeting, -1)
    audit.record(by, "meetings.meeting.cancel", meeting, {"title": meeting.title, "starts_at": meeting.starts_at})
    meeting.delete()


def follow_moved_subtree(sender, *, unit: Unit, **kwargs) -> None:
    """Receiver of org's subtree_moved: roll lines carry their meeting's province key, which the move rewrote."""
    Attendance.objects.filter(meeting__unit__path__startswith=unit.path).update(
        province_id=Subquery(Meeting.objects.filter(pk=OuterRef("meeting_id")).values("province_id")[:1]))


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


# --- documents ----------------------------------------------------------------------------------------------


@transaction.atomic
def add_document(meeting: Meeting, *, title: str, upload, by) -> MeetingDocument:
    """Attach a document (draft resolution, report, introductory paper). Checked like evidence files.
    Documents added after publication are published at once (and count for lateness)."""
    check_document_upload(upload)
    document = MeetingDocument(meeting=meeting, title=_text(title, _("title"), 255) or upload.name[:255],
                               uploaded_by=person(by))
    document.file.save(upload.name, upload, save=False)
    document.save()
    audit.record(by, "meetings.document.add", document, {"title": document.title})
    return document


@transaction.atomic
def publish_documents(meeting: Meeting, *, by) -> Meeting:
    """Send the meeting's documents to its members and liaison. Publication later than
    MEETING_DOCUMENTS_DAYS_BEFORE days before the start is recorded as late. Refused with nothing to publish.
    Side effects: the publication time; inbox notifications; audit entry."""
    meeting = Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)
    if not meeting.documents.exists() and not meeting.introductory_paper:
        raise MeetingError(_("Add the documents (or the introductory paper) before publishing them."),
                           code="empty")
    if meeting.documents_published_at is not None:
        return meeting  # published once: documents added since were published as they came
    meeting.documents_published_at = timezone.now()
    meeting.save(update_fields=["documents_published_at"])
    url = reverse("meetings:detail", args=[meeting.pk])
    for user in _meeting_people(meeting):
        notify(user, kind="meetings.documents", event_key=f"meeting-documents:{meeting.pk}",
               template="meetings/notifications/documents", url=url,
               context={"title": meeting.title, "starts_at": meeting.starts_at})
    audit.record(by, "meetings.documents.publish", meeting, {"late": meeting.documents_late})
    return meeting


def _meeting_people(meeting: Meeting) -> list:
    members = Member.objects.filter(attendance__meeting=meeting, user__isnull=False).select_related("user")
    people = {member.user_id: member.user for member in members}
    if meeting.liaison_id and meeting.liaison.user_id:
        people[meeting.liaison.user_id] = meeting.liaison.user
    return list(people.values())


# --- attendance ---------------------------------------------------------------------------------------------


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


def check_in_opens_minutes() -> int:
    """How many minutes before the start check-in opens (CHECK_IN_OPENS_BEFORE), as pages and messages say it."""
    return int(CHECK_IN_OPENS_BEFORE.total_seconds() // 60)


def check_in_is_open(meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return meeting.starts_at - CHECK_IN_OPENS_BEFORE <= now <= meeting.ends_at


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
        _count_line_change(line, old_status, old_late)
        audit.record(by, "meetings.attendance.check_in", line, {"status": line.status, "minutes_late": late})
    return line


ATTENDANCE_FIELDS = ("status", "minutes_late", "reason")


@transaction.atomic
def mark_attendance(line: Attendance, *, status: str, minutes_late: int = 0, reason: str = "",
                    change_reason: str = "", by) -> Attendance:
    """The secretary marks or corrects a roll line. After the minutes are approved a change reason is required.

    Side effects: the line; counters; the removal-grounds alert when the member reaches MEETING_UNEXCUSED_ALERT
    absences without reason in the year; audit entry with old and new values.
    """
    line = Attendance.objects.select_for_update().select_related("meeting__unit", "member").get(pk=line.pk)
    if status not in AttendanceStatus.values:
        raise MeetingError(_("Unknown attendance status."), code="status")
    if status == AttendanceStatus.EXCUSED and not reason.strip():
        raise MeetingError(_("Give the reason for the excused absence."), code="reason")
    before = audit.snapshot(line, ATTENDANCE_FIELDS)
    old_status, old_late = line.status, line.minutes_late
    line.status, line.minutes_late = status, minutes_late if status == AttendanceStatus.LATE else 0
    line.reason = _text(reason, _("reason"), 500) if status == AttendanceStatus.EXCUSED else ""
    line.marked_by = person(by)
    after = audit.snapshot(line, ATTENDANCE_FIELDS)
    if before == after:
        return line
    _record_locked_change(line.meeting, f"attendance:{line.member_id}", change_reason, before, after, by)
    line.save(update_fields=["status", "minutes_late", "reason", "marked_by"])
    _count_line_change(line, old_status, old_late)
    audit.record(by, "meetings.attendance.mark", line, audit.diff(before, after))
    if status == AttendanceStatus.UNEXCUSED:
        alert_unexcused_absences(line.member, line.meeting.starts_at.year)
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


def alert_unexcused_absences(member: Member, year: int) -> bool:
    """Tell the cell's secretary and committee, once a year per member, that the member has reached
    MEETING_UNEXCUSED_ALERT absences without reason (grounds for removal: docs/domain.md, "Meetings"). Returns
    whether sent."""
    count = Attendance.objects.filter(member=member, status=AttendanceStatus.UNEXCUSED,
                                      meeting__starts_at__year=year).count()
    if count < settings.MEETING_UNEXCUSED_ALERT:
        return False
    sent = False
    for user in access.users_with_roles(member.cell_id, {Role.SECRETARY, Role.COMMITTEE}):
        sent |= notify(user, kind="meetings.unexcused", event_key=f"meeting-unexcused:{member.pk}:{year}",
                       template="meetings/notifications/unexcused",
                       url=reverse("meetings:statistics", args=[member.cell_id]) + f"?year={year}",
                       context={"name": member.full_name, "count": count, "year": year}) is not None
    return sent


# --- speakers and minutes -----------------------------------------------------------------------------------


@transaction.atomic
def add_contribution(meeting: Meeting, *, member: Member, kind: str = ContributionKind.OPINION,
                     agenda_item: AgendaItem | None = None, note: str = "", change_reason: str = "",
                     by) -> Contribution:
    """Log who spoke. Refused: a speaker not on the roll, an item of another meeting, an unknown kind."""
    if kind not in ContributionKind.values:
        raise MeetingError(_("Unknown kind of contribution."), code="kind")
    if not Attendance.objects.filter(meeting=meeting, member=member).exists() and member != meeting.liaison:
        raise MeetingError(_("%(name)s is not on the roll of this meeting.") % {"name": member.full_name},
                           code="member")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MeetingError(_("That agenda item belongs to another meeting."), code="item")
    contribution = Contribution(meeting=meeting, member=member, kind=kind, agenda_item=agenda_item,
                                note=_text(note, _("note"), 1000), created_by=person(by))
    _record_locked_change(meeting, "speakers", change_reason, {},
                          {"member": member.pk, "kind": kind, "note": contribution.note}, by)
    contribution.save()
    audit.record(by, "meetings.contribution.add", contribution, {"member": member.pk, "kind": kind})
    return contribution


@transaction.atomic
def remove_contribution(contribution: Contribution, *, change_reason: str = "", by) -> None:
    _record_locked_change(contribution.meeting, "speakers", change_reason,
                          {"member": contribution.member_id, "kind": contribution.kind, "note": contribution.note},
                          {}, by)
    audit.record(by, "meetings.contribution.remove", contribution, {"member": contribution.member_id})
    contribution.delete()


class StaleMinutes(Conflict, MeetingError):
    """The minutes changed since this form was opened."""

    default_code = "stale"


def _record_locked_change(meeting: Meeting, what: str, reason: str, before: dict, after: dict, by) -> None:
    """Approved minutes are locked: a change to them, the roll or the speakers needs a reason and is kept."""
    if not Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED).exists():
        return
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_("The minutes of this meeting are approved: give the reason for the change."),
                           code="locked")
    MinutesChange.objects.create(meeting=meeting, what=what, reason=_text(reason, _("reason"), 2000),
                                 before=before, after=after, by=person(by))


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
            setattr(minutes, name, _text(value, _("minutes")) if isinstance(value, str) else value)
    after = audit.snapshot(minutes, MINUTES_FIELDS)
    if before == after:
        return minutes
    changed = audit.diff(before, after)
    _record_locked_change(meeting, "minutes", reason, {name: old for name, (old, _new) in changed.items()},
                          {name: new for name, (_old, new) in changed.items()}, by)
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
    return problems


@transaction.atomic
def approve_minutes(meeting: Meeting, *, by) -> Minutes:
    """Approve (and so lock) the minutes. Refused while people on the roll are unmarked, without conclusions,
    or before the meeting. Side effects: the minutes' status; audit entry."""
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
    audit.record(by, "meetings.minutes.approve", minutes, {})
    return minutes


# --- reminders ----------------------------------------------------------------------------------------------


def send_meeting_reminders(now: datetime.datetime | None = None) -> int:
    """Remind the people on the roll (and the liaison) of meetings starting within
    MEETING_REMIND_HOURS_BEFORE hours; once per meeting and person. Returns how many were sent."""
    now = now or timezone.now()
    soon = Meeting.objects.filter(starts_at__gt=now,
                                  starts_at__lte=now + datetime.timedelta(hours=settings.MEETING_REMIND_HOURS_BEFORE))
    sent = 0
    for meeting in soon.select_related("unit", "liaison__user").iterator(chunk_size=200):
        url = reverse("meetings:detail", args=[meeting.pk])
        for user in _meeting_people(meeting):
            sent += notify(user, kind="meetings.reminder", event_key=f"meeting-reminder:{meeting.pk}",
                           template="meetings/notifications/reminder", url=url,
                           context={"title": meeting.title, "unit": meeting.unit.name,
                                    "starts_at": meeting.starts_at, "place": meeting.place}) is not None
    return sent


# --- calendar links -------------------------------------------------------------------------------------------


@transaction.atomic
def renew_calendar_feed(user, *, unit: Unit | None = None, by) -> CalendarFeed:
    """Make the person's calendar link, their own (no unit) or for a unit the caller has shown they read, with a
    new secret token; an earlier link for the same target stops working. Side effects: deletes the earlier link;
    inserts the new one; audit entry (never the token: it is the key to the feed)."""
    revoked = CalendarFeed.objects.filter(user=user, unit=unit).delete()[0]
    feed = CalendarFeed.objects.create(user=user, unit=unit)
    audit.record(by, "meetings.feed.renew", feed, {"unit": unit, "replaced": bool(revoked)})
    return feed
