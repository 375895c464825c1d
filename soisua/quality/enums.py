from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    """The levels a meeting is given: the four of a scored version (by its bands), or met / not met under the
    national framework, which gives no points."""

    GOOD = "good", pgettext_lazy("meeting quality", "Good")
    FAIR = "fair", pgettext_lazy("meeting quality", "Fair")
    AVERAGE = "average", pgettext_lazy("meeting quality", "Average")
    POOR = "poor", pgettext_lazy("meeting quality", "Poor")
    PASSED = "passed", _("Meets the framework")
    FAILED = "failed", _("Falls short of the framework")


# The four levels members rate a meeting by, best first, with the value their average is taken over.
RATING_LEVELS = (Level.GOOD, Level.FAIR, Level.AVERAGE, Level.POOR)
LEVEL_VALUE = {Level.GOOD: 4, Level.FAIR: 3, Level.AVERAGE: 2, Level.POOR: 1}
# Levels that count as "below fair" for the early warning (docs/alerts.md).
BELOW_FAIR = (Level.AVERAGE, Level.POOR, Level.FAILED)


def level_of_value(value: float | None) -> str:
    """The rating level nearest to an average value (4 good … 1 poor); empty for none."""
    if value is None:
        return ""
    return min(LEVEL_VALUE, key=lambda level: (abs(LEVEL_VALUE[level] - value), -LEVEL_VALUE[level]))


class Group(models.TextChoices):
    ATTENDANCE = "attendance", _("Attendance")
    PREPARATION = "preparation", _("Preparation")
    ORGANISATION = "organisation", _("Conduct of the meeting")
    PRINCIPLES = "principles", _("Principles of party life")
    RESULTS = "results", _("Results")
    CLOSING = "closing", _("Closing")


class Measure(models.TextChoices):
    """How a criterion is measured: from the meeting's record, or judged by the cell."""

    JUDGED = "judged", _("Judged by the cell")
    ATTENDANCE_RATE = "attendance_rate", _("Attendance rate")
    UNEXCUSED = "unexcused", _("Absent without reason")
    DURATION = "duration", _("Length against the meeting rules")
    SPEAKERS = "speakers", _("Share of those present who spoke")
    DOCUMENTS = "documents", _("Documents sent out in time")


class AssessmentStatus(models.TextChoices):
    DECIDED = "decided", _("Decided by the cell")
    CONFIRMED = "confirmed", _("Confirmed by the upper level")
