"""Periodic jobs of the library, run by `manage.py run_scheduled`."""

from soisua.notifications.scheduling import register

from . import services


@register("library.reminders")
def remind() -> str:
    return f"reminders {services.send_study_reminders()}"
