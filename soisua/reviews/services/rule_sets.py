"""Writes to rule sets: a published rule set is frozen; changes go into a draft copy that is then published."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core import similarity
from soisua.core.actors import person

from ..enums import RuleSetStatus
from ..models import Checklist, ChecklistItem, ForcingCondition, RatingLevel, ReviewForm, RuleSet, TemplateText
from .errors import RuleSetError


def _check_draft(rule_set: RuleSet) -> None:
    if rule_set.is_published:
        raise RuleSetError(_("A published rule set cannot be changed: make a copy and edit the copy."),
                           code="published")


@transaction.atomic
def copy_rule_set(rule_set: RuleSet, *, code: str, name: str, by) -> RuleSet:
    """A draft copy of `rule_set` with all its levels, conditions, checklists and forms.

    Side effects: inserts the copy and its rows; audit entry.
    """
    if RuleSet.objects.filter(code=code).exists():
        raise RuleSetError(_("Another rule set already has the code %(code)s.") % {"code": code}, code="duplicate")
    copy = RuleSet.objects.get(pk=rule_set.pk)
    copy.pk, copy.code, copy.name = None, code, name
    copy.status, copy.published_at, copy.copied_from, copy.created_by = RuleSetStatus.DRAFT, None, rule_set, person(by)
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
def publish_rule_set(rule_set: RuleSet, *, by) -> RuleSet:
    """Freeze a draft so cycles can use it. Side effects: status and time; audit entry."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _check_draft(rule_set)
    rule_set.status, rule_set.published_at = RuleSetStatus.PUBLISHED, timezone.now()
    rule_set.save(update_fields=["status", "published_at"])
    audit.record(by, "reviews.ruleset.publish", rule_set)
    return rule_set


@transaction.atomic
def update_thresholds(rule_set: RuleSet, *, minimum_scores: dict[str, Decimal], quota_percent: Decimal,
                      by) -> RuleSet:
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
def update_checklist_item(item: ChecklistItem, *, text: str, verified: bool, by) -> ChecklistItem:
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
def add_template_text(*, title: str, text: str, by) -> TemplateText:
    """Register a known ready-made review text: submitted reviews close to it are flagged.

    Side effects: inserts the text with its signature; audit entry.
    """
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise RuleSetError(_("A template text needs a title and a text."), code="required")
    template = TemplateText.objects.create(title=title, text=text, signature=similarity.signature(text),
                                           created_by=person(by))
    audit.record(by, "reviews.template_text.add", template, {"title": title})
    return template
