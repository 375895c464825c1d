import collections

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

import soisua.meetings.services  # noqa: F401 - registers the counter sources that rebuild reads
from soisua.counters import rollups
from soisua.counters.models import Counter
from soisua.meetings import queries
from soisua.meetings.enums import AttendanceStatus, MeetingKind
from soisua.meetings.models import Attendance, CellPlan, Meeting
from soisua.national.dates import MEETINGS_YEAR, REFERENCE_DAY
from soisua.org.models import CellMembership, Member, Unit

TINY = {"provinces": 2, "communes": 3, "cells": 6, "members": 60, "seed": 7, "verbosity": 0}


@pytest.fixture
def generated(db) -> Unit:
    call_command("generate_national", **TINY)
    return Unit.objects.get(parent=None)


def test_generate_meetings_hold_a_past_year_on_each_cells_fixed_day(generated):
    cells = Unit.objects.filter(kind__code="cell")
    plans = {plan.unit_id: plan for plan in CellPlan.objects.all()}

    assert REFERENCE_DAY.year > MEETINGS_YEAR
    assert sorted(plans) == sorted(cells.values_list("pk", flat=True))
    for meeting in Meeting.objects.all():
        plan = plans[meeting.unit_id]
        assert meeting.starts_at.year == MEETINGS_YEAR
        assert meeting.ends_at > meeting.starts_at
        if meeting.kind != MeetingKind.THEMATIC:
            assert meeting.starts_at == plan.day_in(meeting.starts_at.month)
    per_cell = collections.Counter(Meeting.objects.exclude(kind=MeetingKind.THEMATIC).values_list("unit_id", flat=True))
    assert all(10 <= per_cell[cell.pk] <= 12 for cell in cells)
    assert len({meeting.check_in_secret for meeting in Meeting.objects.all()}) == Meeting.objects.count()


def test_generate_meetings_roll_holds_the_cells_members_of_that_day(generated):
    joined = dict(CellMembership.objects.values_list("member_id", "started_on"))
    cells = dict(Member.objects.values_list("pk", "cell_id"))

    lines = list(Attendance.objects.select_related("meeting"))

    assert lines
    for line in lines:
        assert cells[line.member_id] == line.meeting.unit_id
        assert joined[line.member_id] <= line.meeting.starts_at.date()
        assert line.province_id == line.meeting.province_id
        assert (line.minutes_late > 0) == (line.status == AttendanceStatus.LATE)
        assert bool(line.reason) == (line.status == AttendanceStatus.EXCUSED)
    statuses = collections.Counter(line.status for line in lines)
    assert statuses[AttendanceStatus.UNMARKED] == 0
    assert statuses[AttendanceStatus.PRESENT] > len(lines) / 2


def test_generate_meetings_rows_reference_existing_rows(generated):
    # On PostgreSQL a superuser loads these rows without the foreign key checks.
    references = [(CellPlan, "unit_id", Unit), (CellPlan, "province_id", Unit), (Meeting, "unit_id", Unit),
                  (Meeting, "province_id", Unit), (Meeting, "chair_id", Member), (Attendance, "meeting_id", Meeting),
                  (Attendance, "member_id", Member), (Attendance, "province_id", Unit), (Counter, "unit_id", Unit)]

    dangling = {f"{model.__name__}.{column}": model.objects.exclude(**{f"{column}__in": target.objects.values("pk")})
                .exclude(**{column: None}).count() for model, column, target in references}

    assert set(dangling.values()) == {0}
    assert Counter.objects.exists()


def test_generate_meetings_counters_are_what_rebuild_computes(generated):
    drift = rollups.rebuild(["meetings.", "attendance."])

    assert drift == {"attendance.": 0, "meetings.": 0}


def test_generate_meetings_summary_of_the_country_is_the_plain_count(generated):
    lines = Attendance.objects.filter(meeting__unit__path__startswith=generated.path,
                                      meeting__starts_at__year=MEETINGS_YEAR)
    by_status = dict(lines.values_list("status").annotate(count=Count("id")))

    summary = queries.attendance_summary(generated, MEETINGS_YEAR)

    assert {status: summary[status] for status in by_status} == by_status
    assert summary["minutes_late"] == lines.aggregate(total=Sum("minutes_late"))["total"]
    assert summary["meetings"] == Meeting.objects.count()


def test_generate_meetings_zero_leaves_the_same_organisation_without_meetings(generated):
    names = list(Member.objects.order_by("pk").values_list("full_name", flat=True))

    call_command("generate_national", append=True, meetings=0, **TINY)

    second_root = Unit.objects.filter(parent=None).exclude(pk=generated.pk).get()
    second = Member.objects.filter(cell__path__startswith=second_root.path).order_by("pk")
    assert list(second.values_list("full_name", flat=True)) == names
    assert not Meeting.objects.filter(unit__path__startswith=second_root.path).exists()
    assert rollups.figures(second_root.pk, rollups.year_periods(MEETINGS_YEAR)) == {}
