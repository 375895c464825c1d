from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Check(models.TextChoices):
    """What an early-warning rule looks for (docs/alerts.md). The figures each check reads (threshold, period,
    age) are the rule's data; what they mean for each check is `MEANING` below."""

    CORRECTIONS_OVERDUE = "corrections_overdue", _("Corrections overdue")
    RECURRING = "recurring", _("Shortcomings that recur")
    ATTENDANCE_LOW = "attendance_low", _("Attendance below a rate")
    UNEXCUSED = "unexcused", _("Absences without reason")
    SILENT = "silent", _("Members who never speak")
    YOUNG_SILENT = "young_silent", _("Young members who never speak")
    MEETINGS_MISSING = "meetings_missing", _("Months without a regular meeting")
    MEETINGS_SHORT = "meetings_short", _("Meetings shorter than the minimum")
    NO_THEMATIC = "no_thematic", _("A quarter without a thematic session")
    REVIEWS_LATE = "reviews_late", _("Self-reviews late")
    FORMALISM = "formalism", _("Signs of formalism in reviews")
    DIRECTIVE_UNACKNOWLEDGED = "directive_unacknowledged", _("Directives not acknowledged")
    DIRECTIVE_UNREPORTED = "directive_unreported", _("Directive reports not filed")
    DUES_UNPAID = "dues_unpaid", _("Party dues unpaid for months in a row")
    QUALITY_LOW = "quality_low", _("Regular meetings below fair or not assessed")


# What the threshold and the period count for each check (labels of the rule's form and page).
MEANING = {
    Check.CORRECTIONS_OVERDUE: (_("overdue shortcomings in the unit"), _("days past the due date")),
    Check.RECURRING: (_("open shortcomings that recur"), None),
    Check.ATTENDANCE_LOW: (_("lowest attendance rate, in percent"), _("months counted")),
    Check.UNEXCUSED: (_("absences without reason of one member"), _("months counted")),
    Check.SILENT: (_("members who spoke at none of the meetings"), _("last meetings counted")),
    Check.YOUNG_SILENT: (_("young members who spoke at none of the meetings"), _("last meetings counted")),
    Check.MEETINGS_MISSING: (_("months without a regular meeting"), _("months counted")),
    Check.MEETINGS_SHORT: (_("meetings shorter than the minimum"), _("months counted")),
    Check.NO_THEMATIC: (_("quarters without a thematic session"), _("quarters counted")),
    Check.REVIEWS_LATE: (_("reviews not submitted"), _("days past the due date")),
    Check.FORMALISM: (_("submitted reviews with signs of formalism"), None),
    Check.DIRECTIVE_UNACKNOWLEDGED: (_("directives not acknowledged"), _("days after the date of issue")),
    Check.DIRECTIVE_UNREPORTED: (_("reports not filed"), _("days past the due date")),
    Check.DUES_UNPAID: (_("months in a row one member left unpaid"), _("ended months counted")),
    Check.QUALITY_LOW: (_("latest regular meetings in a row below fair or not assessed"), _("months counted")),
}


# The longest period each check accepts, in what its period counts (days, months, last meetings, quarters): ten
# years back at most, so that no check reaches before a date the calendar holds or reads decades of rows for one
# figure. A threshold counts at most MAX_THRESHOLD (a figure no unit reaches; larger numbers would not fit the column).
_DAYS, _MONTHS, _MEETINGS, _QUARTERS = 3650, 120, 60, 40
PERIOD_LIMIT = {
    Check.CORRECTIONS_OVERDUE: _DAYS,
    Check.ATTENDANCE_LOW: _MONTHS,
    Check.UNEXCUSED: _MONTHS,
    Check.SILENT: _MEETINGS,
    Check.YOUNG_SILENT: _MEETINGS,
    Check.MEETINGS_MISSING: _MONTHS,
    Check.MEETINGS_SHORT: _MONTHS,
    Check.NO_THEMATIC: _QUARTERS,
    Check.REVIEWS_LATE: _DAYS,
    Check.DIRECTIVE_UNACKNOWLEDGED: _DAYS,
    Check.DIRECTIVE_UNREPORTED: _DAYS,
    Check.DUES_UNPAID: _MONTHS,
    Check.QUALITY_LOW: _MONTHS,
}
MAX_THRESHOLD = 100_000


class AlertStatus(models.TextChoices):
    """open → acknowledged (with a note) → resolved when the condition is gone; re-opened when it returns."""

    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("warning", "Acknowledged")
    RESOLVED = "resolved", _("Resolved")


LIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
