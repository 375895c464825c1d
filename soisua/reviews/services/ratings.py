"""The rating's three steps: self-proposal (in the review), the cell's proposal, the superior committee's decision."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person

from .. import rollup
from ..enums import ReviewAction, ReviewStatus
from ..forcing import clean_facts, forced
from ..models import Review, ReviewEvent
from ..queries import forcing_conditions_for, level_named
from ..rating_rules import RuleCheck, check_rating
from .errors import ReviewError
from .self_reviews import _locked, check_text, notify_author


class RuleViolation(ReviewError):
    """The decision breaks rules; it may go ahead only with a written override."""

    def __init__(self, checks: list[RuleCheck]):
        super().__init__([f"{check.message} ({check.source})" if check.source else check.message
                          for check in checks], code="rules")
        self.checks = checks


def _forcing_codes(review: Review, forcing: list[str], facts: dict) -> tuple[list[str], dict]:
    """The conditions that apply (judged ones ticked in `forcing`, the others found from `facts`) and the facts
    kept on the review."""
    conditions = forcing_conditions_for(review)
    judged = {condition.code for condition in conditions if not condition.rule}
    unknown = set(forcing) - judged
    if unknown:
        raise ReviewError(_("Unknown forcing condition: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
                          code="forcing")
    try:
        facts = clean_facts(facts, conditions)
    except ValueError:
        raise ReviewError(_("A share is a number from 0 to 100 and a count a whole number from 0."),
                          code="facts") from None
    return forced(conditions, facts=facts, ticked=forcing), facts


@transaction.atomic
def propose_level(review: Review, *, level: str, comment: str, forcing: list[str] = (), facts: dict | None = None,
                  by) -> Review:
    """The cell committee comments on a submitted review and proposes its level.

    Rule checks are shown to the cell but do not block here: the superior committee decides. Side effects:
    the proposal on the review; the cycle's counters (the quota's base counts proposals); history event; audit
    entry with the checks that fired.
    """
    review = _locked(review, None)
    if review.status != ReviewStatus.SUBMITTED:
        raise ReviewError(_("The cell proposes a level once the review is submitted."), code="state")
    if review.decided_at:
        raise ReviewError(_("The superior committee has already decided this rating."), code="decided")
    forcing, facts = _forcing_codes(review, list(forcing), facts or {})
    checks = check_rating(review, level, forcing=forcing)
    if any(check.code == "level" for check in checks):
        raise ReviewError(_("Unknown level."), code="level")
    before = rollup.tally(review)
    review.cell_level, review.cell_comment = level, check_text(comment, _("comment"))
    review.cell_by, review.cell_at, review.forcing, review.facts = person(by), timezone.now(), forcing, facts
    review.version += 1
    review.save()
    rollup.follow(review, before)
    ReviewEvent.objects.create(review=review, action=ReviewAction.PROPOSED, actor=person(by))
    audit.record(by, "reviews.review.propose", review, {"level": level, "forcing": forcing, "facts": facts,
                                                       "rules": [check.code for check in checks]})
    return review


@transaction.atomic
def decide_level(review: Review, *, level: str, reason: str = "", forcing: list[str] = (), facts: dict | None = None,
                 override_reason: str = "", by) -> Review:
    """The directly superior committee decides the level.

    A level other than the cell's needs a reason. A decision that breaks a rule (thresholds, earlier fixes, head
    above the collective, quota, forcing conditions) is refused with RuleViolation unless `override_reason` says
    why; the override is kept on the review and audited. Side effects: the decision (final: the result is shown
    inside the unit); the cycle's counters; history event; audit entries; the author is notified.
    """
    review = _locked(review, None)
    if review.status != ReviewStatus.SUBMITTED or not review.cell_level:
        raise ReviewError(_("The cell has not proposed a level for this review yet."), code="state")
    if review.decided_at:
        raise ReviewError(_("This rating is already decided: cancel it first to decide again."), code="decided")
    # Without facts of its own the decision keeps those the cell recorded (the decision page shows them prefilled).
    forcing, facts = _forcing_codes(review, list(forcing), review.facts if facts is None else facts)
    reason, override_reason = check_text(reason, _("reason")), check_text(override_reason, _("reason"))
    if level != review.cell_level and not reason:
        raise ReviewError(_("Say why the level differs from the cell's proposal."), code="reason")
    checks = check_rating(review, level, forcing=forcing)
    if any(check.code == "level" for check in checks):
        raise ReviewError(_("Unknown level."), code="level")
    if checks and not override_reason:
        raise RuleViolation(checks)
    before = rollup.tally(review)
    review.decided_level, review.decision_reason, review.forcing, review.facts = level, reason, forcing, facts
    review.decided_by, review.decided_at = person(by), timezone.now()
    review.overrides = [check.as_dict() for check in checks]
    review.override_reason = override_reason if checks else ""
    review.version += 1
    review.save()
    rollup.follow(review, before)
    history = " — ".join(filter(None, [reason, _("against the rules: %(reason)s") % {"reason": override_reason}
                                        if checks else ""]))
    ReviewEvent.objects.create(review=review, action=ReviewAction.DECIDED, actor=person(by), reason=history)
    audit.record(by, "reviews.review.decide", review, {"level": level, "cell_level": review.cell_level,
                                                      "reason": reason, "forcing": forcing, "facts": facts})
    if checks:
        audit.record(by, "reviews.review.override", review, {"rules": [check.code for check in checks],
                                                            "reason": override_reason})
    level_name = level_named(review.cycle.rule_set, level).name
    notify_author(review, kind="reviews.decided", key=f"review-decided:{review.pk}:{review.version}",
                  template="reviews/notifications/decided", context={"level": level_name})
    return review


@transaction.atomic
def cancel_rating(review: Review, *, reason: str, by) -> Review:
    """The superior committee cancels a rating and reopens the review to be done again (docs/domain.md, "Review
    cycles").

    Side effects: proposal and decision cleared, status returned; the cycle's counters; history event with the
    reason; the author is notified; audit entry.
    """
    review = _locked(review, None)
    reason = check_text(reason, _("reason"))
    if not reason:
        raise ReviewError(_("Say why the rating is cancelled: the author will read it."), code="reason")
    if review.status != ReviewStatus.SUBMITTED:
        raise ReviewError(_("Only a submitted review can have its rating cancelled."), code="state")
    before = {"cell_level": review.cell_level, "decided_level": review.decided_level}
    counted = rollup.tally(review)
    review.status = ReviewStatus.RETURNED
    review.cell_level = review.decided_level = review.cell_comment = review.decision_reason = ""
    review.cell_at = review.decided_at = None
    review.overrides, review.override_reason, review.forcing, review.facts = [], "", [], {}
    review.version += 1
    review.save()
    rollup.follow(review, counted)
    ReviewEvent.objects.create(review=review, action=ReviewAction.CANCELLED, actor=person(by), reason=reason)
    audit.record(by, "reviews.review.cancel", review, {**before, "reason": reason})
    notify_author(review, kind="reviews.cancelled", key=f"review-cancelled:{review.pk}:{review.version}",
                  template="reviews/notifications/returned", context={"reason": reason})
    return review
