"""Starting without the demo: the first administrator signs in to an empty installation, is led to the set-up,
uploads a list of units with a bad row, fixes it, confirms, and finds the tree."""

import re

import pytest
import xlsxwriter
from playwright.sync_api import Page, expect

from soisua.org.models import Unit
from tests.factories import UserFactory

from .conftest import axe_check, login, send_first_run_setup

pytestmark = pytest.mark.browser

HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã loại", "Mã đơn vị cấp trên"]


def write_list(path, rows) -> str:
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Đơn vị")
    for row_number, row in enumerate([HEADER, *rows]):
        sheet.write_row(row_number, 0, row)
    workbook.close()
    return str(path)


def test_the_first_administrator_sets_up_the_installation(page: Page, password, tmp_path, screenshot):
    UserFactory(username="quantri", is_superuser=True, is_staff=True)
    bad = write_list(tmp_path / "don-vi.xlsx", [
        ["DL-EKM", "Đảng bộ xã Ea Kmút", "commune", "DL"],
        ["DL-EKM-T1", "Chi bộ Thôn 1", "cell", "DL-EKM"],
        ["DL-TW", "Ban Chấp hành Trung ương", "central", "DL"],
    ])
    fixed = write_list(tmp_path / "don-vi-da-sua.xlsx", [
        ["DL-EKM", "Đảng bộ xã Ea Kmút", "commune", "DL"],
        ["DL-EKM-T1", "Chi bộ Thôn 1", "cell", "DL-EKM"],
    ])

    login(page, "quantri", password)

    # Signing in to an installation without units leads to the set-up.
    send_first_run_setup(page, bad)
    screenshot(page, "bad-row")

    # The bad row is reported with its reason; nothing exists yet and there is nothing to confirm.
    errors = page.locator("table[aria-labelledby='unit-errors']")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").first).to_have_text("4")
    expect(errors).to_contain_text("chỉ có thể là đơn vị cao nhất")
    expect(page.locator("input[name=plan]")).to_have_count(0)
    axe_check(page)
    assert not Unit.objects.exists()

    # The fixed list is shown before anything is created.
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file][name=file]").set_input_files(fixed)
    form.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("2 đơn vị sẽ được tạo trực thuộc Đảng bộ tỉnh Đắk Lắk")
    axe_check(page)
    screenshot(page, "preview")
    assert not Unit.objects.exists()

    # Confirmed: the top unit's page, then the tree.
    page.get_by_role("button", name="Tạo đơn vị cao nhất và các đơn vị này").click()
    expect(page.locator("h1")).to_have_text("Đảng bộ tỉnh Đắk Lắk")
    expect(page.locator("main")).to_contain_text("Đã thiết lập hệ thống.")
    axe_check(page)
    assert Unit.objects.get(code="DL-EKM-T1").parent.code == "DL-EKM"
    page.goto("/units/")
    expect(page.locator("main .tree")).to_contain_text("Đảng bộ tỉnh Đắk Lắk")
    page.goto("/setup/")
    expect(page).to_have_url(re.compile(r"/units/$"))
