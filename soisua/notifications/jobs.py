"""Periodic jobs of the notifications app, run by `manage.py run_scheduled`."""

import datetime

from django.utils import timezone

from . import services
from .models import Notification
from .scheduling import register

READ_NOTIFICATIONS_KEPT_DAYS = 180


@register("notifications.purge_read")
def purge_read_notifications() -> str:
    """Read notifications older than half a year only clutter the inbox; unread ones are never removed."""
    cutoff = timezone.now() - datetime.timedelta(days=READ_NOTIFICATIONS_KEPT_DAYS)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return f"{deleted} removed"


@register("notifications.digest")
def send_digests() -> str:
    return f"{services.send_digests()} digests"
