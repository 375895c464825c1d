"""Writes to rule sets: a published rule set is frozen; changes go into a draft copy that is then published."""

from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core import similarity
from soisua.core.actors import person
from soisua.core.errors import clean_text

from ..enums import Audience, CycleStatus, RuleSetStatus
from ..models import (
    Checklist,
    ChecklistItem,
    Cycle,
    ForcingCondition,
    RatingLevel,
    Review,
    ReviewForm,
    RuleSet,
    RuleVerification,
    TemplateText,
)
from ..rule_set_data import is_web_address, load_rule_set, problems_in
from ..scope import form_for, scope_of
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
def update_checklist_item(item: ChecklistItem, *, text: str, article: str = "", check: dict | None = None,
                          by) -> ChecklistItem:
    """Correct a draft's checklist wording and where it stands in its document; with `check`, also record that
    someone compared it with an official text ({"verified", "title", "publisher", "url", "note"}).

    A changed wording is no longer the wording that was checked: it loses its verified state unless this edit
    records a new check. Side effects: updates the item; a verification record; audit entry.
    """
    # Read again under the rule set's lock: an item loaded before someone else published its set is not changed.
    rule_set = RuleSet.objects.select_for_update().get(pk=item.checklist.rule_set_id)
    _check_draft(rule_set)
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    text = clean_text(text, _("Wording"), 4000, error=RuleSetError)
    article = clean_text(article, _("Article or item"), 255, error=RuleSetError)
    if not text:
        raise RuleSetError(_("The text of a checklist item cannot be empty."), code="required")
    before = {"text": item.text, "article": item.article, "verified": item.verified}
    if text != item.text:
        item.verified, item.verified_from = False, {}
        item.unverified_reason = _("The wording was changed after the last check.")
    item.text, item.article = text, article
    if check is not None:
        record_check(rule_set, f"item:{item.code}", item, check=check, by=by)
    item.save()
    audit.record(by, "reviews.checklist_item.update", item,
                 audit.diff(before, {"text": item.text, "article": item.article, "verified": item.verified}))
    return item


def _web_address(url: str) -> str:
    """The address of the text checked against, printed as a link on the rule set's page: a web page (http or
    https) of at most 500 characters, or none."""
    url = str(url).strip()
    if url and not is_web_address(url):
        raise RuleSetError(_("The address of the text checked against must be a web page (http or https) of at "
                             "most 500 characters."), code="check_url")
    return url


def record_check(rule_set: RuleSet, subject: str, rule, *, check: dict, by) -> RuleVerification:
    """Record on `rule` (an item, condition, level or form of a draft, saved by the caller) that it was compared
    with an official text, and keep who compared it, against which text and when."""
    title = clean_text(check.get("title", ""), _("Text checked against"), 255, error=RuleSetError)
    publisher = clean_text(check.get("publisher", ""), _("Published by"), 255, error=RuleSetError)
    if not title or not publisher:
        raise RuleSetError(_("Say which text the wording was checked against and who published it."),
                           code="check_source")
    url = _web_address(check.get("url") or "")
    verified = bool(check.get("verified"))
    record = RuleVerification.objects.create(
        rule_set=rule_set, subject=subject, verified=verified, against_title=title, against_publisher=publisher,
        against_url=url, note=clean_text(check.get("note", ""), _("Note"), 2000, error=RuleSetError),
        by=person(by))
    rule.verified = verified
    if verified:
        rule.verified_from = {"title": title, "publisher": publisher, "url": record.against_url,
                              "retrieved": timezone.localdate().isoformat()}
        rule.unverified_reason = ""
    else:
        rule.verified_from = {}
        rule.unverified_reason = record.note or _("It differs from %(title)s.") % {"title": title}
    return record


@transaction.atomic
def import_rule_set(data: dict, *, by, publish: bool = False) -> RuleSet:
    """A new rule set from a data file (a newer regulation is a new version, never an edit of a published one).

    Refused with every problem listed when the data breaks the rules' shape or its code is taken. Side effects:
    inserts the rule set as a draft (published at once with `publish`); audit entry.
    """
    problems = problems_in(data)
    if RuleSet.objects.filter(code=str(data.get("code", ""))).exists():
        problems.insert(0, _("Another rule set already has the code %(code)s.") % {"code": data.get("code")})
    if problems:
        raise RuleSetError(problems, code="invalid")
    rule_set = load_rule_set(data, get_model=apps.get_model, status=RuleSetStatus.DRAFT)
    rule_set.created_by = person(by)
    rule_set.save(update_fields=["created_by"])
    audit.record(by, "reviews.ruleset.import", rule_set, {"code": rule_set.code})
    if publish:
        rule_set = publish_rule_set(rule_set, by=by)
    return rule_set


@transaction.atomic
def move_cycle(cycle: Cycle, rule_set: RuleSet, *, by) -> Cycle:
    """Move an open cycle to another published rule set, on request (closed cycles keep the rules they pinned).

    Each review goes onto the new set's form for its author as a cycle opened now would choose it (by audience, not
    by code: 2A and 2B changed meaning between 2025 and 2025.2); checklist answers keep the items whose codes the
    new set still has. Refused once a rating in the
    cycle was decided (it was decided under the old rules). Side effects: the cycle's rule set, its reviews'
    forms and checklist answers; audit entry with the forms moved.
    """
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.OPEN:
        raise RuleSetError(_("A closed cycle keeps the rules it was run under."), code="closed")
    if not rule_set.is_published:
        raise RuleSetError(_("A cycle needs a published rule set."), code="no_rule_set")
    if cycle.reviews.filter(decided_at__isnull=False).exists():
        raise RuleSetError(_("Ratings of this cycle were already decided under its rules: it cannot move."),
                           code="decided")
    forms = list(rule_set.forms.all())
    scope = scope_of(cycle.unit)
    codes = set(ChecklistItem.objects.filter(checklist__rule_set=rule_set).values_list("code", flat=True))
    moved: dict[str, str] = {}
    reviews = list(cycle.reviews.select_related("form", "member"))
    for review in reviews:
        audiences = ((Audience.COLLECTIVE,) if review.member_id is None else scope.audiences(review.member))
        form = form_for(forms, audiences, cycle.kind)
        if form is None:
            raise RuleSetError(_("The rule set has no form for: %(audiences)s.")
                               % {"audiences": Audience(audiences[0]).label}, code="forms")
        moved[review.form.code] = form.code
        review.form = form
        review.checklist = {code: answer for code, answer in review.checklist.items() if code in codes}
    Review.objects.bulk_update(reviews, ["form", "checklist"], batch_size=1000)
    before = cycle.rule_set_id
    cycle.rule_set = rule_set
    cycle.save(update_fields=["rule_set"])
    audit.record(by, "reviews.cycle.move_rules", cycle, {"from": before, "to": rule_set.pk, "forms": moved})
    return cycle


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
