"""Periodic jobs of the corrections app, run by `manage.py run_scheduled`."""

from soisua.notifications.scheduling import register

from . import services


@register("corrections.reminders")
def remind_and_escalate() -> str:
    sent = services.send_correction_reminders()
    return ", ".join(f"{kind} {count}" for kind, count in sent.items())
