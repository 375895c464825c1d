"""The "soisua-exchange" file format, version 1: its sheets, their columns, and reading a file of it.

A file is an Excel workbook (.xlsx) or a zip of CSV UTF-8 files (.zip), one sheet (or CSV file) per table:

- "Thông tin" (thong-tin.csv): the manifest, one row per item (format, version, exported at, exported by unit);
- "Đơn vị" (don-vi.csv): the organisation, one row per unit;
- "Đảng viên" (dang-vien.csv): the members, one row per member.

Each table has two header rows: the Vietnamese header a person reads, then the column's stable machine key, which is
what reading goes by. A column whose key is not in the format, a missing required column and a column given twice are
refused, naming the columns, before any row is checked. docs/exchange.md documents every column.
"""

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

import python_calamine
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soisua.core.text import file_name

from ..imports.reading import (
    MAX_UNPACKED_RATIO,
    RosterImportError,
    cell_text,
    check_upload,
    max_upload_bytes,
    too_large_error,
)
from ..writers import FORMULA_PREFIXES

FORMAT_NAME = "soisua-exchange"
FORMAT_VERSION = 1
# The exchange is checked and shown before it is applied, and the checked rows travel back signed with the
# confirmation: past this many members a subtree is exchanged branch by branch (or with the roster import).
MAX_MEMBERS = 5000
MAX_UNITS = 2000


class ExchangeFormatError(RosterImportError):
    """An exchange file refused as a whole (not the format, another version, unknown or missing columns)."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the stable machine key, written in the second header row
    header: str  # the Vietnamese header (the file's own language, not interface text)
    label: Any  # what the column holds, translated for the pages
    kind: str = "text"  # text, date
    required: bool = False  # the column must be present (a value may still be optional: see docs/exchange.md)


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    sheet: str  # the worksheet's name; the CSV file is file_name(sheet).lower() + ".csv"
    columns: tuple[Column, ...]

    @property
    def csv_name(self) -> str:
        return f"{file_name(self.sheet).lower()}.csv"

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


INFO = Table("info", "Thông tin", (
    Column("key", "Khóa", gettext_lazy("Key"), required=True),
    Column("item", "Mục", gettext_lazy("Item")),
    Column("value", "Giá trị", gettext_lazy("Value"), required=True),
))
UNITS = Table("units", "Đơn vị", (
    Column("code", "Mã tổ chức đảng", gettext_lazy("Unit code"), required=True),
    Column("name", "Tên tổ chức đảng", gettext_lazy("Unit name"), required=True),
    Column("kind", "Mã loại tổ chức", gettext_lazy("Kind code"), required=True),
    Column("parent_code", "Mã tổ chức đảng cấp trên", gettext_lazy("Parent unit code"), required=True),
    Column("active_from", "Ngày thành lập", gettext_lazy("Active from"), "date"),
    Column("active_until", "Ngày giải thể", gettext_lazy("Active until"), "date"),
))
MEMBERS = Table("members", "Đảng viên", (
    Column("card_number", "Số thẻ đảng viên", gettext_lazy("Party card number")),
    Column("citizen_id", "Số căn cước công dân", gettext_lazy("Citizen ID number")),
    Column("full_name", "Họ và tên", gettext_lazy("Full name"), required=True),
    Column("date_of_birth", "Ngày sinh", gettext_lazy("Date of birth"), "date"),
    Column("sex", "Giới tính", gettext_lazy("Sex")),
    Column("ethnicity", "Dân tộc", gettext_lazy("Ethnicity")),
    Column("admission_date", "Ngày vào Đảng", gettext_lazy("Admission date"), "date"),
    Column("official_date", "Ngày chính thức", gettext_lazy("Date made official"), "date"),
    Column("status", "Trạng thái", gettext_lazy("Status")),
    Column("cell_code", "Mã chi bộ", gettext_lazy("Cell code"), required=True),
    Column("phone", "Số điện thoại", gettext_lazy("Phone")),
    Column("email", "Thư điện tử", gettext_lazy("Email")),
))
TABLES = (INFO, UNITS, MEMBERS)
# The items of the manifest, in order, and what each says.
INFO_ITEMS = (("format", "Định dạng"), ("version", "Phiên bản"), ("exported_at", "Thời điểm xuất"),
              ("unit_code", "Mã đơn vị xuất"), ("unit_name", "Tên đơn vị xuất"))


@dataclass
class Rows:
    """A table of the file: the header row's texts by key, and the data rows as (row number, {key: cell})."""

    table: Table
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class ExchangeFile:
    info: dict[str, str]
    units: Rows
    members: Rows


# --- Reading ------------------------------------------------------------------------------------------------

def _wrong_type(detail: str) -> ExchangeFormatError:
    return ExchangeFormatError(
        _("This is not a data exchange file we can read: %(detail)s Export the file again from soisua, or save it "
          "as an Excel workbook (.xlsx), and upload it again.") % {"detail": detail}, code="file_type")


def check_exchange_upload(name: str, stream: IO[bytes], size: int) -> str:
    """"xlsx" or "zip" if the upload's name and content agree (as the roster's upload checks); refused otherwise."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".xlsx":
        return check_upload(name, stream, size)
    if suffix != ".zip":
        raise _wrong_type(_("only .xlsx and .zip files are accepted."))
    if size > max_upload_bytes():
        raise too_large_error()
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise _wrong_type(_("the file is named .zip but is not a zip archive.")) from None
    finally:
        stream.seek(0)
    if unpacked > MAX_UNPACKED_RATIO * max_upload_bytes():
        raise _wrong_type(_("the archive unpacks to far more than the upload limit."))
    return "zip"


def _unquote(value: Any) -> Any:
    """A CSV cell the writer protected from spreadsheet formulas ("'+84…") reads back as written."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _xlsx_tables(stream: IO[bytes]) -> dict[str, list[list[Any]]]:
    stream.seek(0)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
        return {table.key: workbook.get_sheet_by_name(table.sheet).to_python(skip_empty_area=False)
                for table in TABLES if table.sheet in workbook.sheet_names}
    except (python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError, ValueError,
            IndexError) as error:
        raise _wrong_type(_("the workbook could not be opened (%(reason)s).")
                          % {"reason": type(error).__name__}) from None


def _zip_tables(stream: IO[bytes]) -> dict[str, list[list[Any]]]:
    stream.seek(0)
    found: dict[str, list[list[Any]]] = {}
    with zipfile.ZipFile(stream) as archive:
        names = {PurePath(name).name.lower(): name for name in archive.namelist()}
        for table in TABLES:
            if table.csv_name not in names:
                continue
            try:
                text = codecs.decode(archive.read(names[table.csv_name]), "utf-8-sig")
                found[table.key] = [[_unquote(cell) for cell in row]
                                    for row in csv.reader(io.StringIO(text, newline=""))]
            except (UnicodeDecodeError, csv.Error):
                raise _wrong_type(_("%(file)s is not a CSV UTF-8 file.") % {"file": table.csv_name}) from None
    return found


def _blank(cells: list[Any]) -> bool:
    return all(cell_text(cell) == "" for cell in cells)


def _columns(table: Table, raw: list[list[Any]]) -> tuple[dict[str, int], dict[str, str]]:
    """The key row (the second row) mapped to positions; refuses unknown, repeated and missing columns."""
    if len(raw) < 2:
        raise ExchangeFormatError(
            _("The sheet “%(sheet)s” has no header rows: the first row holds the Vietnamese headers, the second "
              "their keys.") % {"sheet": table.sheet}, code="no_header")
    headers, keys = raw[0], raw[1]
    known = {column.key for column in table.columns}
    positions: dict[str, int] = {}
    texts: dict[str, str] = {}
    unknown: list[str] = []
    for position in range(max(len(headers), len(keys))):
        key = cell_text(keys[position]) if position < len(keys) else ""
        header = cell_text(headers[position]) if position < len(headers) else ""
        if not key and not header:
            continue
        if key not in known:
            unknown.append(f"“{key or header}”")
            continue
        if key in positions:
            raise ExchangeFormatError(_("The sheet “%(sheet)s” has the column “%(column)s” twice; keep only one.")
                                      % {"sheet": table.sheet, "column": key}, code="duplicate_column")
        positions[key], texts[key] = position, header or key
    if unknown:
        raise ExchangeFormatError(
            _("The sheet “%(sheet)s” has columns that are not in the %(format)s format, version %(version)s: "
              "%(columns)s. Remove them (the import page lists the format's columns) and upload the file again.")
            % {"sheet": table.sheet, "format": FORMAT_NAME, "version": FORMAT_VERSION, "columns": ", ".join(unknown)},
            code="unknown_column")
    missing = [f"“{column.key}” ({column.header})" for column in table.columns
               if column.required and column.key not in positions]
    if missing:
        raise ExchangeFormatError(
            _("The sheet “%(sheet)s” has no column for: %(columns)s. Add the column and upload the file again.")
            % {"sheet": table.sheet, "columns": ", ".join(missing)}, code="missing_column")
    return positions, texts


def _rows(table: Table, raw: list[list[Any]] | None) -> Rows:
    rows = Rows(table)
    if raw is None:
        return rows
    positions, rows.headers = _columns(table, raw)
    for number, cells in enumerate(raw[2:], start=3):
        if _blank(cells):
            continue
        rows.rows.append((number, {key: cells[position] if position < len(cells) else None
                                   for key, position in positions.items()}))
    return rows


def _info(raw: list[list[Any]] | None) -> dict[str, str]:
    if raw is None:
        raise ExchangeFormatError(
            _("The file has no sheet “%(sheet)s” naming its format and version: it is not a %(format)s file.")
            % {"sheet": INFO.sheet, "format": FORMAT_NAME}, code="unknown_format")
    rows = _rows(INFO, raw)
    info = {cell_text(values.get("key")): cell_text(values.get("value")) for _number, values in rows.rows}
    if info.get("format") != FORMAT_NAME:
        raise ExchangeFormatError(_("The file's format is “%(found)s”, not %(format)s: it cannot be read here.")
                                  % {"found": info.get("format", ""), "format": FORMAT_NAME}, code="unknown_format")
    if info.get("version") != str(FORMAT_VERSION):
        raise ExchangeFormatError(
            _("The file is in version “%(found)s” of the %(format)s format; this installation reads version "
              "%(version)s.") % {"found": info.get("version", ""), "format": FORMAT_NAME, "version": FORMAT_VERSION},
            code="unknown_version")
    return info


def read_exchange(stream: IO[bytes], file_format: str) -> ExchangeFile:
    """The tables of an exchange file (ExchangeFormatError when it is refused as a whole)."""
    raw = _xlsx_tables(stream) if file_format == "xlsx" else _zip_tables(stream)
    info = _info(raw.get(INFO.key))
    found = ExchangeFile(info=info, units=_rows(UNITS, raw.get(UNITS.key)), members=_rows(MEMBERS, raw.get(
        MEMBERS.key)))
    if not found.units.rows and not found.members.rows:
        raise ExchangeFormatError(_("The file has neither units nor members to import."), code="no_rows")
    if len(found.members.rows) > MAX_MEMBERS or len(found.units.rows) > MAX_UNITS:
        raise ExchangeFormatError(
            _("The file lists more than %(members)s members or %(units)s units. Exchange each branch from its own "
              "page.") % {"members": f"{MAX_MEMBERS:,}".replace(",", "."), "units": f"{MAX_UNITS:,}".replace(",", ".")},
            code="too_many_rows")
    return found


# --- Carrying checked rows back with a confirmation ---------------------------------------------------------

def _plain(value: Any) -> Any:
    """A cell as JSON: dates as yyyy-mm-dd (which the checks read back as the same date)."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def as_data(found: ExchangeFile) -> dict:
    """The file's rows as JSON-ready data, for the signed confirmation (units_import does the same for units)."""
    return {"info": found.info, **{rows.table.key: {"headers": rows.headers, "rows": [
        [number, {key: _plain(value) for key, value in values.items()}] for number, values in rows.rows]}
        for rows in (found.units, found.members)}}


def from_data(data: dict) -> ExchangeFile:
    def rows(table: Table) -> Rows:
        part = data.get(table.key) or {}
        return Rows(table, dict(part.get("headers", {})), [(int(number), dict(values))
                                                          for number, values in part.get("rows", [])])

    return ExchangeFile(info=dict(data.get("info", {})), units=rows(UNITS), members=rows(MEMBERS))
