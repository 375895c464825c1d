"""Votes in meetings (docs/domain.md, "Votes in meetings"): a motion is opened on the meeting, the members present
who are entitled vote from their phones, the motion is closed and counted against the roll, and its result is
read into the minutes.

A secret ballot keeps no link between a person and a choice (docs/security.md, "Secret ballots"): the choices are
only the motion's three counts, moved under the motion's row lock; who has voted is a list without choices, times
or ordered keys; the audit entries of a secret vote carry no choice. Nobody is notified when a motion opens: the
vote is taken in the room, and the meeting's page shows the open motion and refreshes it while it is open."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.org.models import Member

from .. import queries, voting
from ..enums import MinutesStatus, MotionStatus, VoteChoice, VoteKind
from ..models import AgendaItem, Attendance, Meeting, Minutes, Motion, MotionVoter, VoteRule
from ..queries import ATTENDED
from .common import MeetingError, clean

COUNT_FIELDS = {VoteChoice.FOR: "votes_for", VoteChoice.AGAINST: "votes_against",
                VoteChoice.ABSTAIN: "votes_abstain"}


def _check_minutes_open(meeting: Meeting) -> None:
    if Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED).exists():
        raise MeetingError(_("The minutes of this meeting are approved: no vote can be taken or changed any more."),
                           code="locked")


@transaction.atomic
def open_motion(meeting: Meeting, *, text: str, kind: str, agenda_item: AgendaItem | None = None,
                secret: bool = False, by) -> Motion:
    """Put a matter to the vote. The rule of its kind in force on the meeting's day decides the method; `secret`
    counts only where the rule leaves it to the cell (admission, recognition, removal). Refused: a meeting that
    has not started, approved minutes, another motion still open, an unknown kind or one without a rule, an
    agenda item of another meeting, an empty text. Side effects: the motion; audit entry."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if queries.meeting_state(meeting) == queries.SCHEDULED:
        raise MeetingError(_("The meeting has not started: a vote is opened during the meeting."), code="not_started")
    _check_minutes_open(meeting)
    if kind not in VoteKind.values:
        raise MeetingError(_("Unknown kind of vote."), code="kind")
    rule = VoteRule.in_force_on(kind, meeting.day)
    if rule is None:
        raise MeetingError(_("There is no rule for this kind of vote yet."), code="rule")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MeetingError(_("That agenda item belongs to another meeting."), code="item")
    text = clean(text, _("motion"), 1000)
    if not text:
        raise MeetingError(_("Write the matter put to the vote."), code="text")
    if meeting.motions.filter(status=MotionStatus.OPEN).exists():
        raise MeetingError(_("Another vote is still open: close it first."), code="open")
    motion = Motion.objects.create(meeting=meeting, agenda_item=agenda_item, text=text, kind=kind, rule=rule,
                                   secret=voting.is_secret(rule, secret), opened_at=timezone.now(),
                                   opened_by=person(by))
    audit.record(by, "meetings.motion.open", motion, {"kind": kind, "secret": motion.secret})
    return motion


@transaction.atomic
def cast_vote(motion: Motion, *, member: Member, choice: str, by) -> None:
    """Record one member's vote. The motion's row is locked for the whole write, so two votes at once never lose a
    count and a second vote by the same member is seen. A secret ballot stores who voted without the choice, and
    the choice only as a count. Refused (nothing stored): a closed motion, approved minutes, a member not on the
    roll or not marked present or late, a member the rule does not let vote (a probationary member on a matter
    for official members), a second vote, an unknown choice. Side effects: the list of who voted, the count;
    audit entry (without the choice for a secret ballot)."""
    motion = Motion.objects.select_for_update().select_related("rule").get(pk=motion.pk)
    if motion.status != MotionStatus.OPEN:
        raise MeetingError(_("This vote is closed."), code="closed")
    _check_minutes_open(motion.meeting)
    if choice not in COUNT_FIELDS:
        raise MeetingError(_("Choose for, against or abstain."), code="choice")
    line = Attendance.objects.filter(meeting_id=motion.meeting_id, member=member).first()
    if line is None:
        raise MeetingError(_("Comrade %(name)s is not on the roll of this meeting.") % {"name": member.full_name},
                           code="member")
    if line.status not in ATTENDED:
        raise MeetingError(_("Comrade %(name)s is not marked present at this meeting: only members present vote. "
                             "Check in first.") % {"name": member.full_name}, code="absent")
    if not voting.may_vote(motion.rule, line.member_status):
        raise MeetingError(_("Only official members vote on this matter."), code="not_entitled")
    if MotionVoter.objects.filter(motion=motion, member=member).exists():
        raise MeetingError(_("Comrade %(name)s has already voted on this motion.") % {"name": member.full_name},
                           code="twice")
    MotionVoter.objects.create(motion=motion, member=member, choice="" if motion.secret else choice)
    field = COUNT_FIELDS[choice]
    Motion.objects.filter(pk=motion.pk).update(**{field: F(field) + 1})
    audit.record(by, "meetings.motion.vote", motion, {} if motion.secret else {"choice": choice})


@transaction.atomic
def close_motion(motion: Motion, *, by) -> Motion:
    """Close the vote and count it against the roll as it stands: the members entitled to vote, those present,
    the votes needed by the rule's threshold and base, the quorum if the rule has one, passed or not; the minutes
    read the result from the motion. Refused: a motion already closed, approved minutes. Side effects: the
    motion's result; audit entry."""
    motion = Motion.objects.select_for_update().select_related("rule", "meeting").get(pk=motion.pk)
    if motion.status != MotionStatus.OPEN:
        raise MeetingError(_("This vote is closed."), code="closed")
    _check_minutes_open(motion.meeting)
    result = voting.tally(motion, list(motion.meeting.attendance.all()))
    motion.entitled, motion.entitled_present = result.entitled, result.entitled_present
    motion.required, motion.quorum_met, motion.passed = result.required, result.quorum_met, result.passed
    motion.status, motion.closed_at, motion.closed_by = MotionStatus.CLOSED, timezone.now(), person(by)
    motion.save()
    audit.record(by, "meetings.motion.close", motion, {
        "for": motion.votes_for, "against": motion.votes_against, "abstain": motion.votes_abstain,
        "entitled": result.entitled, "present": result.entitled_present, "passed": result.passed})
    return motion
