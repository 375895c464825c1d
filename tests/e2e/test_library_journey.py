"""Browser journey at phone width: the commune's committee publishes a required resolution with its file; the
members of Chi bộ Thôn 1 find it in their inbox; one finds it by a search without diacritics, saves it to read
later and confirms the study; the secretary confirms too; the committee sees, cell by cell, who has not yet
studied it: the third member of the cell, named.

Arranged through the services (not watched): a third member of the cell, without a login.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ..factories import make_member
from .conftest import axe_check, login

pytestmark = pytest.mark.browser

TITLE = "Nghị quyết về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia"


def visit(page: Page, url: str) -> None:
    page.goto(url)
    axe_check(page)


def switch_user(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    login(page, username, password)


def click(page: Page, locator) -> None:
    locator.click()
    page.wait_for_load_state()
    axe_check(page)


def confirm_study(page: Page) -> None:
    click(page, page.locator("main form button", has_text="Tôi đã nghiên cứu, học tập"))
    expect(page.locator("main")).to_contain_text("Đồng chí đã xác nhận nghiên cứu, học tập")


def test_a_required_resolution_is_published_studied_and_followed(page: Page, cast, password, screenshot, tmp_path):
    make_member(cast.cell, "Đặng Thị Lan")
    due = (timezone.localdate() + datetime.timedelta(days=20)).strftime("%d/%m/%Y")
    resolution = tmp_path / "57-NQ-TW.pdf"
    resolution.write_bytes(b"%PDF-1.4\n% Nghi quyet 57-NQ/TW\n")

    # 1. The commune's committee publishes it as a required study; forgetting the deadline keeps what was typed.
    login(page, "committee", password)
    visit(page, "/library/")
    click(page, page.locator("main a", has_text="Đăng cho Đảng ủy xã Hòa An"))
    form = page.locator("main form")
    form.locator("select[name=kind]").select_option("NQ")
    form.locator("input[name=number]").fill("57-NQ/TW")
    form.locator("input[name=issuer]").fill("Bộ Chính trị")
    form.locator("input[name=issued_on]").fill("22/12/2024")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=upload]").set_input_files(str(resolution))
    form.locator("input[name=required]").check()
    click(page, form.locator("button[type=submit]"))
    expect(page.locator("main")).to_contain_text("cần có hạn hoàn thành")
    expect(page.locator("input[name=title]")).to_have_value(TITLE)
    page.locator("input[name=upload]").set_input_files(str(resolution))
    page.locator("input[name=study_due]").fill(due)
    click(page, page.locator("main form button[type=submit]"))
    expect(page.locator("h1")).to_have_text(TITLE)
    screenshot(page, "published")

    # 2. A member finds it in the inbox, and in the library without diacritics; saves it, then confirms.
    switch_user(page, "member", password)
    visit(page, "/inbox/")
    expect(page.locator("main")).to_contain_text(f"Văn bản cần học tập: 57-NQ/TW {TITLE}")
    visit(page, "/library/?q=nghi+quyet+chuyen+doi+so")
    expect(page.locator("main .library-list li")).to_have_count(1)
    screenshot(page, "search")
    click(page, page.locator("main .library-list a", has_text=TITLE))
    click(page, page.locator("main form button", has_text="Lưu để đọc sau"))
    visit(page, "/library/saved/")
    expect(page.locator("main .library-list")).to_contain_text(TITLE)
    click(page, page.locator("main .library-list a", has_text=TITLE))
    confirm_study(page)
    screenshot(page, "studied")

    # 3. The cell's secretary confirms too, and sees the cell's list.
    switch_user(page, "secretary", password)
    visit(page, "/library/")
    click(page, page.locator("main .library-list a", has_text=TITLE))
    confirm_study(page)

    # 4. The committee sees the cell at 2 of 3 and the third member named as not yet studied.
    switch_user(page, "committee", password)
    visit(page, "/library/")
    click(page, page.locator("main .library-list a", has_text=TITLE))
    click(page, page.locator("main a", has_text="Tình hình học tập theo chi bộ"))
    expect(page.locator("main table")).to_contain_text("2 (67 %)")
    screenshot(page, "progress")
    click(page, page.locator("main table a", has_text="Chi bộ Thôn 1"))
    waiting = page.locator("main ul.library-names")
    expect(waiting).to_contain_text("Đặng Thị Lan")
    expect(waiting).not_to_contain_text("Trần Thị Bình")
    screenshot(page, "not-yet")
