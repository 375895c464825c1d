import datetime
import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from soisua.documents.rendering import (
    Facts,
    Header,
    Heading,
    Paragraph,
    PartyDocument,
    Signature,
    Table,
    render_docx,
    render_html,
    render_pdf,
    vietnamese_date,
)
from tests.files import docx_texts, pdf_text, run_tool


def sample_document(**changes) -> PartyDocument:
    fields = {
        "header": Header(issuer="Chi bộ Trường Tiểu học Mạc Thị Bưởi", superior="Đảng bộ xã Ea Kmút",
                         number="12-BC/CB", place="Ea Kar", date=datetime.date(2023, 3, 16)),
        "title": "Báo cáo",
        "summary": "Kiểm điểm tập thể năm 2022",
        "blocks": [
            Heading("I. Tình hình chung"),
            Paragraph("Chi bộ có 16 đảng viên."),
            Table(["STT", "Họ và tên"], [["1", "Trần Thị Bình"], ["2", "Đào Thị Mỹ Xoan"]], align=("center",)),
            Facts([("Dân tộc", "Ê Đê")]),
        ],
        "signature": Signature("T/M Chi bộ", "Bí thư", "Đào Thị Mỹ Xoan"),
        "recipients": ["Đảng ủy xã Ea Kmút", "Lưu"],
    }
    return PartyDocument(**(fields | changes))


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return run_tool("pdffonts", str(path))


@pytest.mark.parametrize(("date", "expected"), [
    (datetime.date(2023, 3, 16), "ngày 16 tháng 3 năm 2023"),
    (datetime.date(2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
    (datetime.date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
])
def test_vietnamese_date_pads_small_days_and_early_months(date, expected):
    text = vietnamese_date(date)

    assert text == expected


def test_header_place_and_date_joins_place_and_vietnamese_date():
    header = Header(issuer="Chi bộ Thôn 1", place="Ea Kar", date=datetime.date(2023, 3, 16))

    text = header.place_and_date

    assert text == "Ea Kar, ngày 16 tháng 3 năm 2023"


def test_recipient_lines_end_with_comma_then_full_stop():
    document = sample_document(recipients=["Đảng ủy xã Ea Kmút", "Lưu"])

    lines = document.recipient_lines

    assert lines == ["- Đảng ủy xã Ea Kmút,", "- Lưu."]


def test_render_docx_has_header_block_title_table_and_signature():
    content = render_docx(sample_document())

    document, texts = docx_texts(content)
    issuer, party = document.tables[0].rows[0].cells
    number, date = document.tables[0].rows[1].cells
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert party.paragraphs[0].runs[0].underline
    assert issuer.text.split("\n") == ["ĐẢNG BỘ XÃ EA KMÚT", "CHI BỘ TRƯỜNG TIỂU HỌC MẠC THỊ BƯỞI", "*"]
    assert (number.text, date.text) == ("Số 12-BC/CB", "Ea Kar, ngày 16 tháng 3 năm 2023")
    assert "BÁO CÁO" in texts
    assert "Đào Thị Mỹ Xoan" in [cell.text for cell in document.tables[1].columns[1].cells]
    assert document.tables[1].rows[0].cells[1].text == "Họ và tên"
    signature = document.tables[-1].rows[0].cells[1].text.split("\n")
    assert (signature[0], signature[1], signature[-1]) == ("T/M CHI BỘ", "BÍ THƯ", "Đào Thị Mỹ Xoan")
    assert document.tables[-1].rows[0].cells[0].text.split("\n")[0] == "Nơi nhận:"


def test_render_docx_table_rows_keep_alignment_and_drop_control_characters():
    table = Table(["STT", "Họ và tên"], [["1", "Nguyễn\x07 Văn An"]], align=("center", "sideways"))

    content = render_docx(sample_document(blocks=[table]))

    row = docx.Document(io.BytesIO(content)).tables[1].rows[1]
    assert [cell.text for cell in row.cells] == ["1", "Nguyễn Văn An"]
    assert [cell.paragraphs[0].alignment for cell in row.cells] == [WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT]


def test_render_docx_uses_a4_and_times_new_roman():
    content = render_docx(sample_document())

    document, _texts = docx_texts(content)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_render_docx_landscape_swaps_the_page():
    content = render_docx(sample_document(landscape=True))

    document, _texts = docx_texts(content)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)


def test_render_html_escapes_content():
    html = render_html(sample_document(summary="<script>alert(1)</script>"))

    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_render_html_landscape_sets_page_size():
    html = render_html(sample_document(landscape=True))

    assert "size: A4 landscape" in html


def test_render_pdf_contains_heading_issuer_and_names(tmp_path):
    content = render_pdf(sample_document())

    text = pdf_text(content, raw=False)
    assert content.startswith(b"%PDF")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CHI BỘ TRƯỜNG TIỂU HỌC MẠC THỊ BƯỞI" in text
    assert "Số 12-BC/CB" in text
    assert "Ea Kar, ngày 16 tháng 3 năm 2023" in text
    assert "Trần Thị Bình" in text
    assert "T/M CHI BỘ" in text


def test_render_pdf_embeds_liberation_serif_for_every_vietnamese_letter(tmp_path):
    content = render_pdf(sample_document())

    fonts = pdf_fonts(content, tmp_path).splitlines()[2:]
    assert fonts and all("Liberation-Serif" in line and " yes " in line for line in fonts)


def test_render_pdf_never_fetches_remote_urls(tmp_path, monkeypatch):
    requested = []
    monkeypatch.setattr("urllib.request.OpenerDirector.open", lambda *args, **kwargs: requested.append(args))
    document = sample_document(summary="x")
    html = render_html(document).replace("</head>", '<link rel="stylesheet" href="http://example.org/x.css"></head>')
    monkeypatch.setattr("soisua.documents.rendering.render_html", lambda _document: html)

    content = render_pdf(document)

    assert content.startswith(b"%PDF")
    assert requested == []
