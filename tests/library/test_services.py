"""Library writes: publishing (what is refused and changes nothing), withdrawal keeping the record, bookmarks,
confirming a study once, who is asked, linking a session's documents, and the members told."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.library import queries, services
from soisua.library.models import Bookmark, LibraryDocument, SessionDocument, StudyRecord
from soisua.meetings import services as meetings
from soisua.meetings.models import Attendance
from soisua.notifications.models import Notification
from soisua.org import services as org
from soisua.org.enums import MemberStatus
from tests.factories import UserFactory, make_member

from .helpers import publish


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_publishing_a_required_document_tells_each_member_asked_once(cast, django_capture_on_commit_callbacks):
    exempt = make_member(cast.cell, "Đỗ Văn Miễn", user=UserFactory(username="exempt"),
                         status=MemberStatus.EXEMPT)

    with django_capture_on_commit_callbacks(execute=True):
        document = publish(cast)

    assert told("library.study") == {"member", "secretary", "sibling"}
    assert exempt.user.username not in told("library.study")
    assert {message.to[0] for message in mail.outbox} == {cast.users[name].email
                                                          for name in ("member", "secretary", "sibling")}
    assert services.tell_members(document) == 0
    assert AuditEntry.objects.filter(action="library.published", object_id=str(document.pk)).exists()


def test_a_large_subtree_is_told_by_a_task_after_the_commit(cast, settings, django_capture_on_commit_callbacks):
    settings.LIBRARY_NOTIFY_INLINE = 0

    with django_capture_on_commit_callbacks(execute=True):
        publish(cast)
        assert not told("library.study")

    assert told("library.study") == {"member", "secretary", "sibling"}


def test_a_document_not_required_tells_nobody(cast):
    publish(cast, required=False)

    assert not told("library.study")


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": " "}, "nhập tiêu đề văn bản"),
    ({"issuer": ""}, "nhập cơ quan ban hành"),
    ({"upload": None}, "đính kèm tệp văn bản"),
    ({"issued_on": datetime.date(2999, 1, 1)}, "Ngày ban hành phải là một ngày đã qua"),
    ({"due_in": -1}, "không được là một ngày đã qua"),
    ({"upload": SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\nxx")}, "chỉ nhận tệp PDF, Word (DOCX) và Excel (XLSX)"),
    ({"upload": SimpleUploadedFile("a.pdf", b"MZ not a pdf")}, "không thực sự là tệp PDF"),
])
def test_bad_input_is_refused_and_nothing_is_stored(cast, fields, message):
    with pytest.raises(ValidationError) as refused:
        publish(cast, **fields)

    assert any(message in text for text in refused.value.messages)
    assert not LibraryDocument.objects.exists()


def test_a_file_past_the_size_limit_is_refused(cast, settings):
    settings.EVIDENCE_MAX_BYTES = 100

    with pytest.raises(ValidationError, match="quá lớn"):
        publish(cast, upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200))

    assert not LibraryDocument.objects.exists()


def test_a_cell_does_not_publish(cast):
    with pytest.raises(ValidationError, match="Chỉ cấp ủy"):
        publish(cast, unit=cast.cell, by=SYSTEM)


def test_withdrawal_keeps_the_document_and_its_confirmations(cast):
    document = publish(cast)
    services.confirm_study(document, member=cast.members["member"], by=cast.users["member"])

    withdrawn = services.withdraw_document(document, reason="Đã có văn bản thay thế", version=document.version,
                                           by=cast.users["committee"])

    stored = LibraryDocument.objects.get(pk=document.pk)
    assert stored.withdrawn and stored.withdrawal_reason == "Đã có văn bản thay thế" and withdrawn.version == 2
    assert StudyRecord.objects.filter(document=document).count() == 1
    with pytest.raises(ValidationError, match="đã bị thu hồi"):
        services.confirm_study(stored, member=cast.members["secretary"], by=cast.users["secretary"])


def test_withdrawal_needs_a_reason_and_the_current_version(cast):
    document = publish(cast)

    with pytest.raises(ValidationError, match="lý do thu hồi"):
        services.withdraw_document(document, reason=" ", version=document.version, by=cast.users["committee"])
    with pytest.raises(ValidationError):
        services.withdraw_document(document, reason="Lý do", version=document.version - 1, by=cast.users["committee"])

    assert not LibraryDocument.objects.get(pk=document.pk).withdrawn


def test_a_study_is_confirmed_once(cast):
    document = publish(cast)
    member = cast.members["member"]

    services.confirm_study(document, member=member, by=cast.users["member"])
    with pytest.raises(ValidationError, match="đã xác nhận học tập"):
        services.confirm_study(document, member=member, by=cast.users["member"])

    assert StudyRecord.objects.filter(document=document, member=member).count() == 1


def test_a_write_up_asked_for_must_be_written(cast):
    document = publish(cast, note_required=True)

    with pytest.raises(ValidationError, match="bài thu hoạch"):
        services.confirm_study(document, member=cast.members["member"], note="  ", by=cast.users["member"])
    record = services.confirm_study(document, member=cast.members["member"], note="Thu hoạch: chuyển đổi số.",
                                    by=cast.users["member"])

    assert StudyRecord.objects.get(pk=record.pk).note == "Thu hoạch: chuyển đổi số."


def test_exempt_members_and_members_outside_the_subtree_are_not_asked(cast):
    document = publish(cast)
    exempt = make_member(cast.cell, "Đỗ Văn Miễn", status=MemberStatus.EXEMPT)

    for member in (exempt, cast.members["other"]):
        with pytest.raises(ValidationError, match="không thuộc diện"):
            services.confirm_study(document, member=member, by=SYSTEM)

    assert set(queries.asked_members(document)) == {cast.members[name] for name in ("member", "secretary", "sibling")}


def test_bookmarks_are_saved_once_and_removed(cast):
    document = publish(cast, required=False)
    user = cast.users["member"]

    services.save_bookmark(document, user=user, saved=True, by=user)
    services.save_bookmark(document, user=user, saved=True, by=user)
    assert Bookmark.objects.filter(user=user, document=document).count() == 1

    services.save_bookmark(document, user=user, saved=False, by=user)
    assert not Bookmark.objects.exists()


def test_search_ignores_diacritics_and_filters_by_kind_and_year(cast):
    resolution = publish(cast, required=False)
    guidance = publish(cast, required=False, kind="HD", number="12-HD/BTCTW", title="Hướng dẫn nâng cao chất lượng "
                       "sinh hoạt chi bộ", issuer="Ban Tổ chức Trung ương", issued_on=datetime.date(2018, 7, 6))
    everything = LibraryDocument.objects.all()

    assert list(queries.search(everything, text="nghi quyet")) == [resolution]
    assert list(queries.search(everything, text="CHUYEN doi so 57")) == [resolution]
    assert list(queries.search(everything, text="ban to chuc")) == [guidance]
    assert list(queries.search(everything, kind="HD")) == [guidance]
    assert list(queries.search(everything, year=2024)) == [resolution]
    assert list(queries.search(everything)) == [resolution, guidance]
    assert queries.years_of(everything) == [2024, 2018]


def test_progress_counts_by_cell_and_follows_a_member_who_moved(cast):
    document = publish(cast)
    services.confirm_study(document, member=cast.members["member"], by=SYSTEM)
    services.confirm_study(document, member=cast.members["sibling"], by=SYSTEM)
    org.transfer_member(cast.members["sibling"], to_cell=cast.cell, by=SYSTEM)

    rows = {row.cell.name: (row.asked, row.studied) for row in queries.progress_by_cell(
        document, Q(path__startswith=cast.commune.path))}

    assert rows == {"Chi bộ Thôn 1": (3, 2)}


def _thematic(cast):
    start = timezone.now() - datetime.timedelta(hours=2)
    return meetings.schedule_meeting(cast.cell, title="Sinh hoạt chuyên đề Nghị quyết 57", kind="thematic",
                                     starts_at=start, ends_at=start + datetime.timedelta(minutes=120),
                                     by=cast.users["secretary"])


def test_a_session_links_a_document_that_reaches_its_cell_once(cast):
    document = publish(cast)
    elsewhere = publish(cast, unit=cast.other_commune, by=SYSTEM)
    meeting = _thematic(cast)

    services.link_document(meeting, document, by=cast.users["secretary"])
    with pytest.raises(ValidationError, match="đã có văn bản này"):
        services.link_document(meeting, document, by=cast.users["secretary"])
    with pytest.raises(ValidationError, match="không được gửi tới chi bộ này"):
        services.link_document(meeting, elsewhere, by=cast.users["secretary"])

    assert list(SessionDocument.objects.values_list("document_id", flat=True)) == [document.pk]
    services.unlink_document(meeting, document, by=cast.users["secretary"])
    assert not SessionDocument.objects.exists()


def test_a_cells_list_shows_who_attended_a_linked_session(cast):
    document = publish(cast)
    meeting = _thematic(cast)
    services.link_document(meeting, document, by=cast.users["secretary"])
    line = Attendance.objects.get(meeting=meeting, member=cast.members["member"])
    meetings.mark_attendance(line, status="present", by=cast.users["secretary"])

    study = {row.member.full_name: row for row in queries.cell_study(document, cast.cell)}

    assert [meeting.pk for meeting in study["Trần Thị Bình"].attended] == [meeting.pk]
    assert study["Lê Văn Cường"].attended == []


def test_the_reminder_goes_to_those_who_have_not_confirmed_once(cast):
    document = publish(cast, due_in=2)
    services.confirm_study(document, member=cast.members["member"], by=SYSTEM)

    first = services.send_study_reminders()
    again = services.send_study_reminders()

    assert (first, again) == (2, 0)
    assert told("library.reminder") == {"secretary", "sibling"}
