"""A cell secretary's day on a phone: the tree, breadcrumbs, search without diacritics, a member, languages."""

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import axe_check, login, open_menu

pytestmark = pytest.mark.browser


def switch_language(page: Page, code: str) -> None:
    header = page.locator("header.site")
    open_menu(page)
    header.locator("select[name=language]").select_option(code)
    header.locator("form[action='/i18n/setlang/'] button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_secretary_browses_tree_searches_and_switches_language(page: Page, demo_cast, password, screenshot):
    cast = demo_cast

    login(page, "secretary", password)
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_role("link", name=cast.commune.name)).to_be_visible()
    axe_check(page)
    screenshot(page, "dashboard")

    # The tree: the commune's branch loads its cells with htmx, then the cell opens. On a phone the navigation is
    # behind the header's menu button.
    open_menu(page)
    page.locator("nav a[href='/units/']").click()
    expect(page).to_have_url(re.compile(r"/units/$"))
    axe_check(page)
    commune = page.locator(".tree > ul > li", has=page.get_by_role("link", name=cast.commune.name, exact=True))
    commune.locator("summary").first.click()
    branch = commune.locator(".branch").first
    cell_link = branch.get_by_role("link", name=cast.cell.name, exact=True)
    expect(cell_link).to_be_visible()
    expect(branch.get_by_role("link", name=cast.sibling_cell.name, exact=True)).to_be_visible()
    axe_check(page)
    screenshot(page, "tree-branch-open")
    cell_link.click()
    expect(page.locator("h1")).to_have_text(cast.cell.name)
    expect(page.locator("main table")).to_contain_text("Trần Thị Bình")
    axe_check(page)
    screenshot(page, "cell")

    # Breadcrumbs lead up to the commune and back down.
    crumbs = page.locator("nav.breadcrumbs")
    crumbs.get_by_role("link", name=cast.commune.name).click()
    expect(page.locator("h1")).to_have_text(cast.commune.name)
    axe_check(page)
    page.locator("main").get_by_role("link", name=cast.cell.name).first.click()
    expect(page.locator("h1")).to_have_text(cast.cell.name)

    # Search without diacritics.
    open_menu(page)
    page.locator("nav a[href='/members/search/']").click()
    axe_check(page)
    page.locator("main input[name=q]").fill("tran thi")
    page.locator("main form[role=search] button[type=submit]").click()
    result = page.locator("#results").get_by_role("link", name="Trần Thị Bình")
    expect(result).to_be_visible()
    expect(page.locator("#results")).not_to_contain_text("Phạm Thị Dung")
    axe_check(page)
    screenshot(page, "search")
    result.click()
    expect(page.locator("h1")).to_have_text("Trần Thị Bình")
    expect(page.locator("main")).to_contain_text("0912345678")  # the secretary sees personal data
    axe_check(page)
    screenshot(page, "member")

    # English and back to Vietnamese, staying on the same page.
    member_url = page.url
    switch_language(page, "en")
    expect(page).to_have_url(member_url)
    expect(page.locator("h1")).to_have_text("Trần Thị Bình")
    axe_check(page)
    screenshot(page, "member-en")
    switch_language(page, "vi")
    expect(page).to_have_url(member_url)
    axe_check(page)

    # Log out: back at the login page, and the member page needs a login again.
    open_menu(page)
    page.locator("header.site form[action='/accounts/logout/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    axe_check(page)
    page.goto(member_url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    screenshot(page, "logged-out")


def test_member_on_phone_sees_own_cell_only(page: Page, demo_cast, password, screenshot):
    cast = demo_cast

    login(page, "member", password)
    axe_check(page)
    open_menu(page)
    page.locator("nav a[href='/units/']").click()
    expect(page.locator("main")).to_contain_text(cast.cell.name)
    expect(page.locator("main")).not_to_contain_text(cast.commune.name)
    axe_check(page)
    response = page.goto(f"/units/{cast.sibling_cell.pk}/")
    axe_check(page)
    screenshot(page, "sibling-cell-refused")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(cast.sibling_cell.name)
    expect(page.locator("body")).not_to_contain_text("Phạm Thị Dung")
