"""Attached files (evidence, meeting documents) are refused at the size limit while the request is being read."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import FakePayload
from django.urls import reverse
from django.utils import timezone

from soisua.core import uploads
from soisua.corrections import services as corrections
from soisua.corrections.models import ProgressEntry
from soisua.documents.models import ImportJob
from soisua.meetings import services as meetings
from soisua.meetings.models import MeetingDocument

LIMIT = 100_000
LARGE = 2_000_000  # twenty times the limit; a 50 MB body behaves the same, only slower to build


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.EVIDENCE_MAX_BYTES = LIMIT


@pytest.fixture
def body_read(monkeypatch) -> list[int]:
    """How many bytes of the request body the server read (the test client's body is a FakePayload)."""
    counted = [0]
    original = FakePayload.read

    def read(self, size=-1, /):
        chunk = original(self, size)
        counted[0] += len(chunk)
        return chunk

    monkeypatch.setattr(FakePayload, "read", read)
    return counted


def pdf(size: int, name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * (size - 9), content_type="application/pdf")


def page_text(response) -> str:
    return response.content.decode().replace("\xa0", " ")  # sizes are written with a no-break space


@pytest.fixture
def meeting(cast):
    starts = timezone.now() + datetime.timedelta(days=10)
    return meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=120), by=cast.users["secretary"])


def test_a_meeting_document_over_the_limit_is_refused_before_the_body_is_read(cast, meeting, body_read):
    response = cast.client("secretary").post(reverse("meetings:documents.add", args=[meeting.pk]),
                                             {"title": "Dự thảo nghị quyết", "file": pdf(LARGE)}, follow=True)

    assert "“bien-ban.pdf” quá lớn: tối đa 97,7 KB." in page_text(response)
    assert not MeetingDocument.objects.exists()
    assert body_read[0] < LIMIT + 300_000 < LARGE


def test_evidence_over_the_limit_is_refused_before_the_body_is_read(cast, body_read):
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"],
                                                 text="Chậm đóng đảng phí", by=cast.users["secretary"])

    response = cast.client("member").post(reverse("corrections:shortcomings.progress", args=[shortcoming.pk]),
                                          {"note": "Đã nộp đủ", "evidence": pdf(LARGE, "bien-lai.pdf")},
                                          follow=True)

    assert "“bien-lai.pdf” quá lớn: tối đa 97,7 KB." in page_text(response)
    assert not ProgressEntry.objects.filter(shortcoming=shortcoming).exists()
    assert body_read[0] < LIMIT + 300_000 < LARGE


def test_a_file_at_the_limit_is_still_accepted(cast, meeting):
    response = cast.client("secretary").post(reverse("meetings:documents.add", args=[meeting.pk]),
                                             {"title": "Báo cáo", "file": pdf(LIMIT)})

    assert response.status_code == 302
    document = MeetingDocument.objects.get()
    assert document.file.size == LIMIT


def test_the_fields_sent_before_a_refused_file_are_kept():
    request = RequestFactory().post("/", {"note": "Đã nộp đủ", "evidence": pdf(LARGE)})

    assert request.POST["note"] == "Đã nộp đủ"
    refused = request.FILES["evidence"]
    assert isinstance(refused, uploads.RefusedUpload)
    assert (refused.name, refused.read()) == ("bien-ban.pdf", b"")
    assert LIMIT < refused.size < LARGE
    with pytest.raises(uploads.DomainError) as error:
        uploads.check_document_upload(refused)
    assert error.value.code == "size"


class Unsized(io.BytesIO):
    """A stream whose size is not known beforehand."""

    name = "bien-ban.pdf"
    size = None

    def __init__(self, content: bytes):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1, /):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_a_file_of_unknown_size_is_read_only_up_to_one_byte_past_the_limit():
    stream = Unsized(b"%PDF-1.4\n" + b"0" * LARGE)

    with pytest.raises(uploads.DomainError) as error:
        uploads.check_document_upload(stream)

    assert error.value.code == "size"
    assert stream.bytes_read == LIMIT + 1


def test_a_roster_may_still_be_larger_than_an_attached_document(cast, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    lines = ["Họ và tên,Mã chi bộ,Số thẻ đảng viên"] + [f"Nguyễn Văn {n},TN-HA-1,{40000000 + n}" for n in range(100)]
    roster = SimpleUploadedFile("roster.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")
    assert roster.size > 1000

    response = cast.client("secretary").post(reverse("documents:imports.create", args=[cast.cell.pk]),
                                             {"file": roster})

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("documents:imports.detail", args=[job.pk])
    assert job.total_rows == 100
