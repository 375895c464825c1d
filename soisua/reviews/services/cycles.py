"""Opening, closing and reminding in review cycles."""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.queueing import enqueue_with_transaction
from soisua.notifications.services import notify
from soisua.org.models import Unit
from soisua.org.services import touch_subtree

from .. import rollup
from ..enums import Anonymity, Audience, CycleStatus, ReviewRank
from ..models import Cycle, Review, RuleSet
from ..queries import current_rule_set, not_submitted
from ..rule_set_data import REQUIRED_AUDIENCES
from ..scope import form_for, scope_of
from .errors import RuleSetError
from .feedback import audit_anonymous_feedback


@transaction.atomic
def open_cycle(unit: Unit, *, title: str, kind: str, period_start: datetime.date, period_end: datetime.date,
               self_review_due: datetime.date, appraisal_due: datetime.date, decision_due: datetime.date,
               rule_set: RuleSet | None = None, enforce_order: bool = True, anonymity: str = Anonymity.NAMED,
               by) -> Cycle:
    """Open a review cycle for `unit`'s subtree and create its expected reviews.

    Side effects: inserts the cycle, one collective review per unit below `unit` (party groups excepted) and one
    self-review per member in scope (exempt and suspended members excluded), each on the form its audience
    uses; the cycle's expected reviews counted up the tree (`rollup`); marks the subtree's pages as changed; audit
    entry.
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
    forms = list(rule_set.forms.all())
    missing = [audience for audience in REQUIRED_AUDIENCES[kind] if form_for(forms, (audience,), kind) is None]
    if missing:
        raise RuleSetError(_("The rule set has no form for: %(audiences)s.")
                           % {"audiences": ", ".join(sorted(str(Audience(a).label) for a in missing))}, code="forms")
    cycle = Cycle.objects.create(unit=unit, title=title, kind=kind, period_start=period_start,
                                 period_end=period_end, self_review_due=self_review_due,
                                 appraisal_due=appraisal_due, decision_due=decision_due, rule_set=rule_set,
                                 enforce_order=enforce_order, anonymity=anonymity, opened_by=person(by),
                                 feedback_secret=secrets.token_hex(32))
    scope = scope_of(unit)
    collective_form = form_for(forms, (Audience.COLLECTIVE,), kind)
    reviews = [Review(cycle=cycle, unit=collective, form=collective_form, rank=ReviewRank.COLLECTIVE,
                      province_id=collective.province_id) for collective in scope.units if collective_form]
    for member in scope.members:
        form = form_for(forms, scope.audiences(member), kind)
        if form is not None:
            reviews.append(Review(cycle=cycle, unit=member.cell, member=member, form=form,
                                  rank=scope.ranks.get(member.pk, ReviewRank.MEMBER), province_id=member.province_id))
    Review.objects.bulk_create(reviews, batch_size=2000)
    rollup.count_opened(cycle, reviews, {**{collective.pk: collective for collective in scope.units},
                                         **{member.cell_id: member.cell for member in scope.members}})
    touch_subtree(unit)
    audit.record(by, "reviews.cycle.open", cycle, {
        "unit": unit.pk, "rule_set": rule_set.pk, "collectives": len(scope.units) if collective_form else 0,
        "members": sum(review.member_id is not None for review in reviews),
        "excluded": [member.pk for member in scope.excluded]})
    if len(scope.members) <= settings.CYCLE_NOTIFY_INLINE:
        tell_cycle_opened(cycle)
    else:  # a province's cycle: its members are told by a task once the cycle is committed
        from ..tasks import task_tell_cycle_opened

        enqueue_with_transaction(task_tell_cycle_opened, cycle.pk)
    return cycle


def tell_cycle_opened(cycle: Cycle) -> int:
    """Every member expected to review themselves (with a login) is told the cycle opened and when the self-review
    is due, with a link to write it. Each person once."""
    sent = 0
    reviews = (Review.objects.filter(cycle=cycle, member__user__isnull=False).select_related("member__user")
               .order_by("pk"))
    for review in reviews.iterator(chunk_size=500):
        sent += notify(review.member.user, kind="reviews.cycle_opened", event_key=f"cycle-opened:{cycle.pk}",
                       template="reviews/notifications/cycle_opened",
                       url=reverse("reviews:reviews.edit", args=[review.pk]),
                       context={"cycle": cycle.title, "due": cycle.self_review_due,
                                "unit": cycle.unit.name}) is not None
    return sent


@transaction.atomic
def close_cycle(cycle: Cycle, *, by) -> Cycle:
    """Close a cycle: nothing in it changes afterwards.

    Side effects: the audit entries of its anonymous feedback not yet written; status and time; the feedback
    secret erased (anonymous authors can no longer be linked to their items, not even by themselves); pages;
    audit entry.
    """
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == CycleStatus.CLOSED:
        raise RuleSetError(_("This cycle is already closed."), code="closed")
    audit_anonymous_feedback(cycle=cycle)
    cycle.status, cycle.closed_at, cycle.feedback_secret = CycleStatus.CLOSED, timezone.now(), ""
    cycle.save(update_fields=["status", "closed_at", "feedback_secret"])
    touch_subtree(cycle.unit)
    audit.record(by, "reviews.cycle.close", cycle)
    return cycle


@transaction.atomic
def remind_not_submitted(cycle: Cycle, cell: Unit, *, by) -> int:
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
