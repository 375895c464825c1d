"""A correction plan as Word and PDF, and a unit's open corrections as Excel: content, access, audit."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.corrections import exports, services
from soisua.documents.rendering import Signatures
from soisua.org import services as org_services
from soisua.org.enums import PostKind
from soisua.reviews.services import open_cycle
from tests.factories import make_member
from tests.files import docx_text, pdf_text, read_table

SHORTCOMING = "Chậm đóng đảng phí ba tháng liền"
CAUSE_TEXT = "Chưa sắp xếp công việc hợp lý"
MEASURE = "Đóng đảng phí trước ngày 5 hằng tháng"
STEP = "Nộp biên lai đảng phí tháng 12"
EVIDENCE = "Biên lai thu đảng phí"
CYCLE_TITLE = "Kiểm điểm năm 2026"
COLLECTIVE_SHORTCOMING = "Sinh hoạt chi bộ chưa đúng kỳ, nội dung còn đơn điệu. " * 10  # past 300 characters
SIBLING_SHORTCOMING = "Chưa tham gia sinh hoạt tổ dân cư"
PHONE, CITIZEN_ID = "0912345678", "001190000001"  # the cast member's personal data


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def cycle_of(cast):
    return open_cycle(cast.commune, title=CYCLE_TITLE, kind="year", enforce_order=False,
                      period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31),
                      self_review_due=datetime.date(2026, 12, 10), appraisal_due=datetime.date(2026, 12, 20),
                      decision_due=datetime.date(2026, 12, 31), by=SYSTEM)


def member_plan(cast, *, cycle=None, approve=True):
    """The member's plan for a serious shortcoming: one measure supervised by the secretary, one roadmap step."""
    shortcoming = services.record_shortcoming(unit=cast.cell, member=cast.members["member"], text=SHORTCOMING,
                                              cause_text=CAUSE_TEXT, severity="serious", by=cast.users["secretary"])
    plan = services.create_plan(unit=cast.cell, member=cast.members["member"], cycle=cycle,
                                shortcomings=[shortcoming], deadline=datetime.date(2027, 2, 28),
                                by=cast.users["member"])
    measure = services.add_measure(plan, text=MEASURE, supervisor=cast.members["secretary"],
                                   deadline=datetime.date(2027, 1, 31), by=cast.users["member"])
    services.add_step(measure, what=STEP, due=datetime.date(2026, 12, 10), evidence_expected=EVIDENCE,
                      by=cast.users["member"])
    plan = services.submit_plan(plan, by=cast.users["member"])
    if approve:
        plan = services.decide_plan(plan, approve=True, by=cast.users["secretary"])
    return plan


def download(cast, who: str, url: str):
    response = cast.client(who).get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def plan_url(plan, fmt: str) -> str:
    return reverse("corrections:plans.document", args=[plan.pk, fmt])


# The plan as a document --------------------------------------------------------------------------------------

EXPECTED_PARTS = ("ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY XÃ HÒA AN", "CHI BỘ THÔN 1",
                  "KẾ HOẠCH KHẮC PHỤC HẠN CHẾ, KHUYẾT ĐIỂM", "Trần Thị Bình", CYCLE_TITLE,
                  f"1. {SHORTCOMING}", f"Nguyên nhân: Chủ quan. {CAUSE_TEXT}", "Mức độ: Nghiêm trọng.",
                  f"1. {MEASURE}", STEP, "10/12/2026", EVIDENCE, "Người giám sát: đồng chí Lê Văn Cường.",
                  "Thời hạn hoàn thành: 31/01/2027.", "Thời hạn hoàn thành toàn bộ kế hoạch: 28/02/2027.",
                  "Kế hoạch được đồng chí Lê Văn Cường (Chi bộ Thôn 1) phê duyệt ngày 23/11/2026.",
                  "NGƯỜI LẬP KẾ HOẠCH", "T/M CHI BỘ", "BÍ THƯ")


def test_plan_document_docx_has_the_official_layout_and_every_part(cast, frozen):
    plan = member_plan(cast, cycle=cycle_of(cast))

    response, content = download(cast, "member", plan_url(plan, "docx"))

    text = docx_text(content)
    assert response["Content-Disposition"] == 'attachment; filename="Ke-hoach-khac-phuc-Tran-Thi-Binh.docx"'
    for expected in EXPECTED_PARTS:
        assert expected in text, expected
    assert "Ngày 23 tháng 11 năm 2026" in text  # the cast's units name no place
    assert AuditEntry.objects.filter(action="corrections.plan.export", object_id=str(plan.pk)).count() == 1


def test_plan_document_pdf_says_the_same(cast, frozen, tmp_path):
    plan = member_plan(cast, cycle=cycle_of(cast))

    response, content = download(cast, "secretary", plan_url(plan, "pdf"))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(content)
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "KẾ HOẠCH KHẮC PHỤC HẠN CHẾ, KHUYẾT ĐIỂM", "Trần Thị Bình", STEP,
                     "10/12/2026", "Lê Văn Cường", "NGƯỜI LẬP KẾ HOẠCH", "T/M CHI BỘ", "BÍ THƯ"):
        assert expected in text, expected


def test_a_plan_not_yet_approved_is_signed_by_its_owner_alone(cast, frozen):
    plan = member_plan(cast, approve=False)

    document = exports.plan_document(plan)

    signatures = [block for block in document.blocks if isinstance(block, Signatures)]
    assert [(item.authority, item.name) for block in signatures for item in block.items] == [
        ("NGƯỜI LẬP KẾ HOẠCH", "Trần Thị Bình")]
    assert "Tình trạng kế hoạch: Đã trình, chờ phê duyệt." in [getattr(block, "text", "") for block in
                                                                 document.blocks]


def test_a_cell_with_a_committee_signs_for_the_committee(cast, frozen):
    colleague = make_member(cast.cell, "Vũ Thị Hạnh")
    org_services.assign_post(colleague, unit=cast.cell, kind=PostKind.COMMITTEE_MEMBER, by=SYSTEM)
    plan = member_plan(cast)

    document = exports.plan_document(plan)

    approver, owner = next(block for block in document.blocks if isinstance(block, Signatures)).items
    assert (approver.authority, approver.post, approver.name) == ("T/M CHI ỦY", "BÍ THƯ", "Lê Văn Cường")
    assert owner.authority == "NGƯỜI LẬP KẾ HOẠCH"


def test_a_collective_plan_is_signed_for_the_cell_and_approved_for_the_superior_committee(cast, frozen):
    shortcoming = services.record_shortcoming(unit=cast.cell, text="Sinh hoạt chưa đúng kỳ", by=cast.users["secretary"])
    plan = services.create_plan(unit=cast.cell, shortcomings=[shortcoming], deadline=datetime.date(2027, 2, 28),
                                by=cast.users["secretary"])
    measure = services.add_measure(plan, text="Họp đúng ngày 3 hằng tháng", supervisor=cast.members["secretary"],
                                   deadline=datetime.date(2027, 2, 28), by=cast.users["secretary"])
    services.add_step(measure, what="Họp tháng 12", due=datetime.date(2026, 12, 3), by=cast.users["secretary"])
    services.submit_plan(plan, by=cast.users["secretary"])
    plan = services.decide_plan(plan, approve=True, by=cast.users["parent_staff"])

    document = exports.plan_document(plan)

    approver, owner = next(block for block in document.blocks if isinstance(block, Signatures)).items
    assert document.summary == "Của tập thể Chi bộ Thôn 1"
    assert (approver.authority, owner.authority, owner.name) == ("T/M ĐẢNG ỦY", "T/M CHI BỘ", "Lê Văn Cường")
    assert "Kế hoạch được Đảng ủy xã Hòa An phê duyệt ngày 23/11/2026." in [
        getattr(block, "text", "") for block in document.blocks]


def test_plan_document_is_not_found_by_a_member_of_another_cell_nor_in_an_unknown_format(cast, frozen):
    plan = member_plan(cast)

    stranger, _content = download(cast, "sibling", plan_url(plan, "docx"))
    odd_format, _content = download(cast, "member", plan_url(plan, "docx").replace(".docx", ".odt"))
    spreadsheet, _content = download(cast, "member", plan_url(plan, "xlsx"))

    assert stranger.status_code == 404
    assert odd_format.status_code == 404
    assert spreadsheet.status_code == 404
    assert not AuditEntry.objects.filter(action="corrections.plan.export").exists()


# The subtree's open corrections as a spreadsheet -------------------------------------------------------------


def subtree_url(unit) -> str:
    return reverse("corrections:units.export", args=[unit.pk, "xlsx"])


def test_subtree_xlsx_lists_open_corrections_without_personal_data(cast, frozen):
    member_plan(cast)
    services.record_shortcoming(unit=cast.cell, text=COLLECTIVE_SHORTCOMING, severity="minor",
                                by=cast.users["secretary"])
    services.record_shortcoming(unit=cast.sibling_cell, member=cast.members["sibling"], text=SIBLING_SHORTCOMING,
                                by=cast.users["parent_staff"])

    response, content = download(cast, "parent_staff", subtree_url(cast.commune))

    rows = read_table(content)
    assert response["Content-Disposition"] == 'attachment; filename="Khac-phuc-han-che-Dang-uy-xa-Hoa-An.xlsx"'
    assert rows[0] == ["Đơn vị", "Người có khuyết điểm", "Hạn chế, khuyết điểm", "Mức độ", "Trạng thái",
                       "Hạn gần nhất", "Quá hạn", "Lặp lại", "Trạng thái kế hoạch"]
    by_text = {row[2][:30]: row for row in rows[1:]}
    assert len(rows) == 4
    member_row = by_text[SHORTCOMING[:30]]
    assert member_row[:2] == ["Chi bộ Thôn 1", "Trần Thị Bình"]
    assert member_row[3:5] == ["Nghiêm trọng", "Kế hoạch đã được duyệt"]
    assert member_row[5] == datetime.date(2026, 12, 10)
    assert member_row[6:] == ["Không", "Không", "Đã duyệt"]
    collective_row = by_text[COLLECTIVE_SHORTCOMING[:30]]
    assert collective_row[1] == "Tập thể"
    assert len(collective_row[2]) == 300 and collective_row[2].endswith("…")
    assert (collective_row[3], collective_row[8]) == ("Nhẹ", "Chưa có kế hoạch")
    assert by_text[SIBLING_SHORTCOMING[:30]][:2] == ["Chi bộ Thôn 2", "Phạm Thị Dung"]
    cells = " ".join(str(value) for row in rows for value in row)
    assert PHONE not in cells and CITIZEN_ID not in cells
    assert AuditEntry.objects.filter(action="corrections.unit.export", object_id=str(cast.commune.pk)).count() == 1


def test_subtree_rows_flag_overdue_by_the_clock_and_recurring_by_the_link(cast, frozen):
    member_plan(cast)
    services.record_shortcoming(unit=cast.cell, member=cast.members["member"], cycle_id=cycle_of(cast).pk,
                                text=f"{SHORTCOMING}, vẫn còn chậm", by=cast.users["secretary"])

    with time_machine.travel(datetime.datetime(2026, 12, 11, 9, 0, tzinfo=datetime.UTC), tick=False):
        _response, content = download(cast, "secretary", subtree_url(cast.cell))

    flags = {row[2]: (row[6], row[7]) for row in read_table(content)[1:]}
    assert flags == {SHORTCOMING: ("Có", "Không"), f"{SHORTCOMING}, vẫn còn chậm": ("Không", "Có")}


def test_subtree_rows_take_one_query_however_many_rows(cast, frozen):
    def queries_for_rows() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = list(exports.subtree_rows(cast.commune, today=datetime.date(2026, 11, 23)))
        assert rows
        return len(captured)

    member_plan(cast)
    one = queries_for_rows()
    for text in ("Chưa gương mẫu", "Ít phát biểu"):
        services.record_shortcoming(unit=cast.sibling_cell, member=cast.members["sibling"], text=text, by=SYSTEM)
    three = queries_for_rows()

    assert one == three == 1


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("sibling", 404), ("unrelated_staff", 404)])
def test_subtree_xlsx_is_refused_to_who_does_not_see_the_board(cast, frozen, who, status):
    member_plan(cast)

    response, content = download(cast, who, subtree_url(cast.cell))

    assert response.status_code == status
    assert SHORTCOMING.encode() not in content
