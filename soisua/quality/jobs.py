"""Periodic jobs of the quality app, run by `manage.py run_scheduled`."""

from soisua.notifications.scheduling import register

from .services import audit_ratings


@register("quality.ratings_audit")
def audit_the_days_ratings() -> str:
    """The members' ratings of the days before enter the audit trail at night, shuffled within their day."""
    return f"audited {audit_ratings()}"
