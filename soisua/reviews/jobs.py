"""Periodic jobs of the reviews app, run by `manage.py run_scheduled`."""

from soisua.notifications.scheduling import register

from .services.feedback import audit_anonymous_feedback


@register("reviews.anonymous_feedback")
def audit_and_announce_anonymous_feedback() -> str:
    return f"audited {audit_anonymous_feedback()}"
