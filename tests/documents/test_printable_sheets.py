"""Workbooks print as papers: A4, landscape when wide, one page wide, the header row on every page, the sheet's
name above and the page number below (read back from the file's XML, as a spreadsheet program reads it); a block
above the table names the unit, the title, what it covers and the day, a totals row adds it up, dates are dates,
ID numbers text, and nothing typed is ever run as a formula (read back with openpyxl)."""

import csv
import datetime
import io
import re
import zipfile

import openpyxl
from django.utils import translation

from soisua.documents.writers import COUNT, SUM, Column, Sheet, write_table, write_xlsx, write_xlsx_sheets


def sheet_xml(columns: int, name: str = "Danh sách") -> tuple[str, str]:
    data = write_xlsx([Column(f"c{index}", f"Cột {index}") for index in range(columns)],
                      [[f"{row}-{index}" for index in range(columns)] for row in range(3)], sheet_name=name)
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive.read("xl/worksheets/sheet1.xml").decode(), archive.read("xl/workbook.xml").decode()


def test_a_wide_sheet_prints_landscape_on_a4_one_page_wide_with_its_header_row_repeated():
    sheet, workbook = sheet_xml(10, "Kết quả & tổng hợp")

    assert re.search(r'<pageSetup paperSize="9" fitToHeight="0" orientation="landscape"/>', sheet)
    assert '<pageSetUpPr fitToPage="1"/>' in sheet
    assert "<oddHeader>&amp;C&amp;BKết quả &amp;&amp; tổng hợp</oddHeader>" in sheet
    assert "<oddFooter>&amp;RTrang &amp;P/&amp;N</oddFooter>" in sheet
    assert "_xlnm.Print_Titles" in workbook and "!$1:$1" in workbook


def test_a_narrow_sheet_stays_portrait():
    sheet, _workbook = sheet_xml(5)

    assert 'orientation="landscape"' not in sheet and 'paperSize="9"' in sheet


# Read back with openpyxl, as a spreadsheet program reads the cells ---------------------------------------------

ISSUE_DAY = datetime.date(2026, 12, 7)
COLUMNS = [Column("number", "STT", "number"), Column("name", "Họ và tên", total=COUNT),
           Column("card", "Số thẻ đảng"), Column("born", "Ngày sinh", "date"),
           Column("amount", "Số tiền", "number", total=SUM), Column("status", "Trạng thái")]
ROWS = [[1, "=HYPERLINK(\"http://x\")", "0012345", datetime.date(1980, 2, 1), 5000, "Đã nộp"],
        [2, "+84912345678", "0098765", None, 2500, "Còn nợ"],
        [3, "@SUM(A1:A2)", "\t0011", datetime.date(1990, 12, 31), 1000, "Đã nộp"],
        [4, "-1", "\r0022", None, 0, "Còn nợ"]]


def workbook(**sheet) -> openpyxl.Workbook:
    defaults = {"issuer": "Chi bộ Thôn 1", "title": "Danh sách nộp đảng phí", "scope": ["Tháng 11/2026"],
                "on": ISSUE_DAY, "breakdown": "status"}
    with translation.override("vi"):
        content = write_xlsx_sheets([Sheet("Đảng phí", COLUMNS, ROWS, **(defaults | sheet))])
    return openpyxl.load_workbook(io.BytesIO(content))


def test_a_printable_sheet_names_the_unit_the_title_what_it_covers_and_the_day_above_its_table():
    sheet = workbook().active

    block = [sheet.cell(row, 1).value for row in range(1, 6)]

    assert block == ["CHI BỘ THÔN 1", "DANH SÁCH NỘP ĐẢNG PHÍ", "Tháng 11/2026", "Ngày xuất: 07/12/2026", None]
    assert [cell.value for cell in sheet[6]] == ["STT", "Họ và tên", "Số thẻ đảng", "Ngày sinh", "Số tiền",
                                                 "Trạng thái"]


def test_the_printed_header_row_is_the_column_headers_below_the_block():
    sheet = workbook().active

    assert sheet.print_title_rows == "$6:$6"
    assert sheet.freeze_panes == "A7"
    assert sheet.auto_filter.ref == "A6:F10"
    assert sheet.page_setup.paperSize == 9 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) in ((None, 0), (1, 0))


def test_a_sheet_without_a_block_keeps_its_header_row_first():
    sheet = workbook(issuer="", title="", scope=()).active

    assert sheet.print_title_rows == "$1:$1"
    assert sheet.cell(1, 1).value == "STT"


def test_the_totals_row_counts_and_adds_up_and_the_breakdown_counts_by_status():
    sheet = workbook().active

    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=11)]

    assert rows[0] == ["Tổng cộng", 4, None, None, 8500, None]
    assert all(cell.font.bold for cell in sheet[11] if cell.value is not None)
    assert [row[:2] for row in rows[2:]] == [["Theo Trạng thái", None], ["Còn nợ", 2], ["Đã nộp", 2],
                                             ["Tổng cộng", 4]]


def test_dates_are_real_dates_written_dd_mm_yyyy_and_id_numbers_stay_text():
    sheet = workbook().active

    born, card = sheet["D7"], sheet["C8"]

    assert (born.data_type, born.value.date(), born.number_format) == ("d", datetime.date(1980, 2, 1), "dd/mm/yyyy")
    assert (card.data_type, card.value) == ("s", "0098765")
    assert sheet["E7"].data_type == "n"


def test_text_a_spreadsheet_would_run_as_a_formula_is_shown_as_typed_and_never_evaluated():
    sheet = workbook().active

    risky = [sheet["B7"], sheet["B8"], sheet["B9"], sheet["B10"], sheet["C9"], sheet["C10"]]

    # (a carriage return is stored as Excel escapes it, _x000D_, which openpyxl leaves as it is)
    assert [cell.value for cell in risky[:5]] == [ROWS[0][1], ROWS[1][1], ROWS[2][1], ROWS[3][1], "\t0011"]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
    assert not sheet["C7"].quotePrefix
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_csv_of_a_table_has_a_bom_neutralises_formulas_and_keeps_id_numbers_as_text():
    output = io.BytesIO()

    write_table(Sheet("Đảng phí", COLUMNS, ROWS), "csv", output)

    text = output.getvalue().decode("utf-8")
    lines = list(csv.reader(io.StringIO(text[1:])))
    assert text.startswith("\ufeffSTT,Họ và tên")
    assert lines[1] == ["1", "'=HYPERLINK(\"http://x\")", "0012345", "01/02/1980", "5000", "Đã nộp"]
    assert [line[1] for line in lines[2:]] == ["'+84912345678", "'@SUM(A1:A2)", "'-1"]
    assert [line[2] for line in lines[3:]] == ["'\t0011", "'\r0022"]
    assert len(lines) == 5  # data only: no block, no totals
