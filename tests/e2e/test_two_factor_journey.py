"""Two-factor login in a browser (docs/security.md, "Two-factor login and sessions"): a committee member logs in for
the first time since it became required, sets up an authenticator app by typing its key, keeps the recovery codes,
then logs in with a code from the app and, another day, with a recovery code."""

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from soisua.accounts import two_factor

from .conftest import axe_check, login, open_menu

pytestmark = pytest.mark.browser


def app_code(secret: str) -> str:
    """What an authenticator app shows for the key typed from the set-up page."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


def log_out(page: Page) -> None:
    open_menu(page)
    page.locator("header.site form[action='/accounts/logout/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_committee_member_sets_up_two_factor_login_and_logs_in_with_a_code_then_a_recovery_code(
        page: Page, cast, password, screenshot):
    committee = cast.users["committee"]
    TOTPDevice.objects.filter(user=committee).delete()  # not set up yet

    # 1. The password is right, so the site asks for the set-up before anything else, keeping where he was going.
    page.goto(f"/units/{cast.commune.pk}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    form = page.locator("main form")
    form.locator("input[name=username]").fill("committee")
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/\?next="))
    expect(page.locator("main h1")).to_have_text("Thiết lập đăng nhập hai lớp")
    expect(page.locator(".two-factor-setup .qr svg")).to_be_visible()
    axe_check(page)
    shot = screenshot(page, "set-up")
    assert shot.exists()

    # 2. He adds the account in the app by typing the key, and confirms with the first code it shows.
    secret = page.locator(".two-factor-setup .secret code").inner_text()
    assert re.fullmatch(r"[A-Z2-7 ]+", secret)
    page.locator("main form:has(input[name=code]) input[name=code]").fill(app_code(secret))
    page.locator("main form:has(input[name=code]) button[type=submit]").click()

    # 3. Ten recovery codes, shown once: he downloads them, then goes on to where he was going.
    expect(page.locator("main h1")).to_have_text("Mã khôi phục của đồng chí")
    axe_check(page)
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (tệp văn bản)").click()
    assert codes[0] in download.value.path().read_text()
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="Tôi đã lưu các mã khôi phục").click()
    expect(page).to_have_url(re.compile(rf"/units/{cast.commune.pk}/$"))
    log_out(page)

    # 4. Next time: the password, then the code the app shows.
    login(page, "committee", password)
    expect(page.locator("main h1")).not_to_have_text("Nhập mã xác thực")
    log_out(page)

    # 5. Phone left at home: a recovery code instead, which is then spent.
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill("committee")
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    axe_check(page)
    page.locator("main form:has(input[name=code]) input[name=code]").fill(codes[3])
    page.locator("main form:has(input[name=code]) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|two-factor)/"))
    expect(page.locator(".messages")).to_contain_text("còn 9 mã")
    assert two_factor.recovery_codes_left(committee) == 9
