"""Evidence when the disk is full: the whole file and its row, or neither, and the person is told why."""

import errno
import os

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soisua.core.errors import DomainError
from soisua.corrections import services
from soisua.corrections.models import ProgressEntry
from tests.corrections.test_plans import PDF, approved_plan, frozen, shortcoming_of  # noqa: F401


class FullDisk(FileSystemStorage):
    """Writes the first chunk of a file, then the disk is full (as a tmpfs at its size)."""

    def _save(self, name, content):
        full_path = self.path(name)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with open(full_path, "xb") as partial:
            partial.write(next(iter(content.chunks(chunk_size=8)))[:8])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_disk(settings, monkeypatch):
    field = ProgressEntry._meta.get_field("evidence")
    monkeypatch.setattr(field, "storage", FullDisk(location=settings.MEDIA_ROOT))


def files_under(root) -> list[str]:
    return [os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names]


def test_a_full_disk_leaves_neither_a_row_nor_a_partial_file(cast, frozen, settings, full_disk):  # noqa: F811
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)

    with pytest.raises(DomainError) as error:
        services.post_progress(shortcoming, note="Biên lai", by=cast.users["member"],
                               evidence=SimpleUploadedFile("bien-lai.pdf", PDF * 100))

    assert error.value.code == "storage"
    assert not shortcoming.progress.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_the_page_says_so_in_vietnamese_and_keeps_the_note(cast, frozen, settings, full_disk):  # noqa: F811
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)

    response = cast.client("member").post(
        reverse("corrections:shortcomings.progress", args=[shortcoming.pk]),
        {"note": "Đã nộp biên lai tháng 11", "evidence": SimpleUploadedFile("bien-lai.pdf", PDF * 100)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "“bien-lai.pdf” không lưu được: máy chủ hiện đã hết chỗ." in page
    assert "Đã nộp biên lai tháng 11" in page
    assert not shortcoming.progress.exists()
    assert files_under(settings.MEDIA_ROOT) == []


def test_the_stored_file_is_whole_and_named_apart_from_another_of_the_same_name(cast, frozen):  # noqa: F811
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)

    first, second = (services.post_progress(shortcoming, note="Biên lai", by=cast.users["member"],
                                            evidence=SimpleUploadedFile("bien-lai.pdf", PDF + bytes([n])))
                     for n in (1, 2))

    assert first.evidence.name != second.evidence.name
    stored = []
    for entry in ProgressEntry.objects.order_by("pk"):
        with entry.evidence.open("rb") as file:
            stored.append(file.read())
    assert stored == [PDF + b"\x01", PDF + b"\x02"]
    assert [entry.evidence_name for entry in (first, second)] == ["bien-lai.pdf", "bien-lai.pdf"]
