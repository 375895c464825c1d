"""Meetings in the JSON API: the meetings the caller sees, each with its roll, speakers and minutes as its page
shows them; checking in by the code on the screen, marking the roll and recording a speaker through the same
services as the page."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from soisua.core.api_common import MAX_ID, ApiError, ApiInput, FromDay, Pages, ToDay, day_range, responses
from soisua.org import access

from . import policy, queries, services, voting
from .enums import AttendanceStatus, ContributionKind, MeetingKind
from .forms import AttendanceForm

router = Router(tags=[_("Meetings")])

MeetingId = Path(..., ge=1, le=MAX_ID)
MemberId = Path(..., ge=1, le=MAX_ID)
# As late as the roll's form takes.
LATE_MAX = AttendanceForm.base_fields["minutes_late"].max_value


class PersonOut(Schema):
    id: int
    full_name: str


class MeetingOut(Schema):
    id: int
    unit_id: int
    kind: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    topic: str | None
    chair: PersonOut | None
    minute_taker: PersonOut | None
    liaison: PersonOut | None
    # "scheduled" before its start, "in_progress" until its end, then "held".
    status: str
    # "none" until the minutes are written, then "draft" or "approved".
    minutes: str

    @staticmethod
    def resolve_topic(meeting) -> str | None:
        return meeting.topic.title if meeting.topic_id else None

    @staticmethod
    def resolve_status(meeting) -> str:
        return queries.meeting_state(meeting)

    @staticmethod
    def resolve_minutes(meeting) -> str:
        minutes = getattr(meeting, "minutes", None)
        return minutes.status if minutes is not None else NO_MINUTES


NO_MINUTES = "none"


class RollLineOut(Schema):
    member_id: int
    full_name: str
    # The member's status on the meeting's day (official, probationary, exempt).
    member_status: str
    status: str
    minutes_late: int
    reason: str
    checked_in_at: datetime.datetime | None

    @staticmethod
    def resolve_full_name(line) -> str:
        return line.member.full_name


class ContributionOut(Schema):
    id: int
    member_id: int
    full_name: str
    kind: str
    agenda_item: str | None
    note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_full_name(contribution) -> str:
        return contribution.member.full_name

    @staticmethod
    def resolve_agenda_item(contribution) -> str | None:
        return contribution.agenda_item.title if contribution.agenda_item_id else None


class MinutesOut(Schema):
    # "none" until the minutes are written, then "draft" or "approved" (locked: a change needs a reason).
    status: str
    conclusions: str = ""
    resolution: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    approved_at: datetime.datetime | None = None


class CheckInIn(ApiInput):
    # The code shown on the meeting's check-in screen (case, spaces and dashes ignored).
    code: str = Field(..., max_length=64)


class MarkIn(ApiInput):
    status: AttendanceStatus
    minutes_late: int = Field(0, ge=0, le=LATE_MAX)
    reason: str = Field("", max_length=500)
    change_reason: str = Field("", max_length=2000)


class ContributionIn(ApiInput):
    member_id: int = Field(..., ge=1, le=MAX_ID)
    kind: ContributionKind = ContributionKind.OPINION
    agenda_item_id: int | None = Field(None, ge=1, le=MAX_ID)
    note: str = Field("", max_length=1000)
    change_reason: str = Field("", max_length=2000)


@router.get("/meetings", response=responses(list[MeetingOut]), summary=_("Meetings"),
            description=_("The meetings of the cells the caller reads, newest first. `unit`: only the meetings of "
                          "that unit and the units under it (404 when the caller does not see it); `from` and `to`: "
                          "only those starting on these days or between them (dd/mm/yyyy is for pages; here "
                          "yyyy-mm-dd); `kind`: only that kind of meeting."))
@paginate(Pages, page_size=50)
def meeting_list(request: HttpRequest, unit: int | None = Query(None, ge=1, le=MAX_ID),
                 first: datetime.date | None = FromDay, last: datetime.date | None = ToDay,
                 kind: MeetingKind | None = None):
    first, last = day_range(first, last)
    within = access.get_unit_filter_for_user(request.user, unit)
    return queries.meetings_visible_to(request.user, within=within, first=first, last=last, kind=kind)


@router.get("/meetings/{meeting_id}", response=responses(MeetingOut), summary=_("A meeting"))
def meeting_detail(request: HttpRequest, meeting_id: int = MeetingId):
    return policy.get_meeting_for_user(request.user, meeting_id)


@router.get("/meetings/{meeting_id}/roll", response=responses(list[RollLineOut]), summary=_("A meeting's roll"),
            description=_("Each member on the roll, in the order of names: their status on the meeting's day and "
                          "their attendance (unmarked, present, late with the minutes, absent with or without "
                          "reason)."))
@paginate(Pages, page_size=100)
def meeting_roll(request: HttpRequest, meeting_id: int = MeetingId):
    return queries.roll_lines(policy.get_meeting_for_user(request.user, meeting_id))


@router.get("/meetings/{meeting_id}/speakers", response=responses(list[ContributionOut]),
            summary=_("A meeting's speakers"), description=_("Who spoke, in the order they were recorded."))
@paginate(Pages, page_size=100)
def meeting_speakers(request: HttpRequest, meeting_id: int = MeetingId):
    return queries.contributions_of(policy.get_meeting_for_user(request.user, meeting_id))


@router.get("/meetings/{meeting_id}/minutes", response=responses(MinutesOut), summary=_("A meeting's minutes"),
            description=_("The minutes' text and state: `none` until they are written, then `draft` or "
                          "`approved`."))
def meeting_minutes(request: HttpRequest, meeting_id: int = MeetingId):
    minutes = queries.minutes_of(policy.get_meeting_for_user(request.user, meeting_id))
    return minutes if minutes is not None else {"status": NO_MINUTES}


@router.post("/meetings/{meeting_id}/check-in", response=responses(RollLineOut), summary=_("Check in to a meeting"),
             description=_("The caller, on the meeting's roll, checks in with the code shown on its check-in screen: "
                           "present, or late by the server's clock. A code that is not the screen's current one "
                           "(code `code`) or a meeting not open for check-in (code `window`) is refused (422); a "
                           "caller not on the roll gets 403."))
def meeting_check_in(request: HttpRequest, body: CheckInIn, meeting_id: int = MeetingId):
    meeting = policy.get_meeting_for_user(request.user, meeting_id, check_in=True)
    return services.check_in(meeting, code=body.code, by=request.user)


@router.post("/meetings/{meeting_id}/roll/{member_id}", response=responses(RollLineOut),
             summary=_("Mark a line of the roll"),
             description=_("The cell's leadership marks a member present, late (with the minutes) or absent (with "
                           "the reason for an excused absence). Once the minutes are approved, `change_reason` is "
                           "required and the change is kept."))
def roll_mark(request: HttpRequest, body: MarkIn, meeting_id: int = MeetingId, member_id: int = MemberId):
    meeting = policy.get_meeting_for_user(request.user, meeting_id, manage=True)
    line = policy.get_roll_line_of(meeting, member_id)
    return services.mark_attendance(line, status=body.status, minutes_late=body.minutes_late, reason=body.reason,
                                    change_reason=body.change_reason, by=request.user)


@router.post("/meetings/{meeting_id}/speakers", response=responses(ContributionOut), summary=_("Record a speaker"),
             description=_("The cell's leadership records who spoke: a member marked present or late, or the "
                           "upper-level liaison. Once the minutes are approved, `change_reason` is required."))
def speaker_add(request: HttpRequest, body: ContributionIn, meeting_id: int = MeetingId):
    meeting = policy.get_meeting_for_user(request.user, meeting_id, manage=True)
    member = queries.speaker_candidate(meeting, body.member_id)
    if member is None:
        raise ApiError(422, "member", gettext("That member is not on the roll of this meeting."))
    item = None
    if body.agenda_item_id is not None:
        item = queries.agenda_item_of(meeting, body.agenda_item_id)
        if item is None:
            raise ApiError(422, "item", gettext("That agenda item belongs to another meeting."))
    return services.add_contribution(meeting, member=member, kind=body.kind, agenda_item=item, note=body.note,
                                     change_reason=body.change_reason, by=request.user)


class MotionOut(Schema):
    id: int
    text: str
    # resolution, admission, recognition, discipline, expulsion, removal, personnel
    kind: str
    agenda_item: str | None
    secret: bool
    # "open" while members vote, then "closed".
    status: str
    # How many have voted; the counts for, against and abstaining only once the vote is closed.
    cast: int
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    # Written at closing: the members entitled to vote, those of them present, the votes in favour needed.
    entitled: int | None
    entitled_present: int | None
    required: int | None
    passed: bool | None
    # The rule's threshold as the minutes word it, and the documents it follows.
    threshold: str
    sources: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_agenda_item(motion) -> str | None:
        return motion.agenda_item.title if motion.agenda_item_id else None

    @staticmethod
    def resolve_votes_for(motion) -> int | None:
        return None if motion.is_open else motion.votes_for

    @staticmethod
    def resolve_votes_against(motion) -> int | None:
        return None if motion.is_open else motion.votes_against

    @staticmethod
    def resolve_votes_abstain(motion) -> int | None:
        return None if motion.is_open else motion.votes_abstain

    @staticmethod
    def resolve_threshold(motion) -> str:
        return voting.threshold_text(motion.rule)

    @staticmethod
    def resolve_sources(motion) -> str:
        return motion.rule.cite()


@router.get("/meetings/{meeting_id}/motions", response=responses(list[MotionOut]), summary=_("A meeting's votes"),
            description=_("The matters put to the vote, in the order they were opened: kind, method, how many have "
                          "voted; once closed, the counts, the members entitled and present, the votes needed and "
                          "whether it passed. Nobody's choice is given."))
@paginate(Pages, page_size=100)
def meeting_motions(request: HttpRequest, meeting_id: int = MeetingId):
    return queries.motions_of(policy.get_meeting_for_user(request.user, meeting_id))
