"""The minutes of a meeting as Word and PDF: figures, names, speakers, conclusions, approval, access, audit."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from soisua.audit.models import AuditEntry
from soisua.documents.rendering import Paragraph, Signatures
from soisua.meetings import exports, services
from soisua.meetings.models import Attendance
from tests.factories import make_member
from tests.files import docx_text, pdf_text

# 19:30 to 21:30 in Hà Nội time (UTC+7), the usual evening meeting of a rural cell.
START = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)
END = START + datetime.timedelta(minutes=120)
AGENDA = ["Thông tin thời sự", "Kiểm điểm công tác tháng 11"]
EXCUSED_NAME, EXCUSED_REASON = "Nguyễn Thị Hương", "Đi công tác ở Buôn Ma Thuột"
UNEXCUSED_NAME = "Đặng Văn Khoa"
REPORT = "Chi bộ hoàn thành thu đảng phí tháng 11"
OPINION = "Đề nghị họp đúng ngày mùng 3 hằng tháng"
CONCLUSIONS = "Chi bộ thống nhất thu đảng phí trước ngày 5 hằng tháng."
RESOLUTION = "Giao đồng chí Bí thư theo dõi việc thu đảng phí."


@pytest.fixture
def frozen():
    """After the meeting, when the minutes are written and approved."""
    with time_machine.travel(END + datetime.timedelta(minutes=30), tick=False):
        yield


def held_meeting(cast, *, approve=True, **changes):
    """Four on the roll: the secretary present (chair), the member late (minute-taker), one absent with reason,
    one without; two speakers; conclusions, resolution and vote written."""
    excused = make_member(cast.cell, EXCUSED_NAME)
    unexcused = make_member(cast.cell, UNEXCUSED_NAME)
    secretary = cast.users["secretary"]
    values = {"title": "Sinh hoạt chi bộ tháng 12", "starts_at": START, "ends_at": END, "place": "Nhà văn hóa thôn",
              "chair": cast.members["secretary"], "minute_taker": cast.members["member"], "agenda": AGENDA} | changes
    meeting = services.schedule_meeting(cast.cell, by=secretary, **values)
    marks = {cast.members["secretary"]: {"status": "present"},
             cast.members["member"]: {"status": "late", "minutes_late": 12},
             excused: {"status": "excused", "reason": EXCUSED_REASON},
             unexcused: {"status": "unexcused"}}
    for member, mark in marks.items():
        services.mark_attendance(Attendance.objects.get(meeting=meeting, member=member), by=secretary, **mark)
    second, first = meeting.agenda.order_by("-order")
    services.add_contribution(meeting, member=cast.members["secretary"], kind="report", agenda_item=second,
                              note=REPORT, by=secretary)
    services.add_contribution(meeting, member=cast.members["member"], kind="opinion", agenda_item=first,
                              note=OPINION, by=secretary)
    services.save_minutes(meeting, conclusions=CONCLUSIONS, resolution=RESOLUTION, votes_for=2, votes_against=0,
                          votes_abstain=0, by=secretary)
    if approve:
        services.approve_minutes(meeting, by=secretary)
    return meeting


def reading_in(cast, who: str, language: str) -> str:
    user = cast.users[who]
    user.language = language
    user.save(update_fields=["language"])
    return who


def download(cast, who: str, url: str):
    response = cast.client(who).get(url)
    return response, response.content


def minutes_url(meeting, fmt: str) -> str:
    return reverse("meetings:minutes", args=[meeting.pk, fmt])


# What approved minutes say: in Vietnamese whatever the reader's language, for they are a filed paper.
EXPECTED = ("ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY XÃ HÒA AN", "CHI BỘ THÔN 1", "Ngày 03 tháng 12 năm 2026",
            "Số 01-BB/CB", "BIÊN BẢN SINH HOẠT THƯỜNG KỲ", "Sinh hoạt chi bộ tháng 12",
            "Từ 19:30 đến 21:30 ngày 03/12/2026", "Nhà văn hóa thôn", "Đồng chí Lê Văn Cường",
            "Đồng chí Trần Thị Bình", "Tổng số đảng viên: 4 đồng chí.", "Có mặt: 2/4 đồng chí.",
            "Trong đó đến muộn: 1 (Trần Thị Bình, 12 phút).", f"Vắng có lý do: 1 ({EXCUSED_NAME}: {EXCUSED_REASON}).",
            f"Vắng không lý do: 1 ({UNEXCUSED_NAME}).", f"1. {AGENDA[0]}", f"2. {AGENDA[1]}",
            f"1. Đồng chí Lê Văn Cường (Báo cáo, mục 2): {REPORT}",
            f"2. Đồng chí Trần Thị Bình (Ý kiến, mục 1): {OPINION}", CONCLUSIONS, RESOLUTION,
            "Biểu quyết: 2/4 đồng chí tán thành, 0 không tán thành, 0 không biểu quyết.",
            "Cuộc họp kết thúc lúc 21:30 ngày 03/12/2026.",
            "Biên bản đã được đọc lại trước hội nghị và thông qua ngày 03/12/2026.", "THƯ KÝ", "CHỦ TRÌ")


def test_minutes_pdf_reads_back_the_figures_the_absent_the_speakers_and_the_conclusions(cast, frozen, tmp_path):
    meeting = held_meeting(cast)
    who = reading_in(cast, "secretary", "en")

    response, content = download(cast, who, minutes_url(meeting, "pdf"))

    text = pdf_text(content)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="Bien-ban-{timezone.localtime(meeting.starts_at):%d-%m-%Y}-Chi-bo-Thon-1.pdf"')
    for expected in EXPECTED:
        assert expected in text, expected
    assert "DỰ THẢO" not in text


def test_minutes_docx_says_the_same_and_leaves_an_audit_entry(cast, frozen):
    meeting = held_meeting(cast)
    who = reading_in(cast, "secretary", "en")

    response, content = download(cast, who, minutes_url(meeting, "docx"))

    text = docx_text(content)
    assert response["Content-Disposition"].endswith('-Chi-bo-Thon-1.docx"')
    for expected in EXPECTED:
        assert expected in text, expected
    entry = AuditEntry.objects.get(action="meetings.minutes.export")
    assert (entry.object_id, entry.changes) == (str(meeting.pk), {"format": "docx", "personal": True})


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_minutes_in_the_readers_default_language_keep_names_with_diacritics_and_numbers(cast, frozen, tmp_path,
                                                                                        fmt):
    meeting = held_meeting(cast)

    response, content = download(cast, "member", minutes_url(meeting, fmt))

    text = pdf_text(content) if fmt == "pdf" else docx_text(content)
    assert response.status_code == 200
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "Trần Thị Bình", "Lê Văn Cường", EXCUSED_NAME, EXCUSED_REASON,
                     UNEXCUSED_NAME, REPORT, OPINION, CONCLUSIONS, "19:30", "21:30", "03/12/2026"):
        assert expected in text, expected


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_minutes_are_not_found_by_a_member_of_another_cell(cast, frozen, fmt):
    meeting = held_meeting(cast)

    stranger, content = download(cast, "sibling", minutes_url(meeting, fmt))
    anonymous, _content = download(cast, "anonymous", minutes_url(meeting, fmt))

    assert stranger.status_code == 404
    assert EXCUSED_NAME.encode() not in content
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    assert not AuditEntry.objects.filter(action="meetings.minutes.export").exists()


def test_minutes_not_yet_approved_say_they_are_a_draft(cast, frozen, tmp_path):
    meeting = held_meeting(cast, approve=False)
    who = reading_in(cast, "secretary", "en")

    _response, content = download(cast, who, minutes_url(meeting, "pdf"))

    text = pdf_text(content)
    assert text.index("DỰ THẢO") < text.index("BIÊN BẢN SINH HOẠT THƯỜNG KỲ") < text.index(
        "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN")
    assert "DỰ THẢO: biên bản chưa được thông qua." in text
    assert "-BB/CB" in text and "01-BB/CB" not in text  # the number is left for the clerk
    assert "thông qua ngày" not in text
    assert CONCLUSIONS in text


def test_approved_minutes_changed_later_say_so(cast, frozen):
    meeting = held_meeting(cast)
    services.save_minutes(meeting, conclusions=f"{CONCLUSIONS} Bổ sung: nộp tại nhà văn hóa.",
                          reason="Thiếu nơi nộp", by=cast.users["secretary"])

    with translation.override("en"):
        document = exports.minutes_document(meeting)

    texts = [block.text for block in document.blocks if isinstance(block, Paragraph)]
    assert ("Biên bản đã được sửa 1 lần sau khi thông qua, lần cuối ngày 03/12/2026; lý do từng lần được lưu cùng "
            "cuộc họp." in texts)


def test_minutes_of_a_meeting_not_yet_held_list_who_is_unmarked_and_what_is_missing(cast, frozen):
    meeting = services.schedule_meeting(cast.cell, title="Sinh hoạt tháng 1", starts_at=START, ends_at=END,
                                        by=cast.users["secretary"])

    with translation.override("en"):
        document = exports.minutes_document(meeting)

    texts = [block.text for block in document.blocks if isinstance(block, Paragraph)]
    assert "Chưa điểm danh: 2 (Trần Thị Bình; Lê Văn Cường)." in texts
    for expected in ("(Không ghi chương trình.)", "(Không ghi ý kiến phát biểu.)", "(Chưa ghi.)",
                     "Không ghi kết quả biểu quyết."):
        assert expected in texts, expected
    signatures = next(block for block in document.blocks if isinstance(block, Signatures)).items
    assert [(signature.authority, signature.name) for signature in signatures] == [("THƯ KÝ", ""), ("CHỦ TRÌ", "")]
    assert document.draft


def test_a_thematic_session_summarises_its_introductory_paper(cast, frozen):
    paper = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. " * 20
    meeting = services.schedule_meeting(cast.cell, kind="thematic", title="Chuyên đề quý IV", starts_at=START,
                                        ends_at=END, introductory_paper=paper, by=cast.users["secretary"])

    with translation.override("en"):
        document = exports.minutes_document(meeting)

    texts = [getattr(block, "text", "") for block in document.blocks]
    section = texts.index("III. ĐỀ DẪN")
    assert texts[section + 1].startswith("Học tập và làm theo")
    assert texts[section + 1].endswith(" tư tưởng, …")
    assert len(texts[section + 1]) <= exports.INTRODUCTORY_PAPER_LIMIT + 2
    assert texts[section + 2] == "(Trích; toàn văn đề dẫn được lưu cùng cuộc họp.)"
    assert texts[section + 3] == "IV. Ý KIẾN PHÁT BIỂU"
