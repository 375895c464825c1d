"""Reading back the files the product writes (Word, PDF, Excel), the way a user's program would."""

import io
import shutil
import subprocess
import zipfile

import docx
from python_calamine import CalamineWorkbook


def body(response) -> bytes:
    """The whole response body; reading a streamed file to the end also closes it."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def docx_texts(content: bytes) -> tuple[docx.document.Document, list[str]]:
    """The Word document and the texts of its paragraphs, then of its tables' cells."""
    document = docx.Document(io.BytesIO(content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document, texts


def docx_text(content: bytes) -> str:
    """The text of the Word file's paragraphs and tables as one string, whitespace collapsed."""
    return " ".join(" ".join(docx_texts(content)[1]).split())


def docx_xml(content: bytes) -> str:
    """Every XML part of an Office file (body, headers, properties): where else a name could hide."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))


def run_tool(name: str, *args: str, input: bytes | None = None) -> str:
    """Run a poppler-utils tool; its output as text."""
    command = [shutil.which(name) or name, *args]
    return subprocess.run(command, capture_output=True, check=True, input=input).stdout.decode()  # noqa: S603


def pdf_text(content: bytes, *, raw: bool = True) -> str:
    """The PDF's text, whitespace collapsed so that wrapped lines read as one phrase. `raw` keeps the drawing
    order (justified lines would otherwise come out with words moved)."""
    assert content[:5] == b"%PDF-", "not a PDF file"
    text = run_tool("pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", "-", "-", input=content)
    return " ".join(text.split())


def read_xlsx(content: bytes) -> list[list]:
    """The first sheet's rows as Python values."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = workbook.get_sheet_by_index(0).to_python()
    workbook.close()
    return rows


TOTAL_LABELS = ("Tổng cộng", "Total")


def read_table(content: bytes) -> list[list]:
    """The table of a downloaded workbook's first sheet (`table_rows`)."""
    return table_rows(read_xlsx(content))


def table_rows(rows: list[list]) -> list[list]:
    """A printable sheet's table: its header row and data rows, without the block above it (the issuer, the title,
    the date, then a blank row) and without the totals and the breakdown below it."""
    blank = next((index for index, row in enumerate(rows[:10]) if all(value == "" for value in row)), None)
    block = blank is not None and all(sum(value != "" for value in row) == 1 for row in rows[:blank])
    table = []
    for row in rows[blank + 1 if block else 0:]:
        first = next((value for value in row if value != ""), "")
        if first == "" or (table and first in TOTAL_LABELS):
            break
        table.append(row)
    return table
