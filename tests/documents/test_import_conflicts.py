"""A roster row carrying the number of a member outside the importing unit: no oracle for the importer, no
duplicate, and a decision for the committee that sees both records."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.documents.models import ImportConflict, ImportJob, ImportStatus
from soisua.notifications.models import Notification
from soisua.org.enums import Role
from soisua.org.models import Member, RoleGrant
from tests.factories import UserFactory

HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Mã chi bộ"
UNKNOWN_CARD = "29990001"
OUTSIDE_CITIZEN_ID = "001090000777"


@pytest.fixture
def province_staff(cast):
    """Staff of the province: the lowest committee above both communes, who sees both cells."""
    user = UserFactory(username="province_staff")
    RoleGrant.objects.create(user=user, unit=cast.province, role=Role.STAFF)
    return user


@pytest.fixture
def outsider(cast):
    """The member of Chi bộ Thôn 3 (another commune), given a citizen ID."""
    member = cast.members["other"]
    Member.objects.filter(pk=member.pk).update(citizen_id=OUTSIDE_CITIZEN_ID)
    member.refresh_from_db()
    return member


def roster(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("danh-sach.csv", "\n".join([HEADER, *rows]).encode(), content_type="text/csv")


def upload(cast, *rows: str, who="parent_staff") -> ImportJob:
    response = cast.client(who).post(reverse("documents:imports.create", args=[cast.commune.pk]),
                                     {"file": roster(*rows)})
    job = ImportJob.objects.order_by("-pk").first()
    assert response["Location"] == reverse("documents:imports.detail", args=[job.pk])
    return job


def confirm(cast, job, who="parent_staff") -> ImportJob:
    response = cast.client(who).post(reverse("documents:imports.confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def report(cast, job, who="parent_staff") -> str:
    return cast.client(who).get(reverse("documents:imports.detail", args=[job.pk])).content.decode()


def report_main(cast, job) -> str:
    """The report's content as the importer reads it, the job's own id and the form's CSRF token left out."""
    page = report(cast, job)
    main = page[page.index("<main"):page.index("</main>")].replace(f"/imports/{job.pk}/", "/imports/#/")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def summary(job) -> tuple:
    return job.status, job.total_rows, job.new_count, job.updated_count, job.error_count, job.errors, job.held_count


@pytest.mark.parametrize("column", ["card", "citizen_id"])
def test_checking_answers_a_number_recorded_elsewhere_as_it_answers_an_unknown_one(cast, outsider, column):
    recorded = (f"1,Hoàng Văn Em,,Nam,{outsider.card_number},,TN-HA-1" if column == "card"
                else f"1,Hoàng Văn Em,,Nam,{UNKNOWN_CARD},{OUTSIDE_CITIZEN_ID},TN-HA-1")
    unknown = f"1,Hoàng Văn Em,,Nam,{UNKNOWN_CARD[:-1]}2,001090000888,TN-HA-1"

    held = upload(cast, recorded)
    new = upload(cast, unknown)

    assert summary(held) == summary(new) == (ImportStatus.VALID, 1, 1, 0, 0, [], 0)
    held_page, new_page = report_main(cast, held), report_main(cast, new)
    assert "Xác nhận nhập" in held_page
    assert held_page == new_page


def test_a_card_in_the_file_beside_a_citizen_id_recorded_elsewhere_is_no_oracle_either(cast, outsider):
    inside = cast.members["member"]  # card known inside the commune, citizen ID of the outsider
    job = upload(cast, f"1,{inside.full_name},,Nữ,{inside.card_number},{OUTSIDE_CITIZEN_ID},TN-HA-1")
    unknown = upload(cast, f"1,{inside.full_name},,Nữ,{inside.card_number},001190077777,TN-HA-1")

    # Shown as an unknown citizen ID is: a change of the member the card names (applying holds it instead).
    assert summary(job) == summary(unknown) == (ImportStatus.VALID, 1, 0, 1, 0, [], 0)


def test_applying_holds_a_row_shown_as_a_change_and_changes_nobody(cast, outsider, province_staff):
    inside = cast.members["member"]
    job = confirm(cast, upload(cast, f"1,{inside.full_name},,Nữ,{inside.card_number},{OUTSIDE_CITIZEN_ID},TN-HA-1"))

    assert (job.status, job.new_count, job.updated_count, job.held_count) == (ImportStatus.DONE, 0, 0, 1)
    assert Member.objects.get(pk=inside.pk).citizen_id == inside.citizen_id
    assert Member.objects.get(pk=outsider.pk).citizen_id == OUTSIDE_CITIZEN_ID
    conflict = ImportConflict.objects.get()
    assert (conflict.member, conflict.cell, conflict.committee) == (outsider, cast.cell, cast.province)
    assert Notification.objects.get(kind="documents.import_conflict").recipient == province_staff


def test_applying_holds_the_row_for_the_committee_above_both_cells(cast, outsider, province_staff):
    job = upload(cast, f"1,Hoàng Văn Em,,Nam,{outsider.card_number},,TN-HA-1",
                 "2,Nguyễn Văn Hùng,,Nam,29990002,,TN-HA-2")

    job = confirm(cast, job)

    assert (job.status, job.new_count, job.held_count) == (ImportStatus.DONE, 1, 1)
    assert Member.objects.filter(card_number=outsider.card_number).count() == 1
    assert Member.objects.get(card_number="29990002").cell == cast.sibling_cell
    outsider.refresh_from_db()
    assert (outsider.cell, outsider.full_name) == (cast.other_cell, "Hoàng Văn Em")
    conflict = ImportConflict.objects.get()
    assert (conflict.job, conflict.row, conflict.cell, conflict.member, conflict.committee) == (
        job, 2, cast.cell, outsider, cast.province)
    assert conflict.values["card_number"] == outsider.card_number
    assert AuditEntry.objects.filter(action="documents.import.hold", object_id=str(conflict.pk)).exists()
    told = Notification.objects.get(kind="documents.import_conflict")
    assert told.recipient == province_staff
    assert told.url == reverse("documents:conflicts.detail", args=[conflict.pk])
    assert "Chi bộ Thôn 1" in told.title
    # Neither the commune's staff (who imported) nor the other commune's staff is asked: each sees one cell only.
    assert not Notification.objects.filter(kind="documents.import_conflict").exclude(recipient=province_staff)


def test_the_importer_is_told_how_many_rows_are_held_and_nothing_about_them(cast, outsider, province_staff):
    job = confirm(cast, upload(cast, f"1,Hoàng Văn Em,,Nam,{outsider.card_number},,TN-HA-1"))

    page = report(cast, job)
    [done] = Notification.objects.filter(recipient=cast.users["parent_staff"], kind="documents.import")

    assert "1 dòng được giữ lại để cấp ủy xem xét." in page
    assert "1 dòng được giữ lại để cấp ủy xem xét." in done.body
    for text in (page, done.title + done.body):
        assert "Thôn 3" not in text
        assert "Hòa Bình" not in text
        assert outsider.card_number not in text


def test_the_committee_reads_the_held_row_and_records_its_decision(cast, outsider, province_staff):
    job = confirm(cast, upload(cast, f"1,Hoàng Văn Em,02/09/1980,Nam,{outsider.card_number},,TN-HA-1"))
    conflict = ImportConflict.objects.get(job=job)
    url = reverse("documents:conflicts.detail", args=[conflict.pk])
    committee = cast.client("anonymous")
    committee.force_login(province_staff)

    page = committee.get(url).content.decode()
    refused = {who: cast.client(who).get(url).status_code for who in ("parent_staff", "unrelated_staff", "member")}
    decided = committee.post(reverse("documents:conflicts.decide", args=[conflict.pk]),
                             {"decision": "Đồng chí Em đã chuyển sinh hoạt; chi bộ Thôn 1 được báo lại."})

    assert "Hoàng Văn Em" in page and "Chi bộ Thôn 3" in page and outsider.card_number in page
    # The row as the file gave it, in the page's words: labels for codes, dates as dd/mm/yyyy.
    assert "<td>02/09/1980</td>" in page and "1980-09-02" not in page
    assert "<td>Nam</td>" in page and "<td>Chính thức</td>" in page and ">official<" not in page
    assert refused == {"parent_staff": 404, "unrelated_staff": 404, "member": 404}
    assert decided["Location"] == url
    conflict.refresh_from_db()
    assert (conflict.resolved_by, conflict.decision) == (province_staff, "Đồng chí Em đã chuyển sinh hoạt; chi bộ "
                                                                         "Thôn 1 được báo lại.")


def test_an_empty_decision_is_refused_and_the_row_stays_open(cast, outsider, province_staff):
    job = confirm(cast, upload(cast, f"1,Hoàng Văn Em,,Nam,{outsider.card_number},,TN-HA-1"))
    conflict = ImportConflict.objects.get(job=job)
    committee = cast.client("anonymous")
    committee.force_login(province_staff)

    response = committee.post(reverse("documents:conflicts.decide", args=[conflict.pk]), {"decision": "  "})

    assert response.status_code == 200
    assert 'name="decision"' in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.resolved_at is None


def test_a_failed_apply_holds_nothing_and_tells_no_one(cast, outsider, province_staff, monkeypatch):
    from soisua.audit import services as audit

    job = upload(cast, f"1,Hoàng Văn Em,,Nam,{outsider.card_number},,TN-HA-1",
                 "2,Nguyễn Văn Hùng,,Nam,29990002,,TN-HA-2")

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record_many", fail)
    job = confirm(cast, job)

    assert job.status == ImportStatus.FAILED
    assert not ImportConflict.objects.exists()
    assert not Member.objects.filter(card_number="29990002").exists()
    assert not Notification.objects.filter(kind="documents.import_conflict").exists()


def test_the_held_row_waits_on_the_home_page_of_those_who_decide_it_until_decided(cast, outsider, province_staff,
                                                                                   settings):
    settings.AGENDA_CACHE_SECONDS = 0
    job = confirm(cast, upload(cast, f"1,Hoàng Văn Em,,Nam,{outsider.card_number},,TN-HA-1"))
    conflict = ImportConflict.objects.get(job=job)
    committee = cast.client("anonymous")
    committee.force_login(province_staff)
    item = "Xử lý dòng danh sách được giữ lại của Chi bộ Thôn 1"

    waiting = committee.get(reverse("org:dashboard")).content.decode()
    importer = cast.client("parent_staff").get(reverse("org:dashboard")).content.decode()
    committee.post(reverse("documents:conflicts.decide", args=[conflict.pk]), {"decision": "Đã báo lại chi bộ."})
    decided = committee.get(reverse("org:dashboard")).content.decode()

    assert item in waiting and reverse("documents:conflicts.detail", args=[conflict.pk]) in waiting
    assert item not in importer and item not in decided
