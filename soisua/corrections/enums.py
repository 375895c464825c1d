from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a shortcoming was named (docs/domain.md, "Corrections")."""

    SELF_REVIEW = "self_review", _("Self-review")
    FEEDBACK = "feedback", _("Accepted feedback")
    REVIEW_PROMPT = "review_prompt", _("Review point from the upper level")
    INSPECTION = "inspection", _("Inspection or supervision")
    MEETING = "meeting", _("Meeting")
    SECRETARY = "secretary", _("Entered by the secretary")


class Cause(models.TextChoices):
    SUBJECTIVE = "subjective", _("Subjective")
    OBJECTIVE = "objective", _("Objective")


class ShortcomingStatus(models.TextChoices):
    """open → plan approved → in progress → fix claimed → verified (or reopened: back to in progress)."""

    OPEN = "open", _("No approved plan yet")
    PLANNED = "planned", _("Plan approved")
    IN_PROGRESS = "in_progress", _("Being fixed")
    CLAIMED = "claimed", _("Reported fixed")
    VERIFIED = "verified", _("Fix verified")


# "Excellent" needs every earlier shortcoming fixed (Quy định 366); only a verified fix counts.
DONE_STATUSES = frozenset({ShortcomingStatus.VERIFIED})
OPEN_STATUSES = frozenset(set(ShortcomingStatus) - DONE_STATUSES)


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")


class ResponsibilityKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")
    HEAD = "head", _("The head")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class ProgressKind(models.TextChoices):
    UPDATE = "update", _("Progress update")
    COMMENT = "comment", _("Supervisor's comment")
    CLAIM = "claim", _("Fix claimed")
    VERIFY = "verify", _("Fix verified")
    REOPEN = "reopen", _("Reopened")
