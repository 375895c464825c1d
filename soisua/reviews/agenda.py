"""What waits for a person in review cycles (core.agenda): their own review to write or revise, feedback on it
waiting for their answer, and for a cell's leadership the reviews not submitted yet."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from soisua.core import agenda
from soisua.org import access
from soisua.org.enums import Role

from . import policy, queries
from .enums import ReviewStatus


@agenda.provider
def reviews_waiting(user, today: datetime.date):
    scope = access.scope_for(user)
    if scope.member_id:
        for review in queries.open_reviews_of(scope.member_id):
            due = review.cycle.self_review_due
            if review.status != ReviewStatus.SUBMITTED and policy.can_edit_review(user, review):
                title = (_("Revise your review: %(cycle)s") if review.status == ReviewStatus.RETURNED
                         else _("Your self-review: %(cycle)s")) % {"cycle": review.cycle.title}
                yield agenda.Item(agenda.urgency_of(due, today), title,
                                  reverse("reviews:reviews.edit", args=[review.pk]),
                                  detail=_("due %(date)s") % {"date": due.strftime("%d/%m/%Y")}, when=due)
            elif review.status == ReviewStatus.SUBMITTED and policy.can_respond_to_feedback(user, review):
                shown, _withheld = policy.visible_feedback(user, review)
                waiting = sum(1 for item in shown if not item.response and not item.mine)
                if waiting:
                    title = ngettext("%(count)s feedback item waits for your answer",
                                     "%(count)s feedback items wait for your answer", waiting) % {"count": waiting}
                    yield agenda.Item(agenda.WAITING, title, reverse("reviews:reviews.detail", args=[review.pk]),
                                      detail=review.cycle.title)
    leads = [grant.unit_id for grant in scope.grants if grant.role in {Role.SECRETARY, Role.COMMITTEE}]
    for cycle, committee in queries.superior_feedback_waiting(leads):
        if not policy.can_answer_superior_feedback(user, cycle, committee):
            continue
        shown = policy.committee_feedback(user, cycle, committee, today)
        waiting = shown[0]["counts"]["waiting"] if shown and shown[0]["counts"] else 0
        if waiting:
            yield agenda.Item(agenda.WAITING, ngettext(
                "%(count)s feedback item from the cells below waits for an answer",
                "%(count)s feedback items from the cells below wait for an answer", waiting) % {"count": waiting},
                reverse("reviews:cycles.unit", args=[cycle.pk, committee.pk]) + "#superior-title",
                detail=f"{committee.name} · {cycle.title}")
    cells = leads
    for cycle, unit, count in queries.not_submitted_in(cells):
        due = cycle.self_review_due
        yield agenda.Item(agenda.urgency_of(due, today), ngettext(
            "%(count)s review not submitted in %(unit)s", "%(count)s reviews not submitted in %(unit)s", count)
            % {"count": count, "unit": unit.name}, reverse("reviews:cycles.unit", args=[cycle.pk, unit.pk]),
            detail=cycle.title, when=due)
