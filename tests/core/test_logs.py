"""No personal data in the logs (docs/deploy.md, "Logs"): what a request writes to the log handlers names paths, never
what was searched for or typed into the login form."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soisua.core.errors import DomainError
from soisua.corrections import services as corrections
from tests.corrections.test_evidence_storage import full_disk  # noqa: F401
from tests.corrections.test_plans import PDF, approved_plan, frozen, shortcoming_of  # noqa: F401


@pytest.fixture
def records():
    """Every record any logger emits during the test, at every level, as the handlers would receive it."""
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)

    handler = Keep(level=logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield seen
    root.removeHandler(handler)
    root.setLevel(level)


def _written(records) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in records)


def test_a_failed_login_writes_neither_the_user_name_nor_the_password(cast, client, records):
    response = client.post(reverse("accounts:login"), {"username": "tran.thi.binh.001190000001",
                                                       "password": "Bí-mật-của-Bình-2024"})

    assert response.status_code == 200
    written = _written(records)
    assert "tran.thi.binh" not in written
    assert "001190000001" not in written
    assert "Bí-mật" not in written


def test_a_search_and_a_missing_page_log_no_name_or_id_number(cast, records):
    client = cast.client("parent_staff")

    searched = client.get(reverse("org:members.search"), {"q": "Trần Thị Bình 001190000001"})
    missing = client.get("/khong-co/001190000001/", {"ten": "Trần Thị Bình"})

    assert searched.status_code == 200
    assert missing.status_code == 404
    written = _written(records)
    assert "Not Found: /khong-co/" in written  # the path is logged, as a 404 is
    assert "Trần Thị Bình" not in written
    assert "ten=" not in written
    assert written.count("001190000001") == written.count("/khong-co/001190000001/")


def test_a_file_that_could_not_be_stored_is_logged_without_its_name(cast, frozen, full_disk, records):  # noqa: F811
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)

    with pytest.raises(DomainError):
        corrections.post_progress(shortcoming, note="Biên lai", by=cast.users["member"],
                                  evidence=SimpleUploadedFile("kiem-diem-tran-thi-binh.pdf", PDF * 100))

    written = _written(records)
    assert "could not store a file in evidence/" in written
    assert "tran-thi-binh" not in written
