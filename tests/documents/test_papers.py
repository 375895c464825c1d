"""Every kind of filed paper read back from Word (python-docx) and PDF (pdftotext), built and rendered while an
English reader's language is active: the number line (given, or blanks before the symbol), the issuer under its
superior, the date line, the title, the signatures, the recipients, DỰ THẢO on drafts, the content, and Vietnamese
throughout (docs/documents.md)."""

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

import docx as python_docx
import pytest
import time_machine
from django.utils import timezone, translation

from soisua.corrections import exports as correction_exports
from soisua.corrections import services as corrections
from soisua.directives import exports as directive_exports
from soisua.directives import services as directives
from soisua.documents import exports as document_exports
from soisua.documents.rendering import render_docx, render_pdf, vietnamese_date
from soisua.meetings import exports as meeting_exports
from soisua.oversight import exports as oversight_exports
from soisua.reviews import exports as review_exports
from soisua.reviews import services as reviews
from soisua.reviews.models import Review
from tests.conftest import fixed_now
from tests.directives.test_directives import ISSUED_ON, KEY_TASKS, issued, receipt_of
from tests.directives.test_directives import draft as directive_draft
from tests.files import docx_text, pdf_text
from tests.meetings.test_exports import END, held_meeting
from tests.oversight.test_inspections import concluded, under_way
from tests.reviews.test_exports import ANSWER, open_for

TODAY = "N" + vietnamese_date(fixed_now().date())[1:]  # the suite's clock (tests/conftest.py): "Ngày 20 tháng 11 …"
# A number line with a number, and one left blank for the clerk ("Số", blanks, then the symbol).
NUMBERED = r"Số \d\d-{kind}/{symbol}"
BLANK = r"Số -{kind}/{symbol}"
ISSUED_ON_LINE = "N" + vietnamese_date(ISSUED_ON)[1:]  # a directive is dated the day it says it was issued
ANY_NUMBER = re.compile(r"Số\s*\d*\s*-[A-ZĐ]+")
ENGLISH = ("Minutes", "Comrade", "Present", "Secretary", "Approved", "Draft", "DRAFT", "Full name")


@dataclass
class Paper:
    build: object  # cast -> PartyDocument
    number: str | None  # a pattern of NUMBERED or BLANK; None for papers without a number line
    title: str
    signatures: tuple[str, ...]
    content: tuple[str, ...]
    date: str = TODAY
    recipients: tuple[str, ...] = ()
    draft: bool = False
    superior: str = "ĐẢNG ỦY XÃ HÒA AN"
    issuer: str = "CHI BỘ THÔN 1"
    extra: dict = field(default_factory=dict)


def minutes(approve: bool):
    def build(cast):
        with time_machine.travel(END + datetime.timedelta(minutes=30), tick=False):
            return meeting_exports.minutes_document(held_meeting(cast, approve=approve))
    return build


def collective_review(submit: bool):
    def build(cast):
        cycle = open_for(cast.commune)
        review = Review.objects.get(cycle=cycle, unit=cast.cell, member=None)
        first = next(spec["key"] for section in review.form.sections for spec in section["fields"]
                     if spec["kind"] == "text")
        content = reviews.ReviewContent(answers={first: ANSWER}, self_score_general=Decimal("26"),
                                        self_score_tasks=Decimal("62"), self_level="good")
        review = reviews.save_review(review, version=review.version, content=content, by=cast.users["secretary"])
        if submit:
            review = reviews.submit_review(review, version=None, by=cast.users["secretary"])
        return review_exports.review_document(review, reader=cast.users["parent_staff"])
    return build


def member_review(cast):
    cycle = open_for(cast.commune)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])
    review = reviews.save_review(review, version=review.version, content=reviews.ReviewContent(
        answers={"political_ideology": ANSWER}, grades={"political_ideology": "good"}), by=cast.users["member"])
    return review_exports.review_document(review, reader=cast.users["member"])


def plan(member: bool, approve: bool):
    def build(cast):
        owner = cast.members["member"] if member else None
        writer, approver = ("member", "secretary") if member else ("secretary", "committee")
        shortcoming = corrections.record_shortcoming(unit=cast.cell, member=owner, text="Sinh hoạt chưa đúng kỳ",
                                                     severity="serious", by=cast.users["secretary"])
        today = timezone.localdate()
        made = corrections.create_plan(unit=cast.cell, member=owner, shortcomings=[shortcoming],
                                       deadline=today + datetime.timedelta(days=100), by=cast.users[writer])
        measure = corrections.add_measure(made, text="Họp đúng ngày mùng 3 hằng tháng",
                                          supervisor=cast.members["secretary" if member else "member"],
                                          deadline=today + datetime.timedelta(days=70), by=cast.users[writer])
        corrections.add_step(measure, what="Họp tháng 1", due=today + datetime.timedelta(days=45),
                             by=cast.users[writer])
        made = corrections.submit_plan(made, by=cast.users[writer])
        if approve:
            made = corrections.decide_plan(made, approve=True, by=cast.users[approver])
        return correction_exports.plan_document(made)
    return build


def directive(issue: bool):
    def build(cast):
        made = issued(cast, tasks=KEY_TASKS[:2]) if issue else directive_draft(cast, tasks=KEY_TASKS[:2])
        return directive_exports.directive_document(made)
    return build


def directive_report(every_task: bool):
    def build(cast):
        made = issued(cast, tasks=KEY_TASKS[:2])
        receipt = receipt_of(made, cast.cell)
        period = made.periods.get()
        for task in made.tasks.all()[:2 if every_task else 1]:
            directives.file_report(receipt, key_task=task, period=period, percent=50, status="in_progress",
                                   narrative="Đã họp chi bộ triển khai", by=cast.users["secretary"])
        return directive_exports.report_document(receipt)
    return build


def conclusion(conclude: bool):
    def build(cast):
        return oversight_exports.conclusion_document(concluded(cast) if conclude else under_way(cast))
    return build


def roster(cast):
    return document_exports.roster_document(cast.cell, personal=False)


def profile(cast):
    return document_exports.member_profile_document(cast.members["member"])


COMMUNE = {"issuer": "ĐẢNG ỦY XÃ HÒA AN", "superior": "TỈNH ỦY THỬ NGHIỆM"}
PAPERS = {
    "minutes approved": Paper(minutes(True), NUMBERED.format(kind="BB", symbol="CB"), "BIÊN BẢN SINH HOẠT THƯỜNG KỲ",
                              ("THƯ KÝ", "CHỦ TRÌ"), ("Có mặt: 2/4 đồng chí.", "Vắng có lý do: 1"),
                              date="Ngày 03 tháng 12 năm 2026"),
    "minutes draft": Paper(minutes(False), BLANK.format(kind="BB", symbol="CB"), "BIÊN BẢN SINH HOẠT THƯỜNG KỲ",
                           ("THƯ KÝ", "CHỦ TRÌ"), ("DỰ THẢO: biên bản chưa được thông qua.",), draft=True,
                           date="Ngày 03 tháng 12 năm 2026"),
    "collective review submitted": Paper(collective_review(True), NUMBERED.format(kind="BC", symbol="CB"),
                                         "BÁO CÁO KIỂM ĐIỂM TẬP THỂ", ("T/M CHI BỘ", "BÍ THƯ"), (ANSWER,),
                                         recipients=("Đảng ủy xã Hòa An", "Lưu")),
    "collective review draft": Paper(collective_review(False), BLANK.format(kind="BC", symbol="CB"),
                                     "BÁO CÁO KIỂM ĐIỂM TẬP THỂ", ("T/M CHI BỘ",), (ANSWER,),
                                     recipients=("Đảng ủy xã Hòa An", "Lưu"), draft=True),
    "member review draft": Paper(member_review, None, "BẢN KIỂM ĐIỂM CÁ NHÂN", ("NGƯỜI TỰ KIỂM ĐIỂM",),
                                 (ANSWER, "Chức vụ đảng: Đảng viên"), draft=True),
    "collective plan approved": Paper(plan(False, True), NUMBERED.format(kind="KH", symbol="CB"),
                                      "KẾ HOẠCH KHẮC PHỤC HẠN CHẾ, KHUYẾT ĐIỂM", ("T/M ĐẢNG ỦY", "T/M CHI BỘ"),
                                      ("Mức độ: Nghiêm trọng.", "Tình trạng kế hoạch: Đã được phê duyệt.",
                                       "Họp đúng ngày mùng 3 hằng tháng"),
                                      recipients=("Đảng ủy xã Hòa An", "Lưu")),
    "member plan submitted": Paper(plan(True, False), None, "KẾ HOẠCH KHẮC PHỤC HẠN CHẾ, KHUYẾT ĐIỂM",
                                   ("NGƯỜI LẬP KẾ HOẠCH",), ("Tình trạng kế hoạch: Đã trình, chờ phê duyệt.",
                                                             "Nguyên nhân: Chủ quan."),
                                   recipients=("Chi bộ Thôn 1", "Lưu"), draft=True),
    "directive issued": Paper(directive(True), r"Số 75-KH/ĐUX", "KẾ HOẠCH", ("T/M ĐẢNG ỦY", "BÍ THƯ"),
                              ("I. NHIỆM VỤ TRỌNG TÂM", KEY_TASKS[0]), recipients=("Tỉnh ủy Thử nghiệm", "Lưu"),
                              date=ISSUED_ON_LINE, **COMMUNE),
    "directive draft": Paper(directive(False), BLANK.format(kind="KH", symbol="ĐUX"), "KẾ HOẠCH", ("T/M ĐẢNG ỦY",),
                             (KEY_TASKS[1],), recipients=("Tỉnh ủy Thử nghiệm", "Lưu"), draft=True,
                             date=ISSUED_ON_LINE, **COMMUNE),
    "directive report issued": Paper(directive_report(True), NUMBERED.format(kind="BC", symbol="CB"), "BÁO CÁO",
                                     ("T/M CHI BỘ", "BÍ THƯ"), ("Đã họp chi bộ triển khai", "Đang thực hiện"),
                                     recipients=("Đảng ủy xã Hòa An", "Lưu")),
    "directive report draft": Paper(directive_report(False), BLANK.format(kind="BC", symbol="CB"), "BÁO CÁO",
                                    ("T/M CHI BỘ",), ("Chưa báo cáo",), recipients=("Đảng ủy xã Hòa An", "Lưu"),
                                    draft=True),
    "conclusion concluded": Paper(conclusion(True), r"Số 05-KL/ĐUX", "KẾT LUẬN", ("T/M ĐẢNG ỦY", "BÍ THƯ"),
                                  ("Chưa có lộ trình chuyển đổi cụ thể", "Xây dựng lộ trình chuyển đổi cây trồng"),
                                  recipients=("Chi bộ Thôn 1", "Tỉnh ủy Thử nghiệm", "Lưu"), **COMMUNE),
    "conclusion not concluded": Paper(conclusion(False), BLANK.format(kind="KL", symbol="ĐU"), "KẾT LUẬN",
                                      ("T/M ĐẢNG ỦY",), ("NỘI DUNG",), date="", draft=True,
                                      recipients=("Chi bộ Thôn 1", "Tỉnh ủy Thử nghiệm", "Lưu"), **COMMUNE),
    "roster": Paper(roster, None, "DANH SÁCH ĐẢNG VIÊN", ("T/M CHI BỘ", "BÍ THƯ"), ("Họ và tên", "Trần Thị Bình"),
                    recipients=("Đảng ủy xã Hòa An", "Lưu")),
    "member profile": Paper(profile, None, "PHIẾU THÔNG TIN ĐẢNG VIÊN", ("T/M CHI BỘ",),
                            ("Họ và tên:", "Trần Thị Bình", "Quá trình sinh hoạt"),
                            recipients=("Đảng ủy xã Hòa An", "Lưu")),
}


@pytest.mark.parametrize("name", PAPERS)
def test_every_paper_reads_back_in_word_and_pdf_in_vietnamese_for_an_english_reader(cast, name):
    paper = PAPERS[name]

    with translation.override("en"):
        document = paper.build(cast)
        texts = {"docx": docx_text(render_docx(document)), "pdf": pdf_text(render_pdf(document))}

    for fmt, text in texts.items():
        where = f"{name} ({fmt})"
        for expected in ("ĐẢNG CỘNG SẢN VIỆT NAM", paper.superior, paper.issuer, paper.date, paper.title,
                         *paper.signatures, *paper.content):
            assert expected in text, f"{where}: {expected}"
        if paper.number is None:
            assert not ANY_NUMBER.search(text), where
        else:
            assert re.search(paper.number, text), f"{where}: {paper.number}"
        if paper.recipients:
            lines = [f"- {recipient}," for recipient in paper.recipients[:-1]] + [f"- {paper.recipients[-1]}."]
            assert "Nơi nhận:" in text and all(line in text for line in lines), f"{where}: {lines}"
        else:
            assert "Nơi nhận:" not in text, where
        assert ("DỰ THẢO" in text) == paper.draft, where
        if paper.draft:
            assert text.index("DỰ THẢO") < text.index(paper.title), where
        for english in ENGLISH:
            assert not re.search(rf"\b{english}\b", text), f"{where}: {english}"


def test_the_draft_mark_is_a_boxed_paragraph_in_word(cast):
    document = minutes(False)(cast)

    word = python_docx.Document(io.BytesIO(render_docx(document)))

    mark = next(paragraph for paragraph in word.paragraphs if paragraph.text == "DỰ THẢO")
    assert mark._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr") is not None
    assert all(run.bold for run in mark.runs)


def test_a_paper_built_for_an_english_reader_equals_the_one_built_for_a_vietnamese_reader(cast):
    with time_machine.travel(END + datetime.timedelta(minutes=30), tick=False):
        meeting = held_meeting(cast)

    with translation.override("en"):
        english = render_docx(meeting_exports.minutes_document(meeting))
    with translation.override("vi"):
        vietnamese = render_docx(meeting_exports.minutes_document(meeting))

    assert docx_text(english) == docx_text(vietnamese)


@pytest.mark.parametrize(("summary", "headings"), [
    ("", ["I. NHIỆM VỤ TRỌNG TÂM", "II. TỔ CHỨC THỰC HIỆN"]),
    ("Nâng cao chất lượng tự soi, tự sửa.", ["I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ TRỌNG TÂM",
                                            "III. TỔ CHỨC THỰC HIỆN"])])
def test_a_directive_numbers_its_parts_and_prints_no_empty_purpose(cast, summary, headings):
    document = directive_exports.directive_document(directive_draft(cast, tasks=KEY_TASKS[:1], summary=summary))

    word = python_docx.Document(io.BytesIO(render_docx(document)))

    assert [paragraph.text for paragraph in word.paragraphs if re.match(r"[IVX]+\. ", paragraph.text)] == headings
