"""Rows of cell plans, meetings and their rolls for bulk loads, and the figures they add to the counters.

A loader that writes meetings without the services builds its rows here from plain values it chose (ids,
cells, days, who came): a meeting ends after it starts and gets its own check-in secret; a roll line is
present (with the time of check-in), late (by some minutes, with the time of check-in), absent with a reason or
absent without one, as members are marked. The counter figures are named as this app's rollup sources name them
(`meetings.<kind>`, `attendance.<status>`, `attendance.minutes_late`), so `rebuild_rollups` finds no drift.

Roll lines are the bulk of the rows (about 60 million for a year at national scale): they are tuples in the order
of ATTENDANCE_COLUMNS. The other rows are dicts keyed by attribute name; the columns left out take the model's
defaults.
"""

import datetime

from .enums import AttendanceStatus
from .models import Attendance, CellPlan, Meeting, new_check_in_secret

# The tables these rows go to, parents first.
TABLES = (CellPlan, Meeting, Attendance)
ATTENDANCE_COLUMNS = ("id", "meeting_id", "member_id", "province_id", "status", "minutes_late", "reason",
                      "checked_in_at")

MEETINGS_METRICS = "meetings."
ATTENDANCE_METRICS = "attendance."
MINUTES_LATE = f"{ATTENDANCE_METRICS}minutes_late"

_PRESENT, _LATE, _EXCUSED, _UNEXCUSED = (status.value for status in (
    AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED))


def cell_plan_row(*, id: int, unit_id: int, province_id: int, year: int, meeting_day: int,
                  meeting_time: datetime.time, place: str) -> dict:
    """A cell's year: it meets on `meeting_day` (1 to 28, a day every month has) at `meeting_time`."""
    if not 1 <= meeting_day <= 28:
        raise ValueError("A cell's fixed meeting day is between 1 and 28.")
    return {"id": id, "unit_id": unit_id, "province_id": province_id, "year": year, "meeting_day": meeting_day,
            "meeting_time": meeting_time, "place": place}


def meeting_row(*, id: int, unit_id: int, province_id: int, kind: str, title: str, starts_at: datetime.datetime,
                minutes: int, place: str, chair_id: int | None, minute_taker_id: int | None,
                documents_published_at: datetime.datetime | None, created_at: datetime.datetime) -> dict:
    """A cell's meeting of `minutes` from `starts_at`, with a check-in secret of its own."""
    if minutes <= 0:
        raise ValueError("A meeting ends after it starts.")
    return {"id": id, "unit_id": unit_id, "province_id": province_id, "kind": kind, "title": title,
            "starts_at": starts_at, "ends_at": starts_at + datetime.timedelta(minutes=minutes), "place": place,
            "chair_id": chair_id, "minute_taker_id": minute_taker_id,
            "documents_published_at": documents_published_at, "check_in_secret": new_check_in_secret(),
            "created_at": created_at}


def present_line(id: int, meeting_id: int, member_id: int, province_id: int, checked_in_at: datetime.datetime) -> tuple:
    return (id, meeting_id, member_id, province_id, _PRESENT, 0, "", checked_in_at)


def late_line(id: int, meeting_id: int, member_id: int, province_id: int, minutes_late: int,
              checked_in_at: datetime.datetime) -> tuple:
    """Late by `minutes_late` (at least one)."""
    if minutes_late <= 0:
        raise ValueError("A late member is late by at least a minute.")
    return (id, meeting_id, member_id, province_id, _LATE, minutes_late, "", checked_in_at)


def excused_line(id: int, meeting_id: int, member_id: int, province_id: int, reason: str) -> tuple:
    """Absent with `reason` (never empty: without one the member is absent without reason)."""
    if not reason:
        raise ValueError("An excused absence has its reason.")
    return (id, meeting_id, member_id, province_id, _EXCUSED, 0, reason, None)


def unexcused_line(id: int, meeting_id: int, member_id: int, province_id: int) -> tuple:
    return (id, meeting_id, member_id, province_id, _UNEXCUSED, 0, "", None)


def meeting_figures(kind: str, *, present: int, late: int, excused: int, unexcused: int,
                    minutes_late: int) -> dict[str, int]:
    """What one meeting of `kind` and its marked roll add to the counters of its month, by metric."""
    return {f"{MEETINGS_METRICS}{kind}": 1, f"{ATTENDANCE_METRICS}{_PRESENT}": present,
            f"{ATTENDANCE_METRICS}{_LATE}": late, f"{ATTENDANCE_METRICS}{_EXCUSED}": excused,
            f"{ATTENDANCE_METRICS}{_UNEXCUSED}": unexcused, MINUTES_LATE: minutes_late}
