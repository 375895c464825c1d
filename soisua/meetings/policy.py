"""Who sees and runs a cell's meetings, on top of org.access.

Whoever reads the cell sees its meetings, plan, roll, speakers and minutes; the cell's own leadership (its
secretary or committee: `access.leads_unit`) schedules and runs them. The installation's administrators keep the
versions of the meeting rules; those who manage a committee's subtree set its lower minimum for small cells.
Loaders raise 404 for strangers (the object's existence is not disclosed) and 403 for readers who ask to manage.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Unit

from . import queries
from .models import (
    Attendance,
    CalendarFeed,
    Contribution,
    Meeting,
    MeetingDocument,
    MeetingRuleException,
    MeetingRules,
    Motion,
)

# Who sets a committee's lower minimum for its small cells: those who manage its subtree.
RULE_EXCEPTION_ROLES = frozenset({Role.COMMITTEE, Role.STAFF, Role.ADMIN})


def can_run_meetings(user, unit: Unit) -> bool:
    """The cell's leadership schedules meetings, keeps the roll, the speakers, the documents and the minutes."""
    return access.leads_unit(user, unit)


def get_cell_for_user(user, pk: int, *, manage: bool = False) -> Unit:
    """A cell whose meetings or year plan are asked for: 404 for strangers and, to readers, for a unit that holds no
    members; managing takes writing the unit and leading the cell (403 otherwise, also for a unit that is no
    cell)."""
    unit = access.get_unit_for_user(user, pk, write=manage)
    if not unit.kind.holds_members:
        raise PermissionDenied if manage else Http404
    if manage and not can_run_meetings(user, unit):
        raise PermissionDenied
    return unit


def get_unit_for_attendance_export(user, pk: int) -> Unit:
    """The unit whose meetings and attendance are exported (its subtree's): whoever reads it reads its meetings and
    their rolls; 404 for strangers."""
    return access.get_unit_for_user(user, pk)


def may_see_member_numbers(user, unit: Unit) -> bool:
    """The party card and citizen ID numbers in the roll of an export: personal data, for those who may see it."""
    return access.can_see_personal_data_in(user, unit)


def is_on_roll(user, meeting: Meeting) -> bool:
    """Whether the login's member is on the meeting's roll: only they check in to it."""
    return queries.roll_line_of(meeting, user) is not None


def get_meeting_for_user(user, pk: int, *, manage: bool = False, check_in: bool = False) -> Meeting:
    """Whoever reads the cell sees its meetings; its leadership runs them; those on its roll check in to it (403
    for a reader who is not)."""
    meeting = (Meeting.objects.select_related("unit", "unit__kind", "chair", "minute_taker", "liaison", "topic")
               .filter(pk=pk).first())
    if meeting is None or not access.can_read_unit(user, meeting.unit):
        raise Http404
    if manage and not can_run_meetings(user, meeting.unit):
        raise PermissionDenied
    if check_in and not is_on_roll(user, meeting):
        raise PermissionDenied
    return meeting


def get_roll_line_of(meeting: Meeting, member_pk: int) -> Attendance:
    """A member's line of a meeting already loaded (get_meeting_for_user): 404 when they are not on its roll."""
    line = queries.roll_line_of_member(meeting, member_pk)
    if line is None:
        raise Http404
    return line


def get_meeting_for_scan(pk: int) -> Meeting:
    """The meeting whose check-in code a phone scanned, maybe before its owner logged in: the code is the key
    (services.scan_check_in_code verifies it and the page shows nothing of the meeting), so no login is asked
    here; checking in itself takes the member's login and get_meeting_for_user. 404 when there is no meeting."""
    meeting = Meeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def get_attendance_for_user(user, pk: int, *, manage: bool = False) -> Attendance:
    """A line of a meeting's roll, as its meeting (get_meeting_for_user)."""
    line = Attendance.objects.filter(pk=pk).first()
    if line is None:
        raise Http404
    get_meeting_for_user(user, line.meeting_id, manage=manage)
    return line


def get_contribution_for_user(user, pk: int, *, manage: bool = False) -> Contribution:
    """A speaker's entry of a meeting, as its meeting (get_meeting_for_user)."""
    contribution = Contribution.objects.filter(pk=pk).first()
    if contribution is None:
        raise Http404
    get_meeting_for_user(user, contribution.meeting_id, manage=manage)
    return contribution


def get_document_for_user(user, pk: int) -> MeetingDocument:
    """A meeting's document: the cell reads it once published; until then only the cell's leadership sees it."""
    document = MeetingDocument.objects.filter(pk=pk).first()
    if document is None:
        raise Http404
    meeting = get_meeting_for_user(user, document.meeting_id)
    if meeting.documents_published_at is None and not can_run_meetings(user, meeting.unit):
        raise Http404
    return document


def get_calendar_feed_for_token(token: str) -> CalendarFeed:
    """The calendar link a calendar application fetches without a login: the secret token is the key, and the
    owner's access now decides (404 once the login is disabled or the owner no longer reads the unit)."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user", "unit").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    if feed.unit is not None and not access.can_read_unit(feed.user, feed.unit):
        raise Http404
    return feed


# --- the meeting rules -----------------------------------------------------------------------------------------


def can_manage_meeting_rules(user) -> bool:
    """The rule versions are the installation's: its administrators copy, change and publish them."""
    return access.can_administer_installation(user)


def check_may_manage_meeting_rules(user) -> None:
    """The rule versions page is for the installation's administrators (403 for anyone else)."""
    access.refuse_unless(True, can_manage_meeting_rules(user))


def get_rules_for_user(user, pk: int, *, edit: bool = False) -> MeetingRules:
    """A version of the meeting rules, for an administrator to copy, change or publish (404 when there is none);
    with `edit`, a draft only: a published version's form is not offered (403)."""
    check_may_manage_meeting_rules(user)
    rules = MeetingRules.objects.filter(pk=pk).first()
    if rules is None:
        raise Http404
    if edit and rules.is_published:
        raise PermissionDenied
    return rules


def can_set_rule_exceptions(user, unit: Unit) -> bool:
    """A lower minimum for small cells is set by a committee above the cells, by those who manage its subtree: its
    committee members and staff, and administrators covering it."""
    if unit.kind.holds_members:
        return False
    scope = access.scope_for(user)
    return scope.everything or bool(scope.roles_on(unit) & RULE_EXCEPTION_ROLES)


def get_committee_for_rules(user, pk: int, *, manage: bool = False) -> Unit:
    """The unit whose meeting rules page is asked for: whoever reads it sees the rules and the lower minimums set
    by it or for it (a cell's page shows only those that concern it); setting one takes can_set_rule_exceptions
    (403), which a cell never has."""
    unit = access.get_unit_for_user(user, pk)
    if manage and unit.kind.holds_members:
        raise PermissionDenied
    if manage and not can_set_rule_exceptions(user, unit):
        raise PermissionDenied
    return unit


def get_rule_exception_for_user(user, pk: int, *, manage: bool = False) -> MeetingRuleException:
    """A lower minimum, as the committee that set it (get_committee_for_rules)."""
    exception = MeetingRuleException.objects.select_related("committee", "committee__kind").filter(pk=pk).first()
    if exception is None:
        raise Http404
    get_committee_for_rules(user, exception.committee_id, manage=manage)
    return exception


# --- votes in meetings -----------------------------------------------------------------------------------------


def can_run_votes(user, meeting: Meeting) -> bool:
    """The cell's leadership, and the meeting's chair and minute-taker, open and close the motions put to the
    vote; what the meeting's state allows is the service's to say."""
    if can_run_meetings(user, meeting.unit):
        return True
    if not user.is_authenticated:
        return False
    runners = (meeting.chair, meeting.minute_taker)
    return any(member is not None and member.user_id == user.pk for member in runners)


def get_meeting_for_votes(user, pk: int, *, run: bool = False) -> Meeting:
    """A meeting's votes, as its meeting (get_meeting_for_user); running them takes can_run_votes (403)."""
    meeting = get_meeting_for_user(user, pk)
    access.refuse_unless(True, not run or can_run_votes(user, meeting))
    return meeting


def get_motion_for_user(user, pk: int, *, run: bool = False, vote: bool = False):
    """A motion, as its meeting: whoever reads the cell sees it; running it takes can_run_votes, voting takes a
    line on the meeting's roll (403 otherwise; whether that member may vote now is the service's to say)."""
    motion = Motion.objects.select_related("rule", "meeting").filter(pk=pk).first()
    if motion is None:
        raise Http404
    meeting = get_meeting_for_votes(user, motion.meeting_id, run=run)
    access.refuse_unless(True, not vote or is_on_roll(user, meeting))
    motion.meeting = meeting
    return motion
