"""Who sees and acts on inspections, on top of org.access.

The inspecting body's records (plan, findings, conclusion) are seen by the body (those who speak for it and its
team), the levels above it, the subject's leadership once the subject was told, the levels covering the subject,
and, for a member's own case, that member. The body plans, tells, records and concludes; its team records
findings; the subject's leadership (or the member inspected) writes the self-report. Loaders raise 404 for those
who may not see the object and 403 for those who see it but ask for an action they may not take.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from soisua.org import access
from soisua.org.enums import SUBTREE_ROLES
from soisua.org.models import Unit

from .enums import InspectionStatus
from .models import Inspection, RemedyRequest


def covers(user, unit: Unit) -> bool:
    scope = access.scope_for(user)
    return scope.everything or bool(scope.roles_on(unit) & SUBTREE_ROLES)


def on_team(user, inspection: Inspection) -> bool:
    """Reads the team through `inspection.team.all()`, so a list prefetching it asks nothing more."""
    return user.is_authenticated and any(member.pk == user.pk for member in inspection.team.all())


def is_body(user, inspection: Inspection) -> bool:
    return access.speaks_for(user, inspection.body) or on_team(user, inspection)


def is_member_inspected(user, inspection: Inspection) -> bool:
    member = inspection.subject_member
    return member is not None and member.user_id is not None and member.user_id == user.pk


def can_see(user, inspection: Inspection) -> bool:
    if is_body(user, inspection) or covers(user, inspection.body) or covers(user, inspection.subject_unit):
        return True
    if inspection.status == InspectionStatus.PLANNED:
        return False
    return access.speaks_for(user, inspection.subject_unit) or is_member_inspected(user, inspection)


def can_plan_for(user, body: Unit) -> bool:
    return access.speaks_for(user, body)


def can_manage(user, inspection: Inspection) -> bool:
    """Tell the subject, ask remedies, conclude: those who speak for the inspecting body."""
    return access.speaks_for(user, inspection.body)


def can_record_findings(user, inspection: Inspection) -> bool:
    return is_body(user, inspection)


def can_self_report(user, inspection: Inspection) -> bool:
    if inspection.status != InspectionStatus.NOTIFIED:
        return False
    return access.speaks_for(user, inspection.subject_unit) or is_member_inspected(user, inspection)


def _decide(visible: bool, allowed: bool) -> None:
    if not visible:
        raise Http404
    if not allowed:
        raise PermissionDenied


def get_unit_for_user(user, pk: int, *, plan: bool = False) -> Unit:
    unit = access.get_unit_for_user(user, pk)
    _decide(True, not plan or can_plan_for(user, unit))
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
