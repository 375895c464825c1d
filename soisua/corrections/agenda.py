"""What waits for a person in the corrections loop (core.agenda): their roadmap steps due this week or overdue,
plans waiting for their approval, fixes waiting for their verification."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.core import agenda
from soisua.org import access
from soisua.org.enums import Role

from . import policy, queries

WEEK = datetime.timedelta(days=7)


def _grants(user, roles: set[str]) -> list[int]:
    return [grant.unit_id for grant in access.scope_for(user).grants if grant.role in roles]


@agenda.provider
def corrections_waiting(user, today: datetime.date):
    member_id = access.scope_for(user).member_id
    if member_id:
        for step in queries.steps_due(member_id, until=today + WEEK):
            yield agenda.Item(agenda.urgency_of(step.due, today), _("Correction step: %(what)s") % {"what": step.what},
                              reverse("corrections:plans.detail", args=[step.measure.plan_id]),
                              detail=_("due %(date)s") % {"date": step.due.strftime("%d/%m/%Y")}, when=step.due)
    leads = _grants(user, {Role.SECRETARY, Role.COMMITTEE})
    above = _grants(user, {Role.COMMITTEE, Role.STAFF})
    speaks = _grants(user, {Role.SECRETARY, Role.COMMITTEE, Role.STAFF})
    if not (leads or above or member_id):
        return
    for plan in queries.plans_submitted(member_plans_in=leads, collective_plans_below=above):
        if policy.can_decide_plan(user, plan):
            yield agenda.Item(agenda.WAITING, _("Correction plan to approve: %(owner)s") % {"owner": plan},
                              reverse("corrections:plans.detail", args=[plan.pk]), detail=plan.unit.name)
    for shortcoming in queries.fixes_claimed(units=leads, followed_by=speaks, supervisor=member_id):
        if policy.can_verify(user, shortcoming):
            owner = shortcoming.member.full_name if shortcoming.member_id else shortcoming.unit.name
            yield agenda.Item(agenda.WAITING, _("Fix to verify: %(owner)s") % {"owner": owner},
                              reverse("corrections:shortcomings.detail", args=[shortcoming.pk]),
                              detail=shortcoming.unit.name)
