"""Workbooks print as papers: A4, landscape when wide, one page wide, the header row on every page, the sheet's
name above and the page number below (read back from the file's XML, as a spreadsheet program reads it)."""

import io
import re
import zipfile

from soisua.documents.writers import Column, write_xlsx


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
