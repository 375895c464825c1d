"""Shared tabular writers: one row generator per export feeds XLSX and CSV alike.

Rows are consumed once and never held in memory as a whole: xlsxwriter runs in constant-memory mode (each row is
flushed to a temporary file as it is written) and CSV is written line by line. Values are typed by their column,
and text is always written as text, so a member named "=1+1" can never become a formula in a spreadsheet.

A workbook is a paper too: above the table a block names the issuing unit, the title, what the table covers and
the day it was exported; under it a totals row adds up the columns that count or sum, and a column may be broken
down by its values (corrections by status). CSV stays data only: the header row and the rows.
"""

import csv
import datetime
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import xlsxwriter
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from soisua.core.text import file_name

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
ZIP_CONTENT_TYPE = "application/zip"
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE, "zip": ZIP_CONTENT_TYPE}

# Printed, a sheet of more columns than this turns to landscape; every sheet fits the page's width.
LANDSCAPE_FROM_COLUMNS = 8
A4 = 9  # xlsxwriter's paper index

# Spreadsheet programs treat a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


SUM = "sum"  # the totals row adds the column's numbers
COUNT = "count"  # the totals row counts the column's filled cells


@dataclass(frozen=True)
class Column:
    """A column of an export. `kind` is 'text', 'date' or 'number'; `width` is in characters; `total` is SUM or
    COUNT for a column the totals row adds up. A 'text' column stays text whatever it holds, so card numbers,
    citizen IDs and phone numbers keep their leading zeros."""

    key: str
    header: Any  # a lazy translation, resolved when written
    kind: str = "text"
    width: int = 16
    total: str = ""


Row = Sequence[Any]


def _date_text(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Sheet:
    """One worksheet of a workbook: its name (a lazy translation is resolved when written), columns and rows.

    A sheet with an `issuer` or a `title` prints a block above its header row: the issuing unit, the title, each
    line of `scope` (the subtree, the filter) and the day it is exported (`on`, today by default). `breakdown`
    names a column whose values are counted under the totals row."""

    name: Any
    columns: Sequence[Column]
    rows: Iterable[Row]
    issuer: Any = ""
    title: Any = ""
    scope: Sequence[Any] = ()
    on: datetime.date | None = None
    breakdown: str = ""

    @property
    def has_block(self) -> bool:
        return bool(self.issuer or self.title)

    def block_lines(self) -> list[str]:
        """The lines above the table, translated now."""
        if not self.has_block:
            return []
        on = self.on or timezone.localdate()
        lines = [str(self.issuer).upper(), str(self.title).upper(), *(str(line) for line in self.scope),
                 _("Exported on: %(date)s") % {"date": _date_text(on)}]
        return [line for line in lines if line]


def write_xlsx(columns: Sequence[Column], rows: Iterable[Row], output: IO[bytes] | None = None, *,
               sheet_name: str = "") -> bytes | None:
    """Write the rows as one worksheet. Into `output` if given (returns None), else returns the bytes."""
    return write_xlsx_sheets([Sheet(sheet_name, columns, rows)], output)


class _Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, workbook):
        self.heading = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
        self.date = workbook.add_format({"num_format": "dd/mm/yyyy"})
        self.moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        # Shown as typed and never evaluated, even when the text is edited (Excel's "quote prefix").
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.issuer = workbook.add_format({"bold": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.total = workbook.add_format({"bold": True, "top": 1})
        self.total_quoted = workbook.add_format({"bold": True, "top": 1, "quote_prefix": True})


def write_xlsx_sheets(sheets: Iterable[Sheet], output: IO[bytes] | None = None) -> bytes | None:
    """Write each sheet in turn into one workbook (a page's tables, a sheet each). Into `output` if given (returns
    None), else returns the bytes."""
    target = output if output is not None else io.BytesIO()
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    formats = _Formats(workbook)
    used: set[str] = set()
    for each in sheets:
        # Excel refuses these characters, names over 31 characters and the same name twice (in any case).
        name = re.sub(r"[\[\]:*?/\\]", "-", str(each.name))[:31]
        if name and name.casefold() in used:
            name = f"{name[:25]} ({len(used) + 1})"
        used.add(name.casefold())
        sheet = workbook.add_worksheet(name or None)
        _write_xlsx_sheet(sheet, each, formats)
    workbook.close()
    return None if output is not None else target.getvalue()


def _print_setup(sheet, name: str, columns: Sequence[Column], header_row: int) -> None:
    """A sheet that prints as a paper: A4, landscape when wide, the width of one page, the column header row on
    every page (below the block, which prints once), the sheet's name and the page number in the margins."""
    sheet.set_paper(A4)
    if len(columns) > LANDSCAPE_FROM_COLUMNS:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    if name:
        sheet.set_header(f"&C&B{name.replace('&', '&&')}")
    sheet.set_footer("&RTrang &P/&N")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def _write_text(sheet, row: int, column: int, text: str, cell_format=None, quoted=None) -> None:
    sheet.write_string(row, column, text, quoted if is_formula_like(text) else cell_format)


class _Totals:
    """What the totals row and the breakdown add up while the rows stream past."""

    def __init__(self, sheet: Sheet):
        self.columns = sheet.columns
        self.values: list[float] = [0] * len(sheet.columns)
        self.wanted = any(column.total for column in sheet.columns)
        self.breakdown = next((index for index, column in enumerate(sheet.columns) if column.key == sheet.breakdown),
                              None)
        self.counts: dict[str, int] = {}

    def add(self, row: Row) -> None:
        for index, (column, value) in enumerate(zip(self.columns, row, strict=True)):
            if column.total == SUM and isinstance(value, int | float) and not isinstance(value, bool):
                self.values[index] += value
            elif column.total == COUNT and value not in (None, ""):
                self.values[index] += 1
        if self.breakdown is not None:
            label = str(row[self.breakdown] or "—")
            self.counts[label] = self.counts.get(label, 0) + 1


def _write_block(sheet, lines: list[str], formats: _Formats) -> int:
    """The lines above the table; returns the row of the column headers (one blank row below the block)."""
    for index, line in enumerate(lines):
        cell_format = formats.issuer if index == 0 else formats.title if index == 1 else None
        _write_text(sheet, index, 0, line, cell_format, formats.quoted)
    return len(lines) + 1 if lines else 0


def _write_totals(sheet, row_index: int, totals: _Totals, formats: _Formats) -> None:
    """The totals row right under the table (its label in the first column that adds nothing up), then, after a
    blank row, the rows counted by each value of the breakdown column and their total."""
    if totals.wanted:
        label_at = next((index for index, column in enumerate(totals.columns) if not column.total), None)
        for index, column in enumerate(totals.columns):
            if column.total:
                sheet.write_number(row_index, index, totals.values[index], formats.total)
            elif index == label_at:
                sheet.write_string(row_index, index, total_label(), formats.total)
            else:
                sheet.write_blank(row_index, index, None, formats.total)
        row_index += 1
    if totals.breakdown is None:
        return
    row_index += 1
    sheet.write_string(row_index, 0, _("By %(column)s") % {"column": str(totals.columns[totals.breakdown].header)},
                       formats.issuer)
    for label, count in sorted(totals.counts.items()):
        row_index += 1
        _write_text(sheet, row_index, 0, label, None, formats.quoted)
        sheet.write_number(row_index, 1, count)
    sheet.write_string(row_index + 1, 0, total_label(), formats.total)
    sheet.write_number(row_index + 1, 1, sum(totals.counts.values()), formats.total)


def total_label() -> str:
    """The label of a totals row, in the current language (the roster import stops at it)."""
    return pgettext("spreadsheet", "Total")


def total_labels() -> set[str]:
    """The totals row's label in every language of the interface: a file exported in any is read back."""
    labels = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(total_label())
    return labels


def _write_xlsx_sheet(sheet, spec: Sheet, formats: _Formats) -> None:
    columns = spec.columns
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    header_row = _write_block(sheet, spec.block_lines(), formats)
    _print_setup(sheet, sheet.name, columns, header_row)
    sheet.freeze_panes(header_row + 1, 0)
    for index, column in enumerate(columns):
        _write_text(sheet, header_row, index, str(column.header), formats.heading, formats.heading)
    totals = _Totals(spec)
    count = 0
    for count, row in enumerate(spec.rows, start=1):
        _write_xlsx_row(sheet, header_row + count, columns, row, formats)
        totals.add(row)
    if columns:
        sheet.autofilter(header_row, 0, header_row + max(count, 1), len(columns) - 1)
    _write_totals(sheet, header_row + count + 1, totals, formats)


def _write_xlsx_row(sheet, row_index: int, columns: Sequence[Column], row: Row, formats: _Formats) -> None:
    for index, (column, value) in enumerate(zip(columns, row, strict=True)):
        if value is None or value == "":
            continue
        if isinstance(value, datetime.datetime):
            moment = timezone.localtime(value) if timezone.is_aware(value) else value
            sheet.write_datetime(row_index, index, moment.replace(tzinfo=None), formats.moment)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row_index, index, value, formats.date)
        elif column.kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row_index, index, value)
        else:
            _write_text(sheet, row_index, index, str(value), None, formats.quoted)


def sheets_of(table: Sheet | Sequence[Sheet]) -> list[Sheet]:
    return [table] if isinstance(table, Sheet) else list(table)


def write_table(table: Sheet | Sequence[Sheet], file_format: str, output: IO[bytes]) -> None:
    """One table (or a workbook of several) into the binary `output`: XLSX with every sheet, CSV of the first
    sheet's header row and rows (data only: no block, no totals), or a zip of one such CSV per sheet, each named
    after its sheet in ASCII ("Đảng viên" -> dang-vien.csv)."""
    sheets = sheets_of(table)
    if file_format == "xlsx":
        write_xlsx_sheets(sheets, output)
    elif file_format == "csv":
        for line in iter_csv(sheets[0].columns, sheets[0].rows):
            output.write(line.encode("utf-8"))
    elif file_format == "zip":
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for sheet in sheets:
                with archive.open(f"{file_name(str(sheet.name)).lower()}.csv", "w") as member:
                    for line in iter_csv(sheet.columns, sheet.rows):
                        member.write(line.encode("utf-8"))
    else:
        raise ValueError(file_format)


def table_temporary_file(table: Sheet | Sequence[Sheet], file_format: str) -> IO[bytes]:
    """`write_table` into an anonymous temporary file, rewound, for a FileResponse to stream and close."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the caller's response owns and closes it
    try:
        write_table(table, file_format, output)
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
