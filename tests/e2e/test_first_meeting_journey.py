"""From an empty database to the first meeting, in real browsers: the first administrator sets up the installation
with its list of units and imports a cell's roster; he makes one member the cell's secretary and opens her login
with a set-up code (nobody in the cell has an e-mail address), which she uses on her own computer to choose her
password; she opens a colleague's login the same way and he activates it; at the cell's meeting he scans the
check-in code on a phone that is not logged in, logs in with his new password and is checked in; the secretary's
roll shows him present.

Nothing is arranged through the services except the first login, a superuser as `createsuperuser` makes it. The
server's clock is frozen and moved by time-machine (the live server shares this process), as in the meeting
journey: present or late is decided by the server's clock.
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
import xlsxwriter
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus
from soisua.meetings.models import Attendance, Meeting
from soisua.org.models import Member, Unit
from tests.factories import UserFactory

from .conftest import PHONE, axe_check, login, send_first_run_setup

pytestmark = pytest.mark.browser

UNITS = [["Mã đơn vị", "Tên đơn vị", "Mã loại", "Mã đơn vị cấp trên"],
         ["DL-EKM", "Đảng bộ xã Ea Kmút", "commune", "DL"],
         ["DL-EKM-T1", "Chi bộ Thôn 1", "cell", "DL-EKM"]]
ROSTER = [["Họ và tên", "Ngày sinh", "Mã chi bộ", "Số thẻ đảng viên"],
          ["H'Linh Niê", "12/04/1978", "DL-EKM-T1", "94000001"],
          ["Y Bhim Mlô", "03/09/1985", "DL-EKM-T1", "94000002"],
          ["Nguyễn Thị Hoa", "21/01/1990", "DL-EKM-T1", "94000003"],
          ["Trần Văn Phúc", "08/11/1969", "DL-EKM-T1", "94000004"]]
SECRETARY, MEMBER = "H'Linh Niê", "Y Bhim Mlô"
SECRETARY_PASSWORD, MEMBER_PASSWORD = "Buôn-Ea-Kmút-bí-thư-2026", "Cà-phê-thôn-một-2026"


def at(day: int, hour: int, minute: int) -> datetime.datetime:
    """A moment of December 2026 in the server's time zone."""
    return timezone.make_aware(datetime.datetime(2026, 12, day, hour, minute))


SETTING_UP = at(1, 8, 30)
BEFORE_START = at(3, 19, 20)  # the meeting starts at 19:30; check-in is open


def spreadsheet(path, name: str, rows) -> str:
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet(name)
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    workbook.close()
    return str(path)


def visit(page: Page, url: str) -> None:
    page.goto(url)
    axe_check(page)


@contextmanager
def device(browser: Browser, base_url: str, viewport: dict | None = None) -> Iterator[Page]:
    """Someone's own phone or computer: a fresh browser context, no cookies."""
    context = browser.new_context(base_url=base_url, viewport=viewport or PHONE, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    try:
        yield page
    finally:
        context.close()
    assert not errors, "errors in the browser:\n" + "\n".join(errors)


def open_login_with_code(page: Page, member: Member, username: str) -> tuple[str, str]:
    """On the member's page, "Open a login": no address on record, so the login gets a set-up code, shown once on
    a sheet with the user name and the set-up page's address. Returns the code and that address."""
    visit(page, f"/members/{member.pk}/")
    expect(page.locator(f"main a[href='/members/{member.pk}/account/']")).to_have_count(1)
    visit(page, f"/members/{member.pk}/account/")  # the link may sit in the page's menu of further actions
    form = page.locator("main form")
    expect(form.locator("input[name=method]")).to_have_count(0)  # no address: no choice
    form.locator("input[name=username]").fill(username)
    form.locator("button[type=submit]").click()
    expect(page.locator("#setup-username")).to_have_text(username)
    axe_check(page)
    code = page.locator("#setup-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code)
    return code, page.locator("#setup-address").inner_text()


def activate(page: Page, address: str, username: str, code: str, password: str) -> None:
    """The member types the address from the paper, the user name and the code, then chooses a password."""
    visit(page, address)
    expect(page.locator("h1")).to_have_text("Kích hoạt tài khoản")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=code]").fill(code.replace("-", " ").lower())  # as typed on a phone
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/activate/password/$"))
    axe_check(page)
    form = page.locator("main form")
    form.locator("input[name=new_password1]").fill(password)
    form.locator("input[name=new_password2]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))
    expect(page.locator(".messages li.success")).to_contain_text("đã đăng nhập")
    axe_check(page)


def test_from_an_empty_database_to_a_member_checked_in_at_the_first_meeting(page: Page, browser: Browser,
                                                                              live_server, password, settings,
                                                                              tmp_path, screenshot):
    settings.SITE_URL = live_server.url  # the address printed on the set-up sheet is this server's
    UserFactory(username="quantri", is_superuser=True, is_staff=True)
    units = spreadsheet(tmp_path / "don-vi.xlsx", "Đơn vị", UNITS)
    roster = spreadsheet(tmp_path / "danh-sach.xlsx", "Danh sách", ROSTER)
    clock = time_machine.travel(SETTING_UP, tick=False)
    traveller = clock.start()
    try:
        # 1. The first administrator signs in to the empty installation and sets it up with its list of units.
        login(page, "quantri", password)
        send_first_run_setup(page, units)
        expect(page.locator("main")).to_contain_text("2 đơn vị sẽ được tạo trực thuộc Đảng bộ tỉnh Đắk Lắk")
        axe_check(page)
        page.get_by_role("button", name="Tạo đơn vị cao nhất và các đơn vị này").click()
        expect(page.locator("h1")).to_have_text("Đảng bộ tỉnh Đắk Lắk")
        axe_check(page)
        cell = Unit.objects.get(code="DL-EKM-T1")

        # 2. He imports the cell's roster from its page: four members, none with an e-mail address.
        visit(page, f"/units/{cell.pk}/")
        page.locator(f"main a[href='/documents/units/{cell.pk}/import/']").click()
        axe_check(page)
        form = page.locator("main form[enctype='multipart/form-data']")
        form.locator("input[type=file][name=file]").set_input_files(roster)
        form.locator("button[type=submit]").click()
        confirm = page.locator("form[action$='/confirm/'] button[type=submit]")
        expect(confirm).to_be_visible()
        axe_check(page)
        confirm.click()
        expect(page.locator(f"#import-progress a[href='/units/{cell.pk}/']").first).to_be_visible()
        axe_check(page)
        assert set(Member.objects.filter(cell=cell).values_list("full_name", flat=True)) == {
            row[0] for row in ROSTER[1:]}
        assert not Member.objects.exclude(email="").exists()
        secretary = Member.objects.get(full_name=SECRETARY)
        member = Member.objects.get(full_name=MEMBER)

        # 3. He makes the first member the cell's secretary and opens her login with a set-up code.
        visit(page, f"/members/{secretary.pk}/post/")
        form = page.locator("main form")
        form.locator("select[name=kind]").select_option("secretary")
        form.locator("button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/members/{secretary.pk}/$"))
        axe_check(page)
        code, address = open_login_with_code(page, secretary, "bithu.thon1")
        assert address == f"{live_server.url}/accounts/activate/"
        screenshot(page, "set-up-sheet")
        visit(page, f"/members/{secretary.pk}/")
        expect(page.locator("main")).to_contain_text("đang có mã kích hoạt")
        expect(page.locator("main")).not_to_contain_text(code)

        # 4. On her own computer she types the address, her user name and the code, and chooses her password.
        with device(browser, live_server.url, {"width": 1280, "height": 800}) as desk:
            activate(desk, address, "bithu.thon1", code, SECRETARY_PASSWORD)
            screenshot(desk, "secretary-activated")

            # 5. As the cell's secretary she opens her colleague's login the same way, and he activates it.
            member_code, member_address = open_login_with_code(desk, member, "ybhim")
            with device(browser, live_server.url) as phone:
                visit(phone, "/accounts/login/")
                phone.get_by_role("link", name="Kích hoạt tài khoản").click()
                expect(phone).to_have_url(re.compile(r"/accounts/activate/$"))
                activate(phone, member_address, "ybhim", member_code, MEMBER_PASSWORD)
                screenshot(phone, "member-activated")
            # The code is spent: it works once.
            with device(browser, live_server.url) as other:
                visit(other, member_address)
                form = other.locator("main form")
                form.locator("input[name=username]").fill("ybhim")
                form.locator("input[name=code]").fill(member_code)
                form.locator("button[type=submit]").click()
                expect(other.locator("main [role=alert]")).to_contain_text("không khớp")
                axe_check(other)

            # 6. She schedules the month's meeting for the evening of the 3rd.
            visit(desk, f"/meetings/units/{cell.pk}/new/")
            form = desk.locator("main form")
            form.locator("select[name=kind]").select_option("regular")
            form.locator("input[name=title]").fill("Sinh hoạt chi bộ thường kỳ tháng 12")
            form.locator("input[name=day]").fill("03/12/2026")
            form.locator("input[name=starts]").fill("19:30")
            form.locator("input[name=ends]").fill("21:30")
            form.locator("input[name=place]").fill("Nhà văn hóa thôn 1")
            form.locator("textarea[name=agenda]").fill("Đánh giá công tác tháng 12\nPhương hướng tháng 1")
            form.locator("button[type=submit]").click()
            expect(desk).to_have_url(re.compile(r"/meetings/\d+/$"))
            axe_check(desk)
            meeting = Meeting.objects.get(unit=cell)
            line = Attendance.objects.get(meeting=meeting, member=member)

            # 7. Ten minutes before the start she puts the check-in code on the screen. He scans it with his
            #    phone, which is not logged in: the scan is kept while he logs in with his new password, and he is
            #    checked in present.
            traveller.move_to(BEFORE_START)
            visit(desk, f"/meetings/{meeting.pk}/check-in/screen/")
            expect(desk.locator("#check-in-code svg")).to_be_visible()
            link = f"/meetings/{meeting.pk}/check-in/?code={meetings.check_in_code(meeting)}"
            with device(browser, live_server.url) as phone:
                visit(phone, link)
                expect(phone).to_have_url(re.compile(r"/accounts/login/\?next="))
                expect(phone.locator(".messages li.info")).to_contain_text("Mã hợp lệ")
                form = phone.locator("main form")
                form.locator("input[name=username]").fill("ybhim")
                form.locator("input[name=password]").fill(MEMBER_PASSWORD)
                form.locator("button[type=submit]").click()
                expect(phone).to_have_url(re.compile(rf"/meetings/{meeting.pk}/check-in/$"))
                expect(phone.locator("main .status-ok")).to_have_text("Đã điểm danh: có mặt.")
                axe_check(phone)
                screenshot(phone, "checked-in")

            # 8. Her roll shows him present, checked in by his phone.
            visit(desk, f"/meetings/{meeting.pk}/?step=during")
            roll_line = desk.locator(f"li#line-{line.pk}")
            expect(roll_line.locator(".status-ok")).to_have_text("Có mặt")
            expect(roll_line).to_contain_text(MEMBER)
            screenshot(desk, "roll")
    finally:
        clock.stop()

    line.refresh_from_db()
    assert (line.status, line.checked_in_at) == (AttendanceStatus.PRESENT, BEFORE_START)
    assert Member.objects.get(pk=member.pk).user.username == "ybhim"
