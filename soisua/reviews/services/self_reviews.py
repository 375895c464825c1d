"""Writing, submitting and returning self-reviews and collective reviews; reviews of members without a login,
recorded on paper or excluded by the cell's leadership."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import check_version, clean_text
from soisua.core.formats import number
from soisua.corrections import services as corrections
from soisua.corrections.enums import Source
from soisua.documents import numbering
from soisua.notifications.services import notify
from soisua.org.access import users_with_roles
from soisua.org.enums import Role

from .. import formalism, record, rollup
from ..enums import TEXT_FIELD_KINDS, CycleStatus, Grade, ReviewAction, ReviewStatus
from ..models import Review, ReviewEvent, ReviewPrompt
from ..policy import can_read_review
from ..queries import (
    can_log_in,
    checklist_items_of,
    form_fields,
    level_for_score,
    levels_of,
    submittable_by_someone,
)
from .errors import ReviewError, StaleReview

# One answer longer than this is refused: about 15 printed pages, far beyond any real section.
MAX_TEXT_LENGTH = 20_000


@dataclass
class ReviewContent:
    """What the editor sends: every field of the form at once."""

    answers: dict[str, str] = field(default_factory=dict)
    grades: dict[str, str] = field(default_factory=dict)
    checklist: dict[str, dict] = field(default_factory=dict)
    self_score_general: Decimal | None = None
    self_score_tasks: Decimal | None = None
    self_level: str = ""
    prompt_answers: dict[int, str] = field(default_factory=dict)
    # The facts of the year's record cited, as (section code, fact key) in order; None leaves them as stored.
    citations: list[tuple[str, str]] | None = None


def check_text(text: str, label: str) -> str:
    return clean_text(text, label, MAX_TEXT_LENGTH, error=ReviewError)


def _locked(review: Review, version: int | None) -> Review:
    locked = Review.objects.select_for_update().select_related("cycle", "form", "cycle__rule_set").get(pk=review.pk)
    if locked.cycle.status != CycleStatus.OPEN:
        raise ReviewError(_("This review cycle is closed: nothing in it can change."), code="closed")
    check_version(locked.version, version, error=StaleReview,
                  message=_("This review was saved elsewhere (another tab or person) after you opened it, so this "
                            "was not saved."))
    return locked


def _clean_content(review: Review, content: ReviewContent) -> dict:
    fields = form_fields(review.form)
    answers = {key: check_text(content.answers.get(key, ""), spec["label"])
               for key, spec in fields.items() if spec["kind"] in TEXT_FIELD_KINDS}
    grade_codes = set(Grade.values)
    grades = {key: value for key, value in content.grades.items()
              if key in fields and fields[key].get("graded") and value in grade_codes}
    checklist = {}
    for code, entry in content.checklist.items():
        present = bool(entry.get("present"))
        checklist[code] = {"present": present, "text": check_text(entry.get("text", ""), code) if present else ""}
    levels = {level.code for level in levels_of(review.cycle.rule_set)}
    if content.self_level and content.self_level not in levels:
        raise ReviewError(_("Unknown level."), code="level")
    for value, limit, label in ((content.self_score_general, review.cycle.rule_set.score_general,
                                 _("points for general criteria")),
                                (content.self_score_tasks, review.cycle.rule_set.score_tasks,
                                 _("points for task results"))):
        if value is not None and not 0 <= value <= limit:
            raise ReviewError(_("The %(what)s must be between 0 and %(limit)s.") % {"what": label, "limit": limit},
                              code="score")
    cleaned = {"answers": answers, "grades": grades, "checklist": checklist, "self_level": content.self_level,
               "self_score_general": content.self_score_general, "self_score_tasks": content.self_score_tasks}
    if content.citations is not None:
        cleaned["citations"] = _clean_citations(review, content.citations)
    return cleaned


def _clean_citations(review: Review, pairs: list[tuple[str, str]]) -> list[dict]:
    """The citations as stored: one already cited keeps its sentence (its source may be gone since); a new one must
    be a fact the record offers the review now (reviews/record.py), in one of its form's sections. Citing never
    touches the writer's text."""
    sections = {section["code"] for section in review.form.sections}
    stored = {(cited["section"], cited["key"]): cited for cited in review.citations}
    offered = {}
    if any(pair not in stored for pair in pairs):
        offered = {fact.key: fact for fact in record.facts_for(review)}
    citations, seen = [], set()
    for section, key in pairs:
        if (section, key) in seen:
            continue
        seen.add((section, key))
        if (section, key) in stored:
            citations.append(stored[(section, key)])
        elif section in sections and key in offered:
            citations.append(offered[key].citation(section))
        else:
            raise ReviewError(_("This fact is no longer in the record offered to the review: reload the page and "
                                "cite it again from the list."), code="citation")
    return citations


@transaction.atomic
def save_review(review: Review, *, version: int, content: ReviewContent, by) -> Review:
    """Save the editor's content as a draft (autosave and the save button).

    Refused with StaleReview when the review was saved since `version` was loaded, so two tabs never overwrite
    each other silently. Side effects: updates the review (status draft, version + 1) and the answers to its
    review points; the cycle's counters (`rollup`); audit entry naming the changed fields (not their text).
    """
    review = _locked(review, version)
    if not review.is_editable:
        raise ReviewError(_("This review was submitted and can no longer be edited."), code="submitted")
    before = rollup.tally(review)
    cleaned = _clean_content(review, content)
    changed = [name for name, value in cleaned.items() if getattr(review, name) != value]
    for name, value in cleaned.items():
        setattr(review, name, value)
    changed += _save_prompt_answers(review, content.prompt_answers)
    if review.status == ReviewStatus.EXPECTED:
        review.status = ReviewStatus.DRAFT
    review.version += 1
    review.updated_at, review.updated_by = timezone.now(), person(by)
    review.save()
    rollup.follow(review, before)
    if changed:
        audit.record(by, "reviews.review.save", review, {"fields": changed})
    return review


def _save_prompt_answers(review: Review, answers: dict[int, str]) -> list[str]:
    changed = []
    for prompt in ReviewPrompt.objects.filter(review=review, pk__in=list(answers)):
        text = check_text(answers[prompt.pk], _("answer to a review point"))
        if prompt.answer != text:
            prompt.answer, prompt.answered_at = text, timezone.now()
            prompt.save(update_fields=["answer", "answered_at"])
            changed.append(f"prompt:{prompt.pk}")
    return changed


def _check_order(review: Review) -> None:
    """The collective first, then the head, the deputies, the members (docs/domain.md, "Review cycles"), when the
    cycle says so.

    The order waits only for reviews that can be submitted: the collective's and those of members with a login.
    A member without one is recorded on paper or excluded by the cell's leadership, and holds nobody up."""
    if not review.cycle.enforce_order:
        return
    waiting = (Review.objects.filter(cycle=review.cycle, unit=review.unit, rank__lt=review.rank)
               .filter(submittable_by_someone())
               .exclude(status__in=[ReviewStatus.SUBMITTED, ReviewStatus.EXCLUDED])
               .select_related("member").order_by("rank").first())
    if waiting is not None:
        raise ReviewError(_("Not yet: %(first)s must be submitted before this review (the collective first, then the "
                            "head, the deputies and the members).")
                          % {"first": waiting.member or _("the collective review")}, code="order")


def missing_for_submit(review: Review) -> list[str]:
    """What still has to be filled in before the review can be submitted, as translated sentences."""
    fields = form_fields(review.form)
    kinds = {spec["kind"] for spec in fields.values()}
    missing = []
    if "score_general" in kinds and (review.self_score_general is None or review.self_score_tasks is None):
        missing.append(_("Section VII: give your self-score for general criteria and for task results."))
    if "self_level" in kinds and not review.self_level:
        missing.append(_("Section VII: choose the level you propose for yourself."))
    if "checklist" in kinds:
        items = {item.code for checklist in review.cycle.rule_set.checklists.all() for item in checklist.items.all()}
        unanswered = len(items - set(review.checklist))
        if unanswered:
            missing.append(_("Section II: the checklist has %(count)s items without an answer.")
                           % {"count": unanswered})
    if ReviewPrompt.objects.filter(review=review, answer="").exists():
        missing.append(_("Section IV: answer every review point from the upper level."))
    return missing


def _check_score_band(review: Review) -> None:
    score = review.self_score
    if score is None or not review.self_level:
        return
    band = level_for_score(review.cycle.rule_set, score)
    if band is not None and band.code != review.self_level:
        raise ReviewError(_("A self-score of %(score)s points falls in “%(band)s”: propose that level, or change the "
                            "score.") % {"score": number(score), "band": band.name}, code="threshold")


@transaction.atomic
def submit_review(review: Review, *, version: int | None, by) -> Review:
    """Submit a review: it is then locked for its author.

    Checks, in order: the version (StaleReview), the review order of the cycle, completeness, the self-score
    band. Side effects: status submitted and time; formalism signals and signature; the cycle's counters; a
    collective review's report numbered in its unit's register (docs/documents.md, "Numbers"); history event;
    audit entry.
    """
    review = _locked(review, version)
    if not review.is_editable:
        raise ReviewError(_("This review was already submitted."), code="submitted")
    _check_order(review)
    missing = missing_for_submit(review)
    if missing:
        raise ReviewError(missing, code="incomplete")
    _check_score_band(review)
    before = rollup.tally(review)
    review.status, review.submitted_at = ReviewStatus.SUBMITTED, timezone.now()
    review.signature, review.signals = formalism.signals_at_submit(review)
    review.version += 1
    review.save()
    rollup.follow(review, before)
    if review.is_collective:
        numbering.assign(review, unit=review.unit, kind=numbering.REPORT, on=timezone.localdate(review.submitted_at),
                         by=by, title=f"Báo cáo kiểm điểm tập thể {review.unit.name}, {review.cycle.title}")
    ReviewEvent.objects.create(review=review, action=ReviewAction.SUBMITTED, actor=person(by))
    audit.record(by, "reviews.review.submit", review, {"signals": [signal["code"] for signal in review.signals]})
    _notify_copied(review, by)
    return review


def _notify_copied(review: Review, by) -> None:
    """A near-duplicate is flagged on the later review; the leadership of the earlier review's unit is told too,
    once per pair, with a link only to what each of them may read (and the later author named only then)."""
    earlier = [signal["review"] for signal in review.signals if signal["code"] == "copied_peer"]
    for other in Review.objects.filter(pk__in=earlier).select_related("cycle", "unit", "member", "member__user"):
        for user in users_with_roles(other.unit_id, {Role.SECRETARY, Role.COMMITTEE}):
            if user.pk == getattr(by, "pk", None):
                continue
            later_readable = can_read_review(user, review)
            url = (reverse("reviews:reviews.detail", args=[review.pk]) if later_readable
                   else reverse("reviews:reviews.detail", args=[other.pk]) if can_read_review(user, other)
                   else reverse("reviews:cycles.unit", args=[other.cycle_id, other.unit_id]))
            notify(user, kind="reviews.copied", event_key=f"review-copied:{other.pk}:{review.pk}",
                   template="reviews/notifications/copied", url=url, context={
                       "cycle": other.cycle.title, "earlier": str(other.member or other.unit),
                       "later": str(review.member or review.unit) if later_readable else ""})


@transaction.atomic
def return_review(review: Review, *, reason: str, by) -> Review:
    """The cell (or for a collective review, the superior committee) sends a submitted review back for revision.

    Side effects: status returned, the cell's proposal cleared; the cycle's counters; history event with the
    reason; the author is notified; audit entry.
    """
    review = _locked(review, None)
    reason = check_text(reason, _("reason"))
    if not reason:
        raise ReviewError(_("Say why the review is returned: the author will read it."), code="reason")
    if review.status != ReviewStatus.SUBMITTED or review.decided_at:
        raise ReviewError(_("Only a submitted review without a decision can be returned."), code="state")
    before = rollup.tally(review)
    review.status, review.cell_level, review.cell_comment, review.cell_at = ReviewStatus.RETURNED, "", "", None
    review.version += 1
    review.save()
    rollup.follow(review, before)
    ReviewEvent.objects.create(review=review, action=ReviewAction.RETURNED, actor=person(by), reason=reason)
    audit.record(by, "reviews.review.return", review, {"reason": reason})
    notify_author(review, kind="reviews.returned", key=f"review-returned:{review.pk}:{review.version}",
                  template="reviews/notifications/returned", context={"reason": reason})
    return review


def notify_author(review: Review, *, kind: str, key: str, template: str, context: dict) -> None:
    """Tell whoever writes the review: its member, or the unit's leadership for the collective review (told with
    `<template>_collective`, naming the unit)."""
    if review.member_id:
        users = [review.member.user] if review.member.user_id else []
    else:
        users, template = users_with_roles(review.unit_id, {Role.SECRETARY, Role.COMMITTEE}), f"{template}_collective"
    url = reverse("reviews:reviews.detail", args=[review.pk])
    for user in users:
        notify(user, kind=kind, event_key=key, template=template, url=url,
               context={"cycle": review.cycle.title, "unit": review.unit.name, **context})


# --- members without a login: reviewed on paper, or excluded ----------------------------------------------


def _without_login(review: Review) -> Review:
    review = _locked(review, None)
    if review.is_collective or can_log_in(review.member):
        raise ReviewError(_("Only the review of a member without a login is recorded by the cell: members with a "
                            "login write and submit their own."), code="has_login")
    if review.status not in (ReviewStatus.EXPECTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        raise ReviewError(_("This review is already submitted or excluded."), code="state")
    return review


@transaction.atomic
def mark_reviewed_on_paper(review: Review, *, paper_on: datetime.date, by) -> Review:
    """The cell's leadership records that a member without a login was reviewed on paper, on `paper_on`.

    The review then counts as submitted on the paper's date (progress, lateness, the review order); the cell
    proposes and the superior committee decides its level as for any other. Side effects: status submitted,
    the paper's date; the cycle's counters; history event; audit entry.
    """
    review = _without_login(review)
    if paper_on > timezone.localdate():
        raise ReviewError(_("The paper's date cannot be in the future."), code="date")
    if paper_on < review.cycle.period_start:
        raise ReviewError(_("The paper's date cannot be before the period the cycle reviews."), code="date")
    before = rollup.tally(review)
    review.status, review.paper_on = ReviewStatus.SUBMITTED, paper_on
    review.submitted_at = timezone.make_aware(datetime.datetime.combine(paper_on, datetime.time(12)))
    review.version += 1
    review.updated_at, review.updated_by = timezone.now(), person(by)
    review.save()
    rollup.follow(review, before)
    ReviewEvent.objects.create(review=review, action=ReviewAction.ON_PAPER, actor=person(by))
    audit.record(by, "reviews.review.on_paper", review, {"paper_on": paper_on.isoformat()})
    return review


@transaction.atomic
def exclude_review(review: Review, *, reason: str, by) -> Review:
    """The cell's leadership takes the review of a member without a login out of the cycle, saying why.

    An excluded review is no longer expected: progress, reminders and the review order leave it out. Side
    effects: status excluded with the reason; the cycle's counters; history event; audit entry.
    """
    review = _without_login(review)
    reason = check_text(reason, _("reason"))
    if not reason:
        raise ReviewError(_("Say why the review is excluded from the cycle."), code="reason")
    before = rollup.tally(review)
    review.status, review.excluded_reason = ReviewStatus.EXCLUDED, reason
    review.version += 1
    review.updated_at, review.updated_by = timezone.now(), person(by)
    review.save()
    rollup.follow(review, before)
    ReviewEvent.objects.create(review=review, action=ReviewAction.EXCLUDED, actor=person(by), reason=reason)
    audit.record(by, "reviews.review.exclude", review, {"reason": reason})
    return review


# --- section II: the shortcomings the author names -------------------------------------------------------


def _editable_review(review: Review) -> Review:
    review = _locked(review, None)
    if not review.is_editable:
        raise ReviewError(_("This review was submitted and can no longer be edited."), code="submitted")
    return review


@transaction.atomic
def add_review_shortcoming(review: Review, *, checklist_items=(), by, **values):
    """Section II: a shortcoming named in the author's own review. Side effects: see record_shortcoming."""
    review = _editable_review(review)
    return corrections.record_shortcoming(unit=review.unit, member=review.member, review=review,
                                          source=Source.SELF_REVIEW,
                                          checklist_items=checklist_items_of(review.cycle, checklist_items),
                                          by=by, **values)


@transaction.atomic
def update_review_shortcoming(shortcoming, *, checklist_items=(), by, **values):
    review = _editable_review(shortcoming.review)
    return corrections.update_shortcoming(shortcoming,
                                          checklist_items=checklist_items_of(review.cycle, checklist_items),
                                          by=by, **values)


@transaction.atomic
def remove_review_shortcoming(shortcoming, *, by) -> None:
    _editable_review(shortcoming.review)
    corrections.remove_shortcoming(shortcoming, by=by)
