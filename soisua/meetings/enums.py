from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular meeting")
    THEMATIC = "thematic", _("Thematic session")
    COMBINED = "combined", _("Regular and thematic together")
    REVIEW = "review", _("Review session")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")


class AttendanceStatus(models.TextChoices):
    UNMARKED = "unmarked", _("Not marked yet")
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Absent with reason")
    UNEXCUSED = "unexcused", _("Absent without reason")
