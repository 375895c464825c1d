"""On a phone the tables of long texts and the dues sheet read one block per row, and no page scrolls sideways:
the labels kept for screen readers inside a table stay inside its scrolling region."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from soisua.core.actors import SYSTEM
from soisua.dues import services as dues
from soisua.dues.enums import add_months, month_of
from soisua.meetings import services as meetings
from soisua.reviews.models import RuleSet
from tests.reviews.test_cycles import open_for

from .conftest import axe_check, login

pytestmark = pytest.mark.browser

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_the_dues_sheet_fits_a_phone_with_the_months_under_each_name(page: Page, demo_cast, password):
    dues.start_recording(demo_cast.cell, month=add_months(month_of(timezone.localdate()), -2), by=SYSTEM)
    starts = timezone.now() - datetime.timedelta(hours=1)
    meeting = meetings.schedule_meeting(demo_cast.cell, title="Sinh hoạt chi bộ tháng này", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120),
                                        by=demo_cast.users["secretary"])
    login(page, "secretary", password)

    page.goto(f"/dues/meetings/{meeting.pk}/")
    row = page.locator("tbody tr", has_text="Trần Thị Bình")
    box = row.locator("input[type=checkbox]").first
    amount = row.locator("input[type=number]")

    assert page.evaluate(PAGE_WIDTH) <= 360
    assert box.is_visible() and box.bounding_box()["x"] + box.bounding_box()["width"] <= 360
    assert amount.bounding_box()["x"] + amount.bounding_box()["width"] <= 360
    assert amount.bounding_box()["y"] > box.bounding_box()["y"]  # under the months, not beside them
    assert row.locator("td[data-label]").last.evaluate(
        "cell => getComputedStyle(cell, '::before').content") == '"Số tiền một tháng (đồng)"'
    axe_check(page)


def test_the_rating_levels_and_the_changes_read_at_full_width_on_a_phone(page: Page, demo_cast, password):
    rule_set = RuleSet.objects.get(code="2025.2")
    login(page, "member", password)

    for path in (f"/reviews/rules/{rule_set.pk}/", f"/reviews/rules/{rule_set.pk}/changes/"):
        page.goto(path)
        cell = page.locator("main table.table-stack tbody td[data-label]").nth(1)

        assert page.evaluate(PAGE_WIDTH) <= 360
        assert cell.bounding_box()["width"] > 280, path  # not a column squeezed beside three others
        axe_check(page)


def test_a_members_payments_read_one_block_per_month_on_a_phone(page: Page, demo_cast, password):
    member = demo_cast.members["member"]
    month = month_of(timezone.localdate())
    dues.start_recording(demo_cast.cell, month=add_months(month, -1), by=SYSTEM)
    dues.record_payment(member, month=month, amount=35_000, collected_on=timezone.localdate(), by=SYSTEM)
    login(page, "member", password)

    page.goto(f"/dues/members/{member.pk}/")
    collected_on = page.locator("main table.table-stack tbody td[data-label]").nth(1)

    assert page.evaluate(PAGE_WIDTH) <= 360
    assert collected_on.bounding_box()["width"] > 280
    axe_check(page)


def test_a_cells_reviews_in_a_cycle_show_every_level_on_a_phone(page: Page, demo_cast, password):
    cycle = open_for(demo_cast.commune, enforce_order=False)
    login(page, "parent_staff", password)

    page.goto(f"/reviews/cycles/{cycle.pk}/units/{demo_cast.cell.pk}/")
    decided = page.locator("main table.table-stack tbody tr").first.locator("td[data-label]").nth(4)

    assert page.evaluate(PAGE_WIDTH) <= 360
    assert decided.is_visible() and decided.bounding_box()["x"] + decided.bounding_box()["width"] <= 360
    axe_check(page)


def test_a_new_api_token_and_the_tokens_list_fit_a_phone(page: Page, demo_cast, password):
    login(page, "secretary", password)
    page.goto("/accounts/tokens/")

    page.fill("#id_name", "Bảng tính báo cáo của xã gửi lên huyện hằng tháng")
    page.locator("main form.stacked button[type=submit]").click()
    page.wait_for_load_state()
    reach = page.locator("main table.table-stack tbody td[data-label]").nth(1)

    assert page.locator(".new-token code").is_visible()
    assert page.evaluate(PAGE_WIDTH) <= 360
    assert reach.bounding_box()["width"] > 280  # one block per token, not seven squeezed columns
    axe_check(page)
