"""What waits for a member in the library (core.agenda): the required studies of their cell's subtree they have not
yet confirmed, the nearest deadline first."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.core import agenda

from . import policy, queries


@agenda.provider
def studies_waiting(user, today: datetime.date):
    member = policy.member_of(user)
    if member is None:
        return
    for document in queries.studies_owed(member):
        yield agenda.Item(agenda.urgency_of(document.study_due, today),
                          _("To study: %(title)s") % {"title": document},
                          reverse("library:detail", args=[document.pk]) + "#study",
                          detail=_("Required study by %(day)s") % {"day": document.study_due.strftime("%d/%m/%Y")},
                          when=document.study_due)
