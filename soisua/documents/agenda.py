"""What waits for a person in documents (core.agenda): the roster or exchange rows held for the committee they sit on
or work for, until someone records what was decided."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.core import agenda
from soisua.org import access
from soisua.org.enums import Role

from . import policy
from .models import ImportConflict

DECIDING = {Role.COMMITTEE, Role.STAFF, Role.ADMIN}
LIMIT = 10


@agenda.provider
def held_rows_waiting(user, today: datetime.date):
    paths = [grant.path for grant in access.scope_for(user).grants if grant.role in DECIDING]
    if not paths:
        return
    under = Q()
    for path in paths:
        under |= Q(committee__path__startswith=path)
    waiting = (ImportConflict.objects.filter(under, resolved_at__isnull=True)
               .select_related("cell", "member__cell").order_by("created_at", "pk")[:LIMIT])
    for conflict in waiting:
        if policy.can_decide_conflict(user, conflict):
            yield agenda.Item(agenda.WAITING, _("Decide a held roster row for %(cell)s") % {"cell": conflict.cell.name},
                              reverse("documents:conflicts.detail", args=[conflict.pk]),
                              when=timezone.localdate(conflict.created_at))
