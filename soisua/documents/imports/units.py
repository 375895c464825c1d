"""Importing a tree of units: a spreadsheet with one unit per row (code, name, kind code, parent code), checked
row by row against the file, the unit kinds' rules (org.services.KindRules) and the database, so that every bad row
is reported with its reason before anything is written. The caller applies the checked rows in its transaction.

The rows hang below one top unit: an existing unit (importing its sub-units) or the top unit the first-run set-up
is about to create (`Top`). A parent code names the top unit, a unit already under it, or another row of the file;
rows may come in any order.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soisua.org import services as org
from soisua.org.models import Unit, UnitKind

from .checking import RowError
from .reading import (
    QUERY_CHUNK,
    Column,
    RosterImportError,
    Spreadsheet,
    cell_text,
    max_upload_bytes,
    probe,
    read_table,
)

# More rows than a province's tree (about 10,000 units) are a national load: `soisua national` or several imports.
MAX_ROWS = 20_000
_FORMULA_STARTS = ("=", "+", "@")


class UnitsSheet(Spreadsheet):
    """A list of units to import: the same file checks as a roster, in sentences about units."""

    def wrong_type(self, detail: str) -> RosterImportError:
        return RosterImportError(
            _("This is not a list of units we can read: %(detail)s Save the list as an Excel workbook (.xlsx) or as "
              "CSV UTF-8 (.csv) and upload it again.") % {"detail": detail}, code="file_type")

    def too_large(self) -> RosterImportError:
        return RosterImportError(
            _("The file is larger than %(limit)s. Import the units of each branch from that branch's page.")
            % {"limit": filesizeformat(max_upload_bytes())}, code="too_large")

    def no_header(self) -> RosterImportError:
        return RosterImportError(_("No header row was found. The first row must hold the column headers “Mã đơn vị”, "
                                   "“Tên đơn vị”, “Mã loại” and “Mã đơn vị cấp trên”."), code="no_header")

    def no_rows(self) -> RosterImportError:
        return RosterImportError(_("The file has a header row but no units under it."), code="no_rows")


UNITS = UnitsSheet((
    Column("code", gettext_lazy("Unit code"), "Mã đơn vị", ("ma", "unit code"), required=True, max_length=40),
    Column("name", gettext_lazy("Unit name"), "Tên đơn vị", ("ten", "ten to chuc dang", "unit name"), required=True,
           max_length=255),
    Column("kind", gettext_lazy("Kind code"), "Mã loại", ("loai", "loai don vi", "ma loai don vi", "kind code"),
           required=True, max_length=40),
    Column("parent", gettext_lazy("Parent unit code"), "Mã đơn vị cấp trên",
           ("ma cap tren", "cap tren", "don vi cap tren", "parent code", "parent unit code"), required=True,
           max_length=40),
))


@dataclass(frozen=True, slots=True)
class Top:
    """The unit the rows hang below: an existing unit, or the top unit about to be created (`unit` None)."""

    code: str
    name: str
    kind: UnitKind
    unit: Unit | None = None

    @classmethod
    def of(cls, unit: Unit) -> "Top":
        return cls(code=unit.code, name=unit.name, kind=unit.kind, unit=unit)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as read, before checking (what the confirmation carries back)."""

    row: int
    code: str
    name: str
    kind: str
    parent: str

    def as_list(self) -> list:
        return [self.row, self.code, self.name, self.kind, self.parent]


@dataclass(frozen=True, slots=True)
class NewUnit:
    row: int
    code: str
    name: str
    kind: UnitKind
    parent: str
    depth: int  # below the top unit: 1 for a unit directly under it


@dataclass
class UnitsPlan:
    """What applying the rows would create, parents before their sub-units; `errors` empty means it may be applied."""

    top: Top
    rows: list[RawRow] = field(default_factory=list)
    units: list[NewUnit] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return bool(self.units) and not self.errors

    def by_kind(self) -> list[tuple[str, int]]:
        """(kind label, number of units) in the kinds' order."""
        counts: dict[UnitKind, int] = {}
        for unit in self.units:
            counts[unit.kind] = counts.get(unit.kind, 0) + 1
        return [(kind.label, count) for kind, count in sorted(counts.items(), key=lambda item: item[0].order)]


# --- Reading ------------------------------------------------------------------------------------------------

def read_rows(stream: IO[bytes], file_format: str) -> list[RawRow]:
    """The rows of an uploaded list of units (RosterImportError for a file refused as a whole)."""
    probe(stream, file_format, sheet=UNITS)
    table = read_table(stream, file_format, sheet=UNITS)
    rows = []
    for number, cells in table.rows:
        values = {key: cell_text(cells[position]) if position < len(cells) else ""
                  for key, position in table.columns.items()}
        rows.append(RawRow(number, values["code"], values["name"], values["kind"], values["parent"]))
        if len(rows) > MAX_ROWS:
            raise RosterImportError(_("The file lists more than %(count)s units. Import the units of each branch "
                                      "from that branch's page.") % {"count": f"{MAX_ROWS:,}".replace(",", ".")},
                                    code="too_many_rows")
    return rows


def rows_from_lists(values: Iterable[list]) -> list[RawRow]:
    """Rows carried back by a confirmation (RawRow.as_list)."""
    return [RawRow(int(row), str(code), str(name), str(kind), str(parent))
            for row, code, name, kind, parent in values]


# --- Checking -----------------------------------------------------------------------------------------------

def _chunks(values: list, size: int = QUERY_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Checker:
    def __init__(self, top: Top):
        self.top = top
        self.rules = org.KindRules()
        self.errors: list[RowError] = []

    def error(self, row: int, column: str, code: str, message: str) -> None:
        self.errors.append(RowError(row=row, column=column, code=code, message=message))

    def cell_problems(self, raw: RawRow) -> bool:
        """Empty, too long or formula-like cells; True when the row has any."""
        bad = False
        for column in UNITS.columns:
            value = getattr(raw, column.key)
            if not value:
                self.error(raw.row, column.key, "required", _("This cell is empty; it is required."))
                bad = True
            elif column.max_length and len(value) > column.max_length:
                self.error(raw.row, column.key, "too_long", _("At most %(max)d characters; this has %(length)d.")
                           % {"max": column.max_length, "length": len(value)})
                bad = True
            elif value.startswith(_FORMULA_STARTS):
                self.error(raw.row, column.key, "formula",
                           _("The value starts with “%(char)s”, which spreadsheet programs run as a formula. Remove "
                             "that character.") % {"char": value[0]})
                bad = True
        return bad

    def existing_codes(self, codes: list[str]) -> dict[str, Unit]:
        found: dict[str, Unit] = {}
        for chunk in _chunks(codes):
            found.update({unit.code: unit for unit in Unit.objects.filter(code__in=chunk).select_related("kind")})
        return found

    def check(self, rows: list[RawRow]) -> list[NewUnit]:
        usable: dict[str, RawRow] = {}
        first_row: dict[str, int] = {}
        kinds: dict[str, UnitKind] = {}
        existing = self.existing_codes(sorted({raw.code for raw in rows} | {raw.parent for raw in rows}))
        for raw in rows:
            bad = self.cell_problems(raw)
            if raw.code and raw.code in first_row:
                self.error(raw.row, "code", "duplicate", _("The code %(code)s is already on row %(row)d.")
                           % {"code": raw.code, "row": first_row[raw.code]})
                bad = True
            elif raw.code and (raw.code in existing or raw.code == self.top.code):
                self.error(raw.row, "code", "duplicate",
                           _("Another unit already has the code %(code)s.") % {"code": raw.code})
                bad = True
            if raw.code:
                first_row.setdefault(raw.code, raw.row)
            kind = self.rules.by_code.get(raw.kind)
            if raw.kind and kind is None:
                self.error(raw.row, "kind", "unknown_kind",
                           _("“%(code)s” is not a unit kind code. The codes are: %(codes)s.")
                           % {"code": raw.kind, "codes": ", ".join(sorted(self.rules.by_code))})
                bad = True
            if not bad:
                usable[raw.code] = raw
                kinds[raw.code] = kind
        return self.link(rows, usable, kinds, existing)

    def _under_top(self, unit: Unit | None) -> bool:
        """An existing unit may be a parent only at or under the top unit (what the importer administers); a code
        found elsewhere is reported exactly like an unknown one."""
        top = self.top.unit
        return unit is not None and top is not None and unit.path.startswith(top.path)

    def link(self, rows: list[RawRow], usable: dict[str, RawRow], kinds: dict[str, UnitKind],
             existing: dict[str, Unit]) -> list[NewUnit]:
        """Walk each usable row up its parents to the top unit; every row that cannot get there says why. Returns
        the units to create, parents before their sub-units."""
        by_code = {raw.code: raw for raw in rows if raw.code}
        depth: dict[str, int | None] = {}  # None: the row cannot be placed (its reason is recorded)
        for raw in usable.values():
            self._walk(raw, usable, kinds, existing, by_code, depth)
        units = [NewUnit(raw.row, raw.code, raw.name, kinds[raw.code], raw.parent, depth[raw.code])
                 for raw in usable.values() if depth.get(raw.code)]
        units.sort(key=lambda unit: (unit.depth, unit.row))
        return units

    def _walk(self, raw: RawRow, usable, kinds, existing, by_code, depth) -> None:
        path: list[RawRow] = []  # from `raw` up; the parent of path[-1] decides `base`
        on_path: set[str] = set()
        base: tuple[UnitKind, int] | None = None
        failed_at: RawRow | None = None  # the row whose own problem cuts the rows below it off
        current = raw
        while True:
            if current.code in depth:  # placed (or not) by an earlier walk
                if depth[current.code] is not None:
                    base = (kinds[current.code], depth[current.code])
                else:
                    failed_at = current
                break
            if current.code in on_path:  # the parent codes loop: each row of the loop says so
                loop = path[path.index(current):]
                for row in loop:
                    self.error(row.row, "parent", "loop", _("The parent codes lead back to this row instead of up "
                                                            "to %(top)s.") % {"top": self.top.name})
                    depth[row.code] = None
                path = path[:path.index(current)]
                failed_at = current
                break
            path.append(current)
            on_path.add(current.code)
            parent = current.parent
            if parent == self.top.code:
                base = (self.top.kind, 0)
                break
            if parent in usable:
                current = usable[parent]
                continue
            if parent in by_code:  # a row of the file with problems of its own
                failed_at = by_code[parent]
                break
            unit = existing.get(parent)
            if self._under_top(unit):
                base = (unit.kind, unit.depth - self.top.unit.depth)
                break
            self.error(current.row, "parent", "unknown_parent",
                       _("No unit has the code %(code)s under %(top)s, and no row of the file has it.")
                       % {"code": parent, "top": self.top.name})
            depth[current.code] = None
            path.pop()
            failed_at = current
            break
        for row in reversed(path):
            if base is None:
                self.error(row.row, "parent", "parent_row",
                           _("Its parent, row %(row)d, has a problem: fix that row first.") % {"row": failed_at.row})
                depth[row.code] = None
                failed_at = row
                continue
            problem = self.rules.problem(kinds[row.code], base[0])
            if problem is not None:
                self.error(row.row, "kind", problem.code, problem.messages[0])
                depth[row.code] = None
                base, failed_at = None, row
                continue
            depth[row.code] = base[1] + 1
            base = (kinds[row.code], base[1] + 1)


def check_rows(rows: list[RawRow], *, top: Top) -> UnitsPlan:
    """Check every row (reads only): each problem with its row and column, and what applying would create."""
    checker = _Checker(top)
    units = checker.check(rows)
    order = [column.key for column in UNITS.columns]
    errors = sorted(checker.errors, key=lambda error: (error.row or 0, order.index(error.column)))
    return UnitsPlan(top=top, rows=rows, units=units, errors=errors)


def apply_units(plan: UnitsPlan, *, by) -> list[Unit]:
    """Create the plan's units (below the top unit, which exists by then), parents first, through
    org.services.create_units (which checks codes and placements again). The caller holds the transaction: a
    failure anywhere must roll every unit back."""
    if not plan.is_valid:
        raise ValueError("an invalid plan cannot be applied")
    return org.create_units([org.NewUnit(code=unit.code, name=unit.name, kind=unit.kind, parent=unit.parent)
                             for unit in plan.units], by=by)
