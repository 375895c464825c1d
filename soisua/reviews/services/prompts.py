"""Review points: sent down by the directly superior committee, answered in the review (section IV)."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import clean_text
from soisua.notifications.services import notify
from soisua.org.access import users_with_roles
from soisua.org.enums import Role

from ..models import ReviewPrompt
from .errors import ReviewError

MAX_PROMPT_LENGTH = 5_000


@transaction.atomic
def send_review_prompt(review, *, from_unit, text: str, by) -> ReviewPrompt:
    """Ask a collective or a member to examine and answer a point in their review.

    The caller has checked that `by` is on the superior committee. Side effects: inserts the point; audit entry;
    the member (for a member's review) and the unit's leadership (its secretary and committee) are told, in the
    inbox and by e-mail, once each.
    """
    text = clean_text(text, _("review point"), MAX_PROMPT_LENGTH, error=ReviewError)
    if not text:
        raise ReviewError(_("Write the review point."), code="required")
    if review.cycle.status != "open" or not review.is_editable:
        raise ReviewError(_("Review points can be sent only while the review is still being written."),
                             code="state")
    prompt = ReviewPrompt.objects.create(cycle=review.cycle, review=review, from_unit=from_unit, text=text,
                                         sent_by=person(by))
    # The audit action and the notification kind keep the names they were first stored under.
    audit.record(by, "oversight.prompt.send", prompt, {"review": review.pk})
    _notify_prompt(prompt, review, by)
    return prompt


def _notify_prompt(prompt: ReviewPrompt, review, by) -> None:
    """The member answers it in their review; the unit's leadership writes the collective review (and follows
    its members' reviews). One notification per person (the event key is the point's)."""
    key, cycle = f"review-prompt:{prompt.pk}", review.cycle.title
    member_user = review.member.user if review.member_id and review.member.user_id else None
    if member_user is not None:
        notify(member_user, kind="oversight.prompt", event_key=key, template="reviews/notifications/prompt",
               context={"cycle": cycle, "text": prompt.text}, url=reverse("reviews:reviews.edit", args=[review.pk]))
    # The leadership writes a collective review itself; a member's draft is the member's, so it gets the cell's
    # page of the cycle instead.
    url = (reverse("reviews:reviews.edit", args=[review.pk]) if review.member_id is None
           else reverse("reviews:cycles.unit", args=[review.cycle_id, review.unit_id]))
    context = {"cycle": cycle, "text": prompt.text, "unit": review.unit.name,
               "member": review.member.full_name if review.member_id else ""}
    for user in users_with_roles(review.unit_id, {Role.SECRETARY, Role.COMMITTEE}):
        if user.pk in {getattr(by, "pk", None), getattr(member_user, "pk", None)}:
            continue
        notify(user, kind="oversight.prompt", event_key=key, template="reviews/notifications/prompt_leadership",
               context=context, url=url)
