"""Browser journey of the home page at phone width: a member's home lists an overdue correction step and today's
meeting and both links work; the secretary's home lists the plan waiting for approval, approving it removes it
and the owner is told.

Arranged through the services (not watched): the meeting, the approved plan with its overdue step, a second
shortcoming's plan submitted by the member.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.meetings import services as meetings

from .conftest import axe_check, login

pytestmark = pytest.mark.browser


def switch_user(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    login(page, username, password)


def plan(cast, text: str, *, step_due: datetime.date, submit_only: bool = False):
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text=text,
                                                 by=cast.users["member"])
    made = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                   deadline=timezone.localdate() + datetime.timedelta(days=40),
                                   by=cast.users["member"])
    measure = corrections.add_measure(made, text="Thực hiện đúng hạn", supervisor=cast.members["secretary"],
                                      deadline=made.deadline, by=cast.users["member"])
    corrections.add_step(measure, what=f"Bước của: {text}", due=step_due, by=cast.users["member"])
    made = corrections.submit_plan(made, by=cast.users["member"])
    return made if submit_only else corrections.decide_plan(made, approve=True, by=SYSTEM)


def test_the_home_page_lists_what_needs_each_person_and_approving_a_plan_clears_it(page: Page, cast, password,
                                                                                 screenshot):
    today = timezone.localdate()
    starts = timezone.now() + datetime.timedelta(hours=2)
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ hôm nay", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10), tick=False):
        plan(cast, "Chậm đóng đảng phí", step_due=today - datetime.timedelta(days=3))
    waiting = plan(cast, "Ít phát biểu trong sinh hoạt", step_due=today + datetime.timedelta(days=20),
                   submit_only=True)

    # 1. The member's home: the overdue step first, then today's meeting; both links work.
    login(page, "member", password)
    axe_check(page)
    items = page.locator("section.agenda li")
    expect(items.first).to_contain_text("Bước khắc phục: Bước của: Chậm đóng đảng phí")
    expect(items.first).to_contain_text("quá hạn")
    expect(page.locator("section.agenda")).to_contain_text("Cuộc họp: Sinh hoạt chi bộ hôm nay")
    screenshot(page, "member-home")
    items.first.locator("a").click()
    axe_check(page)
    expect(page.locator("main")).to_contain_text("Bước của: Chậm đóng đảng phí")
    page.go_back()
    page.locator("section.agenda a", has_text="Sinh hoạt chi bộ hôm nay").click()
    axe_check(page)
    expect(page).to_have_url(f"{page.url.split('/meetings/')[0]}/meetings/{meeting.pk}/")

    # 2. The secretary's home: the plan waiting; approving it clears it and tells the member.
    switch_user(page, "secretary", password)
    axe_check(page)
    entry = page.locator("section.agenda a", has_text="Kế hoạch khắc phục chờ duyệt")
    expect(entry).to_have_count(1)
    screenshot(page, "secretary-home")
    entry.click()
    axe_check(page)
    page.locator("main form button[value=approve]").click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt kế hoạch.")
    page.goto("/")
    axe_check(page)
    expect(page.locator("section.agenda a", has_text="Kế hoạch khắc phục chờ duyệt")).to_have_count(0)
    switch_user(page, "member", password)
    page.goto("/inbox/")
    axe_check(page)
    expect(page.locator("main")).to_contain_text("Kế hoạch khắc phục của đồng chí đã được duyệt")
    waiting.refresh_from_db()
    assert waiting.status == "approved"
