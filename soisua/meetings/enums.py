from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from soisua.org.enums import MemberStatus

# The roll: official, probationary and exempt members; suspended members are not on it.
ROLL_STATUSES = (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT)


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular meeting")
    THEMATIC = "thematic", _("Thematic session")
    COMBINED = "combined", _("Regular and thematic together")
    REVIEW = "review", _("Review session")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")


class AttendanceStatus(models.TextChoices):
    UNMARKED = "unmarked", _("Not marked yet")
    PRESENT = "present", _("Present")
    LATE = "late", pgettext_lazy("attendance", "Late")
    EXCUSED = "excused", _("Absent with reason")
    UNEXCUSED = "unexcused", _("Absent without reason")


class ContributionKind(models.TextChoices):
    REPORT = "report", _("Report")
    OPINION = "opinion", _("Opinion")
    CRITICISM = "criticism", _("Criticism")
    SELF_CRITICISM = "self_criticism", _("Self-criticism")


class RulesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


# Kinds that hold the month's regular meeting, and kinds that hold the quarter's thematic session.
REGULAR_KINDS = (MeetingKind.REGULAR, MeetingKind.COMBINED)
THEMATIC_KINDS = (MeetingKind.THEMATIC, MeetingKind.COMBINED)

# The bounds of a minimum length a rule version or a committee's exception may set, in minutes.
MIN_MINUTES_BOUNDS = (1, 600)
