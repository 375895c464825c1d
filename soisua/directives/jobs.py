"""Periodic jobs of the directives app, run by `manage.py run_scheduled`."""

from soisua.notifications.scheduling import register

from . import services


@register("directives.reminders")
def remind_and_escalate() -> str:
    sent = services.send_directive_reminders()
    return ", ".join(f"{kind} {count}" for kind, count in sent.items())
