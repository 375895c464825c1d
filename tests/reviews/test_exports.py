import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.org import services as org_services
from soisua.reviews import exports, services
from soisua.reviews.models import ChecklistItem, QuotaSetting, Review, RuleSet
from soisua.reviews.services import send_review_prompt
from tests.factories import UserFactory, make_member, make_unit
from tests.files import docx_text, docx_xml, pdf_text, read_table

# Written with the review season's dates (the papers print them): the clock travels there.
pytestmark = pytest.mark.usefixtures("in_review_season")

DATES = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 12, 31),
         "self_review_due": datetime.date(2026, 12, 10), "appraisal_due": datetime.date(2026, 12, 20),
         "decision_due": datetime.date(2026, 12, 31)}
CYCLE_TITLE = "Kiểm điểm năm 2026"
ANSWER = "Kiên định lập trường, tích cực học tập nghị quyết của chi bộ"
CHECKLIST_ANSWER = "Có lúc còn nể nang khi góp ý đồng chí trong chi bộ"
SHORTCOMING = "Chưa mạnh dạn phát biểu trong sinh hoạt chi bộ"
MEASURES = "Chuẩn bị ý kiến trước mỗi kỳ sinh hoạt"
CELL_COMMENT = "Đồng chí có tinh thần trách nhiệm, cần mạnh dạn hơn"
DECISION_REASON = "Chưa hoàn thành chỉ tiêu phát triển đảng viên"
PROMPT = "Làm rõ việc vắng sinh hoạt chi bộ tháng 5"
PROMPT_ANSWER = "Vắng có lý do vì đi công tác, đã báo cáo bí thư"
FEEDBACK = "Đồng chí cần lắng nghe ý kiến đảng viên trẻ hơn"
AUTHORS = ("Ngô Thị Hoa", "Đỗ Văn Khoa", "Bùi Thị Liên")
BIRTH_DATE = datetime.date(1985, 7, 14)


def open_for(unit, *, by=SYSTEM, **changes):
    return services.open_cycle(unit, by=by, **({"title": CYCLE_TITLE, "kind": "year", "enforce_order": False,
                                                **DATES} | changes))


def checklist_walk(rule_set, present: str | None = None) -> dict:
    codes = ChecklistItem.objects.filter(checklist__rule_set=rule_set).values_list("code", flat=True)
    walk = {code: {"present": False} for code in codes}
    if present:
        walk[present] = {"present": True, "text": CHECKLIST_ANSWER}
    return walk


def submitted_review(cast, cycle) -> Review:
    """The member's self-review, written, with a shortcoming, and submitted through the services."""
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])
    author = cast.users["member"]
    prompt = send_review_prompt(review, from_unit=cast.commune, text=PROMPT, by=cast.users["parent_staff"])
    content = services.ReviewContent(answers={"political_ideology": ANSWER}, grades={"political_ideology": "good"},
                                     checklist=checklist_walk(cycle.rule_set, "CT-5"),
                                     self_score_general=Decimal("25"),
                                     self_score_tasks=Decimal("60"), self_level="good",
                                     prompt_answers={prompt.pk: PROMPT_ANSWER})
    review = services.save_review(review, version=review.version, content=content, by=author)
    item = ChecklistItem.objects.get(checklist__rule_set=cycle.rule_set, code="CT-5")
    services.add_review_shortcoming(review, text=SHORTCOMING, cause="subjective", measures=MEASURES,
                                    fix_by=datetime.date(2027, 3, 31), checklist_items=[item.pk], by=author)
    return services.submit_review(review, version=None, by=author)


def decided_review(cast, cycle, *, level="completed") -> Review:
    """Submitted, proposed "good" by the cell, decided by the commune's staff (a lower level needs an override)."""
    review = submitted_review(cast, cycle)
    review = services.propose_level(review, level="good", comment=CELL_COMMENT, by=cast.users["secretary"])
    reason = DECISION_REASON if level != "good" else ""
    override = "Chi bộ đã thống nhất" if level != "good" else ""
    return services.decide_level(review, level=level, reason=reason, override_reason=override,
                                 by=cast.users["parent_staff"])


def feedback_from(cast, review, names) -> None:
    for name in names:
        user = UserFactory()
        make_member(cast.cell, name, user=user)
        services.give_feedback(review=review, from_unit=cast.cell, kind="shortcoming", text=FEEDBACK, by=user)


def download(cast, who: str, url: str):
    response = cast.client(who).get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def document_url(review, fmt: str) -> str:
    return reverse("reviews:reviews.document", args=[review.pk, fmt])


# The review as a document -----------------------------------------------------------------------------------


def test_review_document_docx_has_the_official_layout_and_every_part(cast):
    cycle = open_for(cast.commune, rule_set=RuleSet.objects.get(code="2025"))  # its forms grade each criterion
    review = decided_review(cast, cycle)
    feedback_from(cast, review, AUTHORS[:1])

    response, content = download(cast, "secretary", document_url(review, "docx"))

    text = docx_text(content)
    assert response["Content-Disposition"] == 'attachment; filename="Ban-kiem-diem-2026-Tran-Thi-Binh.docx"'
    for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY XÃ HÒA AN", "CHI BỘ THÔN 1", "BẢN KIỂM ĐIỂM CÁ NHÂN",
                     CYCLE_TITLE, "Trần Thị Bình", "I. ƯU ĐIỂM, KẾT QUẢ ĐẠT ĐƯỢC", ANSWER, "(tự đánh giá: Tốt)",
                     f"1. {SHORTCOMING}", f"Biện pháp khắc phục: {MEASURES}", "Thời hạn khắc phục: 31/03/2027",
                     "Liên hệ: CT-5 (Tự phê bình và phê bình không nghiêm túc",
                     CHECKLIST_ANSWER, f"1. Vấn đề được gợi ý: {PROMPT}", PROMPT_ANSWER,
                     "Tổng điểm tự chấm: 85 điểm", "NGƯỜI TỰ KIỂM ĐIỂM",
                     FEEDBACK, CELL_COMMENT, "T/M CHI BỘ", "Xếp loại chất lượng: Hoàn thành nhiệm vụ.",
                     DECISION_REASON, "T/M ĐẢNG ỦY", "Lê Văn Cường", AUTHORS[0]):
        assert expected in text, expected
    assert AuditEntry.objects.filter(action="reviews.review.export", object_id=str(review.pk)).count() == 1


def test_review_document_anonymous_cycle_names_no_author_anywhere(cast, tmp_path):
    cycle = open_for(cast.commune, anonymity="anonymous")
    review = decided_review(cast, cycle)
    feedback_from(cast, review, AUTHORS)

    _response, word = download(cast, "secretary", document_url(review, "docx"))
    response, pdf = download(cast, "secretary", document_url(review, "pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF")
    assert not any(name in docx_xml(word) for name in AUTHORS)
    for text in (docx_text(word), pdf_text(pdf)):
        assert text.count(FEEDBACK) == 3
        assert not any(name in text for name in AUTHORS)
        for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BẢN KIỂM ĐIỂM CÁ NHÂN", ANSWER, SHORTCOMING,
                         "Hoàn thành nhiệm vụ"):
            assert expected in text, expected


def test_review_document_anonymous_feedback_withheld_below_the_minimum(cast):
    cycle = open_for(cast.commune, anonymity="anonymous")
    review = submitted_review(cast, cycle)
    feedback_from(cast, review, AUTHORS[:2])

    _response, content = download(cast, "member", document_url(review, "docx"))

    text = docx_text(content)
    assert FEEDBACK not in text
    assert "khi có ít nhất 3 người góp ý" in text


def test_review_document_secretary_anonymity_names_the_author_to_the_secretary_only(cast):
    cycle = open_for(cast.commune, anonymity="secretary")
    review = submitted_review(cast, cycle)
    feedback_from(cast, review, AUTHORS[:1])

    _response, for_secretary = download(cast, "secretary", document_url(review, "docx"))
    _response, for_member = download(cast, "member", document_url(review, "docx"))

    assert AUTHORS[0] in docx_text(for_secretary)
    assert FEEDBACK in docx_text(for_member)
    assert AUTHORS[0] not in docx_text(for_member)


def test_review_document_collective_is_a_report_signed_for_the_cell(cast):
    cycle = open_for(cast.commune)
    collective = Review.objects.get(cycle=cycle, unit=cast.cell, member=None)
    content = services.ReviewContent(answers={"targets_results": ANSWER}, self_score_general=Decimal("26"),
                                     self_score_tasks=Decimal("62"), self_level="good")
    collective = services.save_review(collective, version=collective.version, content=content,
                                      by=cast.users["secretary"])
    collective = services.submit_review(collective, version=None, by=cast.users["secretary"])

    document = exports.review_document(collective, reader=cast.users["parent_staff"],
                                       on=datetime.date(2026, 12, 5))

    assert document.title == "BÁO CÁO KIỂM ĐIỂM TẬP THỂ"
    assert document.header.issuer == "Chi bộ Thôn 1"
    assert document.header.number_line == "Số 01-BC/CB"
    assert document.header.place_and_date == "Ngày 20 tháng 11 năm 2026"  # the day it was submitted
    assert document.recipients == ["Đảng ủy xã Hòa An", "Lưu"]
    assert not document.draft
    signatures = [block for block in document.blocks if isinstance(block, exports.Signatures)]
    assert [(item.authority, item.post, item.name) for block in signatures for item in block.items] == [
        ("T/M CHI BỘ", "BÍ THƯ", "Lê Văn Cường")]


def test_review_document_draft_hidden_from_readers_of_the_cell(cast):
    cycle = open_for(cast.commune)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])

    response = cast.client("inspector").get(document_url(review, "docx"))

    assert response.status_code == 404


def test_review_document_unknown_format_is_404(cast):
    cycle = open_for(cast.commune)
    review = submitted_review(cast, cycle)

    response = cast.client("secretary").get(document_url(review, "docx").replace(".docx", ".odt"))
    spreadsheet = cast.client("secretary").get(document_url(review, "csv"))

    assert response.status_code == 404
    assert spreadsheet.status_code == 404


@pytest.mark.parametrize("which", ["review.docx", "review.pdf", "summary", "results"])
def test_downloads_hidden_from_strangers(cast, which):
    cycle = open_for(cast.commune)
    review = submitted_review(cast, cycle)
    urls = {"review.docx": document_url(review, "docx"), "review.pdf": document_url(review, "pdf"),
            "summary": reverse("reviews:cycles.summary", args=[cycle.pk, cast.cell.pk, "xlsx"]),
            "results": reverse("reviews:cycles.results", args=[cycle.pk, "xlsx"])}

    response = cast.client("unrelated_staff").get(urls[which])

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action__endswith=".export").exists()


# Spreadsheets -----------------------------------------------------------------------------------------------


def test_cycle_unit_summary_lists_ratings_without_personal_data(cast):
    org_services.update_member(cast.members["member"], date_of_birth=BIRTH_DATE, by=SYSTEM)
    cycle = open_for(cast.commune)
    decided_review(cast, cycle)

    response, content = download(cast, "parent_staff", reverse("reviews:cycles.summary",
                                                               args=[cycle.pk, cast.cell.pk, "xlsx"]))

    rows = read_table(content)
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert len(rows[0]) == len(exports.UNIT_SUMMARY_COLUMNS)
    assert [row[1] for row in rows[1:]] == ["Tập thể", "Lê Văn Cường", "Trần Thị Bình"]
    member = rows[3]
    assert member[0] == 3
    assert member[2] == "2B"
    assert member[4] == 85
    assert member[5:] == ["Hoàn thành tốt nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Có"]
    values = {str(value) for row in rows for value in row}
    assert not values & {str(BIRTH_DATE), "14/07/1985", "001190000001", "0912345678"}
    assert AuditEntry.objects.filter(action="reviews.summary.export", object_id=str(cast.cell.pk)).exists()


def test_cycle_unit_summary_refused_to_a_plain_member(cast):
    cycle = open_for(cast.commune)

    response = cast.client("member").get(reverse("reviews:cycles.summary", args=[cycle.pk, cast.cell.pk, "xlsx"]))

    assert response.status_code == 403


def test_cycle_results_counts_levels_progress_and_quota(cast):
    QuotaSetting.objects.create(unit=cast.commune, percent=100, base_level="good")
    cycle = open_for(cast.commune)
    decided_review(cast, cycle, level="good")

    _response, content = download(cast, "parent_staff", reverse("reviews:cycles.results", args=[cycle.pk, "xlsx"]))

    header, commune, cell, sibling_cell = read_table(content)
    levels = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
              "Không hoàn thành nhiệm vụ"]
    assert all(f"“{level}”" in column for level, column in zip(levels, header[3:7], strict=True))
    assert commune[1] == "Đảng ủy xã Hòa An"
    assert commune[-4:] == [1, 0, 0, 0]  # 100 % of one "good" member: one "excellent" allowed, none given
    assert cell[1:] == ["Chi bộ Thôn 1", "", 0, 1, 0, 0, 1, 3, "", "", "", ""]
    assert sibling_cell[1] == "Chi bộ Thôn 2"
    assert sibling_cell[7:9] == [0, 2]


def test_cycle_results_refused_to_the_secretary(cast):
    cycle = open_for(cast.commune)

    response = cast.client("secretary").get(reverse("reviews:cycles.results", args=[cycle.pk, "xlsx"]))

    assert response.status_code == 403


def test_cycle_results_rows_query_count_does_not_grow_with_units(cast):
    small = make_unit(cast.province, "commune", "Đảng ủy xã Một Chi Bộ")
    large = make_unit(cast.province, "commune", "Đảng ủy xã Ba Chi Bộ")
    for parent, count in ((small, 1), (large, 3)):
        for number in range(count):
            make_member(make_unit(parent, "cell", f"Chi bộ {parent.name} {number}"), f"Nguyễn Văn {number}")
    cycles = {unit: open_for(unit) for unit in (small, large)}

    counts = []
    for unit, cycle in cycles.items():
        with CaptureQueriesContext(connection) as queries:
            rows = list(exports.cycle_results_rows(cycle, unit))
        counts.append((len(rows), len(queries)))

    assert [rows for rows, _queries in counts] == [2, 4]
    assert counts[0][1] == counts[1][1]


def test_a_draft_review_prints_as_a_draft_named_for_its_author(cast):
    cycle = open_for(cast.commune)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])
    services.save_review(review, version=review.version, content=services.ReviewContent(
        answers={"political_ideology": ANSWER}), by=cast.users["member"])

    response, content = download(cast, "member", document_url(review, "docx"))

    text = docx_text(content)
    assert response["Content-Disposition"] == 'attachment; filename="Ban-kiem-diem-2026-Tran-Thi-Binh.docx"'
    assert text.index("DỰ THẢO") < text.index("BẢN KIỂM ĐIỂM CÁ NHÂN") < text.index("I. ƯU ĐIỂM") < text.index(ANSWER)
    assert "Số" not in text.split("BẢN KIỂM ĐIỂM CÁ NHÂN")[0]  # a personal paper carries no number line


def test_a_submitted_review_prints_without_the_draft_mark_and_with_each_checklist_items_wording(cast):
    cycle = open_for(cast.commune)
    review = submitted_review(cast, cycle)
    wording = ChecklistItem.objects.get(checklist__rule_set=cycle.rule_set, code="CT-5").text.rstrip(".")

    _response, content = download(cast, "member", document_url(review, "docx"))

    text = docx_text(content)
    assert "DỰ THẢO" not in text
    assert f"Liên hệ: CT-5 ({wording})" in text
