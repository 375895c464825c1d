"""The subtree counters kept by each write equal a rebuild from the source rows, for any sequence of scheduling,
marking, rescheduling, cancelling and moving cells; `rebuild_rollups` reports no drift and repairs a bad one."""

import contextlib
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soisua.core.actors import SYSTEM
from soisua.counters import rollups
from soisua.meetings import services
from soisua.meetings.enums import AttendanceStatus
from soisua.meetings.models import Meeting
from soisua.org import services as org_services
from tests.factories import make_member

MONTHS = [(2026, 12), (2027, 1), (2027, 2), (2027, 3)]
STATUSES = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED]

schedule = st.tuples(st.just("schedule"), st.integers(0, 2), st.integers(0, 3))
mark = st.tuples(st.just("mark"), st.integers(0, 20), st.integers(0, 20), st.integers(0, 3))
reschedule = st.tuples(st.just("reschedule"), st.integers(0, 20), st.integers(0, 3))
cancel = st.tuples(st.just("cancel"), st.integers(0, 20))
move_cell = st.tuples(st.just("move_cell"), st.integers(0, 2), st.integers(0, 1))
operations = st.lists(st.one_of(schedule, mark, reschedule, cancel, move_cell), max_size=12)


def start_of(month_index: int) -> datetime.datetime:
    year, month = MONTHS[month_index]
    return datetime.datetime(year, month, 3, 12, 30, tzinfo=datetime.UTC)


def apply(operation: tuple, cells: list, communes: list, by) -> None:
    kind, *args = operation
    for unit in cells:
        unit.refresh_from_db()  # as a request would load it, after the moves before
    meetings = list(Meeting.objects.order_by("pk"))
    if kind == "schedule":
        cell, month = args
        starts = start_of(month)
        services.schedule_meeting(cells[cell], title="Sinh hoạt chi bộ", starts_at=starts,
                                  ends_at=starts + datetime.timedelta(minutes=120), by=by)
    elif kind == "mark" and meetings:
        meeting = meetings[args[0] % len(meetings)]
        lines = list(meeting.attendance.order_by("pk"))
        if lines:
            status = STATUSES[args[2]]
            services.mark_attendance(lines[args[1] % len(lines)], status=status, minutes_late=10,
                                     reason="Đi công tác" if status == AttendanceStatus.EXCUSED else "", by=by)
    elif kind == "reschedule" and meetings:
        starts = start_of(args[1])
        services.update_meeting(meetings[args[0] % len(meetings)], starts_at=starts,
                                ends_at=starts + datetime.timedelta(minutes=120), by=by)
    elif kind == "cancel" and meetings:
        services.cancel_meeting(meetings[args[0] % len(meetings)], by=by)
    elif kind == "move_cell":
        cell, commune = cells[args[0]], communes[args[1]]
        if cell.parent_id != commune.pk:
            org_services.move_unit(cell, new_parent=commune, by=SYSTEM)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_counters_equal_a_rebuild_after_any_sequence_of_writes(cast, steps):
    with transaction.atomic():
        cells = [cast.cell, cast.sibling_cell, cast.other_cell]
        make_member(cast.other_cell, "Vũ Thị Hoa")
        for step in steps:
            # A refused write (two meetings at one time, cancelling a meeting that took place) changes nothing.
            with contextlib.suppress(services.MeetingError):
                apply(step, cells, [cast.commune, cast.other_commune], cast.users["parent_staff"])

        drift = rollups.rebuild()
        transaction.set_rollback(True)
    assert set(drift.values()) == {0}, f"counters drifted after {steps}: {drift}"


def test_the_rebuild_command_reports_and_repairs_drift(cast):
    starts = start_of(0)
    services.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ", starts_at=starts,
                              ends_at=starts + datetime.timedelta(minutes=120), by=cast.users["secretary"])
    rollups.bump(cast.cell, "2026-12", {"attendance.unmarked": 7})
    output = io.StringIO()

    call_command("rebuild_rollups", stdout=output)

    assert "attendance." in output.getvalue()
    assert rollups.figures(cast.province.pk, ["2026-12"])["attendance.unmarked"] == 2
    assert rollups.rebuild() == {"attendance.": 0, "corr.": 0, "dir.": 0, "meetings.": 0, "quality.": 0, "rev.": 0}
