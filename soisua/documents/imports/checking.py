"""Checking every row of a roster against the file and the database: what an import would change."""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soisua.core.text import fold
from soisua.org.enums import MemberStatus, Sex
from soisua.org.models import CellMembership, Member, Unit

from .reading import COLUMN_BY_KEY, DATE_KEYS, PROGRESS_EVERY, QUERY_CHUNK, RosterImportError, Table, read_table

# --- Checking one cell --------------------------------------------------------------------------------------

class _Bad(Exception):
    """A refused cell value; internal to this module."""

    def __init__(self, code: str, message: str):
        self.code, self.message = code, message


_FORMULA_STARTS = ("=", "+", "-", "@")
_PHONE = re.compile(r"^\+?[0-9][0-9 .]{7,18}$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CARD = re.compile(r"^[0-9][0-9. ]*$")
_MIN_YEAR = 1900


def _number_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _check_formula(text: str, key: str) -> None:
    if text.startswith(_FORMULA_STARTS) and not (key == "phone" and _PHONE.match(text)):
        raise _Bad("formula", _("The value starts with “%(char)s”, which spreadsheet programs run as a formula. "
                                "Remove that character.") % {"char": text[0]})


def _date(value: Any, today: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    else:
        text = _text(value)
        match = _DMY.match(text)
        try:
            if match:
                result = datetime.date(int(match[3]), int(match[2]), int(match[1]))
            elif match := _YMD.match(text):
                result = datetime.date(int(match[1]), int(match[2]), int(match[3]))
            else:
                raise ValueError(text)
        except ValueError:
            raise _Bad("bad_date", _("“%(value)s” is not a valid date. Write dates as dd/mm/yyyy, e.g. 02/09/1975.")
                       % {"value": text}) from None
    if result.year < _MIN_YEAR:
        raise _Bad("bad_date", _("%(date)s is too long ago to be right.") % {"date": f"{result:%d/%m/%Y}"})
    if result > today:
        raise _Bad("future_date", _("%(date)s is in the future.") % {"date": f"{result:%d/%m/%Y}"})
    return result


def _choice_words() -> tuple[dict[str, str], dict[str, str]]:
    """Folded words (Vietnamese, English, enum values) -> Sex and MemberStatus values."""
    sexes = {"nam": Sex.MALE, "male": Sex.MALE, "m": Sex.MALE, "nu": Sex.FEMALE, "female": Sex.FEMALE,
             "f": Sex.FEMALE}
    statuses = {
        "chinh thuc": MemberStatus.OFFICIAL, "dang vien chinh thuc": MemberStatus.OFFICIAL,
        "du bi": MemberStatus.PROBATIONARY, "dang vien du bi": MemberStatus.PROBATIONARY,
        "mien cong tac va sinh hoat": MemberStatus.EXEMPT, "mien sinh hoat": MemberStatus.EXEMPT,
        "mien cong tac sinh hoat": MemberStatus.EXEMPT,
        "dinh chi sinh hoat": MemberStatus.SUSPENDED, "dinh chi": MemberStatus.SUSPENDED,
        "ra khoi danh sach": MemberStatus.LEFT, "da ra khoi danh sach": MemberStatus.LEFT,
        "xoa ten": MemberStatus.LEFT, "da xoa ten": MemberStatus.LEFT,
    }
    # Whatever the roster export writes (the labels in either language) must read back.
    for language in ("vi", "en"):
        with translation.override(language):
            sexes.update({fold(str(label)): value for value, label in Sex.choices})
            statuses.update({fold(str(label)): value for value, label in MemberStatus.choices})
    sexes.update({value: value for value in Sex.values})
    statuses.update({value: value for value in MemberStatus.values})
    return sexes, statuses


# --- Checking rows ------------------------------------------------------------------------------------------

@dataclass(slots=True)
class RowError:
    row: int | None
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass(slots=True)
class Row:
    number: int
    values: dict[str, Any]  # MEMBER_KEYS present and non-empty in the file
    unit_code: str
    status: str | None
    ok: bool = True


@dataclass(slots=True)
class Update:
    row: int
    member: Member
    changes: dict[str, list]  # field -> [old, new] (cell and status included)
    to_cell: Unit | None
    status: str | None


@dataclass(slots=True)
class Held:
    """A row that looks new to the importer but whose card number or citizen ID belongs to a member outside the
    import's scope. It is not applied: the committee that sees both records decides (services.apply_import)."""

    row: int
    values: dict[str, Any]
    cell: Unit
    status: str
    members: list[Member]  # the members outside the scope whose numbers the row carries
    # The change of a member of the scope the row was checked as (its other number names them), shown as such
    # before applying; None for a row checked as a new member.
    update: Update | None = None


@dataclass
class Plan:
    """What applying the file would do; `errors` empty means it may be applied."""

    total_rows: int = 0
    creates: list[tuple[int, dict[str, Any], Unit, str]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    held: list[Held] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def new_as_checked(self) -> int:
        """New members as the importer is told before applying: held rows count as new, exactly as rows with
        unknown numbers, so that checking a file never tells whether a number is recorded elsewhere."""
        return len(self.creates_as_checked)

    @property
    def creates_as_checked(self) -> list[tuple[int, dict[str, Any], Unit, str]]:
        """The rows listed as new before applying, held rows among them, in the file's order."""
        held = [(row.row, row.values, row.cell, row.status) for row in self.held if row.update is None]
        return sorted([*self.creates, *held], key=lambda new: new[0])

    @property
    def updates_to_apply(self) -> list[Update]:
        """The changes applying writes: `updates` lists also those of held rows, as the importer is shown them."""
        held = {row.row for row in self.held if row.update is not None}
        return [update for update in self.updates if update.row not in held]


# How rosters write yes and no (folded): "Có"/"Không", "x" for a ticked box, 1/0.
YES_NO = {"co": True, "c": True, "x": True, "yes": True, "1": True, "true": True,
          "khong": False, "k": False, "no": False, "0": False, "false": False}


class _RowChecker:
    """Turns the cells of one row into clean values, collecting every problem in the row."""

    def __init__(self, table: Table, today: datetime.date):
        self.today = today
        self.sexes, self.statuses = _choice_words()
        self.columns = [(key, table.columns[key], COLUMN_BY_KEY[key].max_length, getattr(self, f"_{key}", None))
                        for key in COLUMN_BY_KEY if key in table.columns]

    def check(self, number: int, cells: list[Any], errors: list[RowError]) -> Row:
        row = Row(number=number, values={}, unit_code="", status=None)
        width = len(cells)
        bad_columns = set()
        for key, position, max_length, checker in self.columns:
            raw = cells[position] if position < width else ""
            try:
                value = self._value(key, raw, max_length, checker)
            except _Bad as bad:
                errors.append(RowError(number, key, bad.code, bad.message))
                bad_columns.add(key)
                continue
            if value in ("", None):
                continue
            if key == "unit_code":
                row.unit_code = value
            elif key == "status":
                row.status = value
            else:
                row.values[key] = value
        row.ok = not bad_columns
        for key, present in (("full_name", "full_name" in row.values), ("unit_code", bool(row.unit_code))):
            if not present and key not in bad_columns:
                errors.append(RowError(number, key, "required", _("%(column)s is empty; it is required.")
                                       % {"column": COLUMN_BY_KEY[key].label}))
                row.ok = False
        admission, official = row.values.get("admission_date"), row.values.get("official_date")
        if admission and official and official < admission:
            errors.append(RowError(number, "official_date", "official_before_admission",
                                   _("The date made official is before the admission date.")))
            row.ok = False
        return row

    def _value(self, key: str, raw: Any, max_length: int | None, checker: Callable | None) -> Any:
        if key in DATE_KEYS:
            if raw is None or raw == "" or (isinstance(raw, str) and not raw.strip()):
                return None
            if isinstance(raw, str):
                _check_formula(raw.strip(), key)
            return _date(raw, self.today)
        numeric = isinstance(raw, int | float) and not isinstance(raw, bool)
        text = _text(raw)
        if not text:
            return ""
        if isinstance(raw, str):
            _check_formula(text, key)
        if key == "full_name":
            text = " ".join(text.split())
        if max_length is not None and len(text) > max_length and key not in ("card_number", "citizen_id"):
            raise _Bad("too_long", _("The value has %(length)d characters; at most %(max)d are allowed.")
                       % {"length": len(text), "max": max_length})
        return checker(text, numeric) if checker else text

    def _sex(self, text: str, numeric: bool) -> str:
        value = self.sexes.get(fold(text))
        if value is None:
            raise _Bad("bad_sex", _("“%(value)s” is not a sex; write Nam or Nữ.") % {"value": text})
        return value

    def _status(self, text: str, numeric: bool) -> str:
        value = self.statuses.get(fold(text))
        if value is None:
            raise _Bad("bad_status", _("“%(value)s” is not a member status; write Chính thức, Dự bị, Miễn công tác "
                                       "và sinh hoạt, Đình chỉ sinh hoạt or Ra khỏi danh sách.") % {"value": text})
        return value

    def _in_political_system(self, text: str, numeric: bool) -> bool:
        value = YES_NO.get(fold(text))
        if value is None:
            raise _Bad("bad_yes_no", _("“%(value)s” is neither yes nor no; write Có or Không.") % {"value": text})
        return value

    def _card_number(self, text: str, numeric: bool) -> str:
        if not _CARD.match(text):
            raise _Bad("bad_card_number", _("A party card number has digits only."))
        digits = text.replace(".", "").replace(" ", "")
        if len(digits) > COLUMN_BY_KEY["card_number"].max_length:
            raise _Bad("too_long", _("A party card number has at most %(max)d digits.")
                       % {"max": COLUMN_BY_KEY["card_number"].max_length})
        return digits

    def _citizen_id(self, text: str, numeric: bool) -> str:
        digits = text.replace(" ", "").replace(".", "")
        if numeric:
            # A number cell drops leading zeros: 12-digit IDs start with a province code such as 001, and old
            # 9-digit cards may start with 0, so these lengths can only be such IDs.
            if len(digits) in (10, 11):
                digits = digits.zfill(12)
            elif len(digits) == 8:
                digits = digits.zfill(9)
        if not digits.isdigit() or len(digits) not in (9, 12):
            raise _Bad("bad_citizen_id", _("A citizen ID has 12 digits (old cards: 9)."))
        return digits

    def _phone(self, text: str, numeric: bool) -> str:
        if numeric and len(text) == 9:  # a number cell drops the leading 0 of 09xx xxx xxx
            text = "0" + text
        if not _PHONE.match(text):
            raise _Bad("bad_phone", _("“%(value)s” is not a phone number; write it like 0912 345 678.")
                       % {"value": text})
        return text

    def _email(self, text: str, numeric: bool) -> str:
        try:
            validate_email(text)
        except ValidationError:
            raise _Bad("bad_email", _("“%(value)s” is not a valid e-mail address.") % {"value": text}) from None
        return text


def _chunks(values: list, size: int = QUERY_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _members_by(field_name: str, keys: Iterable[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for chunk in _chunks(sorted(keys)):
        # The explicit exclusion lets the database use the partial unique index (WHERE number <> '').
        query = (Member.objects.filter(**{f"{field_name}__in": chunk}).exclude(**{field_name: ""})
                 .annotate(cell_path=F("cell__path")))
        found.update({getattr(member, field_name): member for member in query})
    return found


def _units_by_code(codes: Iterable[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    for chunk in _chunks(sorted(codes)):
        found.update({unit.code: unit for unit in Unit.objects.filter(code__in=chunk).select_related("kind")})
    return found


class _Planner:
    """Compares checked rows with the database: new member, changed member, or unchanged."""

    def __init__(self, scope: Unit, rows: list[Row], plan: Plan, today: datetime.date, *,
                 planned_units: dict[str, Unit] | None = None):
        self.scope, self.rows, self.plan, self.today = scope, rows, plan, today
        ok = [row for row in rows if row.ok]
        # Cells the same file creates (the data exchange): unsaved units under the scope, known by their code.
        planned = planned_units or {}
        self.units = _units_by_code({row.unit_code for row in ok} - set(planned)) | planned
        self.by_card = _members_by("card_number", {row.values["card_number"] for row in ok
                                                   if "card_number" in row.values})
        self.by_citizen_id = _members_by("citizen_id", {row.values["citizen_id"] for row in ok
                                                        if "citizen_id" in row.values})
        self.by_name = self._keyless_members([row for row in ok if "card_number" not in row.values
                                              and "citizen_id" not in row.values])
        self.seen: dict[int, int] = {}  # member pk -> first row
        self.transfers: list[Update] = []

    def _keyless_members(self, rows: list[Row]) -> dict[tuple[int, str], list[Member]]:
        """Members without card number or citizen ID, by (cell, folded name): how such rows are recognised."""
        cells = sorted({self.units[row.unit_code].pk for row in rows if row.unit_code in self.units} - {None})
        found: dict[tuple[int, str], list[Member]] = {}
        for chunk in _chunks(cells):
            query = (Member.objects.filter(cell__in=chunk, card_number="", citizen_id="")
                     .annotate(cell_path=F("cell__path")).order_by("pk"))
            for member in query:
                found.setdefault((member.cell_id, member.search_name), []).append(member)
        return found

    def keyless_member(self, row: Row, cell: Unit) -> Member | None:
        candidates = self.by_name.get((cell.pk, fold(row.values["full_name"])), [])
        if "date_of_birth" in row.values and len(candidates) > 1:
            candidates = [member for member in candidates if member.date_of_birth == row.values["date_of_birth"]]
        if len(candidates) > 1:
            self.error(row, "full_name", "ambiguous_member", _(
                "Several members of this cell have this name and no card number or citizen ID; add the party "
                "card number or the citizen ID to say which one this row is."))
            return None
        return candidates[0] if candidates else None

    def error(self, row: Row, column: str, code: str, message: str) -> None:
        self.plan.errors.append(RowError(row.number, column, code, message))
        row.ok = False

    def run(self) -> None:
        for row in self.rows:
            if row.ok:
                self.plan_row(row)
        self.check_transfer_dates()

    def cell_for(self, row: Row) -> Unit | None:
        unit = self.units.get(row.unit_code)
        if unit is None:
            self.error(row, "unit_code", "unknown_unit", _("There is no unit with code %(code)s.")
                       % {"code": row.unit_code})
        elif not unit.path.startswith(self.scope.path):
            self.error(row, "unit_code", "unit_out_of_scope", _("Unit %(code)s is not part of %(unit)s.")
                       % {"code": row.unit_code, "unit": self.scope.name})
        elif not unit.kind.holds_members:
            self.error(row, "unit_code", "not_a_cell", _("%(unit)s (%(code)s) does not hold members; give the code "
                                                         "of a cell.") % {"unit": unit.name, "code": unit.code})
        else:
            return unit
        return None

    def outside_scope(self, row: Row) -> list[Member]:
        """The members outside the scope whose card number or citizen ID the row carries."""
        found = [self.by_card.get(row.values.get("card_number", "")),
                 self.by_citizen_id.get(row.values.get("citizen_id", ""))]
        outside = [member for member in found if member is not None and not member.cell_path.startswith(
            self.scope.path)]
        return list({member.pk: member for member in outside}.values())

    def inside(self, member: Member | None) -> Member | None:
        return member if member is not None and member.cell_path.startswith(self.scope.path) else None

    def member_for(self, row: Row) -> Member | None:
        """The member of the scope the row's numbers name. Members outside the scope are not looked at: a row is
        checked exactly as if their numbers were unknown, so no answer tells that a number is recorded elsewhere."""
        card, citizen_id = row.values.get("card_number"), row.values.get("citizen_id")
        by_card = self.inside(self.by_card.get(card)) if card else None
        by_citizen_id = self.inside(self.by_citizen_id.get(citizen_id)) if citizen_id else None
        member = by_card or by_citizen_id
        if by_card and by_citizen_id and by_card.pk != by_citizen_id.pk:
            self.error(row, "citizen_id", "citizen_id_taken",
                       _("Citizen ID %(number)s belongs to another member than party card number %(card)s.")
                       % {"number": citizen_id, "card": card})
            return None
        if member is not None and member.pk in self.seen:
            self.error(row, "card_number" if by_card else "citizen_id", "same_member",
                       _("This row describes the same member as row %(first)d.") % {"first": self.seen[member.pk]})
            return None
        if member is not None:
            self.seen[member.pk] = row.number
        return member

    def plan_row(self, row: Row) -> None:
        cell = self.cell_for(row)
        # A row carrying a number recorded outside the scope is checked as if the number were unknown (a new member,
        # or a change of the member its other number names); applying holds it for the committee that sees both
        # records instead of writing it.
        outside = self.outside_scope(row) if row.ok else []
        member = self.member_for(row)
        if row.ok and member is None and "card_number" not in row.values and "citizen_id" not in row.values:
            member = self.keyless_member(row, cell)
            if member is not None and member.pk in self.seen:
                self.error(row, "full_name", "same_member", _("This row describes the same member as row "
                                                              "%(first)d.") % {"first": self.seen[member.pk]})
            elif member is not None:
                self.seen[member.pk] = row.number
        if not row.ok:
            return
        if member is None and outside:
            self.plan.held.append(Held(row.number, row.values, cell, row.status or MemberStatus.OFFICIAL, outside))
            return
        if member is None:
            self.plan.creates.append((row.number, row.values, cell, row.status or MemberStatus.OFFICIAL))
            return
        changes = {key: [getattr(member, key), value] for key, value in row.values.items()
                   if getattr(member, key) != value}
        admission = row.values.get("admission_date", member.admission_date)
        official = row.values.get("official_date", member.official_date)
        if admission and official and official < admission:
            self.error(row, "official_date", "official_before_admission",
                       _("The date made official is before the admission date."))
            return
        status = row.status if row.status and row.status != member.status else None
        if status:
            changes["status"] = [member.status, status]
        to_cell = cell if cell.pk != member.cell_id else None
        if to_cell:
            changes["cell"] = [member.cell_id, cell.pk]
        if not changes:
            self.plan.unchanged += 1
            return
        update = Update(row=row.number, member=member, changes=changes, to_cell=to_cell, status=status)
        self.plan.updates.append(update)
        if outside:
            self.plan.held.append(Held(row.number, row.values, cell, row.status or MemberStatus.OFFICIAL, outside,
                                       update=update))
        if to_cell:  # checked as every transfer is, held or not
            self.transfers.append(update)

    def check_transfer_dates(self) -> None:
        """As org.services.transfer_member: a transfer today cannot end a membership that starts later."""
        started: dict[int, datetime.date] = {}
        for chunk in _chunks([update.member.pk for update in self.transfers]):
            started.update(CellMembership.objects.filter(member_id__in=chunk, ended_on__isnull=True)
                           .values_list("member_id", "started_on"))
        late = {update.row for update in self.transfers if started.get(update.member.pk, self.today) > self.today}
        if not late:
            return
        for update in self.plan.updates:
            if update.row in late:
                self.plan.errors.append(RowError(update.row, "unit_code", "transfer_date", _(
                    "The member joined the current cell after today, so they cannot be transferred yet.")))
        self.plan.updates = [update for update in self.plan.updates if update.row not in late]
        self.plan.held = [held for held in self.plan.held if held.row not in late]


def _check_duplicates(rows: list[Row], errors: list[RowError]) -> None:
    for key, code, message in (
        ("card_number", "duplicate_card_number", _("Party card number %(number)s is already in row %(first)d.")),
        ("citizen_id", "duplicate_citizen_id", _("Citizen ID %(number)s is already in row %(first)d.")),
    ):
        first_rows: dict[str, int] = {}
        for row in rows:
            value = row.values.get(key)
            if not value:
                continue
            first = first_rows.setdefault(value, row.number)
            if first != row.number:
                errors.append(RowError(row.number, key, code, message % {"number": value, "first": first}))
                row.ok = False


def build_plan(stream: IO[bytes], file_format: str, *, scope: Unit,
               progress: Callable[[int, int], None] | None = None) -> Plan:
    """Check every row of the file and say what applying it would change; reads the database, writes nothing.

    `progress(done, total)` is called every few thousand rows. Errors of the file as a whole (no header, a
    missing column) come back as a plan with that one error and no rows.
    """
    plan = Plan()
    try:
        table = read_table(stream, file_format)
    except RosterImportError as error:
        plan.errors.append(RowError(None, "", error.code or "file", error.messages[0]))
        return plan
    return plan_table(table, scope=scope, plan=plan, progress=progress)


def plan_table(table: Table, *, scope: Unit, plan: Plan | None = None,
               progress: Callable[[int, int], None] | None = None, planned_units: dict[str, Unit] | None = None
               ) -> Plan:
    """build_plan for rows already found (the roster's sheet, or the members' sheet of an exchange file).

    `planned_units` are cells the same upload creates (unsaved, by code).
    """
    today = timezone.localdate()
    plan = plan if plan is not None else Plan()
    plan.headers = table.headers
    data = list(table.rows)
    plan.total_rows = len(data)
    if not data:
        plan.errors.append(RowError(None, "", "no_rows", _("The file has a header row but no members under it.")))
        return plan
    checker = _RowChecker(table, today)
    rows: list[Row] = []
    for index, (number, cells) in enumerate(data, start=1):
        rows.append(checker.check(number, cells, plan.errors))
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, plan.total_rows)
    _check_duplicates(rows, plan.errors)
    _Planner(scope, rows, plan, today, planned_units=planned_units).run()
    plan.errors.sort(key=lambda error: (error.row or 0, list(COLUMN_BY_KEY).index(error.column)
                                        if error.column in COLUMN_BY_KEY else -1))
    if progress:
        progress(plan.total_rows, plan.total_rows)
    return plan


