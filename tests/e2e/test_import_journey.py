"""A secretary imports a roster: a bad row is reported, the file is fixed, the import is confirmed."""

import re

import pytest
import xlsxwriter
from playwright.sync_api import Page, expect

from soisua.org.models import Member

from .conftest import axe_check, login

pytestmark = pytest.mark.browser

HEADER = ["Họ và tên", "Ngày sinh", "Mã chi bộ", "Số thẻ đảng viên"]


def write_roster(path, rows) -> str:
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Danh sách")
    for row_number, row in enumerate([HEADER, *rows]):
        sheet.write_row(row_number, 0, row)
    workbook.close()
    return str(path)


def upload(page: Page, path: str) -> None:
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file][name=file]").set_input_files(path)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/documents/imports/\d+/$"))


def test_secretary_imports_roster_after_fixing_a_bad_row(page: Page, demo_cast, password, tmp_path, screenshot):
    cast = demo_cast
    code = cast.cell.code
    bad = write_roster(tmp_path / "danh-sach.xlsx", [
        ["Nguyễn Thị Hằng", "15/03/1985", code, "93000001"],
        ["Phan Văn Khải", "31/02/1990", code, "93000002"],
    ])
    fixed = write_roster(tmp_path / "danh-sach-da-sua.xlsx", [
        ["Nguyễn Thị Hằng", "15/03/1985", code, "93000001"],
        ["Phan Văn Khải", "28/02/1990", code, "93000002"],
    ])

    login(page, "secretary", password)
    page.goto(f"/units/{cast.cell.pk}/")
    page.locator(f"main a[href='/documents/units/{cast.cell.pk}/import/']").click()
    file_input = page.locator("main input[type=file][name=file]")
    expect(file_input).to_be_visible()
    expect(page.locator(f"label[for='{file_input.get_attribute('id')}']")).to_be_visible()
    axe_check(page)
    screenshot(page, "upload")

    # The bad file: one error, on row 3 (the header is row 1), and no way to confirm.
    upload(page, bad)
    errors = page.locator("#import-progress table")
    expect(errors).to_be_visible()
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").first).to_have_text("3")
    expect(errors.locator("tbody tr")).to_contain_text("Ngày sinh")
    expect(page.locator("form[action$='/confirm/']")).to_have_count(0)
    axe_check(page)
    screenshot(page, "bad-row")
    assert not Member.objects.filter(full_name="Nguyễn Thị Hằng").exists()

    # The fixed file checks clean and can be confirmed.
    page.locator(f"#import-progress a[href='/documents/units/{cast.cell.pk}/import/']").click()
    axe_check(page)
    upload(page, fixed)
    confirm = page.locator("form[action$='/confirm/'] button[type=submit]")
    expect(confirm).to_be_visible()
    expect(page.locator("#import-progress table")).to_have_count(0)
    axe_check(page)
    screenshot(page, "valid")
    confirm.click()

    # Done: two new members, and the unit page lists them.
    done_link = page.locator(f"#import-progress a[href='/units/{cast.cell.pk}/']")
    expect(done_link).to_be_visible()
    expect(page.locator("#import-progress .cards .card").nth(1).locator(".number")).to_have_text("2")
    expect(page.locator("form[action$='/confirm/']")).to_have_count(0)
    axe_check(page)
    screenshot(page, "done")
    done_link.first.click()
    expect(page.locator("h1")).to_have_text(cast.cell.name)
    members = page.locator("main table", has_text="Trần Thị Bình")
    expect(members).to_contain_text("Nguyễn Thị Hằng")
    expect(members).to_contain_text("Phan Văn Khải")
    axe_check(page)
    screenshot(page, "unit-with-new-members")

    assert Member.objects.get(card_number="93000002").date_of_birth.isoformat() == "1990-02-28"
