"""The cell's secretary imports the dues paid through the national portal: the first file has two new payments and a
month already recorded at another amount, so the preview lists the conflict and nothing can be recorded; the fixed
file records the two payments (the third is recorded already), the same file again has nothing to change, and the
cell's dues page shows the months paid."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from soisua.core.actors import SYSTEM
from soisua.dues import services
from soisua.dues.enums import add_months, label, month_of
from soisua.dues.models import Payment
from tests.factories import make_member

from .conftest import PHONE, axe_check, login

pytestmark = pytest.mark.browser

HEADER = "Đảng viên,Họ và tên,Tháng,Số tiền,Mã giao dịch,Ngày nộp,Hình thức"


def months_ago(count: int):
    return add_months(month_of(timezone.localdate()), -count)


def payments_file(path: Path, rows: list[tuple]) -> str:
    today = timezone.localdate().strftime("%d/%m/%Y")
    lines = [HEADER] + [f"{member.card_number},{member.full_name},{label(month)},{amount},{reference},{today},"
                        "Cổng dịch vụ công" for member, month, amount, reference in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def upload(page: Page, path: str) -> None:
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[type=file][name=file]").set_input_files(path)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_secretary_imports_portal_payments_conflict_fix_apply_again(page: Page, demo_cast, password, tmp_path,
                                                                   screenshot):
    cast = demo_cast
    services.start_recording(cast.cell, month=months_ago(3), by=SYSTEM)
    an = make_member(cast.cell, "Đoàn Văn An", joined_on=months_ago(12))
    hoa = make_member(cast.cell, "Lý Thị Hoa", joined_on=months_ago(12))
    services.record_payment(hoa, month=months_ago(2), amount=40_000, collected_on=timezone.localdate(), by=SYSTEM)
    first = payments_file(tmp_path / "dang-phi.csv", [(an, months_ago(1), 50_000, "VNPAY-001"),
                                                      (hoa, months_ago(1), 40_000, "VNPAY-002"),
                                                      (hoa, months_ago(2), 45_000, "VNPAY-003")])
    fixed = payments_file(tmp_path / "dang-phi-sua.csv", [(an, months_ago(1), 50_000, "VNPAY-001"),
                                                          (hoa, months_ago(1), 40_000, "VNPAY-002"),
                                                          (hoa, months_ago(2), 40_000, "VNPAY-003")])

    page.set_viewport_size(PHONE)
    login(page, "secretary", password)
    page.goto(f"/dues/units/{cast.cell.pk}/")
    page.locator(f"main a[href='/dues/units/{cast.cell.pk}/import/']").click()
    expect(page.locator("#columns")).to_be_visible()
    axe_check(page)

    # Two new payments and one conflict: the conflict is listed, nothing can be recorded.
    upload(page, first)
    conflicts = page.locator("main table[aria-labelledby='conflicts'] tbody tr")
    expect(conflicts).to_have_count(1)
    expect(conflicts.first).to_contain_text("45.000")
    expect(conflicts.first.locator("td").first).to_have_text("4")
    expect(page.locator("main table[aria-labelledby='new'] tbody tr")).to_have_count(2)
    expect(page.locator("main input[name=plan]")).to_have_count(0)
    axe_check(page)
    screenshot(page, "conflict")
    assert Payment.objects.count() == 1

    # The fixed file: two payments recorded, the third was recorded already.
    upload(page, fixed)
    expect(page.locator("main table[aria-labelledby='conflicts']")).to_have_count(0)
    page.locator("main form:has(input[name=plan]) button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(f"{page.url.split('/dues/')[0]}/dues/units/{cast.cell.pk}/")
    expect(page.locator(".messages, [role=status]").first).to_be_visible()
    rows = page.locator("main table[aria-labelledby='arrears'] tbody tr")
    expect(rows.filter(has_text="Đoàn Văn An")).to_contain_text("1/4")
    expect(rows.filter(has_text="Lý Thị Hoa")).to_contain_text("2/4")
    axe_check(page)
    screenshot(page, "dues-page")
    assert sorted(Payment.objects.exclude(reference="").values_list("reference", "channel")) == [
        ("VNPAY-001", "portal"), ("VNPAY-002", "portal")]

    # The same file again: nothing to change.
    page.goto(f"/dues/units/{cast.cell.pk}/import/")
    upload(page, fixed)
    expect(page.locator("main .status-ok")).to_be_visible()
    expect(page.locator("main input[name=plan]")).to_have_count(0)
    axe_check(page)
    assert Payment.objects.count() == 3
