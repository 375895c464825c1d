"""Browser journey from above, at phone width: the province committee issues a plan with 13 key tasks to its
communes; one commune acknowledges it, carries it out with its own instruction to its cells, and its cell reports;
the other commune does not acknowledge and is named and reminded at the province; the province's progress shows
the percent per key task. Then the commune supervises the cell: its conclusion's remedy becomes a shortcoming with
a plan, verified by the commune, and the conclusion downloads as Word and PDF.

Arranged through the services (not watched): the province committee's login and the cell's plan's measure.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from soisua.core.actors import SYSTEM
from soisua.corrections.models import Shortcoming
from soisua.directives.models import Directive
from soisua.org import services as org
from soisua.org.enums import Role

from ..factories import UserFactory
from ..files import docx_text, pdf_text
from .conftest import axe_check, login

pytestmark = pytest.mark.browser

KEY_TASKS = [f"Nhiệm vụ trọng tâm {number}: tự soi, tự sửa trong sinh hoạt chi bộ" for number in range(1, 14)]


def visit(page: Page, url: str) -> None:
    page.goto(url)
    axe_check(page)


def switch_user(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    login(page, username, password)


def submit(page: Page, label: str | None = None) -> None:
    button = page.locator("main form button[type=submit]", has_text=label) if label else page.locator(
        "main form button[type=submit]").last
    button.click()
    page.wait_for_load_state()
    axe_check(page)


def fill_directive(page: Page, *, number: str, symbol: str, title: str, tasks: list[str], mode: str) -> None:
    page.locator("select[name=kind]").select_option("KH" if symbol == "TU" else "HD")
    page.locator("input[name=number]").fill(number)
    page.locator("input[name=issuer_symbol]").fill(symbol)
    page.locator("input[name=issued_on]").fill("20/11/2026")
    page.locator("input[name=title]").fill(title)
    page.locator("textarea[name=tasks]").fill("\n".join(tasks))
    page.locator("textarea[name=report_dates]").fill("15/12/2026")
    page.locator(f"input[name=target_mode][value={mode}]").check()


def test_a_plan_cascades_is_reported_and_an_inspection_ends_in_a_verified_remedy(page: Page, cast, password,
                                                                                  screenshot):
    province_committee = UserFactory(username="tinhuy", password=password)
    org.grant_role(province_committee, unit=cast.province, role=Role.COMMITTEE, by=SYSTEM)

    # 1. The province committee drafts the plan with 13 key tasks; a bad reporting date keeps what was typed.
    login(page, "tinhuy", password)
    visit(page, f"/directives/units/{cast.province.pk}/")
    page.locator("main a", has_text="Văn bản mới").click()
    axe_check(page)
    fill_directive(page, number="72", symbol="TU", title="Thực hiện Kết luận 21-KL/TW", tasks=KEY_TASKS,
                   mode="children")
    page.locator("textarea[name=report_dates]").fill("15/12/2026\n31/02/2027")
    submit(page)
    expect(page.locator("main")).to_contain_text("Không phải ngày")
    expect(page.locator("textarea[name=tasks]")).to_have_value("\n".join(KEY_TASKS))
    page.locator("textarea[name=report_dates]").fill("15/12/2026")
    submit(page)
    expect(page.locator("main ol.key-tasks li")).to_have_count(13)
    screenshot(page, "draft")
    page.locator("main form button", has_text="Ban hành").click()
    page.wait_for_load_state()
    axe_check(page)
    expect(page.locator(".messages")).to_contain_text("Đã ban hành đến 2 đơn vị")
    plan = Directive.objects.get(number="72")

    # 2. The commune's committee finds it in its inbox, acknowledges it and reports on key task 1.
    switch_user(page, "committee", password)
    visit(page, "/inbox/")
    expect(page.locator("main")).to_contain_text("72-KH/TU")
    visit(page, "/directives/")
    page.locator("main a", has_text="72-KH/TU").first.click()
    axe_check(page)
    submit(page, "Xác nhận đã nhận")
    expect(page.locator("main")).to_contain_text("Đã xác nhận")
    receipt_url = page.url
    page.locator("main a", has_text="Báo cáo").first.click()
    axe_check(page)
    page.locator("select[name=key_task]").select_option(label=f"1. {KEY_TASKS[0]}")
    page.locator("select[name=status]").select_option("done")
    page.locator("input[name=percent]").fill("100")
    page.locator("textarea[name=narrative]").fill("Đã quán triệt đến 100% đảng viên")
    submit(page, "Gửi báo cáo")
    expect(page.locator("#key-task-1")).to_contain_text("100 %")

    # 3. It carries the plan out with its own instruction to its cells.
    page.goto(receipt_url)
    page.locator("main a", has_text="Cụ thể hóa bằng văn bản của đơn vị").click()
    axe_check(page)
    fill_directive(page, number="15", symbol="ĐU", title="Hướng dẫn thực hiện Kế hoạch 72-KH/TU",
                   tasks=KEY_TASKS[:3], mode="children")
    submit(page)
    page.locator("main form button", has_text="Ban hành").click()
    page.wait_for_load_state()
    axe_check(page)
    expect(page.locator("main")).to_contain_text("Cụ thể hóa văn bản 72-KH/TU")

    # 4. The cell's secretary reports on the commune's instruction.
    switch_user(page, "secretary", password)
    visit(page, "/directives/")
    page.locator("main a", has_text="15-HD/ĐU").first.click()  # "to acknowledge": the cell's own page of it
    axe_check(page)
    page.locator("main a", has_text="Báo cáo").first.click()
    axe_check(page)
    page.locator("select[name=key_task]").select_option(label=f"1. {KEY_TASKS[0]}")
    page.locator("input[name=percent]").fill("40")
    submit(page, "Gửi báo cáo")
    expect(page.locator("main")).to_contain_text("40 %")

    # 5. The province sees who has not acknowledged, reminds them, and reads the percent per key task.
    switch_user(page, "tinhuy", password)
    visit(page, f"/directives/{plan.pk}/")
    page.locator("main a", has_text="Tiến độ").click()
    axe_check(page)
    expect(page.locator("#not-acknowledged")).to_contain_text(cast.other_commune.name)
    expect(page.locator("#not-acknowledged")).not_to_contain_text(cast.commune.name)
    expect(page.locator("main table").first).to_contain_text("50 %")  # key task 1: (100 + 0) / 2 communes
    screenshot(page, "progress")
    submit(page, "Nhắc ngay")
    expect(page.locator("main")).to_contain_text("Đã gửi 1 lời nhắc")

    # 6. The commune supervises the cell: plans it, tells it, the cell self-reports.
    switch_user(page, "committee", password)
    visit(page, f"/oversight/units/{cast.commune.pk}/")
    page.locator("main a", has_text="Lập kế hoạch kiểm tra, giám sát").click()
    axe_check(page)
    page.locator("select[name=kind]").select_option("thematic_supervision")
    page.locator("select[name=subject_unit]").select_option(label=cast.cell.name)
    page.locator("textarea[name=content]").fill("Việc thực hiện Kế hoạch 72-KH/TU ở chi bộ")
    page.locator("input[name=period_start]").fill("01/11/2026")
    page.locator("input[name=period_end]").fill("15/12/2026")
    submit(page, "Đưa vào chương trình")
    inspection_url = page.url
    submit(page, "Thông báo cho đối tượng")
    switch_user(page, "secretary", password)
    visit(page, inspection_url)
    page.locator("textarea[name=text]").fill("Chi bộ đã quán triệt, chưa có lộ trình cụ thể")
    submit(page, "Gửi báo cáo tự kiểm tra")

    # 7. The commune asks a remedy and concludes; the remedy is now the cell's shortcoming.
    switch_user(page, "committee", password)
    visit(page, inspection_url)
    page.locator("textarea[name=text]").first.fill("Chưa có lộ trình thực hiện")
    submit(page, "Ghi nhận")
    remedy_form = page.locator("main form", has=page.locator("input[name=deadline]"))
    remedy_form.locator("textarea[name=text]").fill("Xây dựng lộ trình thực hiện có thời hạn")
    remedy_form.locator("input[name=deadline]").fill("31/03/2027")
    submit(page, "Thêm yêu cầu khắc phục")
    page.locator("main a", has_text="Kết luận").last.click()
    axe_check(page)
    page.locator("input[name=number]").fill("05-KL/ĐU")
    page.locator("textarea[name=conclusion]").fill("Chi bộ thực hiện còn chậm, thiếu lộ trình")
    submit(page, "Ban hành kết luận")
    screenshot(page, "concluded")
    with page.expect_download() as word:
        page.locator("main a", has_text="Word").click()
    with page.expect_download() as pdf:
        page.locator("main a", has_text="PDF").click()
    for text in (docx_text(Path(word.value.path()).read_bytes()), pdf_text(Path(pdf.value.path()).read_bytes())):
        assert "Số 05-KL/ĐU" in text and "Xây dựng lộ trình thực hiện có thời hạn" in text
    shortcoming = Shortcoming.objects.get(source="inspection")
    assert shortcoming.unit == cast.cell and shortcoming.followed_by == cast.commune

    # 8. The cell plans the fix, the commune approves it, the cell reports it fixed, the commune verifies it.
    switch_user(page, "secretary", password)
    visit(page, f"/corrections/{shortcoming.pk}/")
    page.locator("main a", has_text="Lập kế hoạch khắc phục").click()
    axe_check(page)
    form = page.locator("form.plan-form")
    form.locator("input[name=deadline]").fill("31/03/2027")
    form.locator("textarea[name='measures-0-text']").fill("Họp chi bộ thông qua lộ trình")
    form.locator("select[name='measures-0-supervisor']").select_option(label=cast.members["secretary"].full_name)
    form.locator("input[name='measures-0-deadline']").fill("31/03/2027")
    form.locator("input[name='measures-0-steps-0-what']").fill("Thông qua lộ trình")
    form.locator("input[name='measures-0-steps-0-due']").fill("15/01/2027")
    form.locator("button[name=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu và trình duyệt kế hoạch.")
    expect(page).to_have_url(re.compile(r"/corrections/plans/\d+/$"))
    plan_url = page.url
    switch_user(page, "committee", password)
    visit(page, plan_url)
    page.locator("main form button[value=approve]").click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt kế hoạch.")
    switch_user(page, "secretary", password)
    visit(page, f"/corrections/{shortcoming.pk}/")
    page.locator("main form button", has_text="Báo cáo đã khắc phục").click()
    expect(page.locator(".messages")).to_contain_text("Đã báo cáo khắc phục")
    switch_user(page, "committee", password)
    visit(page, f"/corrections/{shortcoming.pk}/")
    page.locator("textarea[name=note]").fill("Đã có lộ trình, đạt yêu cầu.")
    page.locator("main form button", has_text="Xác nhận đã khắc phục").click()
    expect(page.locator(".messages")).to_contain_text("Đã xác nhận khắc phục.")
    screenshot(page, "verified")
    shortcoming.refresh_from_db()
    assert shortcoming.status == "verified" and shortcoming.verified_by.username == "committee"
