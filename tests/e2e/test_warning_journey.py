"""Browser journey of an early warning at phone width: the commune committee's dashboard ranks its cells, drills
into one, shows the warning that three young members of that cell never speak; the committee acknowledges it with
a note, and it resolves once they speak at the next meeting.

Arranged through the services (not watched): the young members, the meetings and the daily checks. The rule's
receiving level is set to the commune (rules are data), so the commune committee owns the warning.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from soisua.alerts import services as alerts
from soisua.alerts.models import Alert, Rule
from soisua.core.actors import SYSTEM
from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus

from ..factories import make_member
from .conftest import axe_check, login

pytestmark = pytest.mark.browser


def hold(cast, days_ago: int, present, speakers):
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = meetings.schedule_meeting(cast.cell, title=f"Sinh hoạt ngày {starts:%d/%m}", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), by=SYSTEM)
    for member in present:
        meetings.mark_attendance(meeting.attendance.get(member=member), status=AttendanceStatus.PRESENT,
                                 by=cast.users["secretary"])
    for member in speakers:
        meetings.add_contribution(meeting, member=member, by=cast.users["secretary"])


def test_a_warning_for_silent_young_members_is_seen_acknowledged_and_resolved(page: Page, cast, password,
                                                                            screenshot):
    today = timezone.localdate()
    born = today.replace(year=today.year - 24, day=1)
    young = [make_member(cast.cell, name, date_of_birth=born) for name in
             ("Y Bhin Niê", "H'Hen Êban", "Đoàn Thị Mai")]
    secretary = cast.members["secretary"]
    rule = Rule.objects.get(kind="young_silent", current=True)
    alerts.update_rule(rule, by=cast.users["superuser"], version=rule.version, threshold=3, period=3, age_under=35,
                       receiver="commune", enabled=True, note="Đảng ủy xã theo dõi trực tiếp")
    for days in (80, 50, 20):
        hold(cast, days, present=[*young, secretary], speakers=[secretary])
    alerts.evaluate(by=SYSTEM, today=today)

    # 1. The commune's dashboard: the warning among the subtree's, the cells ranked; drill into Thôn 1.
    login(page, "committee", password)
    page.goto(f"/oversight/units/{cast.commune.pk}/dashboard/")
    axe_check(page)
    warnings = page.locator("section[aria-labelledby=warnings-title]")
    expect(warnings).to_contain_text("Đảng viên trẻ không phát biểu")
    screenshot(page, "commune-dashboard")
    page.locator("table a", has_text="Chi bộ Thôn 1").click()
    axe_check(page)
    expect(page.locator("h1")).to_contain_text("Chi bộ Thôn 1")
    page.locator("section[aria-labelledby=warnings-title] a", has_text="Đảng viên trẻ không phát biểu").click()
    axe_check(page)

    # 2. The list, then the warning: three members named, each a link; the committee acknowledges it.
    page.locator("main ul.plain a", has_text="Đảng viên trẻ không phát biểu").click()
    axe_check(page)
    evidence = page.locator("section[aria-labelledby=evidence-title]")
    for member in young:
        expect(evidence.locator("a", has_text=member.full_name)).to_have_count(1)
    expect(page.locator("main")).to_contain_text("3 đảng viên không phát biểu trong 3 buổi sinh hoạt gần nhất")
    page.locator("textarea[name=note]").fill("Giao Đoàn Thanh niên kèm cặp, mỗi đồng chí chuẩn bị một ý kiến.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận cảnh báo.")
    axe_check(page)
    expect(page.locator("main")).to_contain_text("Giao Đoàn Thanh niên kèm cặp")
    screenshot(page, "warning-acknowledged")

    # 3. They speak at the next meeting: the next check resolves the warning.
    hold(cast, 1, present=[*young, secretary], speakers=[*young, secretary])
    alerts.evaluate(by=SYSTEM, today=today)
    page.reload()
    axe_check(page)
    expect(page.locator("dl.facts")).to_contain_text("Đã hết")
    assert Alert.objects.get(kind="young_silent").status == "resolved"
