"""What waits for a person in inspections (core.agenda): for the inspecting body, its inspections under way; for
the subject (its leadership, or the member in their own case), the self-report to write."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.core import agenda
from soisua.org import access
from soisua.org.enums import Role

from . import policy, queries

SPEAKING = {Role.SECRETARY, Role.COMMITTEE, Role.STAFF}


@agenda.provider
def inspections_waiting(user, today: datetime.date):
    scope = access.scope_for(user)
    speaks = [grant.unit_id for grant in scope.grants if grant.role in SPEAKING]
    for inspection in queries.under_way_for(speaks, speaks, scope.member_id):
        subject = str(inspection.subject_member or inspection.subject_unit)
        url = reverse("oversight:detail", args=[inspection.pk])
        if policy.can_self_report(user, inspection) and not inspection.self_report:
            yield agenda.Item(agenda.urgency_of(inspection.period_end, today),
                              _("Self-report for %(body)s") % {"body": inspection.body.name}, url,
                              detail=inspection.get_kind_display(), when=inspection.period_end)
        elif policy.can_manage(user, inspection):
            yield agenda.Item(agenda.WAITING, _("Inspection under way: %(subject)s") % {"subject": subject}, url,
                              detail=inspection.get_kind_display(), when=inspection.period_end)
