"""Periodic jobs of the reviews app, run by `manage.py run_scheduled`."""

from soisua.notifications.scheduling import register

from .services.feedback import announce_feedback, audit_anonymous_feedback


@register("reviews.anonymous_feedback")
def audit_and_announce_anonymous_feedback() -> str:
    """The day's anonymous feedback enters the audit trail, and the reviewed side of cycles that hide authors is told
    of feedback once enough people gave it: both at night, so neither tells the moment an item was given."""
    return f"audited {audit_anonymous_feedback()}, told {announce_feedback()}"
