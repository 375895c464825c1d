from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a shortcoming was named (domain.md §5)."""

    SELF_REVIEW = "self_review", _("Self-review")
    FEEDBACK = "feedback", _("Accepted feedback")
    REVIEW_PROMPT = "review_prompt", _("Review point from the upper level")
    INSPECTION = "inspection", _("Inspection or supervision")
    MEETING = "meeting", _("Meeting")


class Cause(models.TextChoices):
    SUBJECTIVE = "subjective", _("Subjective")
    OBJECTIVE = "objective", _("Objective")


class ShortcomingStatus(models.TextChoices):
    OPEN = "open", _("Not fixed yet")
    FIXING = "fixing", _("Being fixed")
    FIXED = "fixed", _("Reported fixed")
    VERIFIED = "verified", _("Fix verified")


# "Excellent" needs every earlier shortcoming fixed (Quy định 366); only a verified fix counts.
DONE_STATUSES = frozenset({ShortcomingStatus.VERIFIED})
