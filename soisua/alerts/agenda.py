"""What waits for a person in early warnings (core.agenda): for the leadership of a unit, the open warnings it
owns (to acknowledge with what it does about them) and those about the unit itself that a level above owns."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.core import agenda
from soisua.org import access
from soisua.org.enums import Role

from . import queries

SPEAKING = {Role.SECRETARY, Role.COMMITTEE, Role.STAFF}


@agenda.provider
def warnings_to_acknowledge(user, today: datetime.date):
    scope = access.scope_for(user)
    speaks = [grant.unit_id for grant in scope.grants if grant.role in SPEAKING]
    if not speaks:
        return
    for alert in queries.open_for_units(speaks):
        yield agenda.Item(agenda.WAITING, _("Early warning: %(check)s") % {"check": alert.get_kind_display()},
                          reverse("alerts:detail", args=[alert.pk]), detail=alert.unit.name)
