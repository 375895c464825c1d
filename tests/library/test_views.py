"""Library pages: publishing with a file, who reaches a document (404 outside the subtree, 403 to act), the search
without diacritics, saving to read later, confirming a study, the committee's figures and a cell's names, the
Excel list, and the documents a thematic session studied on the meeting's page."""

import datetime

from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.library import services
from soisua.library.models import LibraryDocument, SessionDocument, StudyRecord
from soisua.meetings import services as meetings
from tests.files import body, read_table

from .helpers import PDF, pdf, publish


def test_a_committee_publishes_a_required_document_with_its_file(cast):
    client = cast.client("committee")
    due = (timezone.localdate() + datetime.timedelta(days=14)).strftime("%d/%m/%Y")

    response = client.post(reverse("library:publish", args=[cast.commune.pk]), {
        "kind": "NQ", "number": "57-NQ/TW", "issuer": "Bộ Chính trị", "issued_on": "22/12/2024",
        "title": "Nghị quyết về đột phá phát triển khoa học, công nghệ", "upload": pdf(), "required": "on",
        "study_due": due})

    document = LibraryDocument.objects.get()
    assert response.status_code == 302 and response.url == reverse("library:detail", args=[document.pk])
    assert document.required and document.file_name == "57-NQ-TW.pdf"
    download = cast.client("member").get(reverse("library:file", args=[document.pk]))
    assert body(download) == PDF


def test_a_refused_publication_keeps_what_was_typed_and_stores_nothing(cast):
    response = cast.client("committee").post(reverse("library:publish", args=[cast.commune.pk]), {
        "kind": "NQ", "number": "57-NQ/TW", "issuer": "Bộ Chính trị", "issued_on": "22/12/2024",
        "title": "Nghị quyết 57", "required": "on"})

    page = response.content.decode()
    assert response.status_code == 200 and not LibraryDocument.objects.exists()
    assert "Nghị quyết 57" in page and "đính kèm tệp văn bản" in page and "cần có hạn hoàn thành" in page


def test_a_refused_publication_asks_for_its_file_again(cast):
    response = cast.client("committee").post(reverse("library:publish", args=[cast.commune.pk]), {
        "kind": "NQ", "number": "57-NQ/TW", "issuer": "Bộ Chính trị", "issued_on": "22/12/2024",
        "title": "Nghị quyết 57", "upload": pdf(), "required": "on"})

    page = response.content.decode()
    assert not LibraryDocument.objects.exists() and "cần có hạn hoàn thành" in page
    assert "Đồng chí hãy chọn lại tệp" in page


def test_members_and_staff_below_may_not_publish(cast):
    assert cast.client("inspector").get(reverse("library:publish", args=[cast.commune.pk])).status_code == 403
    assert cast.client("member").get(reverse("library:publish", args=[cast.commune.pk])).status_code == 404
    assert cast.client("secretary").get(reverse("library:publish", args=[cast.cell.pk])).status_code == 403
    assert cast.client("unrelated_staff").get(reverse("library:publish", args=[cast.commune.pk])).status_code == 404


def test_the_subtree_reads_a_document_and_nobody_outside(cast):
    document = publish(cast)
    url = reverse("library:detail", args=[document.pk])

    for who in ("member", "secretary", "sibling", "committee", "parent_staff", "admin"):
        assert cast.client(who).get(url).status_code == 200, who
    assert cast.client("unrelated_staff").get(url).status_code == 404
    assert cast.client("unrelated_staff").get(reverse("library:list")).content.decode().count(document.title) == 0


def test_the_search_finds_a_document_without_diacritics(cast):
    document = publish(cast, required=False)
    publish(cast, required=False, kind="HD", number="12-HD/BTCTW", title="Hướng dẫn sinh hoạt chi bộ",
            issuer="Ban Tổ chức Trung ương", issued_on=datetime.date(2018, 7, 6))

    found = cast.client("member").get(reverse("library:list"), {"q": "nghi quyet chuyen doi so"}).content.decode()
    by_year = cast.client("member").get(reverse("library:list"), {"year": "2018"}).content.decode()

    assert document.title in found and "Hướng dẫn sinh hoạt chi bộ" not in found
    assert "Hướng dẫn sinh hoạt chi bộ" in by_year and document.title not in by_year


def test_a_member_saves_a_document_to_read_later(cast):
    document = publish(cast, required=False)
    client = cast.client("member")

    client.post(reverse("library:bookmark", args=[document.pk]), {"saved": "1"})

    assert document.title in client.get(reverse("library:saved")).content.decode()
    assert document.title not in cast.client("secretary").get(reverse("library:saved")).content.decode()
    client.post(reverse("library:bookmark", args=[document.pk]), {"saved": "0"})
    assert document.title not in client.get(reverse("library:saved")).content.decode()


def test_a_member_confirms_the_study_with_the_write_up_asked_for(cast):
    document = publish(cast, note_required=True)
    client = cast.client("member")
    url = reverse("library:study", args=[document.pk])

    refused = client.post(url, {"note": ""})
    done = client.post(url, {"note": "Thu hoạch về chuyển đổi số"}, follow=True)

    assert refused.status_code == 400 and "bài thu hoạch" in refused.content.decode()
    assert StudyRecord.objects.get(document=document).note == "Thu hoạch về chuyển đổi số"
    assert "Đồng chí đã xác nhận" in done.content.decode()


def test_only_members_asked_confirm(cast):
    document = publish(cast)

    assert cast.client("committee").post(reverse("library:study", args=[document.pk])).status_code == 403
    assert cast.client("unrelated_staff").post(reverse("library:study", args=[document.pk])).status_code == 404
    assert not StudyRecord.objects.exists()


def test_the_committee_sees_each_cell_and_the_names_not_yet_studied(cast):
    document = publish(cast)
    services.confirm_study(document, member=cast.members["member"], by=cast.users["member"])

    progress = cast.client("committee").get(reverse("library:progress", args=[document.pk])).content.decode()
    cell = cast.client("committee").get(reverse("library:cell", args=[document.pk, cast.cell.pk])).content.decode()

    assert "Chi bộ Thôn 1" in progress and "Chi bộ Thôn 2" in progress and "1 (50 %)" in progress
    waiting = cell.split('id="waiting"')[1].split('id="done"')[0]
    assert "Lê Văn Cường" in waiting and "Trần Thị Bình" not in waiting


def test_a_secretary_sees_their_own_cell_only_and_a_member_no_names(cast):
    document = publish(cast)

    own = cast.client("secretary").get(reverse("library:cell", args=[document.pk, cast.cell.pk]))
    sibling = cast.client("secretary").get(reverse("library:cell", args=[document.pk, cast.sibling_cell.pk]))
    member = cast.client("member").get(reverse("library:cell", args=[document.pk, cast.cell.pk]))

    assert own.status_code == 200 and "Trần Thị Bình" in own.content.decode()
    assert sibling.status_code == 404 and member.status_code == 403
    assert cast.client("member").get(reverse("library:progress", args=[document.pk])).status_code == 403


def test_the_cells_list_downloads_as_excel(cast):
    document = publish(cast)
    services.confirm_study(document, member=cast.members["member"], note="Ghi chép", by=cast.users["member"])

    response = cast.client("secretary").get(reverse("library:cell.export", args=[document.pk, cast.cell.pk, "xlsx"]))

    rows = read_table(body(response))
    names = {row[0]: row for row in rows[1:]}
    assert set(names) == {"Trần Thị Bình", "Lê Văn Cường"}
    assert names["Trần Thị Bình"][3] == "Ghi chép" and names["Lê Văn Cường"][2] in ("", None)


def test_withdrawal_is_for_the_committee_and_keeps_the_page(cast):
    document = publish(cast)

    assert cast.client("secretary").get(reverse("library:withdraw", args=[document.pk])).status_code == 403
    cast.client("committee").post(reverse("library:withdraw", args=[document.pk]),
                                  {"reason": "Đã có văn bản thay thế", "version": document.version})

    page = cast.client("member").get(reverse("library:detail", args=[document.pk])).content.decode()
    assert "Đã có văn bản thay thế" in page and "Tôi đã nghiên cứu, học tập" not in page


def test_a_thematic_session_lists_the_documents_it_studied(cast):
    document = publish(cast)
    start = timezone.now() - datetime.timedelta(hours=3)
    meeting = meetings.schedule_meeting(cast.cell, title="Chuyên đề Nghị quyết 57", kind="thematic",
                                        starts_at=start, ends_at=start + datetime.timedelta(minutes=120),
                                        by=cast.users["secretary"])
    page = reverse("meetings:detail", args=[meeting.pk]) + "?step=before"

    offered = cast.client("secretary").get(page).content.decode()
    linked = cast.client("secretary").post(reverse("library:link", args=[meeting.pk]), {"document": document.pk})

    assert 'name="document"' in offered and linked.status_code == 302
    assert SessionDocument.objects.filter(meeting=meeting, document=document).exists()
    member_sees = cast.client("member").get(page).content.decode()
    assert document.title in member_sees and 'name="document"' not in member_sees
    assert cast.client("member").post(reverse("library:link", args=[meeting.pk]),
                                      {"document": document.pk}).status_code == 403
    assert "Chuyên đề Nghị quyết 57" in cast.client("member").get(
        reverse("library:detail", args=[document.pk])).content.decode()


def test_a_regular_meeting_offers_no_library_block(cast):
    publish(cast)
    start = timezone.now() - datetime.timedelta(hours=3)
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt thường kỳ", starts_at=start,
                                        ends_at=start + datetime.timedelta(minutes=120), by=cast.users["secretary"])

    page = cast.client("secretary").get(reverse("meetings:detail", args=[meeting.pk]) + "?step=before")

    assert 'id="library"' not in page.content.decode()


def test_the_api_lists_the_documents_the_caller_reaches_searched_without_diacritics(cast):
    document = publish(cast, required=False)
    publish(cast, required=False, unit=cast.other_commune, title="Kết luận của Đảng ủy xã Hòa Bình", by=SYSTEM)

    found = cast.client("member").get("/api/library/documents", {"q": "NGHI QUYET chuyen doi so"}).json()
    everything = cast.client("member").get("/api/library/documents").json()
    wrong_kind = cast.client("member").get("/api/library/documents", {"kind": "XX"})

    assert [item["id"] for item in found["items"]] == [document.pk]
    assert found["items"][0]["has_file"] is True and found["items"][0]["number"] == "57-NQ/TW"
    assert [item["id"] for item in everything["items"]] == [document.pk]
    assert wrong_kind.status_code == 422
