"""Feedback (góp ý, phê bình) and the reviewed side's answer to it.

Anonymity (docs/security.md): under full anonymity the author is never stored, audited or notified, and nothing
that is stored carries the moment it was given: the feedback keeps its day, its audit entry is written by the
nightly job (dated by the day, in random order among that day's items). Under "anonymous to the person" the author
is stored for the cell's leadership but kept out of the audit trail and every notification. In both, the reviewed
side is told by the nightly job, once, when feedback from `Cycle.anonymous_minimum` people other than the reader is
there: a message sent as an item is given would tell its time, and so its author. In a named cycle the reviewed
side is told at once (once a day per review); the author is told when their item is answered.
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
from soisua.org.access import users_with_roles
from soisua.org.enums import Role
from soisua.org.models import Unit

from ..enums import Anonymity, CycleStatus, FeedbackResponse, ReviewStatus
from ..models import Cycle, Feedback, Review
from ..policy import can_read_review
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
    if review is not None and cycle.anonymity == Anonymity.NAMED:
        _notify_reviewed(cycle, review, by=by)
    return feedback


def _audit_changes(feedback: Feedback) -> dict:
    return {"kind": feedback.kind, "review": feedback.review_id, "superior": feedback.superior_id}


def audit_anonymous_feedback(*, cycle: Cycle | None = None) -> int:
    """Write the audit entries of anonymous feedback given before today (all of a closing `cycle`'s), each dated
    by its day and shuffled within it. Returns how many entries were written. Run daily (reviews.jobs, which then
    tells the reviewed side: announce_feedback) and when a cycle closes."""
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
    return len(rows)


def _open_cycle_for(superior: Unit, from_unit: Unit) -> Cycle:
    if superior is None or from_unit.parent_id != superior.pk:
        raise ReviewError(_("Feedback goes to the directly superior committee of your cell."), code="target")
    cycle = (Cycle.objects.filter(unit__path__in=[*from_unit.ancestor_paths()], status=CycleStatus.OPEN)
             .order_by("-period_end").first())
    if cycle is None:
        raise ReviewError(_("There is no open review cycle for your cell."), code="closed")
    return cycle


# The nightly job looks this many days back for feedback in cycles that hide authors from the reviewed side, so a
# night without the job delays the message without losing it (event keys keep it to one).
ANNOUNCE_LOOKBACK_DAYS = 7


def _reviewed_side(review: Review) -> list:
    """Who answers feedback on the review (policy.can_respond_to_feedback): its member, or the unit's leadership
    for the collective's."""
    if review.member_id:
        return [review.member.user] if review.member.user_id else []
    return users_with_roles(review.unit_id, {Role.SECRETARY, Role.COMMITTEE})


def _notify_reviewed(cycle: Cycle, review: Review, *, by=None, before: datetime.date | None = None) -> int:
    """Tell the reviewed side of feedback on `review`: in a named cycle once a day (never the author); otherwise
    once, when feedback given before `before` by `anonymous_minimum` people other than the recipient is there to
    read. Called at once only for named cycles; the nightly job calls it for the others. Returns how many were
    told."""
    told = 0
    author = person(by)
    for user in _reviewed_side(review):
        if author is not None and user.pk == author.pk:
            continue
        if cycle.anonymity == Anonymity.NAMED:
            key = f"feedback:{review.pk}:{timezone.localdate()}"
        else:
            others = distinct_authors(review, other_than=author_key(cycle, user, review=review), before=before)
            if others < cycle.anonymous_minimum:
                continue
            key = f"feedback-visible:{review.pk}"
        told += notify(user, kind="reviews.feedback", event_key=key, template="reviews/notifications/feedback",
                       url=reverse("reviews:reviews.detail", args=[review.pk]),
                       context={"cycle": cycle.title}) is not None
    return told


def announce_feedback(today: datetime.date | None = None) -> int:
    """The nightly message of cycles that hide authors from the reviewed side ("anonymous to the person" and full
    anonymity): each review with feedback given in the last ANNOUNCE_LOOKBACK_DAYS days before today, in an open
    cycle, is looked at, and its reviewed side told once feedback from enough people is there. Today's items wait
    for tomorrow, so the message's time never follows one author's action. Returns how many were told."""
    today = today or timezone.localdate()
    reviews = (Review.objects.filter(
        cycle__status=CycleStatus.OPEN, cycle__anonymity__in=[Anonymity.SECRETARY, Anonymity.ANONYMOUS],
        feedback__created_on__lt=today,
        feedback__created_on__gte=today - datetime.timedelta(days=ANNOUNCE_LOOKBACK_DAYS))
        .distinct().select_related("cycle", "unit", "member__user").order_by("pk"))
    return sum(_notify_reviewed(review.cycle, review, before=today) for review in reviews.iterator(chunk_size=500))


@transaction.atomic
def respond_to_feedback(feedback: Feedback, *, accept: bool, reason: str = "", text: str = "", by) -> Feedback:
    """The reviewed person (the cell for a collective review) accepts feedback as a shortcoming or disputes it.

    Accepting records a shortcoming (source: feedback) linked to the review and to the feedback's checklist
    items; `text` may restate it. Disputing needs a reason. Both are recorded once. Side effects: the
    response; a shortcoming when accepted; audit entry; the author is told when the item carries one (never under
    full anonymity, where no author is stored).
    """
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related(
        "review", "review__member", "cycle", "author").get(pk=feedback.pk)
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
    _notify_author_of_answer(feedback, by)
    return feedback


def _notify_author_of_answer(feedback: Feedback, by) -> None:
    """The author of an item on a review learns it was accepted or disputed, with the reason. Only a stored author
    is told: under full anonymity nobody is, so no message can stand for an author the system does not know."""
    author = feedback.author
    answered_by = person(by)
    review = feedback.review
    if author is None or review is None or (answered_by is not None and author.pk == answered_by.pk):
        return
    if not can_read_review(author, review):  # moved away since: the answer stays on a page they no longer read
        return
    notify(author, kind="reviews.feedback_answered", event_key=f"feedback-answered:{feedback.pk}",
           template=f"reviews/notifications/feedback_{feedback.response}",
           url=reverse("reviews:reviews.detail", args=[review.pk]),
           context={"cycle": feedback.cycle.title, "reviewed": str(review.member or review.unit),
                    "reason": feedback.response_reason})
