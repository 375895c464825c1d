"""Feedback (góp ý, phê bình) and the reviewed side's answer to it.

Anonymity (docs/security.md): under full anonymity the author is never stored, audited or notified, and nothing
that is stored carries the moment it was given: the feedback keeps its day, its audit entry is written by the
nightly job (dated by the day, in random order among that day's items), and the reviewed person is told by the
same job once enough people have given feedback. Under "anonymous to the person" the author is stored for the
cell's leadership but kept out of the audit trail and every notification.
"""

import datetime
import random

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import clean_text
from soisua.corrections import services as corrections
from soisua.corrections.enums import Source
from soisua.notifications.services import notify
from soisua.org.models import Unit

from ..enums import Anonymity, CycleStatus, FeedbackResponse, ReviewStatus
from ..models import Cycle, Feedback, Review
from ..queries import author_key, checklist_items_of, distinct_authors
from .errors import ReviewError
from .self_reviews import _locked, check_text

MAX_FEEDBACK_LENGTH = 5_000


@transaction.atomic
def give_feedback(*, review: Review | None = None, superior: Unit | None = None, from_unit: Unit, kind: str,
                  text: str, checklist_items=(), by) -> Feedback:
    """Give feedback on a submitted review, or on the superior committee of the author's cell.

    The caller has checked that `by` may give it (queries.feedback_targets). Side effects: inserts the feedback
    (without its author under full anonymity); audit entry without the author unless the cycle is named; the
    reviewed person is notified (under full anonymity only once enough people gave feedback).
    """
    cycle = review.cycle if review is not None else None
    if review is not None:
        review = _locked(review, None)
        cycle = review.cycle
        if review.status != ReviewStatus.SUBMITTED:
            raise ReviewError(_("Feedback is given on submitted reviews."), code="state")
    else:
        cycle = Cycle.objects.select_related("rule_set").get(pk=_open_cycle_for(superior, from_unit).pk)
    if cycle.status != CycleStatus.OPEN:
        raise ReviewError(_("This review cycle is closed: nothing in it can change."), code="closed")
    text = clean_text(text, _("Feedback"), MAX_FEEDBACK_LENGTH, error=ReviewError)
    if not text:
        raise ReviewError(_("Write the feedback."), code="required")
    anonymous = cycle.anonymity == Anonymity.ANONYMOUS
    feedback = Feedback.objects.create(
        cycle=cycle, review=review, superior=superior, from_unit=from_unit, author=None if anonymous else person(by),
        author_key=author_key(cycle, by, review=review, superior=superior), kind=kind, text=text,
        created_on=timezone.localdate(), audited=not anonymous)
    feedback.checklist_items.set(checklist_items_of(cycle, checklist_items))
    if not anonymous:
        actor = by if cycle.anonymity == Anonymity.NAMED else None
        audit.record(actor, "reviews.feedback.give", feedback, _audit_changes(feedback))
        if review is not None:
            _notify_reviewed(cycle, review)
    return feedback


def _audit_changes(feedback: Feedback) -> dict:
    return {"kind": feedback.kind, "review": feedback.review_id, "superior": feedback.superior_id}


def audit_anonymous_feedback(*, cycle: Cycle | None = None) -> int:
    """Write the audit entries of anonymous feedback given before today (all of a closing `cycle`'s), each dated
    by its day and shuffled within it, then tell the reviewed people whose feedback has become visible. Returns
    how many entries were written. Run daily (reviews.jobs) and when a cycle closes."""
    pending = Feedback.objects.filter(audited=False)
    pending = pending.filter(cycle=cycle) if cycle is not None else pending.filter(created_on__lt=timezone.localdate())
    rows = list(pending.select_related("cycle", "review", "review__member__user").order_by("created_on"))
    by_day: dict = {}
    for row in rows:
        by_day.setdefault(row.created_on, []).append(row)
    for day, items in by_day.items():
        random.SystemRandom().shuffle(items)  # the order of writing must not tell the order of giving
        midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        audit.record_many(None, "reviews.feedback.give", [(item, _audit_changes(item)) for item in items],
                          at=midnight)
    Feedback.objects.filter(pk__in=[row.pk for row in rows]).update(audited=True)
    for review in {row.review_id: row.review for row in rows if row.review_id is not None}.values():
        _notify_reviewed(review.cycle, review)
    return len(rows)


def _open_cycle_for(superior: Unit, from_unit: Unit) -> Cycle:
    if superior is None or from_unit.parent_id != superior.pk:
        raise ReviewError(_("Feedback goes to the directly superior committee of your cell."), code="target")
    cycle = (Cycle.objects.filter(unit__path__in=[*from_unit.ancestor_paths()], status=CycleStatus.OPEN)
             .order_by("-period_end").first())
    if cycle is None:
        raise ReviewError(_("There is no open review cycle for your cell."), code="closed")
    return cycle


def _notify_reviewed(cycle: Cycle, review: Review) -> None:
    user = review.member.user if review.member_id and review.member.user_id else None
    if user is None:
        return
    if cycle.anonymity == Anonymity.ANONYMOUS:
        if distinct_authors(review) < cycle.anonymous_minimum:
            return
        key = f"feedback-visible:{review.pk}"
    else:
        key = f"feedback:{review.pk}:{timezone.localdate()}"
    notify(user, kind="reviews.feedback", event_key=key, template="reviews/notifications/feedback",
           url=reverse("reviews:reviews.detail", args=[review.pk]), context={"cycle": cycle.title})


@transaction.atomic
def respond_to_feedback(feedback: Feedback, *, accept: bool, reason: str = "", text: str = "", by) -> Feedback:
    """The reviewed person (the cell for a collective review) accepts feedback as a shortcoming or disputes it.

    Accepting records a shortcoming (source: feedback) linked to the review and to the feedback's checklist
    items; `text` may restate it. Disputing needs a reason. Both are recorded once. Side effects: the
    response; a shortcoming when accepted; audit entry.
    """
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related("review", "review__member", "cycle").get(
        pk=feedback.pk)
    if feedback.cycle.status != CycleStatus.OPEN:
        raise ReviewError(_("This review cycle is closed: nothing in it can change."), code="closed")
    if feedback.response:
        raise ReviewError(_("This feedback has already been answered."), code="answered")
    reason = check_text(reason, _("reason"))
    if accept:
        review = feedback.review
        unit = review.unit if review is not None else feedback.superior
        feedback.shortcoming = corrections.record_shortcoming(
            unit=unit, member=review.member if review is not None else None, review=review, source=Source.FEEDBACK,
            text=check_text(text, _("shortcoming")) or feedback.text,
            checklist_items=list(feedback.checklist_items.all()), by=by)
        feedback.response = FeedbackResponse.ACCEPTED
    else:
        if not reason:
            raise ReviewError(_("Say why you dispute this feedback."), code="reason")
        feedback.response = FeedbackResponse.DISPUTED
    feedback.response_reason, feedback.responded_at = reason, timezone.now()
    feedback.save(update_fields=["response", "response_reason", "responded_at", "shortcoming"])
    audit.record(by, "reviews.feedback.respond", feedback, {"response": feedback.response, "reason": reason})
    return feedback
