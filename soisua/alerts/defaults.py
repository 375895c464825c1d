"""The rules an installation starts with (written by a data migration; edited afterwards as data, each edit a new
version): check → (threshold, period, age under, receiving unit kind)."""

DEFAULT_RULES = {
    "corrections_overdue": (1, 30, None, "cell"),
    "recurring": (1, None, None, "cell"),
    "attendance_low": (80, 3, None, "cell"),
    "unexcused": (3, 12, None, "cell"),
    "silent": (1, 3, None, "cell"),
    "young_silent": (1, 3, 35, "cell"),
    "meetings_missing": (1, 3, None, "grassroots"),
    "meetings_short": (1, 3, None, "grassroots"),
    "no_thematic": (1, 1, None, "grassroots"),
    "reviews_late": (1, 7, None, "grassroots"),
    "formalism": (1, None, None, "grassroots"),
    "directive_unacknowledged": (1, 7, None, "commune"),
    "directive_unreported": (1, 7, None, "commune"),
    "dues_unpaid": (3, 12, None, "cell"),
    "quality_low": (3, 6, None, "grassroots"),
}
