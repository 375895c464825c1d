"""Spreadsheets too large to write while the person waits: above `EXPORT_INLINE_MAX_ROWS` an export job is queued,
written by its task (run at once by the tests' immediate backend), announced in the inbox, kept for its requester
alone while they may still read what it lists, and deleted once expired."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.documents import services
from soisua.documents.jobs import purge_expired_exports
from soisua.documents.models import ExportJob, ExportStatus
from soisua.notifications.models import Notification
from soisua.org import services as org
from tests.conftest import fixed_now
from tests.files import body, read_table
from tests.reviews.test_cycles import open_for

CITIZEN_ID = "001190000001"  # the cast member's, see tests/conftest.py


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    """Two members are already too many to write in the request."""
    settings.EXPORT_INLINE_MAX_ROWS = 1


def roster_url(unit, fmt: str = "xlsx") -> str:
    return reverse("documents:roster", args=[unit.pk, fmt])


def test_a_large_roster_is_written_in_the_background_and_its_page_offers_the_file(cast):
    client = cast.client("secretary")

    response = client.get(roster_url(cast.cell))

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:exports.detail", args=[job.pk])
    assert (job.status, job.total_rows, job.done_rows) == (ExportStatus.DONE, 2, 2)
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".xlsx")
    assert job.file_name == "Danh-sach-dang-vien-Chi-bo-Thon-1.xlsx"
    assert abs(job.expires_at - job.created_at - datetime.timedelta(days=7)) < datetime.timedelta(seconds=1)
    page = client.get(response["Location"])
    assert reverse("documents:exports.file", args=[job.pk]) in page.text
    assert (fixed_now() + datetime.timedelta(days=7)).strftime("%d/%m/%Y") in page.text


def test_the_file_of_a_background_export_reads_back_and_its_download_is_recorded(cast):
    client = cast.client("secretary")
    job_url = client.get(roster_url(cast.cell))["Location"]
    job = ExportJob.objects.get()

    response = client.get(reverse("documents:exports.file", args=[job.pk]))

    rows = read_table(body(response))
    assert response["Content-Disposition"] == 'attachment; filename="Danh-sach-dang-vien-Chi-bo-Thon-1.xlsx"'
    assert [row[1] for row in rows[1:]] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert CITIZEN_ID in {str(value) for row in rows for value in row}
    [entry] = AuditEntry.objects.filter(action="documents.roster.export", object_id=str(cast.cell.pk))
    assert (entry.actor, entry.changes) == (cast.users["secretary"], {"format": "xlsx", "personal": True})
    assert job_url.endswith(f"/exports/{job.pk}/")


def test_the_requester_is_told_in_the_inbox_and_by_email_with_the_link(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cast.client("secretary").get(roster_url(cast.cell))

    job = ExportJob.objects.get()
    [message] = Notification.objects.filter(kind="documents.export")
    assert message.recipient == cast.users["secretary"]
    assert message.url == reverse("documents:exports.detail", args=[job.pk])
    assert "Chi bộ Thôn 1" in message.title
    assert [email.to for email in mail.outbox] == [[cast.users["secretary"].email]]
    assert message.url in mail.outbox[0].body


@pytest.mark.parametrize("who", ["member", "parent_staff", "sibling"])
def test_nobody_but_the_requester_opens_or_downloads_an_export(cast, who):
    cast.client("secretary").get(roster_url(cast.cell))
    job = ExportJob.objects.get()

    page = cast.client(who).get(reverse("documents:exports.detail", args=[job.pk]))
    progress = cast.client(who).get(reverse("documents:exports.progress", args=[job.pk]))
    download = cast.client(who).get(reverse("documents:exports.file", args=[job.pk]))

    assert (page.status_code, progress.status_code, download.status_code) == (404, 404, 404)


def test_a_requester_who_may_no_longer_read_the_unit_cannot_download_the_export(cast):
    client = cast.client("member")
    client.get(roster_url(cast.cell, "csv"))
    job = ExportJob.objects.get()

    org.transfer_member(cast.members["member"], to_cell=cast.other_cell, reason="Chuyển sinh hoạt", by=SYSTEM)
    response = client.get(reverse("documents:exports.file", args=[job.pk]))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="documents.roster.export").exists()


def test_a_background_csv_holds_the_members_without_personal_data_for_a_plain_member(cast):
    client = cast.client("member")
    client.get(roster_url(cast.cell, "csv"))
    job = ExportJob.objects.get()

    content = body(client.get(reverse("documents:exports.file", args=[job.pk]))).decode("utf-8")

    assert content.startswith("\ufeff")
    assert "Trần Thị Bình" in content and CITIZEN_ID not in content


def test_a_small_roster_is_still_written_in_the_request(cast, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2

    response = cast.client("secretary").get(roster_url(cast.cell))

    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [row[1] for row in read_table(body(response))[1:]] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert not ExportJob.objects.exists()


def test_word_and_pdf_are_never_queued(cast):
    response = cast.client("secretary").get(roster_url(cast.cell, "docx"))

    assert response.status_code == 200
    assert not ExportJob.objects.exists()


def test_the_progress_fragment_polls_while_the_job_waits_and_stops_when_done(cast):
    job = services.start_export(kind="documents.roster", object_id=cast.cell.pk, file_format="xlsx", total_rows=2,
                                by=cast.users["secretary"])
    client = cast.client("secretary")
    done = client.get(reverse("documents:exports.progress", args=[job.pk]))
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done_rows=1)

    running = client.get(reverse("documents:exports.progress", args=[job.pk]))

    assert "hx-trigger" in running.text and 'max="2" value="1"' in running.text
    assert "hx-trigger" not in done.text and reverse("documents:exports.file", args=[job.pk]) in done.text


def test_expired_exports_are_deleted_by_the_periodic_job(cast, django_capture_on_commit_callbacks):
    cast.client("secretary").get(roster_url(cast.cell))
    job = ExportJob.objects.get()
    storage, name = job.file.storage, job.file.name

    with (time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=False),
          django_capture_on_commit_callbacks(execute=True)):
        result = purge_expired_exports()
        response = cast.client("secretary").get(reverse("documents:exports.file", args=[job.pk]))

    job.refresh_from_db()
    assert result == "1 expired"
    assert (job.status, job.file.name) == (ExportStatus.EXPIRED, "")
    assert not storage.exists(name)
    assert response.status_code == 404


def test_an_export_whose_expiry_fails_to_be_written_keeps_its_file(cast, monkeypatch):
    cast.client("secretary").get(roster_url(cast.cell))
    job = ExportJob.objects.get()
    storage, name = job.file.storage, job.file.name

    def fail(*args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(services.audit, "record", fail)
    with (time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=False),
          pytest.raises(DatabaseError)):
        purge_expired_exports()

    job.refresh_from_db()
    assert (job.status, job.file.name) == (ExportStatus.DONE, name)
    assert storage.exists(name)


def test_an_export_past_its_day_offers_no_download_even_before_the_periodic_job(cast):
    cast.client("secretary").get(roster_url(cast.cell))
    job = ExportJob.objects.get()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=False):
        page = cast.client("secretary").get(reverse("documents:exports.detail", args=[job.pk])).text

    assert reverse("documents:exports.file", args=[job.pk]) not in page
    assert "Tệp đã bị xóa" in page


def test_an_export_still_fresh_is_kept(cast):
    cast.client("secretary").get(roster_url(cast.cell))

    with time_machine.travel(timezone.now() + datetime.timedelta(days=6), tick=False):
        purge_expired_exports()

    assert ExportJob.objects.get().status == ExportStatus.DONE


def test_a_cycles_results_across_a_large_subtree_are_written_in_the_background(cast):
    cycle = open_for(cast.commune)
    client = cast.client("parent_staff")

    response = client.get(reverse("reviews:cycles.results", args=[cycle.pk, "xlsx"]))

    job = ExportJob.objects.get()
    content = body(client.get(reverse("documents:exports.file", args=[job.pk])))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert response["Location"] == reverse("documents:exports.detail", args=[job.pk])
    assert (job.kind, job.status) == ("reviews.results", ExportStatus.DONE)
    assert [row[1] for row in read_table(content)[1:]] == ["Đảng ủy xã Hòa An", "Chi bộ Thôn 1", "Chi bộ Thôn 2"]
    assert any(cell.value == "Tổng cộng" for row in sheet.iter_rows() for cell in row)


def test_an_export_left_running_by_a_worker_that_died_is_written_when_its_task_runs_again(cast):
    cast.client("secretary").get(roster_url(cast.cell))
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, file="", done_rows=1, finished_at=None)

    services.run_export(ExportJob.objects.get(pk=job.pk))

    job.refresh_from_db()
    assert (job.status, job.done_rows) == (ExportStatus.DONE, 2)
    with job.file.open("rb") as stored:
        assert [row[1] for row in read_table(stored.read())[1:]] == ["Trần Thị Bình", "Lê Văn Cường"]


def test_a_finished_export_is_not_written_again_by_a_repeated_task(cast):
    cast.client("secretary").get(roster_url(cast.cell))
    job = ExportJob.objects.get()

    services.run_export(job)

    assert ExportJob.objects.get(pk=job.pk).file.name == job.file.name
