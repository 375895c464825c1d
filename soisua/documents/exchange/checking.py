"""Checking an exchange file against the database for one subtree: what applying it would create, change (field by
field, old -> new) and leave alone, and every bad row. Reads only.

Units: a row whose code is recorded under the subtree is that unit (its name and active dates may change; moving it
or changing its kind is refused: the unit's own page does that); a new code is a unit to create under the subtree,
checked as the import of units checks (imports/units.py). Members go through the roster import's checks
(imports/checking.py), held rows included: a row whose card number or citizen ID is recorded outside the subtree looks
new to the importer, exactly as a row with an unknown number, and applying holds it for the committee that sees both
records (services.import_exchange), so the exchange is no more an oracle of numbers recorded elsewhere than the
roster import is.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from soisua.org.models import Unit

from ..imports import checking as member_checks
from ..imports import reading as roster
from ..imports import units as unit_rows
from ..imports.reading import cell_text
from .format import MEMBERS, UNITS, ExchangeFile, Rows

# The exchange's member columns by the roster's keys (the roster calls the cell code unit_code).
ROSTER_KEY = {"cell_code": "unit_code"}
EXCHANGE_KEY = {roster_key: key for key, roster_key in ROSTER_KEY.items()}


@dataclass(slots=True)
class Problem:
    table: str  # "units" or "members"
    row: int | None
    column: str  # the exchange's column key
    message: str


@dataclass(slots=True)
class UnitChange:
    row: int
    unit: Unit
    changes: dict[str, list]  # field -> [old, new]


@dataclass
class ExchangePlan:
    scope: Unit
    new_units: list[unit_rows.NewUnit] = field(default_factory=list)
    new_unit_dates: dict[str, dict[str, datetime.date]] = field(default_factory=dict)  # code -> dates to set
    changed_units: list[UnitChange] = field(default_factory=list)
    unchanged_units: int = 0
    members: member_checks.Plan = field(default_factory=member_checks.Plan)
    unit_problems: list[Problem] = field(default_factory=list)
    cell_codes: dict[int, str] = field(default_factory=dict)  # the cells members would leave, by id (the diff)

    @property
    def problems(self) -> list[Problem]:
        member_problems = [Problem("members", error.row, EXCHANGE_KEY.get(error.column, error.column), error.message)
                           for error in self.members.errors]
        return [*self.unit_problems, *member_problems]

    @property
    def is_valid(self) -> bool:
        return not self.unit_problems and not self.members.errors

    @property
    def change_count(self) -> int:
        return (len(self.new_units) + len(self.changed_units) + self.members.new_as_checked
                + len(self.members.updates))


def _date_cell(value: Any, latest: datetime.date) -> datetime.date | None:
    if value is None or cell_text(value) == "":
        return None
    return member_checks._date(value, latest)  # the roster's reading of a date cell


class _UnitChecker:
    def __init__(self, scope: Unit, plan: ExchangePlan):
        self.scope, self.plan = scope, plan

    def problem(self, row: int, column: str, message: str) -> None:
        self.plan.unit_problems.append(Problem("units", row, column, message))

    def dates(self, number: int, values: dict[str, Any]) -> dict[str, datetime.date] | None:
        dates: dict[str, datetime.date] = {}
        for key in ("active_from", "active_until"):
            try:
                value = _date_cell(values.get(key), datetime.date.max)  # a unit's dates may lie ahead
            except member_checks._Bad as bad:
                self.problem(number, key, bad.message)
                return None
            if value is not None:
                dates[key] = value
        if "active_from" in dates and "active_until" in dates and dates["active_until"] < dates["active_from"]:
            self.problem(number, "active_until", _("The end date cannot be before the start date."))
            return None
        return dates

    def run(self, rows: Rows) -> dict[str, Unit]:
        """Check every unit row; returns the cells the file creates (unsaved, by code) for the members' check."""
        codes = {cell_text(values.get("code")) for _number, values in rows.rows} - {""}
        existing: dict[str, Unit] = {}
        for chunk in member_checks._chunks(sorted(codes)):
            existing.update({unit.code: unit for unit in Unit.objects.filter(code__in=chunk)
                             .select_related("kind", "parent")})
        new_rows: list[unit_rows.RawRow] = []
        seen: dict[str, int] = {}
        for number, cells in rows.rows:
            values = {key: cell_text(value) for key, value in cells.items()}
            code = values.get("code", "")
            if code and code in seen:
                self.problem(number, "code", _("The code %(code)s is already on row %(row)d.")
                             % {"code": code, "row": seen[code]})
                continue
            if code:
                seen[code] = number
            dates = self.dates(number, cells)
            unit = existing.get(code)
            if unit is None:
                new_rows.append(unit_rows.RawRow(number, code, values.get("name", ""), values.get("kind", ""),
                                                 values.get("parent_code", "")))
                if dates:
                    self.plan.new_unit_dates[code] = dates
                continue
            if dates is not None:
                self.existing(number, unit, values, dates)
        if new_rows:
            checked = unit_rows.check_rows(new_rows, top=unit_rows.Top.of(self.scope))
            self.plan.new_units = checked.units
            for error in checked.errors:
                self.problem(error.row, "parent_code" if error.column == "parent" else error.column, error.message)
        return {unit.code: Unit(code=unit.code, name=unit.name, kind=unit.kind, path=f"{self.scope.path}~",
                                depth=self.scope.depth + unit.depth) for unit in self.plan.new_units}

    def existing(self, number: int, unit: Unit, values: dict[str, str], dates: dict[str, datetime.date]) -> None:
        if not unit.path.startswith(self.scope.path):
            self.problem(number, "code", _("Unit %(code)s is not part of %(unit)s.")
                         % {"code": unit.code, "unit": self.scope.name})
            return
        if values.get("kind") and values["kind"] != unit.kind.code:
            self.problem(number, "kind", _(
                "%(unit)s is recorded as kind %(recorded)s, the file says %(kind)s: the exchange does not change a "
                "unit's kind; change it on the unit's page first.")
                % {"unit": unit.name, "recorded": unit.kind.code, "kind": values["kind"]})
            return
        parent = unit.parent.code if unit.parent else ""
        if unit.pk != self.scope.pk and values.get("parent_code") != parent:
            self.problem(number, "parent_code", _(
                "%(unit)s is under %(parent)s, the file puts it under %(new)s: the exchange does not move units; move "
                "it on the unit's page first.") % {"unit": unit.name, "parent": parent, "new": values.get(
                    "parent_code") or "—"})
            return
        name = " ".join(values.get("name", "").split())
        if not name:
            self.problem(number, "name", _("This cell is empty; it is required."))
            return
        if len(name) > Unit._meta.get_field("name").max_length:
            self.problem(number, "name", _("At most %(max)d characters; this has %(length)d.")
                         % {"max": Unit._meta.get_field("name").max_length, "length": len(name)})
            return
        changes = {key: [getattr(unit, key), value] for key, value in {"name": name, **dates}.items()
                   if getattr(unit, key) != value}
        if changes:
            self.plan.changed_units.append(UnitChange(number, unit, changes))
        else:
            self.plan.unchanged_units += 1


def member_table(rows: Rows) -> roster.Table:
    """The members' sheet as the roster import's table (its keys, the file's headers)."""
    keys = [column.key for column in MEMBERS.columns if column.key in rows.headers]
    columns = {ROSTER_KEY.get(key, key): position for position, key in enumerate(keys)}
    headers = {ROSTER_KEY.get(key, key): rows.headers[key] for key in keys}
    data = ((number, [values.get(key) for key in keys]) for number, values in rows.rows)
    return roster.Table(header_row=2, columns=columns, headers=headers, rows=data)


def plan_members(data: ExchangeFile, *, scope: Unit, planned_units: dict[str, Unit] | None = None
                 ) -> member_checks.Plan:
    if not data.members.rows:
        return member_checks.Plan()
    return member_checks.plan_table(member_table(data.members), scope=scope, planned_units=planned_units)


def build_plan(data: ExchangeFile, *, scope: Unit) -> ExchangePlan:
    """Check every row of the file below `scope` and say what applying it would change (reads only)."""
    plan = ExchangePlan(scope=scope)
    planned = _UnitChecker(scope, plan).run(data.units) if data.units.rows else {}
    plan.members = plan_members(data, scope=scope, planned_units=planned)
    left = sorted({update.changes["cell"][0] for update in plan.members.updates if "cell" in update.changes})
    plan.cell_codes = dict(Unit.objects.filter(pk__in=left).values_list("pk", "code")) if left else {}
    order = {column.key: index for index, column in enumerate(UNITS.columns)}
    plan.unit_problems.sort(key=lambda problem: (problem.row or 0, order.get(problem.column, -1)))
    return plan
