"""Roster import pages: access, upload errors next to the field, progress fragment, confirmation."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.html import escape

from soisua.audit.models import AuditEntry
from soisua.documents import imports, services
from soisua.documents.models import ImportJob, ImportStatus
from soisua.org.models import Member

HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Mã chi bộ"


def csv_file(*rows: str, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADER, *rows]).encode("utf-8"), content_type="text/csv")


def upload(cast, who: str, file: SimpleUploadedFile, unit=None):
    unit = unit or cast.cell
    return cast.client(who).post(f"/documents/units/{unit.pk}/import/", {"file": file})


def test_import_page_shows_labelled_file_input(cast):
    response = cast.client("secretary").get(f"/documents/units/{cast.cell.pk}/import/")

    assert response.status_code == 200
    assert '<label for="id_file">' in response.text
    assert 'type="file"' in response.text
    assert '<button type="submit">' in response.text


@pytest.mark.parametrize(("who", "status"), [("sibling", 404), ("unrelated_staff", 404), ("member", 403),
                                             ("inspector", 403)])
def test_import_page_refuses_strangers_and_readers(cast, who, status):
    response = cast.client(who).get(f"/documents/units/{cast.cell.pk}/import/")
    posted = upload(cast, who, csv_file("1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"))

    assert (response.status_code, posted.status_code) == (status, status)
    assert not ImportJob.objects.exists()


def test_import_page_anonymous_is_sent_to_login(cast):
    response = cast.client("anonymous").get(f"/documents/units/{cast.cell.pk}/import/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_upload_valid_file_redirects_to_report_with_confirm_button(cast):
    response = upload(cast, "secretary", csv_file("1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/documents/imports/{job.pk}/"
    page = cast.client("secretary").get(response["Location"])
    assert job.status == ImportStatus.VALID
    assert f'action="/documents/imports/{job.pk}/confirm/"' in page.text


def test_upload_wrong_type_shows_error_next_to_field_and_saves_nothing(cast):
    response = upload(cast, "secretary", SimpleUploadedFile("roster.exe", b"MZ\x90\x00"))

    assert response.status_code == 200
    assert 'class="errorlist"' in response.text
    assert ".xlsx" in response.text
    assert not ImportJob.objects.exists()


def test_upload_of_50_megabytes_is_refused_unread(cast, settings):
    big = SimpleUploadedFile("roster.csv", b"a" * (50 * 1024 * 1024))

    response = upload(cast, "secretary", big)

    assert response.status_code == 200
    errors = response.text.split('id="id_file_errors"')[1].split("</ul>")[0]
    with translation.override("vi"):
        assert escape(imports.too_large_error().messages[0]) in errors
    assert not ImportJob.objects.exists()
    assert not (settings.MEDIA_ROOT / "imports").exists()


def test_invalid_file_report_lists_errors_and_asks_for_a_new_upload(cast):
    upload(cast, "secretary", csv_file("1,,02/09/1980,Nam,20000001,TN-HA-1",
                                       "2,Trần Thị Mai,31/02/1980,Nữ,20000002,TN-HA-1"))
    job = ImportJob.objects.get()

    page = cast.client("secretary").get(f"/documents/imports/{job.pk}/")

    assert job.status == ImportStatus.INVALID
    assert '<th scope="col">' in page.text
    assert "Họ và tên" in page.text and "Ngày sinh" in page.text
    assert f'href="/documents/units/{cast.cell.pk}/import/"' in page.text
    assert "/confirm/" not in page.text


def test_error_table_is_paginated_by_100(cast):
    rows = [f"{n},Nguyễn Văn Hùng,99/99/1980,Nam,{30000000 + n},TN-HA-1" for n in range(1, 151)]
    upload(cast, "secretary", csv_file(*rows))
    job = ImportJob.objects.get()

    first = cast.client("secretary").get(f"/documents/imports/{job.pk}/")
    second = cast.client("secretary").get(f"/documents/imports/{job.pk}/?page=2")

    assert first.text.count("<tr><td>") == 100
    assert second.text.count("<tr><td>") == 50
    assert "<td>151</td>" in second.text


def test_confirm_applies_and_progress_fragment_stops_polling(cast):
    upload(cast, "secretary", csv_file("1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"))
    job = ImportJob.objects.get()

    response = cast.client("secretary").post(f"/documents/imports/{job.pk}/confirm/")
    fragment = cast.client("secretary").get(f"/documents/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")

    assert response.status_code == 302
    assert Member.objects.get(card_number="20000001").cell == cast.cell
    assert 'id="import-progress"' in fragment.text
    assert "hx-trigger" not in fragment.text
    assert "<html" not in fragment.text
    assert f'href="/units/{cast.cell.pk}/"' in fragment.text


def test_progress_fragment_polls_while_running(cast):
    upload(cast, "secretary", csv_file("1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING, processed_rows=5000,
                                                total_rows=20000)

    fragment = cast.client("secretary").get(f"/documents/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 1s"' in fragment.text
    assert 'hx-swap="outerHTML"' in fragment.text
    assert f'hx-get="/documents/imports/{job.pk}/progress/"' in fragment.text
    assert '<progress id="import-bar" max="20000" value="5000">' in fragment.text
    assert 'role="status"' in fragment.text
    assert "<script" not in fragment.text and "style=" not in fragment.text


def test_confirm_is_post_only(cast):
    upload(cast, "secretary", csv_file("1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"))
    job = ImportJob.objects.get()

    response = cast.client("secretary").get(f"/documents/imports/{job.pk}/confirm/")

    assert response.status_code == 405
    assert not Member.objects.filter(card_number="20000001").exists()


@pytest.mark.parametrize(("who", "status"), [("sibling", 404), ("unrelated_staff", 404), ("member", 404),
                                             ("inspector", 404), ("parent_staff", 200)])
def test_job_pages_are_for_uploader_and_writers_of_the_unit(cast, who, status):
    upload(cast, "secretary", csv_file("1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"))
    job = ImportJob.objects.get()

    detail = cast.client(who).get(f"/documents/imports/{job.pk}/")
    progress = cast.client(who).get(f"/documents/imports/{job.pk}/progress/")
    confirm = cast.client(who).post(f"/documents/imports/{job.pk}/confirm/")

    assert (detail.status_code, progress.status_code) == (status, status)
    assert confirm.status_code == (302 if status == 200 else status)
    assert Member.objects.filter(card_number="20000001").exists() == (status == 200)


def test_parent_staff_cannot_import_into_other_commune_codes(cast):
    file = csv_file(f"1,Hoàng Văn Em,,Nam,{cast.members['other'].card_number},TN-HA-1",
                    "2,Nguyễn Văn Hùng,,Nam,20000001,TN-HB-3")

    upload(cast, "parent_staff", file, unit=cast.commune)

    job = ImportJob.objects.get()
    # Row 2's card number belongs to a member of another commune: checked like an unknown number, not refused.
    assert [(error["row"], error["code"]) for error in job.errors] == [(3, "unit_out_of_scope")]
    assert cast.client("unrelated_staff").get(f"/documents/units/{cast.commune.pk}/import/").status_code == 404


def test_command_reports_errors_and_exits_non_zero(cast, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, "1,,02/09/1980,Nam,20000001,TN-HA-1"]), encoding="utf-8")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_roster", "TN-HA", str(path), "--confirm", stdout=out)

    assert "row 2" in out.getvalue() and "required" in out.getvalue()
    assert not Member.objects.filter(card_number="20000001").exists()


def test_command_applies_only_with_confirm(cast, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, "1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"]), encoding="utf-8")

    call_command("import_roster", "TN-HA", str(path), stdout=io.StringIO())
    checked_only = Member.objects.filter(card_number="20000001").exists()
    call_command("import_roster", "TN-HA", str(path), "--confirm", stdout=io.StringIO())

    assert not checked_only
    assert Member.objects.filter(card_number="20000001").exists()


def test_command_records_the_import_as_the_systems(cast, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, "1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"]), encoding="utf-8")

    call_command("import_roster", "TN-HA", str(path), "--confirm", stdout=io.StringIO())

    job = ImportJob.objects.get()
    member = Member.objects.get(card_number="20000001")
    entries = [*AuditEntry.objects.filter(object_type="documents.importjob", object_id=str(job.pk)),
               *AuditEntry.objects.filter(object_type="org.member", object_id=str(member.pk))]
    assert job.created_by is None
    assert sorted(entry.action for entry in entries) == ["documents.import.apply", "documents.import.confirm",
                                                          "documents.import.upload", "org.member.create"]
    assert {(entry.actor_id, entry.actor_label) for entry in entries} == {(None, "system")}


def test_command_refuses_wrong_file_type(cast, tmp_path):
    path = tmp_path / "roster.txt"
    path.write_text("hello", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_roster", "TN-HA", str(path), stdout=io.StringIO())

    assert not ImportJob.objects.exists()


def test_start_import_service_is_what_the_view_uses(cast):
    job = services.start_import(unit=cast.cell, upload=csv_file("1,Nguyễn Văn Hùng,,Nam,20000001,TN-HA-1"),
                                by=cast.users["secretary"])

    assert job.created_by == cast.users["secretary"]
    assert job.original_name == "roster.csv"
