"""Roster files: the upload checks on bytes, the columns, and finding the header and data rows."""

import codecs
import csv
import datetime
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

import python_calamine
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soisua.core.errors import DomainError
from soisua.core.text import fold

from ..writers import total_labels


class RosterImportError(DomainError):
    """A roster file refused as a whole (wrong type, empty, too large, no header); the message is translated."""


XLSX, CSV = "xlsx", "csv"
BATCH_SIZE = 2000
QUERY_CHUNK = 2000  # values per IN (...): well under SQLite's and PostgreSQL's parameter limits
PROGRESS_EVERY = 5000
HEADER_SEARCH_ROWS = 20  # a title or a note may sit above the header row
# A zip that unpacks to this many times the upload limit is refused before it is parsed (zip bombs).
MAX_UNPACKED_RATIO = 20


# --- Columns ------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: Any  # lazy translated label, shown in error tables
    header: str  # the Vietnamese header the roster templates use (file format, not interface text)
    aliases: tuple[str, ...] = ()  # more header texts, folded: no diacritics, lower case, single spaces
    required: bool = False
    max_length: int | None = None


COLUMNS = (
    Column("full_name", gettext_lazy("Full name"), "Họ và tên", ("ho ten", "ten dang vien"), required=True,
           max_length=120),
    Column("date_of_birth", gettext_lazy("Date of birth"), "Ngày sinh", ("dob",)),
    Column("sex", gettext_lazy("Sex"), "Giới tính", ("gender",)),
    Column("ethnicity", gettext_lazy("Ethnicity"), "Dân tộc", max_length=60),
    Column("admission_date", gettext_lazy("Admission date"), "Ngày vào Đảng", ("ngay ket nap",)),
    Column("official_date", gettext_lazy("Date made official"), "Ngày chính thức",
           ("ngay cong nhan chinh thuc", "official date")),
    Column("card_number", gettext_lazy("Party card number"), "Số thẻ đảng viên",
           ("so the", "the dang vien", "card number"), max_length=20),
    Column("citizen_id", gettext_lazy("Citizen ID number"), "Số CCCD",
           ("cccd", "so can cuoc", "so can cuoc cong dan", "so dinh danh", "so cmnd cccd", "citizen id"),
           max_length=12),
    Column("phone", gettext_lazy("Phone"), "Điện thoại", ("so dien thoai", "sdt", "phone number"), max_length=20),
    Column("email", gettext_lazy("Email"), "Email", ("e mail", "thu dien tu"), max_length=254),
    Column("unit_code", gettext_lazy("Cell code"), "Mã chi bộ", ("ma don vi", "unit code"), required=True,
           max_length=40),
    Column("status", gettext_lazy("Status"), "Trạng thái"),
    Column("in_political_system", gettext_lazy("Works in the political system"), "Công tác trong hệ thống chính trị",
           ("trong he thong chinh tri", "he thong chinh tri", "htct")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
DATE_KEYS = ("date_of_birth", "admission_date", "official_date")
# Fields of Member an import may set (unit_code and status are handled apart: they mean a transfer and a
# status change, each with its own history row).
MEMBER_KEYS = ("full_name", "date_of_birth", "sex", "ethnicity", "admission_date", "official_date", "card_number",
               "citizen_id", "phone", "email", "in_political_system")


def cell_text(value: Any) -> str:
    """A cell as the text the checks read: empty for an empty cell, a whole number without ".0", a date (or a date
    and time, as a spreadsheet's date cell is read) as yyyy-mm-dd, any other text with its spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _header_text(value: Any) -> str:
    text = fold(str(value)).replace("_", " ").replace("-", " ").replace("/", " ")
    return " ".join(text.strip(" *:.").split())


class Spreadsheet:
    """A kind of uploaded spreadsheet: its columns, and the sentences that name what it holds when a file is
    refused as a whole. The roster is one (ROSTER); a list of units to import is another (imports/units.py)."""

    def __init__(self, columns: tuple[Column, ...]):
        self.columns = columns
        self.by_key = {column.key: column for column in columns}
        self._aliases = {alias: column.key for column in columns
                         for alias in (_header_text(column.header), *column.aliases, column.key.replace("_", " "))}

    def aliases(self) -> dict[str, str]:
        """Header texts -> column keys, including the column labels in every language (what the export writes)."""
        aliases = dict(self._aliases)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                aliases.update({_header_text(column.label): column.key for column in self.columns})
        return aliases

    def wrong_type(self, detail: str) -> RosterImportError:
        return RosterImportError(
            _("This is not a roster file we can read: %(detail)s Save the roster as an Excel workbook (.xlsx) or as "
              "CSV UTF-8 (.csv) and upload it again.") % {"detail": detail}, code="file_type")

    def too_large(self) -> RosterImportError:
        return RosterImportError(
            _("The file is larger than %(limit)s. Split the roster into several files and import them one by one.")
            % {"limit": filesizeformat(max_upload_bytes())}, code="too_large")

    def no_header(self) -> RosterImportError:
        return RosterImportError(_("No header row was found. The first row must hold column headers such as "
                                   "“Họ và tên” and “Mã chi bộ”."), code="no_header")

    def no_rows(self) -> RosterImportError:
        return RosterImportError(_("The file has a header row but no members under it."), code="no_rows")


ROSTER = Spreadsheet(COLUMNS)


# --- Upload checks (bytes only, before anything is saved) ---------------------------------------------------

def max_upload_bytes() -> int:
    return settings.ROSTER_IMPORT_MAX_BYTES


def too_large_error() -> RosterImportError:
    return ROSTER.too_large()


def check_upload(name: str, stream: IO[bytes], size: int, *, sheet: Spreadsheet = ROSTER) -> str:
    """The file's format (XLSX or CSV) if its name and content agree; RosterImportError otherwise.

    Reads only what it needs: the zip directory of a workbook, or the text of a CSV in chunks.
    """
    if size > max_upload_bytes():
        raise sheet.too_large()
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise sheet.wrong_type(_("only .xlsx and .csv files are accepted."))
    if size == 0:
        raise RosterImportError(_("The file is empty."), code="empty")
    stream.seek(0)
    if suffix == ".xlsx":
        _check_xlsx(stream, sheet)
        return XLSX
    _check_csv(stream, sheet)
    return CSV


def _check_xlsx(stream: IO[bytes], sheet: Spreadsheet) -> None:
    if stream.read(4) != b"PK\x03\x04":
        raise sheet.wrong_type(_("the file is named .xlsx but is not an Excel workbook."))
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise sheet.wrong_type(_("the file is named .xlsx but is not an Excel workbook.")) from None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise sheet.wrong_type(_("the file is named .xlsx but is not an Excel workbook."))
    if unpacked > MAX_UNPACKED_RATIO * max_upload_bytes():
        raise sheet.too_large()


def _check_csv(stream: IO[bytes], sheet: Spreadsheet) -> None:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    has_text = False
    try:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise sheet.wrong_type(_("the file is named .csv but holds binary data."))
            has_text = has_text or bool(text.strip())
        has_text = bool(decoder.decode(b"", final=True).strip()) or has_text
    except UnicodeDecodeError:
        raise sheet.wrong_type(_("the CSV file is not in UTF-8 (in Excel choose “CSV UTF-8”).")) from None
    finally:
        stream.seek(0)
    if not has_text:
        raise RosterImportError(_("The file is empty."), code="empty")


# --- Reading ------------------------------------------------------------------------------------------------

@dataclass
class Table:
    """The data of the first visible sheet: where the header is and which column holds what."""

    header_row: int  # 1-based, as a spreadsheet shows it
    columns: dict[str, int]  # key -> 0-based column index
    headers: dict[str, str]  # key -> header text as written in the file
    rows: Iterator[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells), blank rows skipped
    unknown: list[str] = field(default_factory=list)  # header texts of the row that name no column (kept apart)


def _raw_rows(stream: IO[bytes], file_format: str, sheet: Spreadsheet) -> Iterator[list[Any]]:
    stream.seek(0)
    if file_format == XLSX:
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
            visible = [index for index, meta in enumerate(workbook.sheets_metadata)
                       if meta.visible == python_calamine.SheetVisibleEnum.Visible
                       and meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
            worksheet = workbook.get_sheet_by_index(visible[0] if visible else 0)
            # Keep leading blank rows and columns so that row numbers match what the user sees.
            rows = worksheet.to_python(skip_empty_area=False)
        except (python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError, ValueError,
                IndexError) as error:
            raise sheet.wrong_type(_("the workbook could not be opened (%(reason)s).")
                                   % {"reason": type(error).__name__}) from None
        return iter(rows)
    text = stream.read().decode("utf-8-sig")  # at most the upload limit; checked as UTF-8 on upload
    first = text[:text.find("\n")] if "\n" in text else text
    delimiter = max((",", ";", "\t"), key=first.count)
    return _csv_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), sheet)


def _csv_rows(rows: Iterator[list[str]], sheet: Spreadsheet) -> Iterator[list[Any]]:
    try:
        yield from rows
    except csv.Error as error:
        raise sheet.wrong_type(_("the CSV file is malformed (%(reason)s).") % {"reason": error}) from None


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _is_totals(cells: list[Any], labels: set[str]) -> bool:
    """The totals row an exported roster ends with (writers.total_label): the list stops there."""
    first = next((cell for cell in cells if cell not in (None, "")), None)
    return isinstance(first, str) and _header_text(first) in labels


def _data_rows(raw: Iterator[list[Any]], *, start: int) -> Iterator[tuple[int, list[Any]]]:
    """The rows under the header, numbered as the spreadsheet shows them, blank ones skipped, up to a totals row."""
    labels = {_header_text(label) for label in total_labels()}
    numbered = itertools.takewhile(lambda item: not _is_totals(item[1], labels), enumerate(raw, start=start))
    return ((number, cells) for number, cells in numbered if not _is_blank(cells))


def read_table(stream: IO[bytes], file_format: str, *, sheet: Spreadsheet = ROSTER) -> Table:
    """Find the header row (within the first rows) and map its texts to columns; RosterImportError if unusable."""
    raw = _raw_rows(stream, file_format, sheet)
    aliases = sheet.aliases()
    for index, cells in enumerate(raw):
        if index >= HEADER_SEARCH_ROWS:
            break
        mapped = [(aliases.get(_header_text(cell)), position, str(cell).strip())
                  for position, cell in enumerate(cells) if cell not in (None, "")]
        known = [item for item in mapped if item[0]]
        if len(known) < 2:
            continue
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        for key, position, text in known:
            if key in columns:
                raise RosterImportError(
                    _("The columns “%(first)s” and “%(second)s” both hold %(column)s; keep only one.")
                    % {"first": headers[key], "second": text, "column": sheet.by_key[key].label},
                    code="duplicate_column")
            columns[key], headers[key] = position, text
        missing = [str(column.label) for column in sheet.columns if column.required and column.key not in columns]
        if missing:
            raise RosterImportError(
                _("The header row (row %(row)d) has no column for: %(columns)s. Add the column with its header "
                  "and upload the file again.") % {"row": index + 1, "columns": ", ".join(missing)},
                code="missing_column")
        data = _data_rows(raw, start=index + 2)
        return Table(header_row=index + 1, columns=columns, headers=headers, rows=data,
                     unknown=[text for key, _position, text in mapped if not key])
    raise sheet.no_header()


def probe(stream: IO[bytes], file_format: str, *, sheet: Spreadsheet = ROSTER) -> Table:
    """read_table, and refuse a file that has a header but no data row."""
    table = read_table(stream, file_format, sheet=sheet)
    first = next(table.rows, None)
    if first is None:
        raise sheet.no_rows()
    stream.seek(0)
    return table


