"""What waits for a member in meeting quality (core.agenda): the meetings they attended that they may still rate.
A rating is anonymous and records no act of theirs, so the list is read on every visit (live)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.core import agenda
from soisua.org import access

from . import queries


@agenda.provider(live=True)
def ratings_waiting(user, today: datetime.date):
    member_id = access.scope_for(user).member_id
    if not member_id:
        return
    for meeting in queries.meetings_to_rate(member_id, user):
        closes = timezone.localtime(queries.rating_window_closes(meeting))
        yield agenda.Item(agenda.WAITING, _("Rate the meeting: %(title)s") % {"title": meeting.title},
                          reverse("quality:meeting", args=[meeting.pk]) + "#ratings-title",
                          detail=_("Anonymous, open until %(when)s") % {"when": f"{closes:%H:%M %d/%m/%Y}"},
                          when=closes.date())
