"""Browser journey of a commune committee's dashboard at phone width: the commune's excellent quota flagged as
exceeded, the feedback its cells sent it counted without their authors, the trends of its reviews and of the last
twelve months drawn and given as tables, nothing wider than the phone, and its tables downloaded as one workbook.

Arranged through the services (not watched): two review cycles, decisions, feedback and meetings."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from soisua.core.actors import SYSTEM
from soisua.meetings import services as meetings
from soisua.reviews import services as reviews
from tests.factories import complete_review
from tests.reviews.test_cycles import open_for

from .conftest import axe_check, login

pytestmark = pytest.mark.browser


def decide(review, level: str, *, by):
    review = reviews.propose_level(complete_review(review, SYSTEM), level="good", comment="Đồng ý", by=SYSTEM)
    return reviews.decide_level(review, level=level, reason="Theo kết quả", override_reason="Đã thống nhất", by=by)


def test_a_commune_committee_reads_its_quota_feedback_and_trends_on_a_phone(page: Page, cast, password, screenshot):
    earlier = open_for(cast.commune, title="Kiểm điểm năm 2025", enforce_order=False,
                       period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31),
                       self_review_due=datetime.date(2025, 12, 10), appraisal_due=datetime.date(2025, 12, 20),
                       decision_due=datetime.date(2025, 12, 31))
    decide(earlier.reviews.get(member=cast.members["member"]), "good", by=cast.users["parent_staff"])
    reviews.close_cycle(earlier, by=SYSTEM)
    current = open_for(cast.commune, title="Kiểm điểm năm 2026", enforce_order=False)
    decide(current.reviews.get(member=cast.members["member"]), "excellent", by=cast.users["parent_staff"])
    reviews.give_feedback(superior=cast.commune, from_unit=cast.cell, kind="suggestion",
                          text="Đảng ủy cần về chi bộ thường xuyên hơn", by=cast.users["secretary"])
    for days_ago in (300, 150, 20):
        starts = timezone.now() - datetime.timedelta(days=days_ago)
        meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ", starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
        for line in meeting.attendance.all():
            meetings.mark_attendance(line, status="present", by=SYSTEM)

    # 1. The dashboard: the quota over, the feedback counted, the trends drawn; nothing wider than the phone.
    login(page, "committee", password)
    page.goto(f"/oversight/units/{cast.commune.pk}/dashboard/")
    axe_check(page)
    expect(page.locator("section[aria-labelledby=quota-title]")).to_contain_text("1, vượt tỷ lệ tối đa")
    feedback = page.locator("section[aria-labelledby=feedback-title]")
    expect(feedback.locator("tbody td").nth(1)).to_have_text("1")
    expect(feedback).not_to_contain_text("Lê Văn Cường")
    trends = page.locator("section[aria-labelledby=trends-title]")
    expect(trends.locator("svg.trend rect.level-0")).to_have_count(1)  # 2026: the one member decided excellent
    trends.locator("summary", has_text="Kết quả kiểm điểm theo đợt, dạng bảng").click()
    expect(trends.locator("table").first).to_contain_text("Kiểm điểm năm 2025")
    trends.locator("summary", has_text="Số cuộc họp và tỷ lệ dự họp theo tháng, dạng bảng").click()
    axe_check(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    screenshot(page, "commune-dashboard")

    # 2. Its tables as one workbook.
    with page.expect_download() as download:
        page.locator("a", has_text="Tải các bảng về (Excel)").click()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(download.value.path().read_bytes()))
    assert "Tỷ lệ tối đa" in workbook.sheet_names
    # Below the printed header block (unit, title, date), the commune's row: one member over the quota, none within.
    rows = workbook.get_sheet_by_name("Tỷ lệ tối đa").to_python()
    assert [cast.commune.name, 1, 0] in [row[:3] for row in rows]
