"""Writes to rule sets and review cycles.

A published rule set is frozen; changes go into a draft copy that is then published. A cycle pins the rule set
it opened with.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.notifications.services import notify
from soisua.org.models import Unit
from soisua.org.services import touch_subtree

from .cycles import scope_of
from .enums import Anonymity, Audience, CycleStatus, ReviewRank, RuleSetStatus
from .models import Checklist, ChecklistItem, Cycle, ForcingCondition, RatingLevel, Review, ReviewForm, RuleSet
from .queries import current_rule_set, not_submitted


class RuleSetError(ValidationError):
    """A refused change to a rule set; the message is already translated."""


def _check_draft(rule_set: RuleSet) -> None:
    if rule_set.is_published:
        raise RuleSetError(_("A published rule set cannot be changed: make a copy and edit the copy."),
                           code="published")


@transaction.atomic
def copy_rule_set(rule_set: RuleSet, *, code: str, name: str, by=None) -> RuleSet:
    """A draft copy of `rule_set` with all its levels, conditions, checklists and forms.

    Side effects: inserts the copy and its rows; audit entry.
    """
    if RuleSet.objects.filter(code=code).exists():
        raise RuleSetError(_("Another rule set already has the code %(code)s.") % {"code": code}, code="duplicate")
    copy = RuleSet.objects.get(pk=rule_set.pk)
    copy.pk, copy.code, copy.name = None, code, name
    copy.status, copy.published_at, copy.copied_from, copy.created_by = RuleSetStatus.DRAFT, None, rule_set, by
    copy.save()
    for model in (RatingLevel, ForcingCondition, ReviewForm):
        rows = list(model.objects.filter(rule_set=rule_set))
        for row in rows:
            row.pk, row.rule_set = None, copy
        model.objects.bulk_create(rows)
    for checklist in Checklist.objects.filter(rule_set=rule_set).prefetch_related("items"):
        items = list(checklist.items.all())
        checklist.pk, checklist.rule_set = None, copy
        checklist.save()
        for item in items:
            item.pk, item.checklist = None, checklist
        ChecklistItem.objects.bulk_create(items)
    audit.record(by, "reviews.ruleset.copy", copy, {"copied_from": rule_set.pk})
    return copy


@transaction.atomic
def publish_rule_set(rule_set: RuleSet, *, by=None) -> RuleSet:
    """Freeze a draft so cycles can use it. Side effects: status and time; audit entry."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _check_draft(rule_set)
    rule_set.status, rule_set.published_at = RuleSetStatus.PUBLISHED, timezone.now()
    rule_set.save(update_fields=["status", "published_at"])
    audit.record(by, "reviews.ruleset.publish", rule_set)
    return rule_set


@transaction.atomic
def update_thresholds(rule_set: RuleSet, *, minimum_scores: dict[str, Decimal], quota_percent: Decimal,
                      by=None) -> RuleSet:
    """Change a draft's score thresholds (by level code) and excellent quota.

    Side effects: updates the levels and the rule set; audit entry with old and new values.
    """
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _check_draft(rule_set)
    levels = list(rule_set.levels.all())
    scores = [Decimal(minimum_scores.get(level.code, level.min_score)) for level in levels]
    if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
        raise RuleSetError(_("Each level must need a higher score than the level below it."), code="order")
    if scores and scores[-1] != 0:
        raise RuleSetError(_("The lowest level must start at 0 points."), code="lowest")
    if not 0 <= quota_percent <= 100:
        raise RuleSetError(_("The quota is a percentage between 0 and 100."), code="quota")
    changes = {}
    for level, score in zip(levels, scores, strict=True):
        if level.min_score != score:
            changes[level.code] = [str(level.min_score), str(score)]
            level.min_score = score
    RatingLevel.objects.bulk_update(levels, ["min_score"])
    if rule_set.quota_percent != quota_percent:
        changes["quota_percent"] = [str(rule_set.quota_percent), str(quota_percent)]
        rule_set.quota_percent = quota_percent
        rule_set.save(update_fields=["quota_percent"])
    audit.record(by, "reviews.ruleset.thresholds", rule_set, changes)
    return rule_set


@transaction.atomic
def update_checklist_item(item: ChecklistItem, *, text: str, verified: bool, by=None) -> ChecklistItem:
    """Correct a draft's checklist wording. Side effects: updates the item; audit entry."""
    _check_draft(item.checklist.rule_set)
    text = text.strip()
    if not text:
        raise RuleSetError(_("The text of a checklist item cannot be empty."), code="required")
    before = {"text": item.text, "verified": item.verified}
    item.text, item.verified = text, verified
    item.save(update_fields=["text", "verified"])
    audit.record(by, "reviews.checklist_item.update", item, audit.diff(before, {"text": text, "verified": verified}))
    return item


@transaction.atomic
def open_cycle(unit: Unit, *, title: str, kind: str, period_start: datetime.date, period_end: datetime.date,
               self_review_due: datetime.date, appraisal_due: datetime.date, decision_due: datetime.date,
               rule_set: RuleSet | None = None, enforce_order: bool = True, anonymity: str = Anonymity.NAMED,
               by=None) -> Cycle:
    """Open a review cycle for `unit`'s subtree and create its expected reviews.

    Side effects: inserts the cycle, one collective review per unit below `unit` (party groups excepted) and one
    self-review per member in scope (exempt and suspended members excluded), each on the form its audience
    uses; marks the subtree's pages as changed; audit entry.
    """
    rule_set = rule_set or current_rule_set()
    if rule_set is None or not rule_set.is_published:
        raise RuleSetError(_("A cycle needs a published rule set."), code="no_rule_set")
    if period_end < period_start:
        raise RuleSetError(_("The period cannot end before it starts."), code="period")
    if not self_review_due <= appraisal_due <= decision_due:
        raise RuleSetError(_("The stages must follow each other: self-reviews, then the cell appraisal, then the "
                             "decision."), code="stages")
    if Cycle.objects.filter(unit=unit, kind=kind, status=CycleStatus.OPEN, period_start__lte=period_end,
                            period_end__gte=period_start).exists():
        raise RuleSetError(_("%(unit)s already has an open cycle of this kind for this period.")
                           % {"unit": unit.name}, code="overlap")
    forms = {form.audience: form for form in rule_set.forms.all()}
    missing = {Audience.COLLECTIVE, Audience.MEMBER, Audience.LEADER, Audience.PROBATIONARY} - set(forms)
    if missing:
        raise RuleSetError(_("The rule set has no form for: %(audiences)s.")
                           % {"audiences": ", ".join(sorted(str(Audience(a).label) for a in missing))}, code="forms")
    cycle = Cycle.objects.create(unit=unit, title=title, kind=kind, period_start=period_start,
                                 period_end=period_end, self_review_due=self_review_due,
                                 appraisal_due=appraisal_due, decision_due=decision_due, rule_set=rule_set,
                                 enforce_order=enforce_order, anonymity=anonymity, opened_by=by)
    scope = scope_of(unit)
    reviews = [Review(cycle=cycle, unit=collective, form=forms[Audience.COLLECTIVE], rank=ReviewRank.COLLECTIVE,
                      province_id=collective.province_id) for collective in scope.units]
    reviews += [Review(cycle=cycle, unit=member.cell, member=member, form=forms[scope.audience(member)],
                       rank=scope.ranks.get(member.pk, ReviewRank.MEMBER), province_id=member.province_id)
                for member in scope.members]
    Review.objects.bulk_create(reviews, batch_size=2000)
    touch_subtree(unit)
    audit.record(by, "reviews.cycle.open", cycle, {
        "unit": unit.pk, "rule_set": rule_set.pk, "collectives": len(scope.units), "members": len(scope.members),
        "excluded": [member.pk for member in scope.excluded]})
    return cycle


@transaction.atomic
def close_cycle(cycle: Cycle, *, by=None) -> Cycle:
    """Close a cycle: nothing in it changes afterwards. Side effects: status and time; pages; audit entry."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == CycleStatus.CLOSED:
        raise RuleSetError(_("This cycle is already closed."), code="closed")
    cycle.status, cycle.closed_at = CycleStatus.CLOSED, timezone.now()
    cycle.save(update_fields=["status", "closed_at"])
    touch_subtree(cycle.unit)
    audit.record(by, "reviews.cycle.close", cycle)
    return cycle


@transaction.atomic
def remind_not_submitted(cycle: Cycle, cell: Unit, *, by=None) -> int:
    """Remind everyone in `cell` whose review is not submitted yet; at most once a day per review.

    Side effects: one inbox notification (and e-mail after commit) per member with a login who was not reminded
    today; audit entry with the count. Returns how many were reminded now.
    """
    if cycle.status != CycleStatus.OPEN:
        raise RuleSetError(_("This cycle is closed."), code="closed")
    today = timezone.localdate()
    url = reverse("reviews:cycles.detail", args=[cycle.pk])
    reminded = 0
    for review in not_submitted(cycle, cell).filter(member__user__isnull=False).select_related("member__user"):
        sent = notify(review.member.user, kind="reviews.reminder", event_key=f"review-reminder:{review.pk}:{today}",
                      template="reviews/notifications/reminder", url=url,
                      context={"cycle": cycle.title, "due": cycle.self_review_due, "form": review.form.code})
        reminded += sent is not None
    audit.record(by, "reviews.cycle.remind", cycle, {"unit": cell.pk, "reminded": reminded})
    return reminded
