"""Periodic jobs of the meetings app, run by `manage.py run_scheduled`."""

from soisua.notifications.scheduling import hourly, register

from . import services


@register("meetings.reminders", period=hourly)
def remind() -> str:
    return f"reminders {services.send_meeting_reminders()}"
