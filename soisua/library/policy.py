"""Who reads, publishes and follows the library's documents, on top of org.access and the meetings policy.

A document published by a committee reaches its subtree: whoever reads a unit at or below the publishing unit reads
it (the members of the cells below, the leadership of the units between), and so do those who cover the publishing
unit from above; nobody else (404). The committee (its committee members, staff and administrators covering it)
publishes and withdraws. Who has studied a required document is followed, cell by cell, by those who publish it and
those who cover the cells (the figures of the cells they cover); the names of who has not yet studied by the cell's
leadership and those who cover the cell. A member confirms only their own study, of a document that asks them.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from soisua.meetings import policy as meetings
from soisua.meetings.enums import MeetingKind
from soisua.meetings.models import Meeting
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Member, Unit

from .enums import STUDY_STATUSES
from .models import LibraryDocument
from .queries import at_or_above

PUBLISH_ROLES = frozenset({Role.COMMITTEE, Role.STAFF, Role.ADMIN})
STUDY_MEETING_KINDS = frozenset({MeetingKind.THEMATIC, MeetingKind.COMBINED})


def visible_filter(user, prefix: str = "") -> Q:
    """A Q on LibraryDocument for the documents `user` reads: those published at or above a unit the user reads,
    and, for grants that cover a subtree, those published inside it."""
    scope = access.scope_for(user)
    if scope.everything:
        return Q()
    condition = Q(pk__in=[])
    for grant in scope.grants:
        condition |= Q(**{f"{prefix}unit__path__in": at_or_above(grant.path)})
        if grant.subtree:
            condition |= Q(**{f"{prefix}unit__path__startswith": grant.path})
    return condition


def visible_documents(user) -> QuerySet[LibraryDocument]:
    return LibraryDocument.objects.filter(visible_filter(user))


def can_read(user, document: LibraryDocument) -> bool:
    scope = access.scope_for(user)
    if scope.everything:
        return True
    path = document.unit.path
    return any(grant.path.startswith(path) or (grant.subtree and path.startswith(grant.path))
               for grant in scope.grants)


def can_publish(user, unit: Unit) -> bool:
    """A committee publishes to its subtree: committee members, staff and administrators covering the unit; a cell
    is not a committee."""
    if unit.kind.holds_members:
        return False
    scope = access.scope_for(user)
    return scope.everything or bool(scope.roles_on(unit) & PUBLISH_ROLES)


def can_manage(user, document: LibraryDocument) -> bool:
    """Withdraw the document, follow its whole study: whoever may publish at its unit."""
    return can_publish(user, document.unit)


def publishing_units(user) -> list[Unit]:
    """The highest units the user may publish at (the list page offers them)."""
    units = Unit.objects.filter(pk__in=access.scope_for(user).top_units()).select_related("kind").order_by("path")
    return [unit for unit in units if can_publish(user, unit)]


def member_of(user) -> Member | None:
    member_id = access.scope_for(user).member_id
    if member_id is None:
        return None
    return Member.objects.select_related("cell").filter(pk=member_id).first()


def is_asked_to_study(member: Member | None, document: LibraryDocument) -> bool:
    """The member is asked to study the document: it is required and not withdrawn, the member's cell is in its
    subtree and the member takes part in activity (enums.STUDY_STATUSES)."""
    return (member is not None and document.studied_now and member.status in STUDY_STATUSES
            and member.cell.path.startswith(document.unit.path))


def can_follow_study(user, document: LibraryDocument) -> bool:
    """The study's figures by cell: its publishers and those who cover or lead a unit under it."""
    if can_manage(user, document):
        return True
    scope = access.scope_for(user)
    return any(grant.path.startswith(document.unit.path) and grant.role != Role.MEMBER for grant in scope.grants)


def followed_cells_filter(user, document: LibraryDocument) -> Q:
    """A Q on Unit for the cells of the document's subtree whose figures the user sees."""
    if can_manage(user, document):
        return Q(path__startswith=document.unit.path)
    scope = access.scope_for(user)
    condition = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role == Role.MEMBER or not grant.path.startswith(document.unit.path):
            continue
        condition |= Q(path__startswith=grant.path) if grant.subtree else Q(pk=grant.unit_id)
    return condition & Q(path__startswith=document.unit.path)


def can_see_names(user, cell: Unit) -> bool:
    """Who studied and who has not yet, by name: the cell's leadership and those who cover the cell."""
    return access.leads_unit(user, cell) or access.covers(user, cell)


def get_document_for_user(user, pk: int, *, manage: bool = False, follow: bool = False) -> LibraryDocument:
    """A document: 404 for who may not read it; 403 for readers asking to withdraw it (`manage`) or to follow its
    study (`follow`)."""
    document = LibraryDocument.objects.select_related("unit", "unit__kind").filter(pk=pk).first()
    if document is None:
        raise Http404
    allowed = can_manage(user, document) if manage else (can_follow_study(user, document) if follow else True)
    access.refuse_unless(can_read(user, document), allowed)
    return document


def get_study_cell_for_user(user, document: LibraryDocument, pk: int) -> Unit:
    """A cell of the document's subtree whose study is shown by name: 404 for a cell outside the subtree or that
    the user may not read; 403 for readers who may not see the names."""
    unit = access.get_unit_for_user(user, pk)
    access.refuse_unless(unit.kind.holds_members and unit.path.startswith(document.unit.path),
                         can_see_names(user, unit))
    return unit


def get_publishing_unit_for_user(user, pk: int) -> Unit:
    """The unit a document is published at: 404 for strangers, 403 for readers who may not publish there."""
    unit = access.get_unit_for_user(user, pk)
    access.refuse_unless(True, can_publish(user, unit))
    return unit


def get_member_for_study(user, document: LibraryDocument) -> Member:
    """The login's own member, asked to study the document (403 otherwise)."""
    member = member_of(user)
    access.refuse_unless(True, is_asked_to_study(member, document))
    return member


def can_link_documents(user, meeting: Meeting) -> bool:
    """The cell's leadership links the documents a thematic session studied."""
    return meeting.kind in STUDY_MEETING_KINDS and meetings.can_run_meetings(user, meeting.unit)


def get_meeting_for_user(user, pk: int, *, link: bool = False) -> Meeting:
    meeting = meetings.get_meeting_for_user(user, pk)
    access.refuse_unless(True, not link or can_link_documents(user, meeting))
    return meeting

