"""A unit's dashboard: its subtree's reviews, corrections, meetings and directives, sub-units worst first."""

import datetime
import io

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.meetings import services as meetings
from soisua.oversight import dashboard
from soisua.reviews import services as reviews
from soisua.reviews.models import Feedback, QuotaSetting
from tests.factories import complete_review, make_member, make_unit
from tests.files import table_rows
from tests.reviews.test_cycles import open_for


def due_yesterday() -> dict:
    """Self-reviews due yesterday (a review submitted today is late), the later stages in a week."""
    today = timezone.localdate()
    return {"self_review_due": today - datetime.timedelta(days=1), "appraisal_due": today + datetime.timedelta(days=7),
            "decision_due": today + datetime.timedelta(days=7)}


def overdue_shortcoming(cast):
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - datetime.timedelta(days=20), tick=False):
        shortcoming = corrections.record_shortcoming(unit=cast.sibling_cell, member=cast.members["sibling"],
                                                     text="Chậm nộp đảng phí", by=SYSTEM)
        plan = corrections.create_plan(unit=cast.sibling_cell, member=cast.members["sibling"],
                                       shortcomings=[shortcoming], deadline=today + datetime.timedelta(days=30),
                                       by=SYSTEM)
        supervisor = make_member(cast.sibling_cell, "Đỗ Văn Giám")
        measure = corrections.add_measure(plan, text="Nộp đúng hạn", deadline=plan.deadline, supervisor=supervisor,
                                          by=SYSTEM)
        corrections.add_step(measure, what="Nộp biên lai", due=today - datetime.timedelta(days=5), by=SYSTEM)
        corrections.submit_plan(plan, by=SYSTEM)
        corrections.decide_plan(plan, approve=True, by=SYSTEM)
    return shortcoming


def test_the_communes_dashboard_ranks_the_cell_with_overdue_corrections_first_and_counts_the_subtree(cast):
    overdue_shortcoming(cast)
    corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Ít phát biểu", by=SYSTEM)
    new_year = timezone.localtime().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = max(timezone.now() - datetime.timedelta(days=2), new_year)  # this year's, whatever the day
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
    for line in meeting.attendance.all():
        meetings.mark_attendance(line, status="present", by=SYSTEM)
    open_for(cast.commune, title="Kiểm điểm năm", by=SYSTEM)

    board = dashboard.build(cast.commune, timezone.localdate())

    assert [row.unit for row in board.children] == [cast.sibling_cell, cast.cell]
    assert [row.overdue for row in board.children] == [1, 0]
    assert board.corrections == {"open": 2, "verified": 0, "overdue": 1, "recurring": 0}
    assert board.attendance["rate"] == 100 and board.review_progress["expected"] > 0
    assert sum(month["total"] for month in board.months) == 1


def test_the_dashboard_is_for_those_who_lead_or_cover_the_unit(cast):
    url = reverse("oversight:dashboard", args=[cast.commune.pk])

    page = cast.client("committee").get(url)

    assert page.status_code == 200 and cast.sibling_cell.name in page.text and "Bảng theo dõi" in page.text
    assert cast.client("inspector").get(url).status_code == 200
    assert cast.client("secretary").get(url).status_code == 404  # a cell's secretary does not read the commune
    assert cast.client("member").get(reverse("oversight:dashboard", args=[cast.cell.pk])).status_code == 403
    assert cast.client("secretary").get(reverse("oversight:dashboard", args=[cast.cell.pk])).status_code == 200
    assert cast.client("unrelated_staff").get(url).status_code == 404


def test_the_dashboard_shows_reviews_submitted_late_and_members_by_decided_level(cast):
    cycle = open_for(cast.province, enforce_order=False,
                     **due_yesterday())
    review = complete_review(cycle.reviews.get(member=cast.members["member"]), cast.users["member"])
    review = reviews.propose_level(review, level="good", comment="Đồng ý", by=cast.users["secretary"])
    reviews.decide_level(review, level="good", by=cast.users["parent_staff"])

    board = dashboard.build(cast.commune, timezone.localdate())

    assert board.review_progress == {"expected": 6, "drafted": 0, "submitted": 1, "late": 1}
    assert [(level.code, count) for level, count in board.levels] == [
        ("excellent", 0), ("good", 1), ("completed", 0), ("not_completed", 0)]


def test_the_dashboard_costs_the_same_queries_whatever_its_subtree_holds(cast):
    def queries_for(unit) -> int:
        with CaptureQueriesContext(connection) as queries:
            dashboard.build(unit, timezone.localdate(), reader=cast.users["admin"])
        return len(queries)

    cycle = open_for(cast.province, enforce_order=False)
    before = {unit: queries_for(unit) for unit in (cast.province, cast.commune)}
    complete_review(cycle.reviews.get(member=cast.members["member"]), cast.users["member"])
    for number in range(3):
        cell = make_unit(cast.other_commune, "cell", f"Chi bộ Thôn {number + 4}")
        member = make_member(cell, f"Nguyễn Văn {number}")
        corrections.record_shortcoming(unit=cell, member=member, text="Chậm nộp đảng phí", by=SYSTEM)
        # More grassroots organisations under the province, one with its own quota.
        commune = make_unit(cast.province, "commune", f"Đảng ủy xã Hòa {number}")
        make_member(make_unit(commune, "cell", f"Chi bộ Xóm {number}"), f"Trần Văn {number}")
    QuotaSetting.objects.create(unit=commune, percent=25, base_level="good")
    overdue_shortcoming(cast)
    reviews.give_feedback(superior=cast.commune, from_unit=cast.cell, kind="suggestion", text="Góp ý Đảng ủy xã",
                          by=cast.users["member"])
    open_for(cast.province, title="Kiểm điểm chuyên đề", kind="ad_hoc", enforce_order=False)
    starts = timezone.now() - datetime.timedelta(days=200)
    meetings.schedule_meeting(cast.cell, title="Sinh hoạt", starts_at=starts,
                              ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)

    assert {unit: queries_for(unit) for unit in (cast.province, cast.commune)} == before


def decided(review, level: str, *, by, proposed: str = "good"):
    """A submitted review proposed at `proposed` by the cell, then decided at `level` (rules overridden)."""
    review = reviews.propose_level(review, level=proposed, comment="Đồng ý", by=SYSTEM)
    return reviews.decide_level(review, level=level, reason="Theo kết quả", override_reason="Đã thống nhất", by=by)


def test_the_province_shows_each_communes_excellent_quota_and_flags_the_one_over_it(cast):
    make_member(cast.other_cell, "Đinh Văn Tám")
    QuotaSetting.objects.create(unit=cast.other_commune, percent=50, base_level="good")
    cycle = open_for(cast.province, enforce_order=False)
    members = {review.member_id: review for review in cycle.reviews.filter(member__isnull=False)}
    submitted = {pk: complete_review(review, SYSTEM) for pk, review in members.items()}
    decided(submitted[cast.members["member"].pk], "excellent", by=cast.users["parent_staff"])
    for member in (cast.members["secretary"], cast.members["sibling"]):
        reviews.propose_level(submitted[member.pk], level="good", comment="Đồng ý", by=SYSTEM)
    for review in cycle.reviews.filter(unit=cast.other_cell, member__isnull=False):
        reviews.propose_level(submitted[review.member_id], level="good", comment="Đồng ý", by=SYSTEM)

    board = dashboard.build(cast.province, timezone.localdate())
    page = cast.client("admin").get(reverse("oversight:dashboard", args=[cast.province.pk])).text

    # Hòa An: 20 % of the 2 rated good allows none, and one was decided excellent; Hòa Bình's own 50 % of 2 allows 1.
    assert [(row.unit, row.given, row.allowed, row.base_count, row.over) for row in board.quota] == [
        (cast.commune, 1, 0, 2, True), (cast.other_commune, 0, 1, 2, False)]
    assert "Tỷ lệ tối đa “Hoàn thành xuất sắc nhiệm vụ” theo tổ chức cơ sở đảng" in page
    assert "1, vượt tỷ lệ tối đa" in page and "(50 % của 2 người xếp “Hoàn thành tốt nhiệm vụ”)" in page


def test_a_commune_shows_its_own_quota_and_a_cell_none(cast):
    open_for(cast.commune, enforce_order=False)

    commune = dashboard.build(cast.commune, timezone.localdate())
    cell = dashboard.build(cast.cell, timezone.localdate())

    assert [(row.unit, row.given, row.allowed) for row in commune.quota] == [(cast.commune, 0, 0)]
    assert cell.quota == []


def test_feedback_to_the_commune_is_counted_answered_and_waiting_without_its_authors(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    for text in ("Cần đi cơ sở nhiều hơn", "Họp ít quá"):
        reviews.give_feedback(superior=cast.commune, from_unit=cast.cell, kind="suggestion", text=text,
                              by=cast.users["member"])
    answered = Feedback.objects.get(text="Họp ít quá")
    reviews.respond_to_feedback(answered, accept=False, reason="Đã họp đủ theo quy định", by=SYSTEM)

    board = dashboard.build(cast.commune, timezone.localdate(), reader=cast.users["committee"])
    page = cast.client("committee").get(reverse("oversight:dashboard", args=[cast.commune.pk])).text

    assert board.feedback == [{"target": "superior", "review_id": None,
                               "counts": {"received": 2, "answered": 1, "waiting": 1}}]
    assert reverse("reviews:cycles.unit", args=[cycle.pk, cast.commune.pk]) in page
    assert "Từ các chi bộ trực thuộc, gửi cấp ủy cấp trên" in page
    assert cast.members["member"].full_name not in page and "Cần đi cơ sở" not in page


def test_a_cells_dashboard_counts_feedback_on_its_collective_review(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    collective = complete_review(cycle.reviews.get(unit=cast.cell, member=None), cast.users["secretary"])
    reviews.give_feedback(review=collective, from_unit=cast.cell, kind="shortcoming", text="Chi bộ họp chưa đều",
                          by=cast.users["member"])

    board = dashboard.build(cast.cell, timezone.localdate(), reader=cast.users["secretary"])

    assert board.feedback == [{"target": "collective", "review_id": collective.pk,
                               "counts": {"received": 1, "answered": 0, "waiting": 1}}]


def test_anonymous_feedback_is_counted_from_the_next_day_and_only_once_enough_people_gave_it(cast):
    open_for(cast.commune, enforce_order=False, anonymity="anonymous")
    authors = [cast.users["member"], cast.users["secretary"], cast.users["sibling"]]
    cells = [cast.cell, cast.cell, cast.sibling_cell]
    with time_machine.travel(timezone.now() - datetime.timedelta(days=1), tick=False):
        for user, cell in zip(authors[:2], cells[:2], strict=True):
            reviews.give_feedback(superior=cast.commune, from_unit=cell, kind="suggestion", text="Góp ý cấp trên",
                                  by=user)
    today = timezone.localdate()
    reviews.give_feedback(superior=cast.commune, from_unit=cells[2], kind="suggestion", text="Góp ý hôm nay",
                          by=authors[2])

    two_yesterday = dashboard.build(cast.commune, today, reader=cast.users["committee"]).feedback
    three_by_tomorrow = dashboard.build(cast.commune, today + datetime.timedelta(days=1),
                                        reader=cast.users["committee"]).feedback
    one_of_them_reads = dashboard.build(cast.commune, today + datetime.timedelta(days=1), reader=authors[0]).feedback

    assert two_yesterday == [{"target": "superior", "review_id": None, "counts": None}]
    assert three_by_tomorrow[0]["counts"] == {"received": 3, "answered": 0, "waiting": 3}
    assert one_of_them_reads[0]["counts"] is None  # the reader's own item does not lift the threshold


def test_the_trends_show_each_cycle_and_the_last_twelve_months(cast):
    earlier = open_for(cast.commune, title="Kiểm điểm năm 2025", enforce_order=False,
                       period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31),
                       self_review_due=datetime.date(2025, 12, 10), appraisal_due=datetime.date(2025, 12, 20),
                       decision_due=datetime.date(2025, 12, 31))
    for member in ("member", "secretary"):
        review = complete_review(earlier.reviews.get(member=cast.members[member]), SYSTEM)
        decided(review, "good" if member == "member" else "completed", by=cast.users["parent_staff"])
    reviews.close_cycle(earlier, by=SYSTEM)
    current = open_for(cast.commune, enforce_order=False)
    complete_review(current.reviews.get(member=cast.members["member"]), SYSTEM)
    now = timezone.now()
    for days_ago, status in ((330, "present"), (2, "unexcused"), (400, "present")):
        starts = now - datetime.timedelta(days=days_ago)
        meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt", starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
        for line in meeting.attendance.all():
            meetings.mark_attendance(line, status=status, by=SYSTEM)

    board = dashboard.build(cast.commune, timezone.localdate())
    page = cast.client("committee").get(reverse("oversight:dashboard", args=[cast.commune.pk])).text

    assert [(row["cycle"], row["expected"], row["submitted"], row["submitted_percent"]) for row in board.cycles] == [
        (earlier, 5, 2, 40), (current, 5, 1, 20)]
    assert [(item["level"].code, item["count"], item["percent"]) for item in board.cycles[0]["levels"]] == [
        ("excellent", 0, 0), ("good", 1, 50), ("completed", 1, 50), ("not_completed", 0, 0)]
    assert len(board.recent_months) == 12 and sum(month["meetings"] for month in board.recent_months) == 2
    assert [month["rate"] for month in board.recent_months if month["meetings"]] == [100, 0]
    assert "Hoàn thành tốt nhiệm vụ: 1 (50 %)" in page and "Kiểm điểm năm 2025" in page
    assert f"{board.recent_months[0]['month']:02d}/{board.recent_months[0]['year']}" in page


def test_the_dashboards_tables_download_as_one_workbook(cast):
    overdue_shortcoming(cast)
    cycle = open_for(cast.commune, enforce_order=False)
    decided(complete_review(cycle.reviews.get(member=cast.members["member"]), SYSTEM), "good",
            by=cast.users["parent_staff"])

    response = cast.client("committee").get(reverse("oversight:dashboard.export", args=[cast.commune.pk, "xlsx"]))

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = {name: table_rows(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names}
    assert response["Content-Disposition"] == 'attachment; filename="Tong-quan-Dang-uy-xa-Hoa-An.xlsx"'
    assert workbook.sheet_names[:3] == ["Tóm tắt", "Cảnh báo sớm", "Số đảng viên theo mức xếp loại"]
    assert rows["Đơn vị trực thuộc"][1][:2] == [cast.sibling_cell.name, 1]
    assert ["Hoàn thành tốt nhiệm vụ", 1] in rows["Số đảng viên theo mức xếp loại"]
    assert rows["Tỷ lệ tối đa"][1][:3] == [cast.commune.name, 0, 0]
    assert len(rows["12 tháng gần nhất"]) == 13
