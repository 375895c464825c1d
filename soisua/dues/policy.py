"""Who reads and records party dues, on top of org.access and the meetings policy.

Whoever runs the cell's meetings (its secretary or committee: `meetings.policy.can_run_meetings`) collects the
dues and keeps their record. A cell's dues list is read by them and by those who follow the cell's subtree (the
committees, staff and inspectors above it); a member's dues also by the member. Loaders raise 404 for strangers
and 403 for readers who may not see the dues or who ask to record them.
"""

from soisua.meetings import policy as meetings
from soisua.meetings.models import Meeting
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Member, Unit

# Who imports payments for the cells below a committee: its committee members and committee staff (on it or above).
IMPORT_ROLES = frozenset({Role.COMMITTEE, Role.STAFF})


def can_record_dues(user, unit: Unit) -> bool:
    return unit.kind.holds_members and meetings.can_run_meetings(user, unit)


def can_read_cell_dues(user, unit: Unit) -> bool:
    return unit.kind.holds_members and (meetings.can_run_meetings(user, unit) or access.follows_subtree(user, unit))


def can_read_member_dues(user, member: Member) -> bool:
    own = getattr(user, "pk", None) is not None and access.is_self(user, member)
    return own or can_read_cell_dues(user, member.cell)


def can_import_payments(user, unit: Unit) -> bool:
    """Import a file of payments for the cells of `unit`'s subtree: for a cell, whoever records its dues; for a
    unit above the cells, its committee and committee staff (their grants cover every cell below)."""
    if unit.kind.holds_members:
        return can_record_dues(user, unit)
    return bool(access.scope_for(user).roles_on(unit) & IMPORT_ROLES)


def get_unit_for_import(user, pk: int) -> Unit:
    """The unit a file of payments is imported under: 404 for who may not read it, 403 for readers who may not
    import payments for its cells."""
    unit = access.get_unit_for_user(user, pk)
    access.refuse_unless(True, can_import_payments(user, unit))
    return unit


def get_cell_for_user(user, pk: int, *, record: bool = False) -> Unit:
    """A cell's dues: 404 for who may not read the cell or for a unit that holds no members; 403 for readers of
    the cell who may not see its dues, or record them when asked."""
    unit = access.get_unit_for_user(user, pk)
    access.refuse_unless(unit.kind.holds_members, can_record_dues(user, unit) if record
                         else can_read_cell_dues(user, unit))
    return unit


def get_member_for_user(user, pk: int, *, record: bool = False) -> Member:
    """A member's dues: 404 for who may not read the member; 403 for who may not see their dues, or record them."""
    member = access.get_member_for_user(user, pk)
    access.refuse_unless(True, can_record_dues(user, member.cell) if record else can_read_member_dues(user, member))
    return member


def get_meeting_for_user(user, pk: int) -> Meeting:
    """The meeting whose collection sheet is opened: its cell's leadership only (meetings policy, manage)."""
    return meetings.get_meeting_for_user(user, pk, manage=True)
