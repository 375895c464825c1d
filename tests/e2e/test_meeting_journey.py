"""Browser journey of a thematic session, on phones: the secretary picks a topic of the year's plan for a quarter
and schedules the session from it, publishes its documents two days ahead and opens check-in; one member checks
in by the QR link before the start and another after it (late), one is marked absent with reason and the rest
absent without; speakers are logged; the minutes are written, approved and downloaded as PDF, which says the
attendance figures and who spoke.

Arranged through the services (not watched): the commune's topic and its published plan for the year, the
second member's login. The server's clock is frozen and moved by time-machine (the live server shares this process):
present or late is decided by the server's clock, and the journey must not wait for a real meeting to start.
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from soisua.core.actors import SYSTEM
from soisua.meetings import queries
from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus, MinutesStatus
from soisua.meetings.models import Attendance, Meeting
from soisua.org.models import Member
from soisua.org.services import link_account
from tests.files import pdf_text

from ..factories import UserFactory
from .conftest import PHONE, axe_check, login

pytestmark = pytest.mark.browser

YEAR = 2026
TOPIC = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về tự phê bình và phê bình"
PLACE = "Nhà văn hóa thôn 1"
AGENDA = ["Báo cáo chuyên đề", "Thảo luận và liên hệ bản thân"]
DOCUMENT = "Dự thảo nghị quyết chuyên đề"
EXCUSE = "Đi khám bệnh ở huyện"
REPORT = "Trình bày chuyên đề và gợi ý liên hệ của chi bộ."
OPINION = "Đề nghị mỗi đảng viên đăng ký một việc làm cụ thể trong quý."
CONCLUSIONS = "Chi bộ thống nhất mỗi đảng viên đăng ký một việc làm theo gương Bác trong quý I."
RESOLUTION = "Giao đồng chí Bí thư theo dõi việc đăng ký và báo cáo ở kỳ sinh hoạt tháng 3."
PDF = b"%PDF-1.4\n% du thao nghi quyet\n"


def at(day: int, hour: int, minute: int, second: int = 0) -> datetime.datetime:
    """A moment of December of YEAR in the server's time zone (Hà Nội)."""
    return timezone.make_aware(datetime.datetime(YEAR, 12, day, hour, minute, second))


# The cell's fixed day is the 3rd at 19:30; the plan and the documents are done on the morning of the 1st.
PLANNING = at(1, 9, 0)
BEFORE_START = at(3, 19, 12)
LATE_ARRIVAL = at(3, 19, 42, 20)
AFTER_THE_MEETING = at(3, 21, 40)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """The server's clock, frozen on the planning morning; the journey moves it on."""
    with time_machine.travel(PLANNING, tick=False) as traveller:
        yield traveller


def visit(page: Page, url: str) -> None:
    page.goto(url)
    axe_check(page)


def succeeded(page: Page) -> None:
    """The action's own message is a success (the texts are the catalogue's; their class is stable)."""
    expect(page.locator(".messages li.error")).to_have_count(0)
    expect(page.locator(".messages li.success")).to_have_count(1)
    axe_check(page)


@contextmanager
def phone_of(browser: Browser, base_url: str, username: str, password: str) -> Iterator[Page]:
    """A member's own phone: a fresh browser context like the `page` fixture's, logged in as `username`."""
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("console", lambda message: errors.append(f"console: {message.text}")
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    try:
        login(page, username, password)
        yield page
    finally:
        context.close()
    assert not errors, f"errors in {username}'s browser:\n" + "\n".join(errors)


def check_in_link(page: Page, meeting: Meeting) -> str:
    """The link the QR code on the secretary's screen carries, read from the link printed under it."""
    visit(page, f"/meetings/{meeting.pk}/check-in/screen/")
    expect(page.locator("#check-in-code svg")).to_be_visible()
    link = page.locator(f"#check-in-code a[href*='/meetings/{meeting.pk}/check-in/?code=']")
    return link.get_attribute("href")


def check_in(page: Page, link: str) -> None:
    visit(page, link)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .status-ok")).to_be_visible()
    axe_check(page)


def mark(page: Page, line: Attendance, status: str, *, reason: str = "") -> None:
    """Open a person's line of the roll on the meeting page and mark it."""
    item = page.locator(f"li#line-{line.pk}")
    item.locator("summary").click()
    item.locator(f"input[name=status][value={status}]").check()
    if reason:
        item.locator("input[name=reason]").fill(reason)
    axe_check(page)
    item.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{line.meeting_id}/#line-{line.pk}$"))
    succeeded(page)


def log_speaker(page: Page, member: Member, *, item: int, kind: str, note: str) -> None:
    form = page.locator("#speaker-form")
    form.locator("select[name=member]").select_option(str(member.pk))
    form.locator("select[name=agenda_item]").select_option(str(item))
    form.locator(f"input[name=kind][value={kind}]").check()
    form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/#speakers$"))
    succeeded(page)


def test_a_thematic_session_from_plan_to_approved_minutes(page: Page, browser: Browser, live_server, demo_cast,
                                                          password, screenshot, tmp_path, clock):
    cast = demo_cast
    cell, secretary, member = cast.cell, cast.members["secretary"], cast.members["member"]
    latecomer = Member.objects.get(cell=cell, full_name="Nguyễn Văn An")
    excused = Member.objects.get(cell=cell, full_name="Đặng Thị Lan")
    link_account(latecomer, user=UserFactory(username="nguyenvanan"), by=SYSTEM)
    topic = meetings.save_topic(cast.commune, title=TOPIC, summary="Tự soi, tự sửa theo gương Bác.",
                                tags=["học và làm theo Bác", "tự phê bình"], by=cast.users["parent_staff"])
    meetings.save_topic_plan(cast.commune, YEAR, topics=[topic], publish=True, by=cast.users["parent_staff"])

    # 1. The secretary fixes the cell's day and time and picks the commune's topic for the fourth quarter.
    login(page, "secretary", password)
    visit(page, f"/meetings/units/{cell.pk}/plan/?year={YEAR}")
    expect(page.locator("section[aria-labelledby=published-title]")).to_contain_text(TOPIC)
    page.locator("input[name=meeting_day]").fill("3")
    page.locator("input[name=meeting_time]").fill("19:30")
    page.locator("input[name=place]").fill(PLACE)
    page.locator(f"input[name=q4][value='{topic.pk}']").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/meetings/units/{cell.pk}/plan/\?year={YEAR}$"))
    succeeded(page)

    # 2. "Schedule this session" opens the form filled from the plan: a thematic session on the topic, on the
    #    quarter's next fixed day. She names the chair and the minute-taker and writes the agenda.
    page.locator(f"main a[href^='/meetings/units/{cell.pk}/new/?topic={topic.pk}&quarter=4']").click()
    axe_check(page)
    form = page.locator("main form")
    expect(form.locator("select[name=kind]")).to_have_value("thematic")
    expect(form.locator("input[name=title]")).to_have_value(TOPIC)
    expect(form.locator("select[name=topic]")).to_have_value(str(topic.pk))
    expect(form.locator("input[name=day]")).to_have_value("03/12/2026")
    expect(form.locator("input[name=starts]")).to_have_value(re.compile(r"^19:30"))
    expect(form.locator("input[name=place]")).to_have_value(PLACE)
    form.locator("select[name=chair]").select_option(str(secretary.pk))
    form.locator("select[name=minute_taker]").select_option(str(member.pk))
    form.locator("textarea[name=agenda]").fill("\n".join(AGENDA))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    succeeded(page)
    meeting = Meeting.objects.get(unit=cell)
    assert (meeting.kind, meeting.topic, timezone.localtime(meeting.starts_at)) == ("thematic", topic,
                                                                                    at(3, 19, 30))
    assert [item.title for item in meeting.agenda.order_by("order")] == AGENDA
    roll = {line.member_id: line for line in Attendance.objects.filter(meeting=meeting)}
    assert len(roll) == Member.objects.filter(cell=cell).count() == 13

    # 3. Two days ahead she attaches the draft resolution and publishes the documents to the members.
    draft = tmp_path / "du-thao-nghi-quyet.pdf"
    draft.write_bytes(PDF)
    documents = page.locator(f"main form[action='/meetings/{meeting.pk}/documents/']")
    documents.locator("input[name=title]").fill(DOCUMENT)
    documents.locator("input[name=file]").set_input_files(str(draft))
    documents.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/#documents$"))
    succeeded(page)
    page.locator(f"main form[action='/meetings/{meeting.pk}/documents/publish/'] button").click()
    succeeded(page)
    meeting.refresh_from_db()
    assert meeting.documents_published_at == PLANNING and not meeting.documents_late

    # 4. Eighteen minutes before the start she opens check-in; the first member scans the code and is present.
    clock.move_to(BEFORE_START)
    page.goto(f"/meetings/{meeting.pk}/")
    page.locator(f"main a[href='/meetings/{meeting.pk}/check-in/screen/']").click()
    axe_check(page)
    first_link = check_in_link(page, meeting)
    screenshot(page, "check-in-screen")
    with phone_of(browser, live_server.url, "member", password) as phone:
        visit(phone, f"/meetings/{meeting.pk}/")
        expect(phone.locator("main a[href^='/meetings/documents/']")).to_have_text(DOCUMENT)
        check_in(phone, first_link)
        expect(phone.locator("main .status-ok")).to_have_text("Đã điểm danh: có mặt.")
        screenshot(phone, "checked-in-present")
    assert Attendance.objects.get(pk=roll[member.pk].pk).status == AttendanceStatus.PRESENT

    # 5. Twelve minutes after the start the second member arrives. The code he photographed at the door has
    #    expired; the one on the screen now checks him in as late.
    clock.move_to(LATE_ARRIVAL)
    late_link = check_in_link(page, meeting)
    assert late_link != first_link
    with phone_of(browser, live_server.url, "nguyenvanan", password) as phone:
        visit(phone, first_link)
        phone.locator("main form button[type=submit]").click()
        expect(phone.locator(".messages li.error")).to_have_count(1)
        axe_check(phone)
        check_in(phone, late_link)
        expect(phone.locator("main .status-ok")).to_have_text("Đã điểm danh, đến muộn 12 phút.")
    line = Attendance.objects.get(pk=roll[latecomer.pk].pk)
    assert (line.status, line.minutes_late) == (AttendanceStatus.LATE, 12)

    # 6. On the roll she marks herself present (she chairs), the third member absent with reason, and closes
    #    the roll: everyone still unmarked is absent without reason.
    visit(page, f"/meetings/{meeting.pk}/")
    mark(page, roll[secretary.pk], AttendanceStatus.PRESENT)
    mark(page, roll[excused.pk], AttendanceStatus.EXCUSED, reason=EXCUSE)
    screenshot(page, "roll")
    page.locator(f"main form[action='/meetings/{meeting.pk}/roll/close/'] button").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/#roll$"))
    succeeded(page)
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert statuses.pop(secretary.pk) == statuses.pop(member.pk) == AttendanceStatus.PRESENT
    assert statuses.pop(latecomer.pk) == AttendanceStatus.LATE
    assert statuses.pop(excused.pk) == AttendanceStatus.EXCUSED
    assert set(statuses.values()) == {AttendanceStatus.UNEXCUSED} and len(statuses) == 9
    expect(page.locator(f"main form[action='/meetings/{meeting.pk}/roll/close/']")).to_have_count(0)

    # 7. She logs who spoke: her report on the first item, the member's opinion on the second.
    first_item, second_item = meeting.agenda.order_by("order").values_list("pk", flat=True)
    log_speaker(page, secretary, item=first_item, kind="report", note=REPORT)
    log_speaker(page, member, item=second_item, kind="opinion", note=OPINION)
    speakers = page.locator("#speakers + ol")
    expect(speakers.locator("li")).to_have_count(2)
    expect(speakers).to_contain_text(secretary.full_name)
    expect(speakers).to_contain_text(member.full_name)
    screenshot(page, "speakers")

    # 8. After the meeting: the minutes with conclusions, resolution and vote, approved and so locked.
    clock.move_to(AFTER_THE_MEETING)
    visit(page, f"/meetings/{meeting.pk}/")
    page.locator(f"main a[href='/meetings/{meeting.pk}/minutes/']").click()
    axe_check(page)
    form = page.locator("main form")
    form.locator("textarea[name=conclusions]").fill(CONCLUSIONS)
    form.locator("textarea[name=resolution]").fill(RESOLUTION)
    form.locator("input[name=votes_for]").fill("4")
    form.locator("input[name=votes_against]").fill("0")
    form.locator("input[name=votes_abstain]").fill("0")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/#minutes$"))
    succeeded(page)
    approve = page.locator(f"main form[action='/meetings/{meeting.pk}/minutes/approve/'] button")
    expect(approve).to_be_enabled()
    approve.click()
    succeeded(page)
    expect(approve).to_have_count(0)
    minutes = queries.minutes_of(meeting)
    assert minutes.status == MinutesStatus.APPROVED and minutes.approved_at == AFTER_THE_MEETING
    screenshot(page, "minutes-approved")

    # 9. The minutes as PDF say the figures, with the names behind them, and who spoke.
    with page.expect_download() as download:
        page.locator(f"main a[href='/meetings/{meeting.pk}/minutes.pdf']").click()
    text = pdf_text(download.value.path().read_bytes())

    minutes_say = [
        "BIÊN BẢN SINH HOẠT CHUYÊN ĐỀ", TOPIC, f"Từ 19:30 đến 21:30 ngày 03/12/2026 Địa điểm: {PLACE}",
        "Chủ trì: Đồng chí Lê Văn Cường", "Thư ký: Đồng chí Trần Thị Bình",
        "Tổng số đảng viên: 13 đồng chí.", "Có mặt: 3/13 đồng chí.",
        "Trong đó đến muộn: 1 (Nguyễn Văn An, 12 phút).", f"Vắng có lý do: 1 (Đặng Thị Lan: {EXCUSE}).",
        # Sorted by given name, as Vietnamese lists are.
        "Vắng không lý do: 9 (Bùi Thị Hoa; Phạm Văn Hùng; Đỗ Quang Huy; Hồ Thị Mai; Cao Thị Ngọc; Lý Văn Phúc; "
        "Ngô Văn Sơn; Dương Thị Thu; Vũ Minh Tuấn).",
        f"1. {AGENDA[0]} 2. {AGENDA[1]}",
        f"1. Đồng chí Lê Văn Cường (Báo cáo, mục 1): {REPORT}", f"2. Đồng chí Trần Thị Bình (Ý kiến, mục 2): {OPINION}",
        CONCLUSIONS, RESOLUTION, "Biểu quyết: 4/13 đồng chí tán thành, 0 không tán thành, 0 không biểu quyết.",
        "Biên bản đã được đọc lại trước hội nghị và thông qua ngày 03/12/2026.",
    ]
    for sentence in minutes_say:
        assert sentence in text, f"{sentence!r} is not in the minutes:\n{text}"
    assert "DỰ THẢO" not in text
