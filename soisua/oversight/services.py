"""Writes of the upper level's supervision. Review points: sent down, answered in the review (section IV)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.notifications.services import notify

from .models import ReviewPrompt

MAX_TEXT_LENGTH = 5_000


class OversightError(ValidationError):
    """A refused change; the message is already translated."""


@transaction.atomic
def send_review_prompt(review, *, from_unit, text: str, by=None) -> ReviewPrompt:
    """Ask a collective or a member to examine and answer a point in their review.

    The caller has checked that `by` is on the superior committee. Side effects: inserts the point; the member
    (for a collective review, nobody yet: the cell sees it in the review) is notified; audit entry.
    """
    text = (text or "").strip()
    if not text:
        raise OversightError(_("Write the review point."), code="required")
    if len(text) > MAX_TEXT_LENGTH:
        raise OversightError(_("A review point is at most %(limit)s characters.")
                             % {"limit": f"{MAX_TEXT_LENGTH:,}".replace(",", ".")}, code="too_long")
    if review.cycle.status != "open" or not review.is_editable:
        raise OversightError(_("Review points can be sent only while the review is still being written."),
                             code="state")
    prompt = ReviewPrompt.objects.create(cycle=review.cycle, review=review, from_unit=from_unit, text=text,
                                         sent_by=by)
    audit.record(by, "oversight.prompt.send", prompt, {"review": review.pk})
    user = review.member.user if review.member_id and review.member.user_id else None
    if user is not None:
        notify(user, kind="oversight.prompt", event_key=f"review-prompt:{prompt.pk}",
               template="oversight/notifications/prompt", context={"cycle": review.cycle.title, "text": text},
               url=reverse("reviews:reviews.edit", args=[review.pk]))
    return prompt
