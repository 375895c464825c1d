"""Section III: the shortcomings named in earlier cycles, with their status and whether they recur, in the editor
(before the box where the author reports on them), on the reading page, and in the Word and PDF documents."""

from django.urls import reverse

from soisua.corrections.models import Shortcoming
from soisua.reviews import services
from soisua.reviews.models import Review
from tests.factories import complete_review
from tests.files import docx_text, pdf_text
from tests.reviews.test_exports import document_url, download, open_for

FIRST = "Chưa đóng đảng phí đúng hạn"
AGAIN = "Lại chậm đóng đảng phí quý II"
OTHER = "Chưa tham gia đầy đủ sinh hoạt chi bộ"
REPORT = "Đã đóng đủ đảng phí từ tháng 7, có biên lai của chi bộ"


def earlier_shortcomings(cast):
    """Named before the cycle opens: one being fixed that was named again, the repeat (fixed), and another."""
    member = cast.members["member"]
    first = Shortcoming.objects.create(unit=cast.cell, member=member, text=FIRST, status="in_progress")
    Shortcoming.objects.create(unit=cast.cell, member=member, text=AGAIN, status="verified", recurring_of=first)
    Shortcoming.objects.create(unit=cast.cell, member=member, text=OTHER, status="open")


def test_the_editor_lists_earlier_shortcomings_before_the_box_to_report_on_them(cast):
    earlier_shortcomings(cast)
    cycle = open_for(cast.commune)
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])

    page = cast.client("member").get(reverse("reviews:reviews.edit", args=[review.pk])).content.decode()

    box = page.index('name="a_previous"')
    assert page.index(FIRST) < box and page.index(AGAIN) < box and page.index(OTHER) < box
    assert "Đang khắc phục · lặp lại 1 lần" in page
    assert "Đã xác nhận khắc phục · lặp lại hạn chế, khuyết điểm trước đó" in page
    assert "Chưa có kế hoạch được duyệt)" in page


def test_the_reading_page_lists_them_too(cast):
    earlier_shortcomings(cast)
    cycle = open_for(cast.commune)
    review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"])

    page = cast.client("secretary").get(reverse("reviews:reviews.detail", args=[review.pk])).content.decode()

    assert FIRST in page and "lặp lại 1 lần" in page and OTHER in page


def _submitted_with_report(cast):
    earlier_shortcomings(cast)
    cycle = open_for(cast.commune)
    author = cast.users["member"]
    review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), author, submit=False)
    content = services.ReviewContent(
        answers={**review.answers, "previous": REPORT}, checklist=review.checklist, self_level=review.self_level,
        self_score_general=review.self_score_general, self_score_tasks=review.self_score_tasks)
    review = services.save_review(review, version=review.version, content=content, by=author)
    return services.submit_review(review, version=review.version, by=author)


EXPECTED = [
    "Hạn chế, khuyết điểm đã được chỉ ra ở các kỳ trước:",
    f"1. {OTHER} (tình trạng: Chưa có kế hoạch được duyệt)",
    f"2. {AGAIN} (tình trạng: Đã xác nhận khắc phục; lặp lại hạn chế, khuyết điểm trước đó)",
    f"3. {FIRST} (tình trạng: Đang khắc phục; lặp lại 1 lần)",
    f"Kết quả khắc phục: {REPORT}",
]


def test_the_word_document_prints_earlier_shortcomings_with_status_and_recurrence(cast):
    review = _submitted_with_report(cast)

    _response, content = download(cast, "secretary", document_url(review, "docx"))

    text = docx_text(content)
    for expected in EXPECTED:
        assert expected in text, expected


def test_the_pdf_prints_earlier_shortcomings_with_status_and_recurrence(cast, tmp_path):
    review = _submitted_with_report(cast)

    _response, content = download(cast, "secretary", document_url(review, "pdf"))

    text = pdf_text(content)
    for expected in EXPECTED:
        assert expected in text, expected


def test_without_earlier_shortcomings_the_document_says_so(cast):
    cycle = open_for(cast.commune)
    review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"],
                             text=REPORT)

    _response, content = download(cast, "secretary", document_url(review, "docx"))

    assert "Không có hạn chế, khuyết điểm từ các kỳ trước." in docx_text(content)
