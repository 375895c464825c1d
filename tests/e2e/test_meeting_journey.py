"""Browser journey of a thematic session, on phones: the secretary picks a topic of the year's plan for a quarter
and schedules the session from it, publishes its documents two days ahead and opens check-in on the projector
screen; one member checks in by the QR link before the start, another scans it on a phone not logged in, logs in
after the code changed and is checked in present as of the scan, a third after the start (late); one is marked
absent with reason, one absent without, and everyone else present in one tap; speakers are logged (the absent
are not offered); the minutes are written, approved and downloaded as PDF, which says the attendance figures and
who spoke. The meeting's page shows the step of its time: before, during, after.

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
LOGGED_IN_LATER = at(3, 19, 14, 40)  # several codes later, within MEETING_CHECK_IN_PROOF_MINUTES
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
def phone_of(browser: Browser, base_url: str, username: str | None, password: str) -> Iterator[Page]:
    """A member's own phone: a fresh browser context like the `page` fixture's, logged in as `username` (None:
    not logged in)."""
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("console", lambda message: errors.append(f"console: {message.text}")
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    try:
        if username is not None:
            login(page, username, password)
        yield page
    finally:
        context.close()
    assert not errors, f"errors in {username}'s browser:\n" + "\n".join(errors)


def check_in_link(page: Page, meeting: Meeting) -> str:
    """The link the QR code on the secretary's screen carries: the screen shows the QR code and, in large type,
    the code itself (the server's clock is this process's, so the code is the one drawn), and prints no link."""
    visit(page, f"/meetings/{meeting.pk}/check-in/screen/")
    code = meetings.check_in_code(meeting)
    expect(page.locator("#check-in-code svg")).to_be_visible()
    expect(page.locator("#check-in-code .code")).to_have_text(f"{code[:4]} {code[4:]}")
    expect(page.locator("a[href*='?code=']")).to_have_count(0)
    return f"/meetings/{meeting.pk}/check-in/?code={code}"


def check_in(page: Page, link: str) -> None:
    """Open the QR code's link, as the phone's camera does: a logged-in member is checked in at once."""
    visit(page, link)
    expect(page.locator("main .status-ok")).to_be_visible()
    expect(page.locator("main form button[type=submit]")).to_have_count(0)


def mark(page: Page, line: Attendance, status: str, *, reason: str = "") -> None:
    """One tap on a person's line of the roll (an absence with reason: its reason first)."""
    item = page.locator(f"li#line-{line.pk}")
    if reason:
        item.locator("details.excused summary").click()
        item.locator("input[name=reason]").fill(reason)
        axe_check(page)
    item.locator(f"button[name=status][value={status}]").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{line.meeting_id}/\?step=during#line-{line.pk}$"))
    succeeded(page)


def log_speaker(page: Page, member: Member, *, item: int, kind: str, note: str) -> None:
    form = page.locator("#speaker-form")
    form.locator("select[name=member]").select_option(str(member.pk))
    form.locator("select[name=agenda_item]").select_option(str(item))
    form.locator(f"input[name=kind][value={kind}]").check()
    form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/\?step=during#speakers$"))
    succeeded(page)


def test_a_thematic_session_from_plan_to_approved_minutes(page: Page, browser: Browser, live_server, demo_cast,
                                                          password, screenshot, tmp_path, clock):
    cast = demo_cast
    cell, secretary, member = cast.cell, cast.members["secretary"], cast.members["member"]
    latecomer = Member.objects.get(cell=cell, full_name="Nguyễn Văn An")
    excused = Member.objects.get(cell=cell, full_name="Đặng Thị Lan")
    absent = Member.objects.get(cell=cell, full_name="Bùi Thị Hoa")
    scanned_first = Member.objects.get(cell=cell, full_name="Phạm Văn Hùng")
    link_account(latecomer, user=UserFactory(username="nguyenvanan"), by=SYSTEM)
    link_account(scanned_first, user=UserFactory(username="phamvanhung"), by=SYSTEM)
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
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/\?step=before#documents$"))
    succeeded(page)
    page.locator(f"main form[action='/meetings/{meeting.pk}/documents/publish/'] button").click()
    succeeded(page)
    meeting.refresh_from_db()
    assert meeting.documents_published_at == PLANNING and not meeting.documents_late

    # 4. Eighteen minutes before the start the meeting's page is on its step "during"; she opens check-in on the
    #    projector screen. The first member scans the code with a phone logged in and is present at once.
    clock.move_to(BEFORE_START)
    visit(page, f"/meetings/{meeting.pk}/")
    expect(page.locator("nav.steps a[aria-current=page]")).to_have_attribute("href", "?step=during")
    page.locator(f"main a[href='/meetings/{meeting.pk}/check-in/screen/']").click()
    axe_check(page)
    expect(page.locator("header.site")).to_be_hidden()  # the screen is all code, for the back of the room
    first_link = check_in_link(page, meeting)
    screenshot(page, "check-in-screen")
    with phone_of(browser, live_server.url, "member", password) as phone:
        visit(phone, f"/meetings/{meeting.pk}/?step=before")
        expect(phone.locator("main a[href^='/meetings/documents/']")).to_have_text(DOCUMENT)
        check_in(phone, first_link)
        expect(phone.locator("main .status-ok")).to_have_text("Đã điểm danh: có mặt.")
        screenshot(phone, "checked-in-present")
    assert Attendance.objects.get(pk=roll[member.pk].pk).status == AttendanceStatus.PRESENT

    # 5. Another member scans the same code on a phone that is not logged in: the code is verified at once and he
    #    is asked to log in. He takes his time; the screen's code changes several times; once logged in he is
    #    checked in without scanning again, present as of his scan.
    with phone_of(browser, live_server.url, None, password) as phone:
        visit(phone, first_link)
        expect(phone).to_have_url(re.compile(r"/accounts/login/\?next="))
        expect(phone.locator(".messages li.info")).to_contain_text("Mã hợp lệ")
        clock.move_to(LOGGED_IN_LATER)
        assert meetings.check_in_code(meeting) not in first_link
        form = phone.locator("main form")
        form.locator("input[name=username]").fill("phamvanhung")
        form.locator("input[name=password]").fill(password)
        form.locator("button[type=submit]").click()
        expect(phone).to_have_url(re.compile(rf"/meetings/{meeting.pk}/check-in/$"))
        expect(phone.locator("main .status-ok")).to_have_text("Đã điểm danh: có mặt.")
        axe_check(phone)
        screenshot(phone, "checked-in-after-login")
    line = Attendance.objects.get(pk=roll[scanned_first.pk].pk)
    assert (line.status, line.checked_in_at) == (AttendanceStatus.PRESENT, BEFORE_START)

    # 6. Twelve minutes after the start the third member arrives. The code he photographed at the door has
    #    expired; he types the one on the screen now (in small letters, as it comes), which checks him in as late.
    #    Once he has sent the form, its button no longer answers a second tap.
    clock.move_to(LATE_ARRIVAL)
    late_link = check_in_link(page, meeting)
    assert late_link != first_link
    shown = page.locator("#check-in-code .code").inner_text()
    with phone_of(browser, live_server.url, "nguyenvanan", password) as phone:
        visit(phone, first_link)
        expect(phone.locator("main .status-warn")).to_contain_text("Mã điểm danh không hợp lệ")
        phone.locator(f"main a[href='/meetings/{meeting.pk}/check-in/']").click()
        axe_check(phone)
        form = phone.locator("main form[data-submit-once]")
        form.locator("input[name=code]").fill(shown.lower())
        # Hold this one sending back to see the page's state once the form is sent; then send it.
        form.evaluate("form => form.addEventListener('submit', (event) => event.preventDefault(), {once: true})")
        form.locator("button[type=submit]").click()
        expect(form.locator("button[type=submit]")).to_be_disabled()
        form.evaluate("form => form.submit()")
        expect(phone.locator("main .status-ok")).to_have_text("Đã điểm danh, đến muộn 12 phút.")
        axe_check(phone)
    line = Attendance.objects.get(pk=roll[latecomer.pk].pk)
    assert (line.status, line.minutes_late) == (AttendanceStatus.LATE, 12)

    # 7. On the roll she marks, one tap each, the third member absent with reason (its reason first) and another
    #    absent without reason; then everyone not yet marked is present, in one tap.
    visit(page, f"/meetings/{meeting.pk}/")
    mark(page, roll[excused.pk], AttendanceStatus.EXCUSED, reason=EXCUSE)
    mark(page, roll[absent.pk], AttendanceStatus.UNEXCUSED)
    screenshot(page, "roll")
    page.locator(f"main form[action='/meetings/{meeting.pk}/roll/present/'] button").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/\?step=during#roll$"))
    succeeded(page)
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert statuses.pop(latecomer.pk) == AttendanceStatus.LATE
    assert statuses.pop(excused.pk) == AttendanceStatus.EXCUSED
    assert statuses.pop(absent.pk) == AttendanceStatus.UNEXCUSED
    assert set(statuses.values()) == {AttendanceStatus.PRESENT} and len(statuses) == 10
    expect(page.locator(f"main form[action='/meetings/{meeting.pk}/roll/present/']")).to_have_count(0)

    # 8. She logs who spoke: her report on the first item, the member's opinion on the second. Those absent are
    #    not offered.
    speaker = page.locator("#speaker-form select[name=member]")
    for away in (excused, absent):
        expect(speaker.locator(f"option[value='{away.pk}']")).to_have_count(0)
    expect(speaker.locator(f"option[value='{member.pk}']")).to_have_count(1)
    first_item, second_item = meeting.agenda.order_by("order").values_list("pk", flat=True)
    log_speaker(page, secretary, item=first_item, kind="report", note=REPORT)
    log_speaker(page, member, item=second_item, kind="opinion", note=OPINION)
    speakers = page.locator("#speakers + ol")
    expect(speakers.locator("li")).to_have_count(2)
    expect(speakers).to_contain_text(secretary.full_name)
    expect(speakers).to_contain_text(member.full_name)
    screenshot(page, "speakers")

    # 9. After the meeting the page opens on its step "after": the minutes with conclusions, resolution and vote,
    #    approved and so locked.
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
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/\?step=after#minutes$"))
    succeeded(page)
    approve = page.locator(f"main form[action='/meetings/{meeting.pk}/minutes/approve/'] button")
    expect(approve).to_be_enabled()
    approve.click()
    succeeded(page)
    expect(approve).to_have_count(0)
    minutes = queries.minutes_of(meeting)
    assert minutes.status == MinutesStatus.APPROVED and minutes.approved_at == AFTER_THE_MEETING
    screenshot(page, "minutes-approved")

    # 10. The minutes as PDF say the figures, with the names behind them, and who spoke.
    with page.expect_download() as download:
        page.locator(f"main a[href='/meetings/{meeting.pk}/minutes.pdf']").click()
    text = pdf_text(download.value.path().read_bytes())

    minutes_say = [
        "BIÊN BẢN SINH HOẠT CHUYÊN ĐỀ", TOPIC, f"Từ 19:30 đến 21:30 ngày 03/12/2026 Địa điểm: {PLACE}",
        "Chủ trì: Đồng chí Lê Văn Cường", "Thư ký: Đồng chí Trần Thị Bình",
        "Tổng số đảng viên: 13 đồng chí.", "Có mặt: 11/13 đồng chí.",
        "Trong đó đến muộn: 1 (Nguyễn Văn An, 12 phút).", f"Vắng có lý do: 1 (Đặng Thị Lan: {EXCUSE}).",
        "Vắng không lý do: 1 (Bùi Thị Hoa).",
        f"1. {AGENDA[0]} 2. {AGENDA[1]}",
        f"1. Đồng chí Lê Văn Cường (Báo cáo, mục 1): {REPORT}", f"2. Đồng chí Trần Thị Bình (Ý kiến, mục 2): {OPINION}",
        CONCLUSIONS, RESOLUTION, "Biểu quyết: 4/13 đồng chí tán thành, 0 không tán thành, 0 không biểu quyết.",
        "Biên bản đã được đọc lại trước hội nghị và thông qua ngày 03/12/2026.",
    ]
    for sentence in minutes_say:
        assert sentence in text, f"{sentence!r} is not in the minutes:\n{text}"
    assert "DỰ THẢO" not in text
