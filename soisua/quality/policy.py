"""Who reads, assesses, confirms and rates the quality of a meeting, and who chooses the criteria version, on top of
org.access and the meetings policy (docs/domain.md, "Meeting quality").

Whoever reads a cell's meetings reads their assessment and, once enough were given, the members' ratings. The
cell's leadership (its secretary or committee: `meetings.policy.can_run_meetings`) records the assessment the cell
decided; the upper-level liaison named on the meeting confirms it (the directly superior committee when no liaison
was named). Members on the roll rate the meetings they attended (the service refuses the rest with its reason).
Those who manage a committee's subtree choose the criteria version its cells follow. Loaders raise 404 for
strangers and 403 for readers who ask for an action they may not take.
"""

from django.core.exceptions import PermissionDenied

from soisua.meetings import policy as meetings
from soisua.meetings import queries as meeting_queries
from soisua.meetings.models import Meeting
from soisua.org import access
from soisua.org.models import Unit

from . import queries

CHOOSER_ROLES = meetings.RULE_EXCEPTION_ROLES


def can_assess(user, meeting: Meeting) -> bool:
    return queries.is_assessable(meeting) and meetings.can_run_meetings(user, meeting.unit)


def is_liaison(user, meeting: Meeting) -> bool:
    return (meeting.liaison_id is not None and getattr(user, "pk", None) is not None
            and meeting.liaison.user_id == user.pk)


def can_confirm(user, meeting: Meeting) -> bool:
    """The upper-level committee member who followed the meeting confirms the cell's assessment; without one named,
    the directly superior committee does."""
    if not queries.is_assessable(meeting):
        return False
    if meeting.liaison_id is not None:
        return is_liaison(user, meeting)
    return access.is_superior_committee(user, meeting.unit)


def is_on_roll(user, meeting: Meeting) -> bool:
    return meeting_queries.roll_line_of(meeting, user) is not None


def can_choose_rubric(user, unit: Unit) -> bool:
    """A committee above the cells chooses the version its subtree follows, by those who manage its subtree."""
    return meetings.can_set_rule_exceptions(user, unit)


def get_meeting_for_user(user, pk: int, *, assess: bool = False, confirm: bool = False,
                         rate: bool = False) -> Meeting:
    """A meeting's quality: 404 for who may not read the meeting; 403 for assessing without leading the cell,
    confirming without being its liaison (or superior committee), rating without being on its roll."""
    meeting = meetings.get_meeting_for_user(user, pk)
    if assess and not can_assess(user, meeting):
        raise PermissionDenied
    if confirm and not can_confirm(user, meeting):
        raise PermissionDenied
    if rate and not (queries.is_assessable(meeting) and is_on_roll(user, meeting)):
        raise PermissionDenied
    return meeting


def get_unit_for_user(user, pk: int, *, choose: bool = False) -> Unit:
    """The unit whose criteria version is asked for: whoever reads it; choosing takes can_choose_rubric (403)."""
    unit = access.get_unit_for_user(user, pk)
    if choose and not can_choose_rubric(user, unit):
        raise PermissionDenied
    return unit
