"""What waits for a person in directives (core.agenda): for those who speak for a unit, the directives it has not
acknowledged and the reports it owes by a reporting date this week or past."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.core import agenda

from . import policy, queries

WEEK = datetime.timedelta(days=7)


@agenda.provider
def directives_waiting(user, today: datetime.date):
    units = policy.units_speaking_for(user)
    for receipt, period in queries.waiting_receipts([unit.pk for unit in units], report_by=today + WEEK):
        url = reverse("directives:receipt", args=[receipt.pk])
        symbol = receipt.directive.symbol
        if period is None:
            yield agenda.Item(agenda.WAITING, _("Acknowledge %(symbol)s") % {"symbol": symbol}, url,
                              detail=receipt.unit.name)
        else:
            yield agenda.Item(agenda.urgency_of(period.due_on, today),
                              _("Report on %(symbol)s") % {"symbol": symbol}, url,
                              detail=f"{receipt.unit.name} · " + _("due %(date)s") % {
                                  "date": period.due_on.strftime("%d/%m/%Y")}, when=period.due_on)
