"""A commune committee member opens the year's review cycle and reads the rules it pins."""

import re

import pytest
from playwright.sync_api import Page, expect

from soisua.reviews.models import Cycle

from .conftest import axe_check, login

pytestmark = pytest.mark.browser


def test_committee_member_opens_a_review_cycle(page: Page, demo_cast, password, screenshot, live_server):
    cast = demo_cast
    login(page, "secretary", password)

    page.goto(f"{live_server.url}/units/{cast.commune.pk}/")
    page.locator(f"a[href='/reviews/units/{cast.commune.pk}/cycles/']").click()
    axe_check(page)
    page.locator(f"a[href='/reviews/units/{cast.commune.pk}/new-cycle/']").click()
    expect(page.locator("h1")).to_contain_text(cast.commune.name)
    axe_check(page)
    screenshot(page, "cycle-form")

    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/reviews/cycles/\d+/$"))
    expect(page.locator("table")).to_contain_text(cast.cell.name)
    axe_check(page)
    screenshot(page, "cycle-detail")
    cycle = Cycle.objects.get()
    assert cycle.reviews.filter(member__isnull=False).count() == 17  # 13 in Thôn 1, 4 in Thôn 2
    assert cycle.reviews.filter(member__isnull=True).count() == 2

    page.locator(f"a[href='/reviews/rules/{cycle.rule_set_id}/']").click()
    expect(page.locator("h1")).to_contain_text("366-QĐ/TW")
    axe_check(page)
