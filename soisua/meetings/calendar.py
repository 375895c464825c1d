"""iCalendar (RFC 5545) text for meeting feeds."""

import datetime
import re
from collections.abc import Callable, Iterable

from django.utils import timezone

from .models import Meeting

# Every way of breaking a line that a calendar program may honour: CR LF, a lone CR or LF, and the Unicode line
# and paragraph separators (and NEL). Each becomes the escaped newline of RFC 5545 §3.3.11.
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# Other control characters (C0 but TAB, DEL, C1) are not allowed in TEXT values: they are dropped.
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11) that cannot start a new property: whatever is typed in a title, a place or a
    unit's name stays inside its own line."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\\\\n", text))


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1)."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not parts else 74):
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


def _stamp(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def ical(meetings: Iterable[Meeting], *, name: str, host: str, url: Callable[[Meeting], str]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//soisua//meetings//VI", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(name)}"]
    now = _stamp(timezone.now())
    for meeting in meetings:
        lines += ["BEGIN:VEVENT", f"UID:meeting-{meeting.pk}@{host}", f"DTSTAMP:{now}",
                  f"DTSTART:{_stamp(meeting.starts_at)}", f"DTEND:{_stamp(meeting.ends_at)}",
                  f"SUMMARY:{_escape(meeting.title)}", f"DESCRIPTION:{_escape(meeting.unit.name)}",
                  f"URL:{url(meeting)}"]
        if meeting.place:
            lines.append(f"LOCATION:{_escape(meeting.place)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(f"{part}\r\n" for line in lines for part in _fold(line))
