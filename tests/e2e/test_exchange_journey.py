"""The commune's staff uploads a members file in the exchange format, sees the diff (one member created, one phone
number changed old -> new), applies it, uploads the same file again and has nothing to change; a file with an unknown
column and one with the same card number on two rows are refused, naming the column and the rows."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from soisua.org.models import Member
from tests.documents.test_exchange import MEMBERS, member_row, workbook

from .conftest import PHONE, axe_check, login

pytestmark = pytest.mark.browser


def saved(path: Path, content: bytes) -> str:
    path.write_bytes(content)
    return str(path)


def upload(page: Page, path: str) -> None:
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file][name=file]").set_input_files(path)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_staff_exchange_members_file_diff_apply_and_refusals(page: Page, demo_cast, password, tmp_path, screenshot):
    cast = demo_cast
    binh = cast.members["member"]
    rows = [member_row(cast.cell, "Trần Thị Bình", card=binh.card_number, phone="0987654321", sex="", ethnicity=""),
            member_row(cast.sibling_cell, "Đỗ Thị Hoa", card="94000001")]
    good = saved(tmp_path / "trao-doi.xlsx", workbook(rows))
    keys = [column.key for column in MEMBERS.columns] + ["religion"]
    unknown = saved(tmp_path / "cot-la.xlsx", workbook([[*rows[1], "Phật giáo"]], member_keys=keys))
    twice = saved(tmp_path / "trung-the.xlsx", workbook([
        member_row(cast.cell, "Ngô Văn Hải", card="94000002"), member_row(cast.cell, "Lý Thị Mai", card="94000002")]))

    page.set_viewport_size(PHONE)
    login(page, "parent_staff", password)
    page.goto(f"/units/{cast.commune.pk}/")
    page.locator(f"main a[href='/documents/units/{cast.commune.pk}/exchange/']").click()
    expect(page.locator("main a[href$='/exchange.xlsx']")).to_be_visible()
    axe_check(page)

    # The diff: one member to create, one field changed old -> new; nothing written yet.
    upload(page, good)
    expect(page.locator("#exchange-creates")).to_be_visible()
    expect(page.locator("main table", has=page.locator("td", has_text="Đỗ Thị Hoa"))).to_contain_text("94000001")
    change = page.locator("main table[aria-labelledby='exchange-changes'] tbody tr")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("0912345678")
    expect(change).to_contain_text("0987654321")
    axe_check(page)
    screenshot(page, "diff")
    assert not Member.objects.filter(card_number="94000001").exists()

    page.locator("main form:has(input[name=plan]) button[type=submit]").click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()
    axe_check(page)
    assert Member.objects.get(card_number="94000001").cell == cast.sibling_cell
    assert Member.objects.get(pk=binh.pk).phone == "0987654321"

    # The same file again: nothing to change, nothing to confirm.
    upload(page, good)
    expect(page.locator("main [role=status]").first).to_contain_text(re.compile(r"^\s*0 "))
    expect(page.locator("main input[name=plan]")).to_have_count(0)
    axe_check(page)

    # An unknown column is named; the same card on two rows is reported on the second row, naming the first.
    upload(page, unknown)
    expect(page.locator("main form")).to_contain_text("religion")
    axe_check(page)
    screenshot(page, "unknown-column")
    upload(page, twice)
    problems = page.locator("main table[aria-labelledby='exchange-problems'] tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("94000002")
    expect(problems.first.locator("td").nth(1)).to_have_text("4")
    expect(page.locator("main input[name=plan]")).to_have_count(0)
    axe_check(page)
    screenshot(page, "conflicting-cards")
    assert not Member.objects.filter(card_number="94000002").exists()
