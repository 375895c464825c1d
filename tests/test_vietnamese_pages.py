"""No English on a Vietnamese page: every page of the product, as each of the cast, and every form sent empty
and with values no field accepts.

The world is the access matrix's (tests/test_access_matrix.py): each of its rows names a URL and what each cast
member gets for it, so a new URL is crawled here as soon as it is in the matrix. Every row is requested as each
cast member (in Vietnamese, the cast's language) who is shown a page, and once per role for each kind of
refusal (403, 404); what the page shows (tests/vietnamese.py: its text, placeholders, titles, labels…) must hold
no common English word and never "bạn". Each form found on those pages (once per form) is then sent empty and
with bad values; the page that answers (after its redirect, with its messages) and any e-mail it sends are read
the same way: Django's own messages ("This field is required.", "Enter a valid date.") must come out in
Vietnamese too. Each row's requests run inside a savepoint that is rolled back, as in the matrix.
"""

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.http import HttpResponse
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.urls import Resolver404, resolve
from django.utils import translation

from soisua.accounts.models import User

from .conftest import CAST, make_cast
from .test_access_matrix import LOGIN, MATRIX, MATRIX_NOW, Case, body_bytes, build_fixtures
from .vietnamese import Form, bad_values, english_in, read_page

pytestmark = pytest.mark.django_db

# The cast's usernames are data, shown as they are (the grants table, the audit trail).
USERNAMES = frozenset(who for who in CAST if who != "anonymous")
# Answers that show no page of their own: a redirect (to the login page, or onwards) and a refused method.
NO_PAGE = {LOGIN, 302, 405}


@dataclass
class Crawl:
    # what was found, keyed by the English text, with where it showed ("who GET /url")
    pages: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    forms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    crashes: list[str] = field(default_factory=list)
    unbuilt: list[str] = field(default_factory=list)
    pages_read: int = 0
    forms_sent: int = 0
    mails_read: int = 0


def _record(found: dict[str, list[str]], texts: list[str], where: str) -> None:
    for text in texts:
        words = english_in(text, names=USERNAMES)
        if words:
            found[f"{text[:120]!r} ({', '.join(words)})"].append(where)


def _shown(response: HttpResponse) -> list[str] | None:
    """What a response shows a person: a page's text, an API refusal's message; None for files."""
    content_type = response.headers.get("Content-Type", "")
    if response.headers.get("Content-Disposition") or response.streaming:
        return None
    if content_type.startswith("text/html"):
        return read_page(body_bytes(response).decode())[0]
    if content_type.startswith("application/json"):
        body = json.loads(body_bytes(response) or b"null")
        return [body["detail"]] if isinstance(body, dict) and isinstance(body.get("detail"), str) else []
    return None


class _Crawler:
    def __init__(self, world, crawl: Crawl):
        self.world, self.crawl = world, crawl
        self.clients = {who: world.cast.client(who) for who in CAST}
        self.refusals_read: set[tuple[str, int]] = set()
        self.forms_seen: set[tuple] = set()

    def _client(self, who: str) -> Client:
        """A client with `who`'s session: a form may log out or switch the language, which must not last."""
        client = Client()
        client.cookies.load({key: morsel.value for key, morsel in self.clients[who].cookies.items()})
        return client

    def _send(self, who: str, method: str, url: str, data: dict | None = None) -> HttpResponse | None:
        """The response to one request, whose writes are rolled back; None when the view crashed (recorded)."""
        mail.outbox.clear()
        try:
            # What waits for the commit (e-mails) runs before the savepoint is rolled back.
            with transaction.atomic():
                with TestCase.captureOnCommitCallbacks(execute=True):
                    if method == "GET" and data is None:
                        response = self.clients[who].get(url)
                    elif method == "GET":
                        response = self._client(who).get(url, data, follow=True)
                    else:
                        response = self._client(who).post(url, data, follow=True)
                if response.streaming:
                    # A file: nothing to read on it. Closed as the test client closes responses, without the
                    # end-of-request signal, which would close the crawl's long-lived database connection.
                    request_finished.disconnect(close_old_connections)
                    try:
                        response.close()
                    finally:
                        request_finished.connect(close_old_connections)
                else:
                    response.content  # noqa: B018 - read before the rollback
                transaction.set_rollback(True)
        except Exception as error:  # any crash is reported with its request
            self.crawl.crashes.append(f"{who} {method} {url} {data!r}: {type(error).__name__}: {error}")
            return None
        finally:
            cache.clear()
        for message in mail.outbox:
            self.crawl.mails_read += 1
            _record(self.crawl.forms, [message.subject, message.body], f"e-mail to {message.to} after {who} "
                    f"{method} {url}")
        return response

    def row(self, name: str, case: Case) -> None:
        if case.check is not None:
            return  # a download (Word, PDF, Excel): a document, not a page
        with transaction.atomic():
            try:
                url = case.url(self.world)
            except Exception as error:  # reported by a test below
                self.crawl.unbuilt.append(f"{name}: {type(error).__name__}: {error}")
                transaction.set_rollback(True)
                return
            for who in CAST:
                expected = case.get[who]
                if expected in NO_PAGE:
                    continue
                if expected != 200:
                    if (who, expected) in self.refusals_read:
                        continue
                    self.refusals_read.add((who, expected))
                if not self.page(who, url) and expected == 200:
                    break  # a file: the others get the same
            transaction.set_rollback(True)

    def page(self, who: str, url: str) -> bool:
        """Read the page at `url` as `who`, then send its forms; False if it was not a page."""
        response = self._send(who, "GET", url)
        shown = None if response is None else _shown(response)
        if shown is None:
            return False
        self.crawl.pages_read += 1
        _record(self.crawl.pages[who], shown, url)
        if response.status_code == 200 and response.headers.get("Content-Type", "").startswith("text/html"):
            for form in read_page(body_bytes(response).decode())[1]:
                self.form(who, url, form)
        return True

    def form(self, who: str, page_url: str, form: Form) -> None:
        action = urlsplit(urljoin(page_url, form.action or page_url))
        try:
            route = str(resolve(action.path).route)
        except Resolver404:
            return
        key = (route, form.method, tuple(sorted(name for name, *_ in form.controls)))
        if key in self.forms_seen:
            return
        self.forms_seen.add(key)
        target = action.path + (f"?{action.query}" if action.query else "")
        method = "POST" if form.method == "post" else "GET"
        for empty in (True, False) if method == "POST" else (False,):
            data = bad_values(form, empty=empty)
            response = self._send(who, method, target, data)
            self.crawl.forms_sent += 1
            shown = None if response is None else _shown(response)
            if shown:
                _record(self.crawl.forms, shown, f"{who} {method} {target} {'empty' if empty else 'bad values'}")


@pytest.fixture(scope="module")
def crawl(django_db_setup, django_db_blocker, tmp_path_factory) -> Crawl:
    settings = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"),
                                 PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    result = Crawl()
    with (django_db_blocker.unblock(), settings, time_machine.travel(MATRIX_NOW, tick=True),
          translation.override("vi"), transaction.atomic()):
        cache.clear()
        world = build_fixtures(make_cast())
        User.objects.update(language="vi")
        crawler = _Crawler(world, result)
        for name, entry in MATRIX.items():
            for case in entry if isinstance(entry, list) else [entry]:
                crawler.row(name, case)
        transaction.set_rollback(True)
    cache.clear()
    return result


def _listing(found: dict[str, list[str]]) -> str:
    return "\n".join(f"  {text}\n      on {', '.join(places[:3])}" + (f" (+{len(places) - 3} more)"
                                                                     if len(places) > 3 else "")
                     for text, places in sorted(found.items()))


def test_the_crawl_reaches_every_row_and_its_forms(crawl):
    assert not crawl.unbuilt, "matrix rows whose URL could not be built:\n" + "\n".join(crawl.unbuilt)
    assert crawl.pages_read > 500
    assert crawl.forms_sent > 100
    assert crawl.mails_read > 0


@pytest.mark.parametrize("who", CAST)
def test_pages_hold_no_english(crawl, who):
    found = crawl.pages[who]

    assert not found, f"English (or \"bạn\") on pages {who} is shown in Vietnamese:\n{_listing(found)}"


def test_form_errors_messages_and_emails_hold_no_english(crawl):
    found = crawl.forms

    assert not found, "English (or \"bạn\") after sending forms empty or with bad values:\n" + _listing(found)


def test_forms_refuse_bad_values_without_crashing(crawl):
    assert not crawl.crashes, "requests that crashed:\n" + "\n".join(crawl.crashes)


# --- the detector itself -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["— Select an option —", "This field is required.", "Enter a valid date.",
                                  "Bạn không có quyền xem trang này.", "Xin chào bạn", "Save", "Next page",
                                  "Please correct the errors below."])
def test_english_and_familiar_you_are_found(text):
    assert english_in(text)


@pytest.mark.parametrize("text", ["— chọn —", "Trường này là bắt buộc.", "Đảng ủy xã Hòa An",
                                  "Tải tệp PDF hoặc Excel", "Mã QR", "Mã truy cập API",
                                  "Đồng chí chưa nộp bản kiểm điểm",
                                  "Cột full_name", "Xem /units/5/ hoặc https://soisua.example.org/units/",
                                  "Thư gửi tới dovangiang@example.org", "Ngô Văn Sơn, Nam, 02/09/1980",
                                  "Tiếng Việt English", "Gửi `Authorization: Bearer <token>` và đọc `{\"detail\": …}`"])
def test_vietnamese_text_and_allowed_words_pass(text):
    assert english_in(text) == []


def test_usernames_are_data_but_english_around_them_is_not():
    assert english_in("Quyền của secretary", names=USERNAMES) == []
    assert english_in("Save for secretary", names=USERNAMES) == ["Save", "for"]


# --- the API's documentation -------------------------------------------------------------------------------------


def test_the_api_schema_reads_in_vietnamese(client, db):
    schema = client.get("/api/openapi.json").json()

    texts = [schema["info"]["title"], schema["info"]["description"]]
    for path in schema["paths"].values():
        for operation in path.values():
            texts += [operation["summary"], operation.get("description", ""), *operation.get("tags", [])]
            texts += [answer["description"] for answer in operation["responses"].values()]
            texts += [parameter.get("description", "") for parameter in operation.get("parameters", [])]
    english = {text: english_in(text) for text in texts if english_in(text)}

    assert len(schema["paths"]) >= 5
    assert not english, f"English in the API's schema: {english}"


def test_the_api_docs_page_is_vietnamese_and_served_from_the_project(client, db):
    response = client.get("/api/docs")
    texts, _forms = read_page(response.text)

    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert [text for text in texts if english_in(text)] == []
    assert "Tài liệu API" in response.text
    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', response.text)
    assert scripts and all(source.startswith("/static/") for source in scripts), scripts


# --- what no crawl reaches: every translation and every template ---------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "soisua" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*[sdif]|%[sdi]|\{\w*\}|<[^>]+>")


def _translations(po: str) -> list[str]:
    """Each msgstr of a catalogue (plural forms apart), obsolete entries and the header left out."""
    found = []
    for block in po.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        for text in re.findall(r'^msgstr(?:\[\d+\])? ((?:".*"\n?)+)', block + "\n", re.MULTILINE):
            text = "".join(re.findall(r'"(.*)"', text)).replace('\\"', '"').replace("\\n", " ")
            if text and "Project-Id-Version" not in text:
                found.append(text)
    return found


def test_every_translation_reads_in_vietnamese():
    """Inbox messages, e-mails and pages no crawl reaches are made of these: none is English or says "bạn"."""
    translations = _translations(CATALOGUE.read_text())

    english = {text[:100]: words for text in translations if (words := english_in(PLACEHOLDER.sub(" ", text)))}

    assert len(translations) > 1000
    assert not english, f"translations with English words or \"bạn\": {english}"


def test_no_template_says_ban():
    files = [path for pattern in ("*.html", "*.txt") for path in (ROOT / "soisua").rglob(pattern)]

    familiar = sorted(str(path.relative_to(ROOT)) for path in files
                      if re.search(r"\bbạn\b", unicodedata.normalize("NFC", path.read_text()), re.IGNORECASE))

    assert len(files) > 100
    assert not familiar, f"templates that say \"bạn\" (the product says \"đồng chí\"): {familiar}"
