"""Periodic jobs of the notifications app, run by `manage.py run_scheduled`."""

import datetime

from django.utils import timezone

from . import recovery, services
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


def five_minutes() -> str:
    now = timezone.localtime()
    return now.strftime("%Y-%m-%dT%H:") + f"{now.minute - now.minute % 5:02d}"


@register("tasks.requeue_stalled", period=five_minutes)
def requeue_stalled_tasks() -> str:
    """Tasks RUNNING for longer than TASKS_RUNNING_LIMIT lost their worker: put them back in the queue."""
    return f"{recovery.requeue_running()} put back"
