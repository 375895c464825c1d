"""Browser journey of the tự sửa loop: feedback accepted as a shortcoming gets a plan with two steps and a
supervisor, the cell approves it, the owner posts evidence and reports the fix, the supervisor reopens it once
and then verifies it; the next cycle's self-review shows it fixed in section III; another shortcoming, left
overdue, escalates to the secretary and reaches the superior committee's inbox.

Arranged through the services (not watched): the cycle, the member's submitted review and the feedback on it, the
second shortcoming's plan, the scheduled reminder run.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from soisua.corrections import services as corrections
from soisua.corrections.enums import ShortcomingStatus
from soisua.corrections.models import Shortcoming
from soisua.reviews import services as reviews
from soisua.reviews.models import Review

from ..factories import complete_review
from .conftest import axe_check, login

pytestmark = pytest.mark.browser

FEEDBACK = "Đồng chí còn chậm nộp báo cáo chuyên môn, ảnh hưởng tiến độ chung của tổ."
OVERDUE_TEXT = "Chưa tham gia đầy đủ hoạt động ở nơi cư trú."
PDF = b"%PDF-1.4\n% minh chung\n"


def visit(page: Page, url: str) -> None:
    page.goto(url)
    axe_check(page)


def switch_user(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    login(page, username, password)


def day(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


def open_cycle(cast, title: str, kind: str):
    today = timezone.localdate()
    return reviews.open_cycle(cast.commune, title=title, kind=kind, period_start=today.replace(month=1, day=1),
                              period_end=today.replace(month=12, day=31), self_review_due=today,
                              appraisal_due=today, decision_due=today, enforce_order=False, by=cast.users["committee"])


def test_a_shortcoming_is_fixed_verified_and_carried_into_the_next_cycle(page: Page, demo_cast, password,
                                                                           screenshot, tmp_path):
    cast = demo_cast
    member, secretary = cast.members["member"], cast.members["secretary"]
    today = timezone.localdate()
    cycle = open_cycle(cast, "Kiểm điểm năm", "year")
    review = complete_review(Review.objects.get(cycle=cycle, member=member), cast.users["member"])
    reviews.give_feedback(review=review, from_unit=cast.cell, kind="shortcoming", text=FEEDBACK,
                          by=cast.users["secretary"])

    # 1. The member accepts the feedback as a shortcoming.
    login(page, "member", password)
    visit(page, f"/reviews/{review.pk}/")
    page.locator("#feedback a", has_text="Trả lời").click()
    axe_check(page)
    page.locator("input[name=response][value=accept]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#feedback")).to_contain_text("Tiếp thu là khuyết điểm")
    shortcoming = Shortcoming.objects.get(member=member, text=FEEDBACK)

    # 2. She finds it in "My corrections" and makes a plan: one measure, two steps, the secretary supervising.
    visit(page, "/corrections/")
    page.locator("main a", has_text=FEEDBACK[:40]).click()
    axe_check(page)
    page.locator("main a", has_text="Lập kế hoạch khắc phục").click()
    axe_check(page)
    deadline = today + datetime.timedelta(days=60)
    form = page.locator("form.plan-form")
    form.locator("input[name=deadline]").fill(day(deadline))
    form.locator("textarea[name='measures-0-text']").fill("Lập lịch nộp báo cáo và nhắc việc hằng tuần")
    form.locator("select[name='measures-0-supervisor']").select_option(label=secretary.full_name)
    form.locator("input[name='measures-0-deadline']").fill(day(deadline))
    for number, (offset, what) in enumerate(((10, "Lập lịch nộp báo cáo cả năm"),
                                             (40, "Nộp đủ báo cáo hai tháng liền"))):
        if number:  # a second step: the button sends the form back with one more row and what was typed
            form.locator("button[name=add_step]").click()
            axe_check(page)
        form.locator(f"input[name='measures-0-steps-{number}-what']").fill(what)
        form.locator(f"input[name='measures-0-steps-{number}-due']").fill(day(today + datetime.timedelta(days=offset)))
        form.locator(f"input[name='measures-0-steps-{number}-evidence_expected']").fill("Biên bản của tổ")
    expect(form.locator("textarea[name='measures-0-text']")).to_have_value(
        "Lập lịch nộp báo cáo và nhắc việc hằng tuần")
    form.locator("button[name=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu và trình duyệt kế hoạch.")
    expect(page).to_have_url(re.compile(r"/corrections/plans/\d+/$"))
    plan_url = page.url
    screenshot(page, "plan-submitted")

    # 3. The secretary (the cell committee) approves it.
    switch_user(page, "secretary", password)
    visit(page, plan_url)
    page.locator("main form button[value=approve]").click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt kế hoạch.")
    shortcoming.refresh_from_db()
    assert shortcoming.status == ShortcomingStatus.PLANNED

    # 4. The member posts evidence and reports the fix.
    evidence = tmp_path / "lich-nop-bao-cao.pdf"
    evidence.write_bytes(PDF)
    switch_user(page, "member", password)
    visit(page, f"/corrections/{shortcoming.pk}/")
    page.locator("textarea[name=note]").first.fill("Đã lập lịch và nộp báo cáo tháng này đúng hạn.")
    page.locator("input[name=evidence]").set_input_files(str(evidence))
    page.locator("main form button", has_text="Ghi nhận tiến độ").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận tiến độ.")
    expect(page.locator("main")).to_contain_text("lich-nop-bao-cao.pdf")
    page.locator("main form button", has_text="Báo cáo đã khắc phục").click()
    expect(page.locator(".messages")).to_contain_text("Đã báo cáo khắc phục")
    axe_check(page)

    # 5. The supervisor reopens it once, the member reports it again, the supervisor verifies it.
    switch_user(page, "secretary", password)
    visit(page, "/corrections/")
    page.locator("main a", has_text=FEEDBACK[:30]).click()
    page.locator("textarea[name=note]").fill("Cần thêm báo cáo tháng sau để chắc chắn.")
    page.locator("main form button", has_text="Mở lại").click()
    expect(page.locator(".messages")).to_contain_text("Đã mở lại")
    switch_user(page, "member", password)
    visit(page, f"/corrections/{shortcoming.pk}/")
    page.locator("main form button", has_text="Báo cáo đã khắc phục").click()
    expect(page.locator(".messages")).to_contain_text("Đã báo cáo khắc phục")
    switch_user(page, "secretary", password)
    visit(page, f"/corrections/{shortcoming.pk}/")
    page.locator("textarea[name=note]").fill("Đã nộp đủ hai tháng, đạt yêu cầu.")
    page.locator("main form button", has_text="Xác nhận đã khắc phục").click()
    expect(page.locator(".messages")).to_contain_text("Đã xác nhận khắc phục.")
    expect(page.locator("#timeline-title + ol")).to_contain_text("Mở lại")
    screenshot(page, "verified")
    shortcoming.refresh_from_db()
    assert shortcoming.status == ShortcomingStatus.VERIFIED
    assert [entry.kind for entry in shortcoming.progress.all()] == ["update", "claim", "reopen", "claim", "verify"]

    # 6. The next cycle: section III of her new self-review shows it fixed.
    next_cycle = open_cycle(cast, "Kiểm điểm cuối nhiệm kỳ", "term")
    next_review = Review.objects.get(cycle=next_cycle, member=member)
    switch_user(page, "member", password)
    visit(page, f"/reviews/{next_review.pk}/edit/")
    section = page.locator("section[aria-labelledby=section-III]")
    expect(section).to_contain_text(FEEDBACK[:40])
    expect(section).to_contain_text("Đã xác nhận khắc phục")

    # 7. Another shortcoming, with an approved plan whose step passes unfixed, escalates when the scheduled run
    #    comes round: to the secretary, and later to the superior committee.
    overdue = corrections.record_shortcoming(unit=cast.cell, member=member, text=OVERDUE_TEXT,
                                             by=cast.users["secretary"])
    plan = corrections.create_plan(unit=cast.cell, member=member, shortcomings=[overdue],
                                   deadline=today + datetime.timedelta(days=30), by=cast.users["member"])
    measure = corrections.add_measure(plan, text="Sinh hoạt đều ở chi bộ nơi cư trú", supervisor=secretary,
                                      deadline=plan.deadline, by=cast.users["member"])
    corrections.add_step(measure, what="Đăng ký sinh hoạt nơi cư trú", due=today + datetime.timedelta(days=1),
                         by=cast.users["member"])
    corrections.submit_plan(plan, by=cast.users["member"])
    corrections.decide_plan(plan, approve=True, by=cast.users["secretary"])
    corrections.send_correction_reminders(today + datetime.timedelta(days=8))
    corrections.send_correction_reminders(today + datetime.timedelta(days=15))

    switch_user(page, "secretary", password)
    visit(page, "/inbox/")
    expect(page.locator("main")).to_contain_text(f"{member.full_name}: việc khắc phục quá hạn từ")
    switch_user(page, "parent_staff", password)
    visit(page, "/inbox/")
    expect(page.locator("main")).to_contain_text(f"{member.full_name}: việc khắc phục quá hạn từ")
    visit(page, f"/corrections/units/{cast.cell.pk}/")
    expect(page.locator("main table")).to_contain_text(OVERDUE_TEXT)
    screenshot(page, "superior-board")
