"""Shared tabular writers: one row generator per export feeds XLSX and CSV alike.

Rows are consumed once and never held in memory as a whole: xlsxwriter runs in constant-memory mode (each row is
flushed to a temporary file as it is written) and CSV is written line by line. Values are typed by their column,
and text is always written as text, so a member named "=1+1" can never become a formula in a spreadsheet.
"""

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import xlsxwriter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Printed, a sheet of more columns than this turns to landscape; every sheet fits the page's width.
LANDSCAPE_FROM_COLUMNS = 8
A4 = 9  # xlsxwriter's paper index

# Spreadsheet programs treat a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column of an export. `kind` is 'text', 'date' or 'number'; `width` is in characters."""

    key: str
    header: Any  # a lazy translation, resolved when written
    kind: str = "text"
    width: int = 16


Row = Sequence[Any]


def _date_text(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Sheet:
    """One worksheet of a workbook: its name (a lazy translation is resolved when written), columns and rows."""

    name: Any
    columns: Sequence[Column]
    rows: Iterable[Row]


def write_xlsx(columns: Sequence[Column], rows: Iterable[Row], output: IO[bytes] | None = None, *,
               sheet_name: str = "") -> bytes | None:
    """Write the rows as one worksheet. Into `output` if given (returns None), else returns the bytes."""
    return write_xlsx_sheets([Sheet(sheet_name, columns, rows)], output)


def write_xlsx_sheets(sheets: Iterable[Sheet], output: IO[bytes] | None = None) -> bytes | None:
    """Write each sheet in turn into one workbook (a page's tables, a sheet each). Into `output` if given (returns
    None), else returns the bytes."""
    target = output if output is not None else io.BytesIO()
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    used: set[str] = set()
    for each in sheets:
        # Excel refuses these characters, names over 31 characters and the same name twice (in any case).
        name = re.sub(r"[\[\]:*?/\\]", "-", str(each.name))[:31]
        if name and name.casefold() in used:
            name = f"{name[:25]} ({len(used) + 1})"
        used.add(name.casefold())
        sheet = workbook.add_worksheet(name or None)
        _write_xlsx_sheet(sheet, each.columns, each.rows, bold, date)
    workbook.close()
    return None if output is not None else target.getvalue()


def _print_setup(sheet, name: str, columns: Sequence[Column]) -> None:
    """A sheet that prints as a paper: A4, landscape when wide, the width of one page, the header row on every
    page, the sheet's name and the page number in the margins."""
    sheet.set_paper(A4)
    if len(columns) > LANDSCAPE_FROM_COLUMNS:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    if name:
        sheet.set_header(f"&C&B{name.replace('&', '&&')}")
    sheet.set_footer("&RTrang &P/&N")


def _write_xlsx_sheet(sheet, columns: Sequence[Column], rows: Iterable[Row], bold, date) -> None:
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    _print_setup(sheet, sheet.name, columns)
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, str(column.header), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        _write_xlsx_row(sheet, count, columns, row, date)
    if columns:
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)


def _write_xlsx_row(sheet, row_index: int, columns: Sequence[Column], row: Row, date_format) -> None:
    for index, (column, value) in enumerate(zip(columns, row, strict=True)):
        if value is None or value == "":
            continue
        if column.kind == "date" and isinstance(value, datetime.date):
            sheet.write_datetime(row_index, index, value, date_format)
        elif column.kind == "number" and isinstance(value, int | float):
            sheet.write_number(row_index, index, value)
        else:
            sheet.write_string(row_index, index, str(value))


def xlsx_temporary_file(columns: Sequence[Column], rows: Iterable[Row], *, sheet_name: str = "") -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound, for a FileResponse to stream and close."""
    return xlsx_sheets_temporary_file([Sheet(sheet_name, columns, rows)])


def xlsx_sheets_temporary_file(sheets: Iterable[Sheet]) -> IO[bytes]:
    """`xlsx_temporary_file` of a workbook of several sheets."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the caller's response owns and closes it
    try:
        write_xlsx_sheets(sheets, output)
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def csv_cell(value: Any) -> str:
    """A value as CSV text; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return _date_text(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def iter_csv(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[str]:
    """CSV lines, header first, with a byte-order mark so spreadsheet programs read the file as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_cell(str(column.header)) for column in columns])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def write_csv(columns: Sequence[Column], rows: Iterable[Row], output: IO[str] | None = None) -> bytes | None:
    """Write CSV into the text stream `output` (returns None), or return UTF-8 bytes."""
    if output is not None:
        for line in iter_csv(columns, rows):
            output.write(line)
        return None
    return "".join(iter_csv(columns, rows)).encode("utf-8")
