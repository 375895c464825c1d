"""The design system in a browser: on a 360 px phone the header is one line (the mark, who is logged in, the menu
button) and takes less than an eighth of the screen; the menu opens without a script; on a 1280 px screen the whole
navigation shows at once. Every main page of each role passes axe at both widths.

With SOISUA_SHOTS set to a folder outside the repository, each page is also saved there at 360 px for a person to
look at."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ..core.test_design_system import pages
from .conftest import PHONE, axe_check, enter_code_if_asked, login, ready_second_factor, wait_for_request_threads

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ["SOISUA_SHOTS"]) if os.environ.get("SOISUA_SHOTS") else None  # to look at, never read back
WIDE = {"width": 1280, "height": 800}
HEADER_SHARE = 0.12  # of the phone's height


def shot(page: Page, name: str) -> None:
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{re.sub(r'[^A-Za-z0-9_-]+', '-', name).strip('-')}.png", full_page=True)


def check_phone_header(page: Page) -> None:
    header = page.locator("header.site")
    box = header.bounding_box()
    assert box["height"] < HEADER_SHARE * PHONE["height"], f"header {box['height']} px high on {page.url}"
    # One line: the mark, the name and the menu button side by side.
    tops = [page.locator(selector).bounding_box() for selector in
            ("header.site .brand", "header.site .who", "header.site details.site-menu > summary")]
    assert max(item["y"] for item in tops) < min(item["y"] + item["height"] for item in tops)
    expect(page.locator("header.site nav a[href='/units/']")).to_be_hidden()


@pytest.mark.parametrize("who", ["member", "secretary", "committee", "admin"])
def test_each_roles_main_pages_on_a_phone_and_a_wide_screen(page: Page, demo_cast, password, who):
    urls = pages(demo_cast)[who]
    login(page, who, password)

    for number, url in enumerate(urls):
        page.set_viewport_size(PHONE)
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        check_phone_header(page)
        axe_check(page)
        shot(page, f"{who}-{number:02d}-{url}")

        page.set_viewport_size(WIDE)
        expect(page.locator("header.site nav a[href='/units/']")).to_be_visible()
        expect(page.locator("header.site details.site-menu > summary")).to_be_hidden()
        axe_check(page)


def test_the_phone_menu_opens_without_a_script_and_names_who_is_logged_in(browser, django_db_serialized_rollback,
                                                                           live_server, demo_cast, password):
    # No script runs in this browser, so neither does axe (the journey above checks these pages with it).
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="vi-VN",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        ready_second_factor("secretary")  # on the commune's committee: two-factor login
        page.goto("/accounts/login/")
        page.locator("main form input[name=username]").fill("secretary")
        page.locator("main form input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        enter_code_if_asked(page, "secretary", check=False)

        expect(page.locator("header.site .who-name")).to_have_text("Lê Văn Cường")
        expect(page.locator("header.site .who-role")).to_have_text("Cấp ủy viên")  # also on the commune's committee
        check_phone_header(page)
        page.locator("header.site details.site-menu > summary").click()
        expect(page.locator("header.site nav a[href='/units/']")).to_be_visible()
        shot(page, "secretary-menu-open")
        page.locator("header.site nav a[href='/units/']").click()
        expect(page).to_have_url(re.compile(r"/units/$"))
    finally:
        context.close()
        wait_for_request_threads()
