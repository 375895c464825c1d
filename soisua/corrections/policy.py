"""Who sees and acts on shortcomings and correction plans, on top of org.access.

A shortcoming's owner is its member (the unit's leadership for a collective one): the owner reports progress,
claims the fix and drafts the plan. Supervisors, the unit's leadership and the superior committee verify; the
cell committee approves members' plans, the superior committee the collective's. Loaders raise 404 for those who
may not see the object and 403 for those who see it but ask for an action they may not take.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Unit

from .enums import PlanStatus
from .models import CorrectionPlan, Measure, ProgressEntry, Shortcoming


def _member_id(user) -> int | None:
    return access.scope_for(user).member_id if user.is_authenticated else None


def is_owner(user, shortcoming: Shortcoming) -> bool:
    if shortcoming.member_id is None:
        return access.leads_unit(user, shortcoming.unit)
    return shortcoming.member_id == _member_id(user)


def supervises(user, shortcoming: Shortcoming) -> bool:
    member_id = _member_id(user)
    return member_id is not None and shortcoming.plans.filter(measures__supervisor_id=member_id).exists()


def sees_subtree(user, unit: Unit) -> bool:
    """Committee, staff, inspectors and administrators covering the unit: the levels above a cell."""
    return access.covers(user, unit)


def can_see_board(user, unit: Unit) -> bool:
    """A unit's board of open corrections (and its spreadsheet): its leadership and the levels above."""
    return access.leads_unit(user, unit) or sees_subtree(user, unit)


def can_record_shortcomings(user, unit: Unit) -> bool:
    """The cell's leadership enters shortcomings found in a meeting, an inspection or by the upper level."""
    return access.leads_unit(user, unit)


def in_draft(shortcoming: Shortcoming) -> bool:
    """Named in a review not submitted yet: the review's writer's alone until it is submitted (as the draft)."""
    return shortcoming.review_id is not None and shortcoming.review.submitted_at is None


def can_see_shortcoming(user, shortcoming: Shortcoming) -> bool:
    """The owner, their supervisors, the unit's leadership, the levels above; a collective's also its members.
    One named in a draft review is its writer's only (`in_draft`): the member, or the leadership for the
    collective's review, until the review is submitted."""
    unit = shortcoming.unit
    scope = access.scope_for(user)
    if in_draft(shortcoming):
        return is_owner(user, shortcoming)
    if scope.everything or is_owner(user, shortcoming) or access.leads_unit(user, unit):
        return True
    if sees_subtree(user, unit) or follows(user, shortcoming):
        return True
    # A collective's shortcomings are the whole cell's business; members' ones only where the installation says so.
    if (shortcoming.member_id is None or settings.CORRECTIONS_OPEN_TO_CELL) and scope.can_read(unit):
        return True
    return supervises(user, shortcoming)


def visible_shortcomings(user) -> Q:
    """A Q on Shortcoming for those `can_see_shortcoming` shows the user, for lists (the API's): one named in a
    draft review to its owner only; the others to the owner, the unit's leadership, the levels above, the body that
    follows it, the cell's readers (a collective's, or any where the installation opens them) and supervisors."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = access.scope_for(user)
    member_id = scope.member_id
    leads = [grant.unit_id for grant in scope.grants if grant.role in (Role.SECRETARY, Role.COMMITTEE)]
    owner = Q(member__isnull=True, unit_id__in=leads)
    if member_id is not None:
        owner |= Q(member_id=member_id)
    before_the_cell = Q(review__isnull=True) | Q(review__submitted_at__isnull=False)
    if scope.everything:
        return before_the_cell | owner
    speaking = [grant.unit_id for grant in scope.grants if grant.role in (Role.SECRETARY, Role.COMMITTEE, Role.STAFF)]
    speaking += [unit_id for unit_id in scope.stand_ins if scope.stands_in_for(unit_id)]
    covered = Q(pk__in=[])
    body_covered = Q(followed_by_id__in=speaking)
    for grant in scope.grants:
        if grant.subtree:
            covered |= Q(unit__path__startswith=grant.path)
            body_covered |= Q(followed_by__path__startswith=grant.path)
    cell = scope.unit_filter("unit__")
    if not settings.CORRECTIONS_OPEN_TO_CELL:
        cell &= Q(member__isnull=True)
    seen = owner | Q(unit_id__in=leads) | covered | body_covered | cell
    if member_id is not None:
        seen |= Q(pk__in=Measure.objects.filter(supervisor_id=member_id).values("plan__shortcomings"))
    in_draft_review = Q(review__isnull=False, review__submitted_at__isnull=True)
    return (before_the_cell & seen) | (in_draft_review & owner)


def follows(user, shortcoming: Shortcoming) -> bool:
    """The body that asked for the remedy (an inspection's conclusion): those who speak for it or cover it."""
    body = shortcoming.followed_by
    return body is not None and (access.speaks_for(user, body) or sees_subtree(user, body))


def can_verify(user, shortcoming: Shortcoming) -> bool:
    """A supervisor, the unit's leadership or the superior committee; a remedy an inspection asked for, the
    inspecting body alone. Never the owner or the one who claimed it."""
    if user.pk in {shortcoming.member.user_id if shortcoming.member_id else None, shortcoming.claimed_by_id}:
        return False
    if shortcoming.followed_by_id is not None:
        return access.speaks_for(user, shortcoming.followed_by)
    # The grants first: they are in hand, while asking whether the reader supervises the fix reads the plans.
    return (access.leads_unit(user, shortcoming.unit) or access.is_superior_committee(user, shortcoming.unit)
            or supervises(user, shortcoming))


def can_comment(user, shortcoming: Shortcoming) -> bool:
    """Supervisors and committees comment on any fix; every member of the unit on the collective's."""
    return can_verify(user, shortcoming) or (shortcoming.member_id is None
                                             and access.scope_for(user).can_read(shortcoming.unit))


def can_make_plan(user, shortcoming: Shortcoming) -> bool:
    """The owner drafts a plan for a shortcoming that has none yet, once the cell has it before it (a draft
    review's shortcomings are planned after the review is submitted)."""
    return is_owner(user, shortcoming) and not in_draft(shortcoming) and not shortcoming.plans.exists()


def can_edit_plan(user, plan: CorrectionPlan) -> bool:
    """The owner of its shortcomings, while the plan is a draft or returned."""
    first = plan.shortcomings.select_related("unit", "member").first()
    return first is not None and is_owner(user, first) and plan.is_editable


def can_decide_plan(user, plan: CorrectionPlan) -> bool:
    """The cell committee approves members' plans; the superior committee approves the collective's."""
    if plan.status != PlanStatus.SUBMITTED:
        return False
    if plan.member_id is None:
        return access.is_superior_committee(user, plan.unit)
    return plan.member.user_id != user.pk and access.leads_unit(user, plan.unit)


# --- loaders: 404 for those who may not see the object, 403 for an action they may not take ----------------------


def get_unit_for_user(user, pk: int, *, board: bool = False, record: bool = False) -> Unit:
    """A unit as the corrections pages use it: org.access decides who sees it; its board (and the spreadsheet of its
    corrections) is for `can_see_board`, recording a shortcoming takes writing the unit and leading it."""
    unit = access.get_unit_for_user(user, pk, write=record)
    if (board and not can_see_board(user, unit)) or (record and not can_record_shortcomings(user, unit)):
        raise PermissionDenied
    return unit


def get_shortcoming_for_user(user, pk: int, *, write: bool = False, verify: bool = False,
                             comment: bool = False, plan: bool = False) -> Shortcoming:
    """Seen as `can_see_shortcoming` says. `write`: the owner's acts (progress, the claimed fix); `verify`:
    verifying or reopening a claimed fix; `comment`: a comment on the timeline; `plan`: a new plan for it
    (`can_make_plan`)."""
    shortcoming = (Shortcoming.objects.select_related("unit", "member", "member__user", "cycle", "recurring_of",
                                                      "followed_by", "review")
                   .filter(pk=pk).first())
    if shortcoming is None or not can_see_shortcoming(user, shortcoming):
        raise Http404
    if ((write and not is_owner(user, shortcoming)) or (verify and not can_verify(user, shortcoming))
            or (comment and not can_comment(user, shortcoming)) or (plan and not can_make_plan(user, shortcoming))):
        raise PermissionDenied
    return shortcoming


def get_evidence_for_user(user, pk: int) -> ProgressEntry:
    """A timeline entry with an evidence file, for whoever sees its shortcoming."""
    entry = ProgressEntry.objects.exclude(evidence="").filter(pk=pk).first()
    if entry is None:
        raise Http404
    get_shortcoming_for_user(user, entry.shortcoming_id)
    return entry


def get_plan_for_user(user, pk: int, *, write: bool = False, decide: bool = False) -> CorrectionPlan:
    """Seen by whoever sees its shortcomings; written by its owner while a draft or returned (`can_edit_plan`);
    approved or returned by `can_decide_plan`."""
    plan = CorrectionPlan.objects.select_related("unit", "member", "cycle").filter(pk=pk).first()
    if plan is None:
        raise Http404
    first = plan.shortcomings.select_related("unit", "member", "review").first()
    if first is None or not can_see_shortcoming(user, first):
        raise Http404
    if (write and not (is_owner(user, first) and plan.is_editable)) or (decide and not can_decide_plan(user, plan)):
        raise PermissionDenied
    return plan


def get_measure_for_user(user, pk: int, *, write: bool = False) -> Measure:
    """A measure of a plan, as its plan (get_plan_for_user)."""
    measure = Measure.objects.select_related("plan").filter(pk=pk).first()
    if measure is None:
        raise Http404
    get_plan_for_user(user, measure.plan_id, write=write)
    return measure
