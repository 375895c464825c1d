"""Browser journeys: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

Every page a journey visits goes through `axe_check`, which fails on any WCAG 2 A/AA violation.
"""

import json
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from soisua.accounts import two_factor
from soisua.accounts.models import User
from soisua.accounts.policy import requires_two_factor
from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.enums import PostKind, Role

from ..conftest import give_authenticator
from ..factories import make_member

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from such a thread unless told
# that this is deliberate. The live server answers from its own thread either way.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = ROOT / "test-results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 360, "height": 740}
# A page may answer 404 or 403 on purpose; what it loads (scripts, styles, images, fonts, htmx swaps) may not.
SUBRESOURCES = {"script", "stylesheet", "image", "font", "fetch", "xhr"}

expect.set_options(timeout=10_000)


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server's request threads share the test's one in-memory SQLite connection, which holds one
    transaction for them all: a request reading while another commits or rolls back on it may read nothing (an htmx
    refresh of the rule checks racing the form's POST once answered the POST 404). The browser keeps several
    connections open, so the threads stay; each request, its response's body and its end run under one lock."""

    def set_app(self, application):
        lock = threading.Lock()

        def serial(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(serial)


LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, django_db_serialized_rollback, live_server) -> Iterator[Page]:
    """A phone-sized page of a fresh browser context (no cookies), with the live server as base URL.

    The live server needs committed data, so each test empties the tables afterwards; the serialized rollback
    puts back what migrations load (unit kinds) for the next test.
    """
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    page.on("console", lambda message: errors.append(f"console: {message.text}")
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("response", lambda response: errors.append(f"{response.status} for {response.url}")
            if response.status >= 400 and response.request.resource_type in SUBRESOURCES
            and not response.url.endswith("/favicon.ico") else None)
    yield page
    context.close()
    wait_for_request_threads()
    assert not errors, "errors in the browser:\n" + "\n".join(errors)


def wait_for_request_threads(timeout: float = 10.0) -> None:
    """Let the live server finish the requests of a closed browser context.

    Each kept-alive connection has a server thread that closes the database connections when the browser hangs
    up; if it outlived the test, it would touch the shared in-memory SQLite connection after the live server
    had stopped sharing it.
    """
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def screenshot(request):
    """screenshot(page, "step") saves test-results/<test>-<nn>-<step>.png."""
    RESULTS.mkdir(exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
    counter = iter(range(1, 100))

    def take(page: Page, step: str) -> Path:
        path = RESULTS / f"{test_name}-{next(counter):02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


def login(page: Page, username: str, password: str) -> None:
    """Log in with the password, then, for a login that must use a second factor (or has one), with the code its
    authenticator shows (tests.conftest.give_authenticator makes one for a login that has none)."""
    ready_second_factor(username)
    page.goto("/accounts/login/")
    axe_check(page)
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    enter_code_if_asked(page, username)


def ready_second_factor(username: str) -> None:
    """Before logging in: a login that must use a second factor gets an authenticator if it has none (as if set
    up earlier), and one that has one may use the current code again (the device remembers the last code it took,
    and a journey may log the same person in twice within the 30 seconds a code lasts)."""
    user = User.objects.filter(username=username).first()
    if user is None or not (requires_two_factor(user) or two_factor.has_two_factor(user)):
        return
    device = give_authenticator(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)


def enter_code_if_asked(page: Page, username: str, *, check: bool = True) -> None:
    """On the code page after the password, type the code the login's authenticator shows now (checked with axe
    unless `check` is off: a browser without scripts cannot run it)."""
    if "/accounts/two-factor/verify/" not in page.url:
        return
    if check:
        axe_check(page)
    device = two_factor.confirmed_device(User.objects.get(username=username))
    form = page.locator("main form:has(input[name=code])")
    form.locator("input[name=code]").fill(two_factor.current_code(device))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|two-factor)/"))


def open_menu(page: Page) -> None:
    """Open the header's menu, where the navigation, the language and the logout sit on a phone (on a wide screen
    they are shown at once and the menu button is hidden)."""
    menu = page.locator("header.site details.site-menu")
    summary = menu.locator("summary")
    if summary.is_visible() and menu.get_attribute("open") is None:
        summary.click()
        expect(menu.locator("nav")).to_be_visible()


def send_first_run_setup(page: Page, units_file) -> None:
    """On the first-run set-up page, reached by signing in to an empty installation (checked with axe): the top unit
    of the province of Đắk Lắk and the list of units below it, sent."""
    expect(page).to_have_url(re.compile(r"/setup/$"))
    axe_check(page)
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[name=name]").fill("Đảng bộ tỉnh Đắk Lắk")
    form.locator("input[name=code]").fill("DL")
    form.locator("select[name=kind]").select_option(label="Đảng bộ tỉnh, thành phố")
    form.locator("input[type=file][name=file]").set_input_files(units_file)
    form.locator("button[type=submit]").click()


def axe_check(page: Page) -> None:
    """Run axe-core's WCAG 2 A/AA rules on the current page; any violation fails with a readable list.

    The script is injected with evaluate(), which the page's Content-Security-Policy does not govern (a script
    tag would be refused, as it should be).
    """
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    if violations:
        lines = [f"axe found {len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
            for node in violation["nodes"][:10]:
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
                lines.append(f"      {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


# Members of Chi bộ Thôn 1 beyond the cast's own, so lists look like a real cell's.
CELL_MEMBERS = ["Nguyễn Văn An", "Phạm Văn Hùng", "Đặng Thị Lan", "Vũ Minh Tuấn", "Bùi Thị Hoa", "Đỗ Quang Huy",
                "Hồ Thị Mai", "Ngô Văn Sơn", "Dương Thị Thu", "Lý Văn Phúc"]
SIBLING_MEMBERS = ["Trịnh Văn Khoa", "Mai Thị Hạnh", "Lưu Đức Thắng"]


@pytest.fixture
def demo_cast(cast):
    """The cast, with fuller cells. The secretary of Chi bộ Thôn 1 also sits on the commune committee, as cell
    secretaries often do, so the journey can browse the commune's branch of the tree."""
    for name in CELL_MEMBERS:
        make_member(cast.cell, name)
    for name in SIBLING_MEMBERS:
        make_member(cast.sibling_cell, name)
    deputy = make_member(cast.cell, "Cao Thị Ngọc")
    services.assign_post(deputy, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=SYSTEM)
    services.grant_role(cast.users["secretary"], unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)
    return cast
