"""Every main page of each role in the demo passes axe at phone width (360 px) and desktop width (1280 px).

The demo is loaded once; each role's first demo login browses in its own browser context: the pages of the
header's menu, then the pages those link to, one page per kind (URL name) and at most two clicks from the menu,
so the cell, a member, a meeting, a cycle, a directive, a warning… are the ones that role really reaches. Each
page is checked at both widths (the same page, resized), and the API documentation once. Set SOISUA_SHOTS to a
directory to also save each page at 360 px there (for looking at, not for the repository).
"""

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import BrowserContext, Page

from soisua.demo.loader import load_demo

from .conftest import (
    AXE_SCRIPT,
    AXE_TAGS,
    PHONE,
    SUBRESOURCES,
    enter_code_if_asked,
    ready_second_factor,
    wait_for_request_threads,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "demo-axe-2026"  # a throwaway demo password
# Pages that are not pages: downloads, feeds, JSON, and what only answers a form.
NOT_PAGES = re.compile(r"\.(xlsx|docx|pdf|ics|csv|json)$|/(download|file|evidence|feed|export|logout)/|"
                       r"/(docx|pdf|xlsx)/$|^/i18n/|^/api/(?!docs)|^/healthz|^/static/|^/media/")
MAX_DEPTH = 2  # the menu's pages, and what they link to
# Pages that read the same for every role (the rule sets, one's own password, tokens and notification choices):
# checked for the first role only.
SAME_FOR_EVERYONE = {"reviews:rules.list", "reviews:rules.detail", "accounts:password_change", "accounts:tokens",
                     "notifications:preferences"}


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _links(page: Page) -> list[str]:
    hrefs = page.eval_on_selector_all("main a[href], header.site nav a[href]",
                                      "links => links.map(link => link.getAttribute('href'))")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or NOT_PAGES.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _axe(page: Page) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS)
    lines = []
    for violation in result["violations"]:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return lines


def _check_both_widths(page: Page, label: str, shots: Path | None) -> list[str]:
    problems = []
    page.set_viewport_size(DESKTOP)
    problems += [f"{label} at 1280 px: {line}" for line in _axe(page)]
    page.set_viewport_size(PHONE)
    problems += [f"{label} at 360 px: {line}" for line in _axe(page)]
    if shots is not None:
        page.screenshot(path=shots / (re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-") + ".png"), full_page=True)
        wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        if wide:
            print(f"\n{label} is wider than 360 px: {wide}")  # a note for whoever looks at the shots
    return problems


# The elements that stick out to the right of a phone's screen (a page should not scroll sideways).
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const out = [...document.querySelectorAll('body *')].filter(element => {
    const box = element.getBoundingClientRect();
    return box.right > width + 1 && box.width > 0 && !element.closest('.table-wrap');
  });
  const deepest = out.filter(element => !out.some(other => other !== element && element.contains(other)));
  return deepest.slice(0, 5).map(element => element.tagName.toLowerCase() + (element.className ?
    '.' + String(element.className).trim().split(/\\s+/).join('.') : '') + ' ' +
    Math.round(element.getBoundingClientRect().right) + 'px').join(', ');
}"""


def _log_in(context: BrowserContext, username: str) -> Page:
    page = context.new_page()
    ready_second_factor(username)
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    enter_code_if_asked(page, username)
    return page


def _browse(page: Page, role: str, shots: Path | None, checked: set[str]) -> tuple[list[str], int]:
    """Visit the role's pages breadth first, one per URL name; the axe problems and the number of pages.
    `checked`: the URL names checked so far, for every role."""
    problems, seen = [], {name for name in checked if name in SAME_FOR_EVERYONE}
    queue = deque([("/", 0)])
    visited = 0
    while queue:
        path, depth = queue.popleft()
        name = _url_name(urlsplit(path).path)
        if name is None or name in seen:
            continue
        seen.add(name)
        response = page.goto(path)
        page.wait_for_load_state()
        if response is None or response.status != 200 or not page.url.endswith(path):
            continue  # a refusal or a redirect: the page is checked where the role reaches it
        visited += 1
        checked.add(name)
        problems += _check_both_widths(page, f"{role} {name} {path}", shots)
        if depth < MAX_DEPTH:
            queue.extend((link, depth + 1) for link in _links(page))
    return problems, visited


def test_every_main_page_of_each_role_passes_axe_at_both_widths(browser, live_server, django_db_serialized_rollback):
    logins = load_demo(password=PASSWORD)
    first_of_role = {}
    for login in logins:
        first_of_role.setdefault(str(login.role), login.username)
    shots = Path(os.environ["SOISUA_SHOTS"]) if os.environ.get("SOISUA_SHOTS") else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)

    problems, errors, visited, checked = [], [], {}, set()
    for role, username in first_of_role.items():
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="vi-VN",
                                      timezone_id="Asia/Ho_Chi_Minh")
        context.set_default_timeout(15_000)
        try:
            page = _log_in(context, username)
            page.on("pageerror", lambda error, role=role: errors.append(f"{role}: script error: {error}"))
            page.on("response", lambda response, role=role: errors.append(
                f"{role}: {response.status} for {response.url}") if response.status >= 400
                and response.request.resource_type in SUBRESOURCES else None)
            found, visited[role] = _browse(page, role, shots, checked)
            problems += found
            if role == "admin":
                page.goto("/api/docs")
                page.locator("main .api-operation").first.wait_for()
                problems += _check_both_widths(page, "admin API docs /api/docs", shots)
        finally:
            context.close()
    wait_for_request_threads()

    assert all(count >= 8 for count in visited.values()), f"pages visited per role: {visited}"
    assert not errors, "errors in the browser:\n" + "\n".join(errors)
    assert not problems, f"axe found {len(problems)} violation(s):\n" + "\n".join(problems)
