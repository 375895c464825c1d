"""Writes to meetings: the topic library and plans, scheduling with its roll, documents, check-in by rotating
code, attendance, speakers, minutes, reminders. Every change to the roll or to a meeting's date keeps the
attendance counters of the cell and its ancestors in the same transaction (counters.rollups)."""

from .common import (
    MAX_TEXT,
    MeetingError,
    clean,
    count_line_change,
    count_meeting,
    meeting_people,
    record_locked_change,
)
from .minutes import (
    MINUTES_FIELDS,
    StaleMinutes,
    add_contribution,
    approval_problems,
    approve_minutes,
    remove_contribution,
    save_minutes,
)
from .plans import generate_regular_meetings, save_cell_plan, save_topic, save_topic_plan, topics_for_cell
from .reminders import renew_calendar_feed, send_meeting_reminders
from .roll import (
    ATTENDANCE_FIELDS,
    add_joiners_to_upcoming_rolls,
    check_in,
    check_in_code,
    check_in_is_open,
    check_in_opens_minutes,
    mark_attendance,
    mark_rest_absent,
    refresh_roll,
)
from .scheduling import (
    MEETING_FIELDS,
    add_document,
    cancel_meeting,
    follow_moved_subtree,
    publish_documents,
    schedule_meeting,
    update_meeting,
)

__all__ = [
    "ATTENDANCE_FIELDS",
    "MAX_TEXT",
    "MEETING_FIELDS",
    "MINUTES_FIELDS",
    "MeetingError",
    "StaleMinutes",
    "add_contribution",
    "add_document",
    "add_joiners_to_upcoming_rolls",
    "approval_problems",
    "approve_minutes",
    "cancel_meeting",
    "check_in",
    "check_in_code",
    "check_in_is_open",
    "check_in_opens_minutes",
    "clean",
    "count_line_change",
    "count_meeting",
    "follow_moved_subtree",
    "generate_regular_meetings",
    "mark_attendance",
    "mark_rest_absent",
    "meeting_people",
    "publish_documents",
    "record_locked_change",
    "refresh_roll",
    "remove_contribution",
    "renew_calendar_feed",
    "save_cell_plan",
    "save_minutes",
    "save_topic",
    "save_topic_plan",
    "schedule_meeting",
    "send_meeting_reminders",
    "topics_for_cell",
    "update_meeting",
]
