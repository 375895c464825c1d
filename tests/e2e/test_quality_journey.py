"""Browser journey of a meeting's quality, on phones: the secretary records the assessment the cell decided (the
record's facts filled in, the judged criteria scored on the 100-point version the commune chose), the commune's
committee confirms it, two members present rate the meeting anonymously (a second rating refused), and the
commune's dashboard shows the distribution by level with the members' average beside the cells' own.

Arranged through the services (not watched): the commune's choice of criteria, the meeting two days ago, its roll
and speakers, and the members' logins."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from soisua.core.actors import SYSTEM
from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus
from soisua.org.models import Member
from soisua.org.services import link_account
from soisua.quality import services as quality
from soisua.quality.models import Assessment, MemberRating, QualityRubric

from ..factories import UserFactory
from .conftest import axe_check, login

pytestmark = pytest.mark.browser

POINTS = {"preparation": "10", "excused_runs": "5", "conduct": "10", "principles": "15", "resolution": "10",
          "results": "10"}


def switch_user(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    login(page, username, password)


def visit(page: Page, url: str) -> None:
    page.goto(url)
    axe_check(page)


def message(page: Page, kind: str) -> str:
    expect(page.locator(f".messages li.{kind}")).to_have_count(1)
    axe_check(page)
    return page.locator(f".messages li.{kind}").inner_text()


def rate(page: Page, level: str, comment: str = "") -> None:
    form = page.locator("main form:has(input[name=level])")
    form.locator(f"input[name=level][value={level}]").check()
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_the_cell_rates_a_meeting_and_the_commune_sees_the_distribution(page: Page, demo_cast, password, settings,
                                                                        screenshot):
    settings.QUALITY_RATING_MINIMUM = 2
    cast = demo_cast
    quality.choose_rubric(cast.commune, rubric=QualityRubric.objects.get(code="diem-100-phu-tho"), by=SYSTEM)
    raters = {"member": cast.members["member"],
              "nguyenvanan": link_account(Member.objects.get(cell=cast.cell, full_name="Nguyễn Văn An"),
                                          user=UserFactory(username="nguyenvanan"), by=SYSTEM)}
    starts = timezone.now() - datetime.timedelta(days=2)
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ tháng 11", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120),
                                        chair=cast.members["secretary"], agenda=["Thời sự"], by=SYSTEM)
    meetings.mark_attendance(meeting.attendance.get(member__full_name="Bùi Thị Hoa"),
                             status=AttendanceStatus.EXCUSED, reason="Đi công tác", by=SYSTEM)
    meetings.mark_rest_present(meeting, by=SYSTEM)
    for member in Member.objects.filter(cell=cast.cell).exclude(full_name="Bùi Thị Hoa").order_by("sort_key")[:7]:
        meetings.add_contribution(meeting, member=member, note="Ý kiến", by=SYSTEM)

    # 1. The secretary opens the assessment from the meeting page: the record's facts are filled in.
    login(page, "secretary", password)
    visit(page, f"/meetings/{meeting.pk}/?step=after")
    page.get_by_role("link", name="Đánh giá chất lượng buổi sinh hoạt").click()
    expect(page).to_have_url(re.compile(rf"/quality/meetings/{meeting.pk}/$"))
    axe_check(page)
    expect(page.locator("main")).to_contain_text("12/13 đảng viên dự")
    screenshot(page, "assessment-form")
    form = page.locator("main form:has(input[name=criterion_preparation])")
    for code, points in POINTS.items():
        form.locator(f"input[name=criterion_{code}]").fill(points)
    form.locator("textarea[name=comment]").fill("Chi bộ biểu quyết thông qua 12/12.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    message(page, "success")
    # Documents were never sent out: 95 of 100, "Tốt".
    expect(page.locator("#assessment-title + p + dl")).to_contain_text("Tốt · 95/100 điểm")
    screenshot(page, "assessed")

    # 2. The commune's committee (no liaison named) confirms it.
    switch_user(page, "committee", password)
    visit(page, f"/quality/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Xác nhận đánh giá của chi bộ").click()
    page.wait_for_load_state()
    message(page, "success")

    # 3. Two members present rate it, anonymously; a second rating is not offered.
    switch_user(page, "member", password)
    visit(page, f"/quality/meetings/{meeting.pk}/")
    rate(page, "fair", "Cần dành thêm thời gian thảo luận.")
    assert "không kèm tên" in message(page, "success")
    expect(page.locator("main")).to_contain_text("Đồng chí đã đánh giá buổi sinh hoạt này.")
    expect(page.locator("main input[name=level]")).to_have_count(0)
    screenshot(page, "rated")
    switch_user(page, "nguyenvanan", password)
    visit(page, f"/quality/meetings/{meeting.pk}/")
    rate(page, "average")
    message(page, "success")
    expect(page.locator("main")).to_contain_text("Cần dành thêm thời gian thảo luận.")

    # 4. The commune's dashboard: one meeting assessed "Tốt"; the members' average 2,5 beside the cells' 4.
    switch_user(page, "committee", password)
    visit(page, f"/oversight/units/{cast.commune.pk}/dashboard/")
    section = page.locator("section[aria-labelledby=quality-title]")
    expect(section).to_contain_text("Chất lượng sinh hoạt năm")
    expect(section.locator("tbody tr").first).to_contain_text("Tốt")
    expect(section).to_contain_text("4 / 4 · Tốt")
    expect(section).to_contain_text("2,5 / 4 · Khá")
    section.scroll_into_view_if_needed()
    screenshot(page, "dashboard")

    assessment = Assessment.objects.get(meeting=meeting)
    assert (assessment.total, assessment.level, assessment.status) == (95, "good", "confirmed")
    assert sorted(MemberRating.objects.values_list("level", flat=True)) == ["average", "fair"]
    assert set(raters) == {"member", "nguyenvanan"}
