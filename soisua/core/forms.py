"""Form fields every app shares.

`TimeField` reads a time of day the way people in Vietnam type it: "19:30", "19h30", "19h", "19 giờ 30",
"7:30 PM", "7h30 tối", "7h sáng". Django's own time field knows only "19:30" and refuses the rest with a message
that does not say what would do.
"""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .text import fold

# What comes after the hour (and the minutes) to say which half of the day it is, without diacritics (core.text.fold):
# the morning keeps the hour, the afternoon and the evening add twelve to it, noon and night depend on the hour.
_MORNING = {"am", "a.m.", "sang"}
_AFTERNOON = {"pm", "p.m.", "chieu", "toi"}
_NOON = {"trua"}
_NIGHT = {"dem", "khuya"}

_TIME = re.compile(r"""
    ^(?P<hour>\d{1,2})
    (?:(?::|h|gio|g|\.)                                        # 19:30, 19h30, 19gio30, 19g30, 19.30
       (?:(?P<minute>\d{1,2})(?::\d{2})?                       # seconds, as a browser may send them
          (?:phut|p(?=(?:sang|trua|chieu|toi|dem|khuya)?$)|')?   # 19h30p, 19 giờ 30 phút
       )?
    )?
    (?P<period>[a-z.]+)?$                                      # sáng, tối, PM…
""", re.VERBOSE)


def parse_time(text: str) -> datetime.time | None:
    """The time of day `text` says, or None when it says none (an hour beyond 23, minutes beyond 59, 13h sáng)."""
    # Spaces separate nothing a time needs: "7 h 30 tối" reads as "7h30toi", "19 giờ" as "19gio".
    match = _TIME.match(fold(text or "").replace(" ", ""))
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    period = match["period"]
    if period is not None:
        hour = _in_day(hour, period)
        if hour is None:
            return None
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return datetime.time(hour, minute)


def _in_day(hour: int, period: str) -> int | None:
    """The hour on a 24-hour clock of `hour` said with `period` (sáng, chiều, tối, PM…); None when they clash."""
    if period in _MORNING:
        if hour > 12:
            return None
        return 0 if hour == 12 and period != "sang" else hour
    if period in _AFTERNOON:
        if hour > 23 or (hour == 0):
            return None
        return hour + 12 if hour < 12 else hour
    if period in _NOON:
        return hour + 12 if 1 <= hour <= 5 else hour
    if period in _NIGHT:
        if hour == 12:
            return 0
        return hour + 12 if 6 <= hour <= 11 else hour
    return None


class TimeInput(forms.TimeInput):
    """Hours and minutes as a text box with the letters a time may need ("19h30", "7h tối"), shown as 19:30."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})}, format="%H:%M")


class TimeField(forms.TimeField):
    """A time of day in any of the ways people write it (`parse_time`); the error names the accepted forms."""

    widget = TimeInput
    default_error_messages = {
        "invalid": _("Enter a time such as 19:30, 19h30, 19h, 7:30 PM or 7h30 tối."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        parsed = parse_time(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed
