"""Importing party dues payments from a file (docs/exchange.md, "Dues payments"): the payments members made through
the national public service portal, or in cash, listed one a row (member, month, amount, reference, paid on,
channel).

The file is read by the roster import's reader (documents.imports: the upload checks, the header row, the data
rows), checked here row by row against the file, the cells' dues records and the payments already stored, and shown
as a plan before anything is written: the new payments, the rows already recorded exactly so (skipped), the
conflicts (a month already recorded at another amount, a reference already used for another member or month) and
the rows refused. Only a plan without conflicts and refused rows is applied (`services.import_payments`), all of it
or none; a file applied twice changes nothing the second time. No money passes through the product.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soisua.core.formats import number
from soisua.core.text import fold
from soisua.documents.imports import RosterImportError, RowError, max_upload_bytes, probe, read_table
from soisua.documents.imports.reading import QUERY_CHUNK, Column, Spreadsheet, cell_text

__all__ = ["MAX_ROWS", "PAYMENTS", "QUERY_CHUNK", "PaymentsPlan", "RawRow", "check_rows", "read_rows",
           "rows_from_lists"]
from soisua.org.models import Member, Unit

from . import queries
from .enums import MAY_PAY_STATUSES, PaymentChannel, label, month_of
from .models import DuesBook, Payment

# A month's payments of a province's communes fit; more is split by cell or by month.
MAX_ROWS = 5000
EARLIEST = datetime.date(2000, 1, 1)
MAX_AMOUNT = 100_000_000  # as services.MAX_AMOUNT: a figure no month's dues reach
_FORMULA_STARTS = ("=", "+", "-", "@")
_MONTH = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
# The words a file may use for each channel, folded (no diacritics, lower case).
CHANNEL_WORDS = {
    "portal": PaymentChannel.PORTAL, "cong dich vu cong": PaymentChannel.PORTAL,
    "cong dich vu cong quoc gia": PaymentChannel.PORTAL, "dich vu cong": PaymentChannel.PORTAL,
    "dvc": PaymentChannel.PORTAL, "truc tuyen": PaymentChannel.PORTAL, "online": PaymentChannel.PORTAL,
    "cash": PaymentChannel.CASH, "tien mat": PaymentChannel.CASH, "nop tien mat": PaymentChannel.CASH,
}


class PaymentsSheet(Spreadsheet):
    """A list of payments: the same file checks as a roster, in sentences about payments."""

    def wrong_type(self, detail: str) -> RosterImportError:
        return RosterImportError(
            _("This is not a list of payments we can read: %(detail)s Save the list as an Excel workbook (.xlsx) or "
              "as CSV UTF-8 (.csv) and upload it again.") % {"detail": detail}, code="file_type")

    def too_large(self) -> RosterImportError:
        return RosterImportError(
            _("The file is larger than %(limit)s. Split the payments into several files (by cell or by month) and "
              "import them one by one.") % {"limit": filesizeformat(max_upload_bytes())}, code="too_large")

    def no_header(self) -> RosterImportError:
        return RosterImportError(_("No header row was found. The first row must hold the column headers “Đảng "
                                   "viên”, “Tháng”, “Số tiền”, “Mã giao dịch” and “Ngày nộp”."), code="no_header")

    def no_rows(self) -> RosterImportError:
        return RosterImportError(_("The file has a header row but no payments under it."), code="no_rows")


PAYMENTS = PaymentsSheet((
    Column("number", gettext_lazy("No."), "STT", ("so thu tu", "tt")),
    Column("member", gettext_lazy("Member (party card number or citizen ID)"), "Đảng viên",
           ("so the dang vien", "so the", "the dang vien", "card number", "so cccd", "cccd", "so can cuoc",
            "so can cuoc cong dan", "so dinh danh", "citizen id", "so the hoac cccd",
            "so the dang vien hoac cccd", "ma dang vien"), required=True, max_length=20),
    Column("full_name", gettext_lazy("Full name"), "Họ và tên", ("ho ten", "ten dang vien")),
    Column("month", gettext_lazy("Month paid for"), "Tháng", ("thang dong", "thang nop", "ky dong", "ky",
                                                             "thang dang phi"), required=True),
    Column("amount", gettext_lazy("Amount (đồng)"), "Số tiền", ("so tien dong", "so tien nop", "tien", "amount",
                                                                 "so tien (dong)"), required=True),
    Column("reference", gettext_lazy("Reference"), "Mã giao dịch", ("ma gd", "so giao dich", "ma tham chieu",
                                                                    "so bien lai", "transaction reference"),
           max_length=100),
    Column("paid_on", gettext_lazy("Paid on"), "Ngày nộp", ("ngay dong", "ngay thanh toan", "ngay giao dich",
                                                            "paid on"), required=True),
    Column("channel", gettext_lazy("Channel"), "Hình thức", ("hinh thuc nop", "kenh", "kenh nop", "channel")),
))
HEADERS = {column.key: column.header for column in PAYMENTS.columns}


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as read, as text (what the confirmation carries back)."""

    row: int
    member: str
    full_name: str
    month: str
    amount: str
    reference: str
    paid_on: str
    channel: str

    def as_list(self) -> list:
        return [self.row, self.member, self.full_name, self.month, self.amount, self.reference, self.paid_on,
                self.channel]


@dataclass(frozen=True, slots=True)
class NewPayment:
    row: int
    member: Member
    month: datetime.date
    amount: int
    reference: str
    paid_on: datetime.date
    channel: str


@dataclass
class PaymentsPlan:
    """What applying the rows would do: `new` payments to record, `skipped` rows already recorded exactly so,
    `conflicts` with what is recorded, `errors` of the rows themselves. Applied only with no conflict and no error."""

    unit: Unit
    rows: list[RawRow] = field(default_factory=list)
    new: list[NewPayment] = field(default_factory=list)
    skipped: list[tuple[int, Payment]] = field(default_factory=list)
    conflicts: list[RowError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return bool(self.new) and not self.conflicts and not self.errors

    @property
    def nothing_to_do(self) -> bool:
        return not self.new and not self.conflicts and not self.errors


# --- Reading ------------------------------------------------------------------------------------------------

def read_rows(stream: IO[bytes], file_format: str) -> list[RawRow]:
    """The rows of an uploaded list of payments (RosterImportError for a file refused as a whole, a column the
    format does not know included)."""
    probe(stream, file_format, sheet=PAYMENTS)
    table = read_table(stream, file_format, sheet=PAYMENTS)
    if table.unknown:
        raise RosterImportError(
            _("The header row (row %(row)d) has columns this list does not know: %(columns)s. Remove them (the "
              "columns are listed on this page) and upload the file again.")
            % {"row": table.header_row, "columns": ", ".join(f"“{text}”" for text in table.unknown)},
            code="unknown_column")
    rows = []
    for row_number, cells in table.rows:
        values = {key: cell_text(cells[position]) if position < len(cells) else ""
                  for key, position in table.columns.items()}
        rows.append(RawRow(row_number, *(values.get(key, "") for key in
                                         ("member", "full_name", "month", "amount", "reference", "paid_on",
                                          "channel"))))
        if len(rows) > MAX_ROWS:
            raise RosterImportError(_("The file lists more than %(count)s payments. Split it (by cell or by month) "
                                      "and import the parts one by one.")
                                    % {"count": number(MAX_ROWS, grouped=True)}, code="too_many_rows")
    return rows


def rows_from_lists(values: Iterable[list]) -> list[RawRow]:
    """Rows carried back by a confirmation (RawRow.as_list)."""
    return [RawRow(int(row), *(str(value) for value in rest)) for row, *rest in values]


# --- Checking -----------------------------------------------------------------------------------------------

class _Bad(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message


def _day(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def parse_month(text: str) -> datetime.date:
    """mm/yyyy (a spreadsheet's date cell, read as yyyy-mm-dd, gives its month)."""
    match = _MONTH.match(text)
    if match and 1 <= int(match[1]) <= 12:
        return datetime.date(int(match[2]), int(match[1]), 1)
    match = _ISO_DAY.match(text)
    if match and 1 <= int(match[2]) <= 12:
        return datetime.date(int(match[1]), int(match[2]), 1)
    raise _Bad("bad_month",
               _("“%(value)s” is not a month. Write it as mm/yyyy, for example 11/2026.") % {"value": text})


def parse_amount(text: str) -> int:
    """A positive whole number of đồng: 150000, or with its thousands grouped (150.000, 150,000, 150 000)."""
    digits = re.sub(r"[.,\s]", "", text) if _GROUPED.match(text) else text
    if not digits.isdigit() or not digits.isascii():
        raise _Bad("bad_amount", _("“%(value)s” is not a whole number of đồng. Write the amount in digits, "
                                   "without decimals, for example 150000.") % {"value": text})
    amount = int(digits)
    if amount <= 0:
        raise _Bad("bad_amount", _("The amount must be above zero."))
    if amount > MAX_AMOUNT:
        raise _Bad("too_large", _("%(amount)s đồng is more than one month's dues can be.")
                   % {"amount": number(amount, grouped=True)})
    return amount


def parse_day(text: str, today: datetime.date) -> datetime.date:
    match = _DMY.match(text)
    try:
        if match:
            day = datetime.date(int(match[3]), int(match[2]), int(match[1]))
        elif match := _ISO_DAY.match(text):
            day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        else:
            raise ValueError(text)
    except ValueError:
        raise _Bad("bad_date", _("“%(value)s” is not a valid date. Write dates as dd/mm/yyyy, e.g. 02/09/2026.")
                   % {"value": text}) from None
    if day > today:
        raise _Bad("future_date", _("%(date)s is in the future.") % {"date": f"{day:%d/%m/%Y}"})
    if day < EARLIEST:
        raise _Bad("bad_date", _("%(date)s is too long ago to be right.") % {"date": f"{day:%d/%m/%Y}"})
    return day


def parse_channel(text: str) -> str:
    if not text:
        return PaymentChannel.PORTAL
    channel = CHANNEL_WORDS.get(fold(text))
    if channel is None:
        raise _Bad("bad_channel", _("“%(value)s” is not a way of paying. Write “Cổng dịch vụ công” or “Tiền mặt” "
                                    "(empty means the portal).") % {"value": text})
    return channel


def _chunks(values: list, size: int = QUERY_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Checker:
    def __init__(self, unit: Unit, today: datetime.date):
        self.unit, self.today = unit, today
        self.errors: list[RowError] = []
        self.conflicts: list[RowError] = []
        self.skipped: list[tuple[int, Payment]] = []

    def error(self, row: int, column: str, message: str, *, code: str = "invalid") -> None:
        self.errors.append(RowError(row=row, column=column, code=code, message=message))

    def conflict(self, row: int, column: str, code: str, message: str) -> None:
        self.conflicts.append(RowError(row=row, column=column, code=code, message=message))

    def members(self, keys: list[str]) -> dict[str, Member]:
        """Members of the unit's subtree by card number, then by citizen ID (a card number wins over another
        member's citizen ID); anyone elsewhere is not found."""
        found: dict[str, Member] = {}
        by_citizen: dict[str, Member] = {}
        for chunk in _chunks(keys):
            members = (Member.objects.filter(cell__path__startswith=self.unit.path)
                       .filter(card_number__in=chunk) | Member.objects.filter(
                           cell__path__startswith=self.unit.path, citizen_id__in=chunk))
            for member in members.select_related("cell", "cell__kind"):
                if member.card_number in chunk:
                    found[member.card_number] = member
                if member.citizen_id in chunk:
                    by_citizen[member.citizen_id] = member
        return {**by_citizen, **found}

    def cells(self, raw: RawRow, values: dict[str, Any]) -> bool:
        """Empty, too long or formula-like cells; True when the row has any."""
        bad = False
        for column in PAYMENTS.columns:
            if column.key == "number":
                continue
            value = getattr(raw, column.key)
            if not value:
                if column.required:
                    self.error(raw.row, column.key, _("This cell is empty; it is required."), code="required")
                    bad = True
            elif column.max_length and len(value) > column.max_length:
                self.error(raw.row, column.key, _("At most %(max)d characters; this has %(length)d.")
                           % {"max": column.max_length, "length": len(value)}, code="too_long")
                bad = True
            elif value.startswith(_FORMULA_STARTS) and column.key in ("member", "full_name", "reference"):
                self.error(raw.row, column.key,
                           _("The value starts with “%(char)s”, which spreadsheet programs run as a formula. Remove "
                             "that character.") % {"char": value[0]}, code="formula")
                bad = True
        parsers = {"month": parse_month, "amount": parse_amount, "paid_on": lambda text: parse_day(text, self.today),
                   "channel": parse_channel}
        for key, parse in parsers.items():
            text = getattr(raw, key)
            if not text and key != "channel":
                continue
            try:
                values[key] = parse(text)
            except _Bad as bad_value:
                self.error(raw.row, key, bad_value.message, code=bad_value.code)
                bad = True
        return bad

    def check(self, rows: list[RawRow]) -> list[NewPayment]:
        today_month = month_of(self.today)
        members = self.members(sorted({raw.member for raw in rows if raw.member}))
        books = {}
        for chunk in _chunks(sorted({member.cell_id for member in members.values()})):
            books.update(DuesBook.objects.filter(unit_id__in=chunk).in_bulk(field_name="unit_id"))
        joined: dict[int, datetime.date] = {}
        for chunk in _chunks(sorted(member.pk for member in members.values())):
            joined.update(queries.joined_cells(chunk))
        first_reference: dict[str, int] = {}
        first_month: dict[tuple[int, datetime.date], int] = {}
        usable: list[tuple[RawRow, NewPayment]] = []
        for raw in rows:
            values: dict[str, Any] = {}
            bad = self.cells(raw, values)
            member = members.get(raw.member) if raw.member else None
            if raw.member and member is None:
                self.error(raw.row, "member", _("No member of %(unit)s has the party card number or citizen ID "
                                                "%(key)s.") % {"unit": self.unit.name, "key": raw.member},
                           code="unknown_member")
                bad = True
            elif member is not None:
                bad = self.member_problems(raw, member, values, books.get(member.cell_id), today_month,
                                           joined.get(member.pk)) or bad
            if raw.reference:
                if raw.reference in first_reference:
                    self.error(raw.row, "reference", _("The reference %(reference)s is already on row %(row)d.")
                               % {"reference": raw.reference, "row": first_reference[raw.reference]},
                               code="duplicate")
                    bad = True
                first_reference.setdefault(raw.reference, raw.row)
            elif values.get("channel") == PaymentChannel.PORTAL:
                self.error(raw.row, "reference", _("A payment through the portal needs its transaction reference: "
                                                   "it is how the payment is known when the file comes again."),
                           code="no_reference")
                bad = True
            if member is not None and "month" in values:
                key = (member.pk, values["month"])
                if key in first_month:
                    self.error(raw.row, "month", _("%(name)s's dues of %(month)s are already on row %(row)d.")
                               % {"name": member.full_name, "month": label(values["month"]),
                                  "row": first_month[key]}, code="duplicate")
                    bad = True
                first_month.setdefault(key, raw.row)
            if not bad:
                usable.append((raw, NewPayment(raw.row, member, values["month"], values["amount"], raw.reference,
                                               values["paid_on"], values["channel"])))
        return self.against_stored(usable)

    def member_problems(self, raw: RawRow, member: Member, values: dict, book: DuesBook | None,
                        today_month: datetime.date, joined: datetime.date | None) -> bool:
        bad = False
        if raw.full_name and fold(raw.full_name) != fold(member.full_name):
            self.error(raw.row, "full_name", _("The member with party card number or citizen ID %(key)s is "
                                               "%(name)s, not %(given)s.")
                       % {"key": raw.member, "name": member.full_name, "given": raw.full_name}, code="name")
            bad = True
        if member.status not in MAY_PAY_STATUSES:
            self.error(raw.row, "member", _("%(name)s has left the roll: no dues are recorded for them.")
                       % {"name": member.full_name}, code="left")
            bad = True
        month = values.get("month")
        first = queries.first_expected(book, member, joined)
        if book is None:
            self.error(raw.row, "member", _("%(cell)s does not record party dues here yet: its secretary sets the "
                                            "first month recorded first.") % {"cell": member.cell.name},
                       code="no_book")
            bad = True
        elif month is not None and month < month_of(book.starts_on):
            self.error(raw.row, "month", _("%(cell)s records party dues from %(first)s; %(month)s is before.")
                       % {"cell": member.cell.name, "first": label(book.starts_on), "month": label(month)},
                       code="before_book")
            bad = True
        elif month is not None and first is not None and month < first:
            # The cell's page counts a member's months from their admission and their joining the cell: a month
            # before belongs to their former cell's book.
            self.error(raw.row, "month", _("%(name)s is counted in the dues of %(cell)s from %(first)s (admitted on "
                                           "%(admitted)s, joined the cell on %(joined)s); %(month)s is before.")
                       % {"name": member.full_name, "cell": member.cell.name,
                          "first": label(first),
                          "admitted": _day(member.admission_date), "joined": _day(joined), "month": label(month)},
                       code="before_member")
            bad = True
        if month is not None and month > today_month:
            self.error(raw.row, "month", _("%(month)s is still to come: a payment is imported once it is made.")
                       % {"month": label(month)}, code="future_month")
            bad = True
        return bad

    def against_stored(self, usable: list[tuple[RawRow, NewPayment]]) -> list[NewPayment]:
        """Compare the usable rows with the payments already stored: a month already recorded at the same amount
        (under the same reference, or under none) is skipped; at another amount, or under another reference, it is a
        conflict; a reference recorded for another member or month is a conflict."""
        by_month: dict[tuple[int, datetime.date], Payment] = {}
        by_reference: dict[str, Payment] = {}
        member_ids = sorted({payment.member.pk for _raw, payment in usable})
        for chunk in _chunks(member_ids):
            for stored in Payment.objects.filter(member_id__in=chunk,
                                                 month__in={payment.month for _raw, payment in usable}):
                by_month[stored.member_id, stored.month] = stored
        references = sorted({payment.reference for _raw, payment in usable if payment.reference})
        for chunk in _chunks(references):
            for stored in Payment.objects.filter(reference__in=chunk).select_related("member__cell"):
                by_reference.setdefault(stored.reference, stored)
        new = []
        for raw, payment in usable:
            stored = by_month.get((payment.member.pk, payment.month))
            used = by_reference.get(payment.reference) if payment.reference else None
            if used is not None and (used.member_id, used.month) != (payment.member.pk, payment.month):
                # The member and month are named only inside the subtree imported into: a reference is no way to
                # learn whose dues of which month were paid elsewhere.
                if used.member.cell.path.startswith(self.unit.path):
                    message = (_("The reference %(reference)s is already recorded for %(name)s, %(month)s.")
                               % {"reference": payment.reference, "name": used.member.full_name,
                                  "month": label(used.month)})
                else:
                    message = (_("The reference %(reference)s is already recorded for a payment outside %(unit)s.")
                               % {"reference": payment.reference, "unit": self.unit.name})
                self.conflict(raw.row, "reference", "reference_used", message)
            elif stored is None:
                new.append(payment)
            elif stored.amount == payment.amount and stored.reference in ("", payment.reference):
                self.skipped.append((raw.row, stored))
            elif stored.amount != payment.amount:
                self.conflict(raw.row, "amount", "other_amount",
                              _("%(name)s's dues of %(month)s are already recorded at %(stored)s đồng, not %(amount)s "
                                "đồng. Nothing is overwritten: correct the file, or the payment on the member's page.")
                              % {"name": payment.member.full_name, "month": label(payment.month),
                                 "stored": number(stored.amount, grouped=True),
                                 "amount": number(payment.amount, grouped=True)})
            else:
                self.conflict(raw.row, "reference", "other_reference",
                              _("%(name)s's dues of %(month)s are already recorded under the reference %(stored)s, "
                                "not %(reference)s.")
                              % {"name": payment.member.full_name, "month": label(payment.month),
                                 "stored": stored.reference, "reference": payment.reference})
        return new


def check_rows(rows: list[RawRow], *, unit: Unit, today: datetime.date | None = None) -> PaymentsPlan:
    """Check every row against the file and the database (reads only): each problem with its row and column, and
    what applying would record."""
    checker = _Checker(unit, today or timezone.localdate())
    new = checker.check(rows)
    order = [column.key for column in PAYMENTS.columns]

    def ordered(errors: list[RowError]) -> list[RowError]:
        return sorted(errors, key=lambda error: (error.row or 0, order.index(error.column)))

    return PaymentsPlan(unit=unit, rows=rows, new=new, skipped=checker.skipped, conflicts=ordered(checker.conflicts),
                        errors=ordered(checker.errors))
