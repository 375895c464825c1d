"""Periodic jobs of early warnings, run by `manage.py run_scheduled`: the checks every day, the digest every week."""

from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.notifications.scheduling import register

from . import services


def weekly() -> str:
    week = timezone.localdate().isocalendar()
    return f"{week.year}-W{week.week:02d}"


@register("alerts.evaluate")
def evaluate() -> str:
    report = services.evaluate(by=SYSTEM)
    return ", ".join(f"{check} +{counts['raised']}/↻{counts['reopened']}/✓{counts['resolved']}"
                     for check, counts in report.items())


@register("alerts.digest", period=weekly)
def digest() -> str:
    return f"sent {services.send_weekly_digest()}"
