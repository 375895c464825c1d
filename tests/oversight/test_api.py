"""A unit's dashboard in the JSON API: the page's figures for the page's readers."""

import datetime

from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.directives import services as directives
from soisua.meetings import services as meetings
from soisua.oversight import dashboard
from tests.directives.test_directives import issued
from tests.oversight.test_dashboard import overdue_shortcoming
from tests.reviews.test_api import get
from tests.reviews.test_cycles import open_for


def busy_commune(cast):
    overdue_shortcoming(cast)
    corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Ít phát biểu", by=SYSTEM)
    new_year = timezone.localtime().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = max(timezone.now() - datetime.timedelta(days=2), new_year)
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
    for line in meeting.attendance.all():
        meetings.mark_attendance(line, status="present", by=SYSTEM)
    open_for(cast.commune, title="Kiểm điểm năm", by=SYSTEM)
    return issued(cast)


def test_the_dashboard_gives_the_pages_figures(cast):
    directive = busy_commune(cast)
    directives.acknowledge(directives_receipt(directive, cast.cell), by=cast.users["secretary"])

    status, body = get(cast.users["parent_staff"], f"/units/{cast.commune.pk}/dashboard")

    board = dashboard.build(cast.commune, timezone.localdate(), reader=cast.users["parent_staff"])
    assert status == 200
    assert body["unit_id"] == cast.commune.pk and body["year"] == board.year
    assert body["corrections"] == board.corrections
    assert body["corrections"]["open"] == 2 and body["corrections"]["overdue"] == 1
    assert body["reviews"]["cycle"]["title"] == "Kiểm điểm năm"
    assert body["reviews"]["progress"] == board.review_progress
    assert [row["code"] for row in body["reviews"]["levels"]] == [level.code for level, _count in board.levels]
    assert body["meetings"]["attendance"] == board.attendance
    assert sum(month["total"] for month in body["meetings"]["months"]) == 1
    assert [row["directive_id"] for row in body["directives"]["issued"]] == [directive.pk]
    # Worst first: Thôn 2 holds the overdue correction.
    assert [row["unit_id"] for row in body["children"]] == [cast.sibling_cell.pk, cast.cell.pk]
    assert body["children"][0]["corrections"]["overdue"] == 1


def test_the_cell_sees_what_it_received(cast):
    directive = busy_commune(cast)

    _status, body = get(cast.users["secretary"], f"/units/{cast.cell.pk}/dashboard")

    assert [row["symbol"] for row in body["directives"]["received"]] == [directive.symbol]
    assert body["corrections"]["open"] == 1


def test_the_dashboard_is_for_those_who_follow_the_subtree(cast):
    busy_commune(cast)

    member, _body = get(cast.users["member"], f"/units/{cast.cell.pk}/dashboard")
    sibling, _body = get(cast.users["sibling"], f"/units/{cast.cell.pk}/dashboard")
    stranger, _body = get(cast.users["unrelated_staff"], f"/units/{cast.commune.pk}/dashboard")
    inspector, _body = get(cast.users["inspector"], f"/units/{cast.commune.pk}/dashboard")

    assert member == 403  # a plain member reads the cell, not its dashboard
    assert (sibling, stranger) == (404, 404)
    assert inspector == 200


def directives_receipt(directive, unit):
    return directive.receipts.get(unit=unit)
