"""Writes to shortcomings. Correction plans, progress and verification build on these."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core import similarity
from soisua.core.actors import SYSTEM, person
from soisua.core.errors import Conflict, DomainError, check_version, clean_text
from soisua.core.uploads import check_document_upload, discard_stored, store_upload
from soisua.documents import numbering
from soisua.notifications.services import notify
from soisua.org import access
from soisua.org.enums import ACTIVE_STATUSES, Role
from soisua.org.models import Post

from . import rollup
from .enums import (
    DONE_STATUSES,
    Cause,
    PlanStatus,
    ProgressKind,
    ResponsibilityKind,
    Severity,
    ShortcomingStatus,
    Source,
)
from .models import CorrectionPlan, Measure, ProgressEntry, RoadmapStep, Shortcoming

# About three printed pages: a shortcoming is a paragraph, not a report.
MAX_TEXT_LENGTH = 5_000
EDITABLE_FIELDS = ("text", "cause", "cause_text", "responsibility", "measures", "fix_by")


class ShortcomingError(DomainError):
    """A refused change to a shortcoming; the message is already translated."""


# --- who is told ----------------------------------------------------------------------------------------------

CELL_LEADERSHIP = {Role.SECRETARY, Role.COMMITTEE}
SUPERIOR = {Role.COMMITTEE, Role.STAFF}


def _owners(item: Shortcoming | CorrectionPlan) -> list:
    """Who acts for a shortcoming or plan: its member, or the unit's leadership for a collective one."""
    if item.member_id:
        return [item.member.user] if item.member.user_id else []
    return access.users_with_roles(item.unit_id, CELL_LEADERSHIP)


def _approvers(plan: CorrectionPlan) -> list:
    """The cell committee approves members' plans; the superior committee the collective's."""
    if plan.member_id:
        return access.users_with_roles(plan.unit_id, CELL_LEADERSHIP)
    return access.users_with_roles(plan.unit.parent_id, SUPERIOR)


def _verifiers(shortcoming: Shortcoming) -> list:
    """Who may verify the fix (policy.can_verify): the inspecting body for a remedy it asked; otherwise the
    supervisors of its approved plans, the unit's leadership and the superior committee."""
    if shortcoming.followed_by_id:
        return access.users_with_roles(shortcoming.followed_by_id, {*CELL_LEADERSHIP, Role.STAFF})
    supervisors = [measure.supervisor.user for measure in Measure.objects.filter(
        plan__shortcomings=shortcoming, plan__status=PlanStatus.APPROVED, supervisor__user__isnull=False)
        .select_related("supervisor__user")]
    return [*supervisors, *access.users_with_roles(shortcoming.unit_id, CELL_LEADERSHIP)]


def _tell(users, *, by, kind: str, event: str, template: str, url: str, context: dict,
          skip=()) -> None:
    """Tell each of `users` once, never the one who acted (nor those in `skip`)."""
    left_out = {person(by).pk if person(by) else None, *skip}
    for user in {user.pk: user for user in users if user.pk not in left_out}.values():
        notify(user, kind=kind, event_key=f"{event}:{user.pk}", template=template, url=url, context=context)


def _clean(text: str, label: str, *, required: bool = False) -> str:
    text = clean_text(text, label, MAX_TEXT_LENGTH, error=ShortcomingError)
    if required and not text:
        raise ShortcomingError(_("Describe the shortcoming."), code="required")
    return text


def _values(*, text: str, cause: str, cause_text: str, responsibility: str, measures: str,
            fix_by: datetime.date | None) -> dict:
    if cause not in Cause.values:
        raise ShortcomingError(_("Choose whether the cause is subjective or objective."), code="cause")
    return {"text": _clean(text, _("shortcoming"), required=True), "cause": cause,
            "cause_text": _clean(cause_text, _("explanation of the cause")),
            "responsibility": _clean(responsibility, _("responsibility")),
            "measures": _clean(measures, _("corrective measures")), "fix_by": fix_by}


@transaction.atomic
def record_shortcoming(*, unit, member=None, review=None, source: str = Source.SELF_REVIEW, text: str,
                       cause: str = Cause.SUBJECTIVE, cause_text: str = "", responsibility: str = "",
                       measures: str = "", fix_by: datetime.date | None = None, checklist_items=(),
                       severity: str = Severity.MODERATE, responsibility_kind: str | None = None,
                       cycle_id: int | None = None, followed_by=None, by) -> Shortcoming:
    """Record a shortcoming of a member (or, without member, of the unit as a collective). `followed_by`: the
    body that asked for the remedy (an inspection), which then verifies the fix. Whose responsibility follows
    the owner unless given (`responsibility_of`): a collective's is never one individual's.

    Side effects: inserts it with its checklist links; links the earlier shortcoming it repeats; counts it up the
    tree (`rollup`); audit entry (without the text: it is personal).
    """
    values = _values(text=text, cause=cause, cause_text=cause_text, responsibility=responsibility,
                     measures=measures, fix_by=fix_by)
    responsibility_kind = responsibility_of(member, responsibility_kind)
    order = Shortcoming.objects.filter(review=review).count() if review is not None else 0
    shortcoming = Shortcoming.objects.create(unit=unit, member=member, review=review, source=source, order=order,
                                             cycle_id=review.cycle_id if review is not None else cycle_id,
                                             severity=severity, responsibility_kind=responsibility_kind,
                                             followed_by=followed_by, province_id=unit.province_id,
                                             created_by=person(by), **values)
    shortcoming.checklist_items.set(checklist_items)
    mark_recurrence(shortcoming)
    rollup.follow(unit, {}, rollup.tally(shortcoming))
    audit.record(by, "corrections.shortcoming.record", shortcoming, {"source": source, "review": review,
                                                                    "recurring_of": shortcoming.recurring_of_id})
    # The member is told when someone else named it; a remedy an inspection asks is told by its conclusion.
    if member is not None and member.user_id and followed_by is None:
        _tell([member.user], by=by, kind="corrections.recorded", event=f"shortcoming-recorded:{shortcoming.pk}",
              template="corrections/notifications/recorded",
              url=reverse("corrections:shortcomings.detail", args=[shortcoming.pk]),
              context={"source": shortcoming.get_source_display(), "unit": unit.name})
    return shortcoming


def responsibility_of(member, kind: str | None) -> str:
    """Whose responsibility a shortcoming is: the member's by default, the collective's for a unit's. The page,
    the board and the documents read who owns it from `member` (`Shortcoming.is_collective`), so a collective
    shortcoming may be the collective's or its head's, never one individual's."""
    if kind is None:
        return ResponsibilityKind.INDIVIDUAL if member is not None else ResponsibilityKind.COLLECTIVE
    if kind not in ResponsibilityKind.values:
        raise ShortcomingError(_("Choose whose responsibility it is."), code="responsibility")
    if member is None and kind == ResponsibilityKind.INDIVIDUAL:
        raise ShortcomingError(_("A shortcoming of the collective is the collective's or its head's "
                                 "responsibility: choose one of them, or choose the member it belongs to."),
                               code="responsibility")
    return kind


# Text this close to an earlier shortcoming of the same owner counts as the same shortcoming again.
RECURRENCE_SIMILARITY = 0.5


def mark_recurrence(shortcoming: Shortcoming) -> None:
    """Link a shortcoming to the same owner's earlier one it repeats: a shared checklist item or similar text."""
    earlier = Shortcoming.objects.filter(member=shortcoming.member, unit=shortcoming.unit).exclude(pk=shortcoming.pk)
    if shortcoming.cycle_id is not None:
        earlier = earlier.exclude(cycle_id=shortcoming.cycle_id)
    earlier = list(earlier.filter(pk__lt=shortcoming.pk).order_by("-pk")[:200])
    if not earlier:
        return
    items = set(shortcoming.checklist_items.values_list("pk", flat=True))
    match = next((old for old in earlier if items & set(old.checklist_items.values_list("pk", flat=True))), None)
    if match is None:
        found = similarity.near_duplicates(((old, similarity.signature(old.text)) for old in earlier),
                                           similarity.signature(shortcoming.text), threshold=RECURRENCE_SIMILARITY)
        match = found[0][0] if found else None
    if match is not None:
        shortcoming.recurring_of = match.recurring_of or match
        shortcoming.save(update_fields=["recurring_of"])


@transaction.atomic
def update_shortcoming(shortcoming: Shortcoming, *, text: str, cause: str, cause_text: str = "",
                       responsibility: str = "", measures: str = "", fix_by: datetime.date | None = None,
                       checklist_items=(), by) -> Shortcoming:
    """Side effects: updates the shortcoming and its checklist links; audit entry naming the changed fields."""
    values = _values(text=text, cause=cause, cause_text=cause_text, responsibility=responsibility,
                     measures=measures, fix_by=fix_by)
    before = audit.snapshot(shortcoming, EDITABLE_FIELDS)
    for name, value in values.items():
        setattr(shortcoming, name, value)
    shortcoming.save()
    shortcoming.checklist_items.set(checklist_items)
    changed = audit.diff(before, audit.snapshot(shortcoming, EDITABLE_FIELDS))
    audit.record(by, "corrections.shortcoming.update", shortcoming, {"fields": sorted(changed)})
    return shortcoming


@transaction.atomic
def remove_shortcoming(shortcoming: Shortcoming, *, by) -> None:
    """Side effects: deletes the shortcoming (those repeating it no longer do); the counts up the tree; audit
    entry."""
    shortcoming = _locked_shortcoming(shortcoming)
    repeating = list(Shortcoming.objects.select_for_update().filter(recurring_of=shortcoming).order_by("pk"))
    before = rollup.tally_all([shortcoming, *repeating])
    audit.record(by, "corrections.shortcoming.remove", shortcoming, {"review": shortcoming.review_id})
    shortcoming.delete()
    for row in repeating:
        row.recurring_of = None
    rollup.follow(shortcoming.unit, before, rollup.tally_all(repeating))


# --- correction plans ----------------------------------------------------------------------------------------


def _check_plan_editable(plan: CorrectionPlan) -> None:
    if not plan.is_editable:
        raise ShortcomingError(_("This plan was submitted: it can no longer be changed."), code="submitted")


@transaction.atomic
def create_plan(*, unit, member=None, cycle=None, shortcomings, deadline: datetime.date, by) -> CorrectionPlan:
    """A draft correction plan of a member (or of the unit as a collective) for some of their shortcomings.

    Side effects: inserts the plan and its links; audit entry.
    """
    shortcomings = list(shortcomings)
    if not shortcomings:
        raise ShortcomingError(_("Choose at least one shortcoming the plan fixes."), code="required")
    if any(item.member_id != (member.pk if member else None) or item.unit_id != unit.pk for item in shortcomings):
        raise ShortcomingError(_("A plan covers only its owner's own shortcomings."), code="owner")
    if deadline < timezone.localdate():
        raise ShortcomingError(_("The deadline cannot be in the past."), code="deadline")
    plan = CorrectionPlan.objects.create(unit=unit, member=member, cycle=cycle, deadline=deadline,
                                         province_id=unit.province_id, created_by=person(by))
    plan.shortcomings.set(shortcomings)
    audit.record(by, "corrections.plan.create", plan, {"shortcomings": [item.pk for item in shortcomings]})
    return plan


def _check_supervisor(plan: CorrectionPlan, supervisor) -> None:
    _check_supervisor_of(plan.unit, plan.member, supervisor)


def _check_supervisor_of(unit, member, supervisor) -> None:
    """A fellow member of the unit, or someone holding a post in the unit or the committee above it (the level
    above supervises its cell's committee: docs/domain.md, "Corrections"); never the owner."""
    if supervisor is None:
        return
    if member is not None and supervisor.pk == member.pk:
        raise ShortcomingError(_("Nobody supervises their own correction."), code="supervisor")
    inside = supervisor.cell.path.startswith(unit.path)
    posted = Post.objects.filter(member=supervisor, ended_on__isnull=True,
                                 unit_id__in=[unit.pk, unit.parent_id]).exists()
    if not (inside or posted) or supervisor.status not in ACTIVE_STATUSES:
        raise ShortcomingError(_("%(name)s is not a member or committee member of %(unit)s or of the committee "
                                 "above it: choose another supervisor.") % {"name": supervisor.full_name,
                                                                            "unit": unit.name},
                               code="supervisor")


@transaction.atomic
def add_measure(plan: CorrectionPlan, *, text: str, supervisor=None, deadline: datetime.date | None = None,
                by) -> Measure:
    """Side effects: inserts the measure; audit entry."""
    _check_plan_editable(plan)
    _check_supervisor(plan, supervisor)
    if deadline is not None and deadline > plan.deadline:
        raise ShortcomingError(_("A measure cannot end after the plan's deadline (%(day)s).")
                               % {"day": plan.deadline.strftime("%d/%m/%Y")}, code="deadline")
    measure = Measure.objects.create(plan=plan, text=_clean(text, _("measure"), required=True),
                                     supervisor=supervisor, deadline=deadline, order=plan.measures.count())
    audit.record(by, "corrections.measure.add", measure, {"plan": plan.pk, "supervisor": supervisor})
    return measure


@transaction.atomic
def add_step(measure: Measure, *, what: str, due: datetime.date, evidence_expected: str = "",
             by) -> RoadmapStep:
    """A roadmap step: what, by when, with what evidence. Side effects: inserts the step; audit entry."""
    plan = measure.plan
    _check_plan_editable(plan)
    if due < plan.created_at.date():
        raise ShortcomingError(_("A step cannot be dated before the plan was made (%(day)s).")
                               % {"day": plan.created_at.date().strftime("%d/%m/%Y")}, code="due")
    if due > plan.deadline:
        raise ShortcomingError(_("A step cannot be dated after the plan's deadline (%(day)s).")
                               % {"day": plan.deadline.strftime("%d/%m/%Y")}, code="due")
    step = RoadmapStep.objects.create(measure=measure, what=_clean(what, _("what"), required=True), due=due,
                                      evidence_expected=_clean(evidence_expected, _("expected evidence"))[:500],
                                      order=measure.steps.count())
    audit.record(by, "corrections.step.add", step, {"measure": measure.pk, "due": due})
    return step


@dataclass(frozen=True)
class StepDraft:
    """A roadmap step as typed on the plan's form."""

    what: str
    due: datetime.date
    evidence_expected: str = ""


@dataclass(frozen=True)
class MeasureDraft:
    """A measure as typed on the plan's form, with its steps in order."""

    text: str
    supervisor: object = None
    deadline: datetime.date | None = None
    steps: tuple[StepDraft, ...] = ()


class PlanRowsError(ShortcomingError):
    """Refusals in the rows of a plan's form: `rows` maps (measure index, step index or None, field name or None)
    to its messages, so the page shows each next to the row it is about."""

    def __init__(self, rows: dict[tuple[int, int | None, str | None], list[str]]):
        super().__init__([message for messages in rows.values() for message in messages], code="rows")
        self.rows = rows


class PlanConflict(Conflict):
    """The plan was saved elsewhere after the form was opened: nothing of this save was written."""


def _row_problems(plan_unit, member, measures: list[MeasureDraft], *, made_on: datetime.date,
                  deadline: datetime.date) -> dict:
    """What is wrong in each measure and step, by (measure index, step index or None, field)."""
    rows: dict[tuple[int, int | None, str | None], list[str]] = {}
    for index, measure in enumerate(measures):
        try:
            if not _clean(measure.text, _("measure")):
                raise ShortcomingError(_("Describe the measure."), code="required")
        except ShortcomingError as error:
            rows.setdefault((index, None, "text"), []).extend(error.messages)
        try:
            _check_supervisor_of(plan_unit, member, measure.supervisor)
        except ShortcomingError as error:
            rows.setdefault((index, None, "supervisor"), []).extend(error.messages)
        if measure.deadline is not None and measure.deadline > deadline:
            rows.setdefault((index, None, "deadline"), []).append(
                _("A measure cannot end after the plan's deadline (%(day)s).") % {"day": deadline.strftime("%d/%m/%Y")})
        for number, step in enumerate(measure.steps):
            if not step.what.strip():
                rows.setdefault((index, number, "what"), []).append(_("Say what is to be done."))
            if step.due < made_on:
                rows.setdefault((index, number, "due"), []).append(
                    _("A step cannot be dated before the plan was made (%(day)s).")
                    % {"day": made_on.strftime("%d/%m/%Y")})
            elif step.due > deadline:
                rows.setdefault((index, number, "due"), []).append(
                    _("A step cannot be dated after the plan's deadline (%(day)s).")
                    % {"day": deadline.strftime("%d/%m/%Y")})
    return rows


@transaction.atomic
def save_plan(plan: CorrectionPlan | None, *, unit, member=None, cycle=None, shortcomings, deadline: datetime.date,
              measures: list[MeasureDraft], version: int | None = None, by) -> CorrectionPlan:
    """The whole plan from its one form: which shortcomings it fixes, its deadline, its measures and their roadmap
    steps. A new plan when `plan` is None; otherwise the draft (or returned) plan as typed, refused when it was
    saved elsewhere since `version` (PlanConflict). Everything or nothing is written; refusals in the rows come
    together (PlanRowsError). Submitting is `submit_plan`, once this is saved.

    Side effects: the plan and its shortcoming links; its measures and steps replaced by those typed (a draft
    has no step done: steps are done once approved); version bumped; audit entry.
    """
    shortcomings = list(shortcomings)
    if plan is not None:
        plan = CorrectionPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
        check_version(plan.version, version, error=PlanConflict, message=_(
            "This plan was saved elsewhere (another tab or person) after you opened it, so your changes were not "
            "saved. What you typed is kept below: check the plan in another tab, then save again to replace it."))
        _check_plan_editable(plan)
        unit, member = plan.unit, plan.member
    if not shortcomings:
        raise ShortcomingError(_("Choose at least one shortcoming the plan fixes."), code="required")
    if any(item.member_id != (member.pk if member else None) or item.unit_id != unit.pk for item in shortcomings):
        raise ShortcomingError(_("A plan covers only its owner's own shortcomings."), code="owner")
    taken = CorrectionPlan.objects.filter(shortcomings__in=shortcomings).exclude(pk=plan.pk if plan else None)
    if taken.exists():
        raise ShortcomingError(_("One of these shortcomings already has a plan."), code="planned")
    today = timezone.localdate()
    if deadline < today:
        raise ShortcomingError(_("The deadline cannot be in the past."), code="deadline")
    made_on = timezone.localdate(plan.created_at) if plan is not None else today
    rows = _row_problems(unit, member, measures, made_on=made_on, deadline=deadline)
    if rows:
        raise PlanRowsError(rows)
    if plan is None:
        plan = CorrectionPlan.objects.create(unit=unit, member=member, cycle=cycle, deadline=deadline,
                                             province_id=unit.province_id, created_by=person(by))
        action = "corrections.plan.create"
    else:
        plan.deadline = deadline
        plan.version += 1
        plan.save(update_fields=["deadline", "version"])
        plan.measures.all().delete()
        action = "corrections.plan.save"
    plan.shortcomings.set(shortcomings)
    for order, draft in enumerate(measures):
        measure = Measure.objects.create(plan=plan, text=_clean(draft.text, _("measure"), required=True),
                                         supervisor=draft.supervisor, deadline=draft.deadline, order=order)
        RoadmapStep.objects.bulk_create(
            RoadmapStep(measure=measure, what=_clean(step.what, _("what"), required=True), due=step.due,
                        evidence_expected=_clean(step.evidence_expected, _("expected evidence"))[:500], order=number)
            for number, step in enumerate(draft.steps))
    audit.record(by, action, plan, {"shortcomings": [item.pk for item in shortcomings], "measures": len(measures),
                                    "steps": sum(len(draft.steps) for draft in measures)})
    return plan


def plan_problems(plan: CorrectionPlan) -> list[str]:
    """Why the plan cannot be submitted yet, as translated sentences."""
    measures = list(plan.measures.prefetch_related("steps"))
    if not measures:
        return [_("Add at least one measure.")]
    problems = []
    for number, measure in enumerate(measures, start=1):
        if measure.deadline is None:
            problems.append(_("Measure %(number)s has no deadline.") % {"number": number})
        if measure.supervisor_id is None:
            problems.append(_("Measure %(number)s has no supervisor.") % {"number": number})
        if not measure.steps.all():
            problems.append(_("Measure %(number)s has no roadmap step.") % {"number": number})
    return problems


@transaction.atomic
def submit_plan(plan: CorrectionPlan, *, by) -> CorrectionPlan:
    """Side effects: status submitted; audit entry. Refused while a measure lacks a deadline, supervisor or step."""
    plan = CorrectionPlan.objects.select_for_update().get(pk=plan.pk)
    _check_plan_editable(plan)
    problems = plan_problems(plan)
    if problems:
        raise ShortcomingError(problems, code="incomplete")
    plan.status, plan.submitted_at, plan.return_reason = PlanStatus.SUBMITTED, timezone.now(), ""
    plan.version += 1
    plan.save()
    audit.record(by, "corrections.plan.submit", plan)
    _tell(_approvers(plan), by=by, kind="corrections.plan_submitted", event=f"plan-submitted:{plan.pk}:{plan.version}",
          template="corrections/notifications/plan_submitted", url=reverse("corrections:plans.detail", args=[plan.pk]),
          context={"owner": str(plan.member or plan.unit), "unit": plan.unit.name})
    return plan


@transaction.atomic
def decide_plan(plan: CorrectionPlan, *, approve: bool, reason: str = "", by) -> CorrectionPlan:
    """The cell committee approves a submitted plan (its shortcomings are then being fixed to a roadmap) or returns
    it with a reason. Side effects: plan status; shortcomings planned and their next due date (counted up the
    tree); a collective's approved plan numbered in its unit's register (docs/documents.md, "Numbers"); audit
    entry."""
    plan = CorrectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.SUBMITTED:
        raise ShortcomingError(_("Only a submitted plan can be approved or returned."), code="state")
    reason = _clean(reason, _("reason"))
    if not approve and not reason:
        raise ShortcomingError(_("Say why the plan is returned."), code="reason")
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    plan.return_reason, plan.decided_at, plan.decided_by = reason, timezone.now(), person(by)
    plan.version += 1
    plan.save()
    if approve:
        plan.shortcomings.filter(status=ShortcomingStatus.OPEN).update(status=ShortcomingStatus.PLANNED)
        refresh_next_due(plan)
        if not plan.member_id:  # a member's plan is a personal paper and carries no number
            numbering.assign(plan, unit=plan.unit, kind=numbering.PLAN, on=timezone.localdate(plan.decided_at), by=by,
                             title=f"Kế hoạch khắc phục hạn chế, khuyết điểm của {plan.unit.name}")
    audit.record(by, "corrections.plan.approve" if approve else "corrections.plan.return", plan, {"reason": reason})
    _tell(_owners(plan), by=by, kind="corrections.plan_decided", event=f"plan-decided:{plan.pk}:{plan.version}",
          template=f"corrections/notifications/plan_{'approved' if approve else 'returned'}",
          url=reverse("corrections:plans.detail", args=[plan.pk]), context={"reason": reason})
    return plan


def refresh_next_due(plan: CorrectionPlan) -> None:
    """The earliest unfinished step of an approved plan (else its deadline) on each unverified shortcoming, and
    their due dates counted up the tree. The shortcomings are locked first, so a fix verified at the same time is
    counted once."""
    undone = RoadmapStep.objects.filter(measure__plan=plan, done_on__isnull=True).order_by("due")
    due = undone.values_list("due", flat=True).first() or plan.deadline
    rows = list(Shortcoming.objects.select_for_update(of=("self",)).filter(plans=plan).exclude(status__in=DONE_STATUSES)
                .order_by("pk"))
    changed = [row for row in rows if row.next_due != due]
    if not changed:
        return
    before = rollup.tally_all(changed)
    Shortcoming.objects.filter(pk__in=[row.pk for row in changed]).update(next_due=due)
    for row in changed:
        row.next_due = due
    rollup.follow(plan.unit, before, rollup.tally_all(changed))


# --- progress, claims, verification --------------------------------------------------------------------------

def _locked_shortcoming(shortcoming: Shortcoming) -> Shortcoming:
    return Shortcoming.objects.select_for_update(of=("self",)).select_related("member", "unit").get(
        pk=shortcoming.pk)


def _entry(shortcoming: Shortcoming, kind: str, *, note: str = "", link: str = "", evidence=None,
           by) -> ProgressEntry:
    entry = ProgressEntry(shortcoming=shortcoming, kind=kind, author=person(by), note=_clean(note, _("note")),
                          link=link)
    if evidence is not None:
        check_document_upload(evidence)
        entry.evidence_name, entry.evidence_size = evidence.name[:255], evidence.size
        store_upload(entry.evidence, evidence)  # the whole file, or none of it and a DomainError
    try:
        entry.save()
        audit.record(by, f"corrections.progress.{kind}", shortcoming, {"entry": entry.pk,
                                                                      "evidence": entry.evidence_name})
    except BaseException:
        if entry.evidence:
            discard_stored(entry.evidence.storage, entry.evidence.name)
        raise
    return entry


@transaction.atomic
def post_progress(shortcoming: Shortcoming, *, note: str, link: str = "", evidence=None,
                  by) -> ProgressEntry:
    """The owner reports progress, with evidence. Side effects: the entry (and the file); status in progress."""
    shortcoming = _locked_shortcoming(shortcoming)
    if shortcoming.status == ShortcomingStatus.VERIFIED:
        raise ShortcomingError(_("This shortcoming is verified fixed: it is closed."), code="closed")
    if not (note.strip() or link or evidence):
        raise ShortcomingError(_("Write what was done, or attach evidence."), code="required")
    entry = _entry(shortcoming, ProgressKind.UPDATE, note=note, link=link, evidence=evidence, by=by)
    if shortcoming.status == ShortcomingStatus.PLANNED:
        shortcoming.status = ShortcomingStatus.IN_PROGRESS
        shortcoming.save(update_fields=["status"])
    return entry


@transaction.atomic
def complete_step(step: RoadmapStep, *, by) -> RoadmapStep:
    """Side effects: the step's date; the plan's shortcomings' next due date (counted up the tree); audit entry."""
    if step.done_on is None:
        step.done_on = timezone.localdate()
        step.save(update_fields=["done_on"])
        refresh_next_due(step.measure.plan)
        audit.record(by, "corrections.step.complete", step)
    return step


@transaction.atomic
def claim_fix(shortcoming: Shortcoming, *, note: str, by) -> Shortcoming:
    """The owner reports the shortcoming fixed; a supervisor or the committee verifies it."""
    shortcoming = _locked_shortcoming(shortcoming)
    if shortcoming.status not in (ShortcomingStatus.PLANNED, ShortcomingStatus.IN_PROGRESS):
        raise ShortcomingError(_("Only a shortcoming being fixed to an approved plan can be reported fixed."),
                               code="state")
    entry = _entry(shortcoming, ProgressKind.CLAIM, note=note, by=by)
    shortcoming.status, shortcoming.claimed_by = ShortcomingStatus.CLAIMED, person(by)
    shortcoming.save(update_fields=["status", "claimed_by"])
    owner = shortcoming.member.user_id if shortcoming.member_id else None
    _tell(_verifiers(shortcoming), by=by, kind="corrections.fix_claimed", event=f"fix-claimed:{entry.pk}",
          template="corrections/notifications/fix_claimed", skip={owner},
          url=reverse("corrections:shortcomings.detail", args=[shortcoming.pk]),
          context={"owner": str(shortcoming.member or shortcoming.unit), "unit": shortcoming.unit.name})
    return shortcoming


def _check_not_own(shortcoming: Shortcoming, by) -> None:
    """Nobody verifies or reopens their own fix: neither the owner nor whoever reported it fixed, however they
    reach the service. Only the system (`by` SYSTEM) is nobody's owner and is let through."""
    if by is SYSTEM:
        return
    owner = shortcoming.member.user_id if shortcoming.member_id else None
    if by.pk in {owner, shortcoming.claimed_by_id}:
        raise ShortcomingError(_("Nobody verifies their own fix."), code="own")


@transaction.atomic
def verify_fix(shortcoming: Shortcoming, *, note: str = "", by) -> Shortcoming:
    """A supervisor or the committee confirms the fix.

    Refused to the owner and to whoever reported it fixed, whoever the caller (skipped only when `by` is SYSTEM).
    Side effects: verified (closed); timeline; counts up the tree; audit entry.
    """
    shortcoming = _locked_shortcoming(shortcoming)
    _check_not_own(shortcoming, by)
    if shortcoming.status == ShortcomingStatus.VERIFIED:
        raise ShortcomingError(_("This shortcoming is already verified fixed."), code="closed")
    if shortcoming.status != ShortcomingStatus.CLAIMED:
        raise ShortcomingError(_("The owner has not reported it fixed yet."), code="state")
    entry = _entry(shortcoming, ProgressKind.VERIFY, note=note, by=by)
    before = rollup.tally(shortcoming)
    shortcoming.status, shortcoming.verified_by, shortcoming.verified_at = ShortcomingStatus.VERIFIED, person(by), \
        timezone.now()
    shortcoming.next_due = None
    shortcoming.save(update_fields=["status", "verified_by", "verified_at", "next_due"])
    rollup.follow(shortcoming.unit, before, rollup.tally(shortcoming))
    _tell(_owners(shortcoming), by=by, kind="corrections.fix_decided", event=f"fix-decided:{entry.pk}",
          template="corrections/notifications/fix_verified",
          url=reverse("corrections:shortcomings.detail", args=[shortcoming.pk]), context={"note": entry.note})
    return shortcoming


@transaction.atomic
def reopen_fix(shortcoming: Shortcoming, *, reason: str, by) -> Shortcoming:
    """The fix is not good enough: back to being fixed, with the reason on the timeline.

    Refused to the owner and to whoever reported it fixed, as verify_fix (skipped only when `by` is SYSTEM).
    Side effects: back in progress, its next due date from its approved plans; counts up the tree; timeline; the
    owners are told; audit entry.
    """
    shortcoming = _locked_shortcoming(shortcoming)
    _check_not_own(shortcoming, by)
    if shortcoming.status not in (ShortcomingStatus.CLAIMED, ShortcomingStatus.VERIFIED):
        raise ShortcomingError(_("Only a fix reported or verified can be reopened."), code="state")
    if not reason.strip():
        raise ShortcomingError(_("Say why the fix is reopened."), code="reason")
    entry = _entry(shortcoming, ProgressKind.REOPEN, note=reason, by=by)
    _tell(_owners(shortcoming), by=by, kind="corrections.fix_decided", event=f"fix-decided:{entry.pk}",
          template="corrections/notifications/fix_reopened",
          url=reverse("corrections:shortcomings.detail", args=[shortcoming.pk]), context={"reason": entry.note})
    before = rollup.tally(shortcoming)
    shortcoming.status, shortcoming.claimed_by, shortcoming.verified_at = ShortcomingStatus.IN_PROGRESS, None, None
    shortcoming.save(update_fields=["status", "claimed_by", "verified_at"])
    rollup.follow(shortcoming.unit, before, rollup.tally(shortcoming))
    for plan in shortcoming.plans.filter(status=PlanStatus.APPROVED):
        refresh_next_due(plan)
    return shortcoming


@transaction.atomic
def comment_on_fix(shortcoming: Shortcoming, *, note: str, by) -> ProgressEntry:
    """A supervisor's or the committee's comment on the timeline."""
    if not note.strip():
        raise ShortcomingError(_("Write the comment."), code="required")
    return _entry(_locked_shortcoming(shortcoming), ProgressKind.COMMENT, note=note, by=by)


# --- reminders and escalation ---------------------------------------------------------------------------------


def send_correction_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """Reminders on roadmap steps (before they are due, on the day, the day after) to the owner; escalation of
    shortcomings overdue by CORRECTION_ESCALATE_DAYS to the cell's secretary, and by twice that to the superior
    committee. Each event is delivered once (notification event keys), however often this runs.

    Side effects: inbox notifications and e-mails. Returns how many were sent, by kind.
    """
    today = today or timezone.localdate()
    sent = {"before": 0, "due": 0, "after": 0, "secretary": 0, "superior": 0}
    moments = {"before": today + datetime.timedelta(days=settings.CORRECTION_REMIND_DAYS_BEFORE), "due": today,
               "after": today - datetime.timedelta(days=1)}
    steps = (RoadmapStep.objects.filter(done_on__isnull=True, due__in=list(moments.values()),
                                        measure__plan__status=PlanStatus.APPROVED)
             .select_related("measure__plan__unit", "measure__plan__member__user"))
    for step in steps:
        moment = next(name for name, day in moments.items() if day == step.due)
        plan = step.measure.plan
        users = ([plan.member.user] if plan.member_id and plan.member.user_id
                 else access.users_with_roles(plan.unit_id, {Role.SECRETARY, Role.COMMITTEE}))
        for user in users:
            sent[moment] += notify(user, kind="corrections.step", event_key=f"correction-step:{step.pk}:{moment}",
                                   template=f"corrections/notifications/step_{moment}",
                                   url=reverse("corrections:plans.detail", args=[plan.pk]),
                                   context={"what": step.what, "due": step.due}) is not None
    days = settings.CORRECTION_ESCALATE_DAYS
    for level, cutoff, unit_of in (("secretary", today - datetime.timedelta(days=days), lambda item: item.unit_id),
                                   ("superior", today - datetime.timedelta(days=2 * days),
                                    lambda item: item.unit.parent_id)):
        overdue = (Shortcoming.objects.exclude(status__in=DONE_STATUSES).filter(next_due__lte=cutoff)
                   .select_related("unit", "member"))
        roles = {Role.SECRETARY, Role.COMMITTEE} if level == "secretary" else {Role.COMMITTEE, Role.STAFF}
        for item in overdue.iterator(chunk_size=500):
            for user in access.users_with_roles(unit_of(item), roles):
                sent[level] += notify(
                    user, kind="corrections.escalation", event_key=f"correction-escalation:{item.pk}:{level}",
                    template="corrections/notifications/escalation",
                    url=reverse("corrections:shortcomings.detail", args=[item.pk]),
                    context={"owner": str(item.member or item.unit), "unit": item.unit.name,
                             "due": item.next_due}) is not None
    return sent
