"""Periodic jobs of the quality app, run by `manage.py run_scheduled`."""

from soisua.notifications.scheduling import hourly, register

from .services import audit_ratings, invite_raters


@register("quality.ratings_audit")
def audit_the_days_ratings() -> str:
    """The members' ratings of the days before enter the audit trail at night, shuffled within their day."""
    return f"audited {audit_ratings()}"


@register("quality.rating_invitations", period=hourly)
def invite_the_raters() -> str:
    """The members present at a regular meeting that just ended are told they may rate it."""
    return f"told {invite_raters()}"
