"""Official party documents (docs/domain.md, "Official documents") rendered as Word and PDF from one content model.

Every export that produces a document builds a `PartyDocument` once and hands it to both renderers, so the Word
file and the PDF never disagree. The layout numbers (paper, margins, type sizes) live in `STYLE` only: the
exact values of Hướng dẫn 36-HD/VPTW were not checked line by line, and one place makes them easy to correct.
PDFs are drawn by WeasyPrint from a Django template with fonts found locally through fontconfig; the URL
fetcher accepts only data: URLs, so rendering never reaches the network.
"""

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt

STYLE = {
    "paper": "A4",
    "paper_mm": (210, 297),
    # top, right, bottom, left
    "margins_mm": (20, 15, 20, 30),
    # Word files name the font party offices use; PDFs embed a metric-compatible font with full Vietnamese
    # coverage, so that both paginate alike (Noto Serif stands in for any character it might miss).
    "font_family": "Times New Roman",
    "pdf_font_family": "Liberation Serif",
    "pdf_fallback_font": "Noto Serif",
    "size_body": 13,
    "size_header": 13,  # superior body, issuer, number, place and date
    "size_party": 14,  # ĐẢNG CỘNG SẢN VIỆT NAM
    "size_title": 15,
    "size_summary": 13,
    "size_table": 11,
    "size_table_wide": 9,  # tables with more than `wide_table_columns` columns
    "wide_table_columns": 8,
    "size_recipients": 11,
    "line_spacing": 1.2,  # in lines as Word counts them: a multiple of the font's single line
    # The single line of Liberation Serif as LibreOffice spaces it (ascent, descent and line gap, about that of Times
    # New Roman in Word), in em: the PDF's CSS line heights are the spacing times this, so both break pages alike.
    "font_line_em": 1.147,
    "paragraph_indent_mm": 10,
    "header_left_share": 0.45,  # the issuer column's share of the text width
    "signature_share": 0.5,
    "draft_mark_mm": 40,  # the width of the boxed DỰ THẢO mark
}

PARTY_HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS_LABEL = "Nơi nhận:"
# A paper not yet issued (minutes not approved, a review not submitted, …) says so above its title, boxed.
DRAFT_MARK = "DỰ THẢO"


def vietnamese_date(date: datetime.date) -> str:
    """'ngày 16 tháng 3 năm 2023'.

    Days below 10 and the months 1 and 2 take a leading zero so that no digit can be added in front later: the
    rule of Nghị định 30/2020/NĐ-CP for state documents, kept here until checked against Hướng dẫn 36-HD/VPTW.
    """
    day = f"{date.day:02d}"
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"ngày {day} tháng {month} năm {date.year}"


def document_date(date: datetime.date | None) -> str:
    """dd/mm/yyyy for dates inside tables and facts; empty for no date."""
    return date.strftime("%d/%m/%Y") if date else ""


@dataclass(frozen=True)
class Header:
    """The heading block: issuer at the top left, the party heading at the top right."""

    issuer: str
    superior: str = ""
    # Number and symbol without "Số", e.g. "12-BC/CB"; blanks before the symbol when not yet numbered
    # (documents.numbering.printed_number); empty for papers that carry no number line.
    number: str = ""
    place: str = ""
    date: datetime.date | None = None

    @property
    def number_line(self) -> str:
        return f"Số {self.number}" if self.number else ""

    @property
    def place_and_date(self) -> str:
        if self.date is None:
            return self.place
        return f"{self.place}, {self.date_text}" if self.place else self.date_text

    @property
    def date_text(self) -> str:
        """The date as printed on the date line, capitalised when no place precedes it."""
        if self.date is None:
            return ""
        date = vietnamese_date(self.date)
        return date if self.place else date[0].upper() + date[1:]


# Control characters (other than tab and newline) are not allowed in XML, so neither Word nor HTML can hold them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _printable(value: object) -> str:
    return _CONTROL_CHARACTERS.sub("", "" if value is None else str(value))


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    """A bordered table; the header row repeats on every page.

    `align` holds 'left', 'center' or 'right' per column; `widths` holds relative column widths (any unit),
    equal widths when empty.
    """

    columns: list[str]
    rows: list[list[str]]
    align: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()

    def width_shares(self) -> list[float]:
        """Each column's share of the table width, summing to 1."""
        weights = list(self.widths) if len(self.widths) == len(self.columns) else [1.0] * len(self.columns)
        total = sum(weights) or 1.0
        return [weight / total for weight in weights]

    def width_percents(self) -> list[str]:
        return [f"{share * 100:.2f}%" for share in self.width_shares()]

    def alignment(self, index: int) -> str:
        align = self.align[index] if index < len(self.align) else "left"
        return align if align in ("left", "center", "right") else "left"

    @property
    def wide(self) -> bool:
        return len(self.columns) > STYLE["wide_table_columns"]

    def aligned_rows(self) -> list[list[tuple[str, str]]]:
        return [[(_printable(value), self.alignment(index)) for index, value in enumerate(row)] for row in self.rows]


@dataclass(frozen=True)
class Facts:
    """Label and value pairs, as on a profile sheet."""

    items: list[tuple[str, str]]


@dataclass(frozen=True)
class Signature:
    authority: str  # "T/M CHI BỘ"
    post: str  # "BÍ THƯ"
    name: str = ""


@dataclass(frozen=True)
class Signatures:
    """Signatures inside the body, for documents signed part by part (a self-review: its author, then the cell,
    then the superior committee). One sits on the right half, as the closing signature does; several share a row.
    """

    items: tuple[Signature, ...]


Block = Heading | Paragraph | Table | Facts | Signatures


@dataclass
class PartyDocument:
    header: Header
    title: str
    summary: str = ""
    blocks: list[Block] = field(default_factory=list)
    signature: Signature | None = None
    recipients: list[str] = field(default_factory=list)
    landscape: bool = False
    draft: bool = False  # printed with DRAFT_MARK above the title

    @property
    def recipient_lines(self) -> list[str]:
        """'- A,' for each recipient and '- B.' for the last, as the list is punctuated on paper."""
        last = len(self.recipients) - 1
        return [f"- {name.rstrip(',.')}{'.' if index == last else ','}" for index, name in enumerate(self.recipients)]


# Word ------------------------------------------------------------------------------------------------------


def _text_width_mm(document: PartyDocument) -> float:
    width, height = STYLE["paper_mm"]
    _top, right, _bottom, left = STYLE["margins_mm"]
    return (height if document.landscape else width) - left - right


def _set_page(docx, document: PartyDocument) -> None:
    section = docx.sections[0]
    width, height = STYLE["paper_mm"]
    top, right, bottom, left = STYLE["margins_mm"]
    if document.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    # Party documents number their pages from the second page, at the top centre.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field = OxmlElement("w:fldSimple")
    page_field.set(qn("w:instr"), "PAGE")
    number._p.append(page_field)


def _set_base_font(docx) -> None:
    normal = docx.styles["Normal"]
    normal.font.name = STYLE["font_family"]
    normal.font.size = Pt(STYLE["size_body"])
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), STYLE["font_family"])
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = STYLE["line_spacing"]


def _write(paragraph, text: str, *, size: int | None = None, bold: bool = False, italic: bool = False,
           underline: bool = False, align: str | None = None) -> None:
    run = paragraph.add_run(_printable(text))
    # Only what differs from the style: each property written is XML work, and tables have thousands of runs.
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    if size:
        run.font.size = Pt(size)
    if align:
        paragraph.alignment = _ALIGN[align]


_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _cell_paragraph(cell, first: bool):
    return cell.paragraphs[0] if first else cell.add_paragraph()


def _plain_table(docx, rows: int, widths_mm: list[float]):
    table = docx.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_column_widths(table, [Mm(width) for width in widths_mm])
    return table


def _set_column_widths(table, widths: list) -> None:
    """Word reads the cell widths, LibreOffice the grid: set both."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _docx_header(docx, document: PartyDocument) -> None:
    header, size = document.header, STYLE["size_header"]
    total = _text_width_mm(document)
    left_width = total * STYLE["header_left_share"]
    table = _plain_table(docx, 2, [left_width, total - left_width])
    issuer_cell, party_cell = table.rows[0].cells
    first = True
    if header.superior:
        _write(issuer_cell.paragraphs[0], header.superior.upper(), size=size, align="center")
        first = False
    _write(_cell_paragraph(issuer_cell, first), header.issuer.upper(), size=size, bold=True, align="center")
    _write(issuer_cell.add_paragraph(), "*", size=size, align="center")
    # An underline keeps the rule exactly as long as the heading whatever font Word substitutes.
    _write(party_cell.paragraphs[0], PARTY_HEADING, size=STYLE["size_party"], bold=True, underline=True,
           align="center")
    number_cell, date_cell = table.rows[1].cells
    _write(number_cell.paragraphs[0], header.number_line, size=size, align="center")
    _write(date_cell.paragraphs[0], header.place_and_date, size=size, italic=True, align="center")


def _docx_draft_mark(docx, document: PartyDocument) -> None:
    """DRAFT_MARK centred in a box, as offices stamp a draft."""
    mark = docx.add_paragraph()
    mark.paragraph_format.space_before = Pt(12)
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        border = OxmlElement(f"w:{side}")
        for attribute, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "2"), ("w:color", "000000")):
            border.set(qn(attribute), value)
        borders.append(border)
    mark._p.get_or_add_pPr().append(borders)
    indent = (_text_width_mm(document) - STYLE["draft_mark_mm"]) / 2
    mark.paragraph_format.left_indent = mark.paragraph_format.right_indent = Mm(indent)
    _write(mark, DRAFT_MARK, size=STYLE["size_title"], bold=True, align="center")


def _docx_title(docx, document: PartyDocument) -> None:
    if document.draft:
        _docx_draft_mark(docx, document)
    title = docx.add_paragraph()
    title.paragraph_format.space_before = Pt(18)
    _write(title, document.title.upper(), size=STYLE["size_title"], bold=True, align="center")
    if document.summary:
        _write(docx.add_paragraph(), document.summary, size=STYLE["size_summary"], bold=True, align="center")
    rule = docx.add_paragraph()
    rule.paragraph_format.space_after = Pt(12)
    _write(rule, "-----", size=STYLE["size_summary"], align="center")


def _mark_header_row(row) -> None:
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def _table_text_style(docx, size: int):
    """A paragraph style per table type size, so thousands of cells do not each carry their own size."""
    name = f"Table Text {size}"
    if name not in [style.name for style in docx.styles]:
        style = docx.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = docx.styles["Normal"]
        style.font.size = Pt(size)
        style.paragraph_format.line_spacing = 1.0
    return docx.styles[name]


def _docx_row(row: list[tuple[str, str]], style_id: str, widths: list) -> BaseOxmlElement:
    """One body row as XML in a single parse: building it run by run costs seconds for a long roster."""
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width.twips}"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{escape(style_id)}"/><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
        for (text, align), width in zip(row, widths, strict=True))
    return parse_xml(f"<w:tr {nsdecls('w')}>{cells}</w:tr>")


def _docx_table(docx, block: Table, width_mm: float) -> None:
    style_id = _table_text_style(docx, STYLE["size_table_wide"] if block.wide else STYLE["size_table"]).style_id
    table = docx.add_table(rows=1, cols=len(block.columns), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(width_mm * share) for share in block.width_shares()]
    _mark_header_row(table.rows[0])
    for cell, text in zip(table.rows[0].cells, block.columns, strict=True):
        cell.paragraphs[0]._p.style = style_id
        _write(cell.paragraphs[0], str(text), bold=True, align="center")
    _set_column_widths(table, widths)
    for row in block.aligned_rows():
        table._tbl.append(_docx_row(row, style_id, widths))
    docx.add_paragraph()


def _docx_facts(docx, block: Facts, width_mm: float) -> None:
    table = _plain_table(docx, len(block.items), [width_mm * 0.35, width_mm * 0.65])
    for row, (label, value) in zip(table.rows, block.items, strict=True):
        _write(row.cells[0].paragraphs[0], f"{label}:")
        _write(row.cells[1].paragraphs[0], str(value), bold=True)
    docx.add_paragraph()


def _docx_blocks(docx, document: PartyDocument) -> None:
    width = _text_width_mm(document)
    for block in document.blocks:
        if isinstance(block, Heading):
            heading = docx.add_paragraph()
            heading.paragraph_format.space_before = Pt(6)
            heading.paragraph_format.space_after = Pt(6)
            heading.paragraph_format.keep_with_next = True
            _write(heading, block.text, bold=True)
        elif isinstance(block, Paragraph):
            paragraph = docx.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Mm(STYLE["paragraph_indent_mm"])
            paragraph.paragraph_format.space_after = Pt(6)
            _write(paragraph, block.text, align="justify")
        elif isinstance(block, Table):
            _docx_table(docx, block, width)
        elif isinstance(block, Facts):
            _docx_facts(docx, block, width)
        elif isinstance(block, Signatures) and block.items:
            _docx_signatures(docx, block, width)


def _docx_signature(cell, signature: Signature) -> None:
    _write(cell.paragraphs[0], signature.authority.upper(), bold=True, align="center")
    _write(cell.add_paragraph(), signature.post.upper(), bold=True, align="center")
    for _blank in range(3):
        cell.add_paragraph()
    _write(cell.add_paragraph(), signature.name, bold=True, align="center")


def _docx_signatures(docx, block: Signatures, width_mm: float) -> None:
    count = len(block.items)
    share = STYLE["signature_share"]
    widths = [width_mm * (1 - share), width_mm * share] if count == 1 else [width_mm / count] * count
    table = _plain_table(docx, 1, widths)
    for cell, signature in zip(table.rows[0].cells[-count:], block.items, strict=True):
        _docx_signature(cell, signature)
    docx.add_paragraph()


def _docx_closing(docx, document: PartyDocument) -> None:
    if not document.signature and not document.recipients:
        return
    total = _text_width_mm(document)
    table = _plain_table(docx, 1, [total * (1 - STYLE["signature_share"]), total * STYLE["signature_share"]])
    recipients_cell, signature_cell = table.rows[0].cells
    if document.recipients:
        _write(recipients_cell.paragraphs[0], RECIPIENTS_LABEL, underline=True)
        for line in document.recipient_lines:
            _write(recipients_cell.add_paragraph(), line, size=STYLE["size_recipients"])
    if document.signature:
        _docx_signature(signature_cell, document.signature)


def render_docx(document: PartyDocument) -> bytes:
    """The document as a Word (.docx) file."""
    docx = new_docx()
    _set_page(docx, document)
    _set_base_font(docx)
    # The default template starts with one empty paragraph; the heading table must be the first thing.
    body = docx.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    _docx_header(docx, document)
    _docx_title(docx, document)
    _docx_blocks(docx, document)
    _docx_closing(docx, document)
    output = io.BytesIO()
    docx.save(output)
    return output.getvalue()


# PDF -------------------------------------------------------------------------------------------------------


def _pdf_context(document: PartyDocument) -> dict:
    top, right, bottom, left = STYLE["margins_mm"]
    return {
        "document": document,
        "style": STYLE,
        "page_size": f"{STYLE['paper']} {'landscape' if document.landscape else 'portrait'}",
        "margins": f"{top}mm {right}mm {bottom}mm {left}mm",
        "line_height": round(STYLE["line_spacing"] * STYLE["font_line_em"], 4),
        "table_line_height": STYLE["font_line_em"],  # tables are single-spaced, as their Word style is
        "header_left_percent": round(STYLE["header_left_share"] * 100),
        "signature_percent": round(STYLE["signature_share"] * 100),
        "signature_left_percent": 100 - round(STYLE["signature_share"] * 100),
        "party_heading": PARTY_HEADING,
        "recipients_label": RECIPIENTS_LABEL,
        "draft_mark": DRAFT_MARK,
        "blocks": [(type(block).__name__.lower(), block) for block in document.blocks],
    }


def render_html(document: PartyDocument) -> str:
    return render_to_string("documents/document.html", _pdf_context(document))


def render_pdf(document: PartyDocument) -> bytes:
    """The document as PDF. Imported lazily: WeasyPrint loads Pango, which web requests rarely need."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return HTML(string=render_html(document), url_fetcher=fetcher).write_pdf()


@dataclass(frozen=True)
class OutputFormat:
    render: Callable[[PartyDocument], bytes]
    content_type: str


# Every official document is offered in both formats, rendered from the same content.
OUTPUT_FORMATS = {
    "pdf": OutputFormat(render_pdf, "application/pdf"),
    "docx": OutputFormat(render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
