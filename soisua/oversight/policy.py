"""Who sees and acts on inspections, on top of org.access.

The inspecting body's records (plan, findings, conclusion) are seen by the body (those who speak for it and its
team), the levels above it and above the subject, and, once the subject was told, the subject's leadership and, in
a member's own case, that member. Until then the subject does not learn of it: not through a grant on the subject
unit itself, and not the member inspected even when they belong to the body. Findings and remedies being drafted
stay the body's (and the levels above it) until the conclusion. The body plans, tells, records and concludes, and
its team records findings, never the member inspected; the subject's leadership writes the self-report, and in a
member's own case the member (the cell's leadership only for a member without a login). Loaders raise 404 for those
who may not see the object and 403 for those who see it but ask for an action they may not take.
"""


from soisua.org import access
from soisua.org.models import Unit

from .enums import InspectionStatus
from .models import Inspection, RemedyRequest

covers = access.covers


def on_team(user, inspection: Inspection) -> bool:
    """Reads the team through `inspection.team.all()`, so a list prefetching it asks nothing more. A token limited
    to a unit acts on the team only for a body in its subtree."""
    return (user.is_authenticated and any(member.pk == user.pk for member in inspection.team.all())
            and access.in_token_subtree(user, inspection.body))


def is_body(user, inspection: Inspection) -> bool:
    return access.speaks_for(user, inspection.body) or on_team(user, inspection)


def is_member_inspected(user, inspection: Inspection) -> bool:
    member = inspection.subject_member
    return member is not None and access.is_self(user, member)


def covers_from_above(user, unit: Unit) -> bool:
    """Committees, staff, inspectors and administrators of a unit above `unit` (not a grant on the unit itself)."""
    scope = access.scope_for(user)
    return scope.everything or any(grant.subtree and grant.unit_id != unit.pk and unit.path.startswith(grant.path)
                                   for grant in scope.grants)


def can_see(user, inspection: Inspection) -> bool:
    planned = inspection.status == InspectionStatus.PLANNED
    if planned and is_member_inspected(user, inspection):
        return False  # not even a member of the inspecting body learns of their own case before being told
    if is_body(user, inspection):
        return True
    if planned:
        # Not told yet: the subject's own people (a committee inspected by the level above, a member whose grant
        # covers their own cell) do not learn of it before the body tells them.
        return covers(user, inspection.body) or covers_from_above(user, inspection.subject_unit)
    return (covers(user, inspection.body) or covers(user, inspection.subject_unit)
            or access.speaks_for(user, inspection.subject_unit) or is_member_inspected(user, inspection))


def sees_working_records(user, inspection: Inspection) -> bool:
    """The findings and the remedies being drafted: the body and the levels covering it until the conclusion,
    everyone who sees the inspection once it is concluded."""
    return inspection.is_concluded or (not is_member_inspected(user, inspection) and (
        is_body(user, inspection) or covers(user, inspection.body)))


def visible_records(user, inspection: Inspection, records: dict) -> dict:
    """`records` (queries.details) as the reader is shown them: without findings and remedies before the conclusion
    to those who do not see the working records."""
    if sees_working_records(user, inspection):
        return records
    return {**records, "findings": [], "remedies": []}


def can_open_unit(user, unit: Unit) -> bool:
    """The unit's own pages (its programme) are open to the reader: links to them are shown only then."""
    return access.can_read_unit(user, unit)


def can_plan_for(user, body: Unit) -> bool:
    return access.speaks_for(user, body)


def can_manage(user, inspection: Inspection) -> bool:
    """Tell the subject, ask remedies, conclude: those who speak for the inspecting body, except the member
    inspected."""
    return access.speaks_for(user, inspection.body) and not is_member_inspected(user, inspection)


def can_record_findings(user, inspection: Inspection) -> bool:
    return is_body(user, inspection) and not is_member_inspected(user, inspection)


def can_self_report(user, inspection: Inspection) -> bool:
    """While under way: the subject's leadership; in a member's own case the member, and the cell's leadership only
    for a member without a login (it records the report given on paper)."""
    if inspection.status != InspectionStatus.NOTIFIED:
        return False
    member = inspection.subject_member
    if member is not None and member.user_id is not None:
        return is_member_inspected(user, inspection)
    return access.speaks_for(user, inspection.subject_unit)


_decide = access.refuse_unless


def get_unit_for_user(user, pk: int, *, plan: bool = False, dashboard: bool = False) -> Unit:
    """`dashboard`: how the unit's subtree is doing, for those who speak for it or cover it (access.follows_subtree);
    its plain members read the unit, not its dashboard."""
    unit = access.get_unit_for_user(user, pk)
    _decide(True, (not plan or can_plan_for(user, unit)) and (not dashboard or access.follows_subtree(user, unit)))
    return unit


def get_inspection_for_user(user, pk: int, *, manage: bool = False, findings: bool = False,
                            self_report: bool = False, concluded: bool = False,
                            self_report_file: bool = False) -> Inspection:
    """`concluded`: the conclusion exists (its document); `self_report_file`: a file was uploaded. Otherwise 404."""
    inspection = (Inspection.objects.select_related("body", "subject_unit", "subject_member")
                  .filter(pk=pk).first())
    visible = (inspection is not None and can_see(user, inspection)
               and (not concluded or inspection.is_concluded)
               and (not self_report_file or bool(inspection.self_report_file)))
    allowed = visible and (not manage or can_manage(user, inspection)) and (
        not findings or can_record_findings(user, inspection)) and (
        not self_report or can_self_report(user, inspection))
    _decide(visible, allowed)
    return inspection


def get_remedy_for_user(user, pk: int) -> RemedyRequest:
    remedy = RemedyRequest.objects.select_related("inspection__body", "inspection__subject_unit").filter(pk=pk).first()
    visible = remedy is not None and can_see(user, remedy.inspection)
    _decide(visible, visible and can_manage(user, remedy.inspection))
    return remedy
