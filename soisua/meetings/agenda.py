"""What waits for a person in meetings (core.agenda): their meetings today and this week, a vote open now in a
meeting they attend, and for a cell's leadership the preparation of its meetings (documents not sent, a roll not
closed, minutes not approved)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.core import agenda
from soisua.org import access
from soisua.org.enums import Role

from . import policy, queries, voting
from .services import check_in_is_open

WEEK = datetime.timedelta(days=7)


@agenda.provider
def meetings_waiting(user, today: datetime.date):
    scope = access.scope_for(user)
    if scope.member_id:
        for meeting in queries.meetings_of_member(scope.member_id, today, today + WEEK):
            day = timezone.localtime(meeting.starts_at).date()
            detail = f"{meeting.unit.name} · {timezone.localtime(meeting.starts_at):%H:%M %d/%m}"
            if meeting.my_status in queries.ATTENDED:
                detail += " · " + _("you are on the roll as present")
            elif check_in_is_open(meeting):
                detail += " · " + _("check-in is open")
            yield agenda.Item(agenda.TODAY if day == today else agenda.SOON,
                              _("Meeting: %(title)s") % {"title": meeting.title},
                              reverse("meetings:detail", args=[meeting.pk]), detail=detail, when=day)
    cells = [grant.unit_id for grant in scope.grants if grant.role in {Role.SECRETARY, Role.COMMITTEE}]
    if not cells:
        return
    for meeting, missing in queries.preparation_of(cells, today, today + WEEK):
        if not policy.can_run_meetings(user, meeting.unit):
            continue
        day = timezone.localtime(meeting.starts_at).date()
        title = {"documents": _("Send the documents: %(title)s"), "roll": _("Close the roll: %(title)s"),
                 "minutes": _("Approve the minutes: %(title)s")}[missing] % {"title": meeting.title}
        yield agenda.Item(agenda.SOON if missing == "documents" else agenda.OVERDUE, title,
                          reverse("meetings:detail", args=[meeting.pk]), detail=meeting.unit.name, when=day)


@agenda.provider(live=True)
def votes_waiting(user, today: datetime.date):
    """A vote opened minutes ago tells nobody by message: it is read on every visit of the home page."""
    member_id = access.scope_for(user).member_id
    if not member_id:
        return
    for motion, member_status in queries.open_votes_for(member_id):
        if voting.may_vote(motion.rule, member_status):
            yield agenda.Item(agenda.TODAY, _("Vote now: %(text)s") % {"text": motion.text},
                              reverse("meetings:votes", args=[motion.meeting_id]) + f"#motion-{motion.pk}",
                              detail=motion.meeting.title, when=today)
