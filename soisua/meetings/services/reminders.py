"""Reminders before a meeting and the private calendar feed."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from soisua.audit import services as audit
from soisua.notifications.services import notify
from soisua.org.models import Unit

from ..models import CalendarFeed, Meeting
from .common import meeting_people


def send_meeting_reminders(now: datetime.datetime | None = None) -> int:
    """Remind the people on the roll (and the liaison) of meetings starting within
    MEETING_REMIND_HOURS_BEFORE hours; once per meeting and person. Returns how many were sent."""
    now = now or timezone.now()
    soon = Meeting.objects.filter(starts_at__gt=now,
                                  starts_at__lte=now + datetime.timedelta(hours=settings.MEETING_REMIND_HOURS_BEFORE))
    sent = 0
    for meeting in soon.select_related("unit", "liaison__user").iterator(chunk_size=200):
        url = reverse("meetings:detail", args=[meeting.pk])
        for user in meeting_people(meeting):
            sent += notify(user, kind="meetings.reminder", event_key=f"meeting-reminder:{meeting.pk}",
                           template="meetings/notifications/reminder", url=url,
                           context={"title": meeting.title, "unit": meeting.unit.name,
                                    "starts_at": meeting.starts_at, "place": meeting.place}) is not None
    return sent




@transaction.atomic
def renew_calendar_feed(user, *, unit: Unit | None = None, by) -> CalendarFeed:
    """Make the person's calendar link, their own (no unit) or for a unit the caller has shown they read, with a
    new secret token; an earlier link for the same target stops working. Side effects: deletes the earlier link;
    inserts the new one; audit entry (never the token: it is the key to the feed)."""
    revoked = CalendarFeed.objects.filter(user=user, unit=unit).delete()[0]
    feed = CalendarFeed.objects.create(user=user, unit=unit)
    audit.record(by, "meetings.feed.renew", feed, {"unit": unit, "replaced": bool(revoked)})
    return feed
