"""The unit tree: materialised paths, creating, changing and moving units, and bumping the cache versions of
the units above a write."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.text import text_sort_key

from ..models import (
    PATH_ALPHABET,
    PATH_STEP,
    Member,
    RoleGrant,
    Unit,
    UnitKind,
)
from ..queries import ancestor_chain
from ..signals import subtree_moved
from .common import OrgError, save_versioned

UNIT_FIELDS = ("kind", "code", "name", "abbreviation", "place", "active_from", "active_until")

# Ancestors above this depth (the country, the provinces) are not bumped by writes below them: every write in
# the country would otherwise queue on their rows. Their pages refresh on a short timer instead
# (org.views.unit_detail).
TOUCH_MIN_DEPTH = 3
CODE_CHUNK = 2000  # values per IN (...): well under SQLite's and PostgreSQL's parameter limits


def touch_units(*units: Unit | None) -> None:
    """Mark the pages of these units and of their ancestors (down to TOUCH_MIN_DEPTH) as changed."""
    paths: set[str] = set()
    for unit in units:
        if unit is not None:
            paths.add(unit.path)
            paths.update(path for path in unit.ancestor_paths() if len(path) // PATH_STEP >= TOUCH_MIN_DEPTH)
    if paths:
        Unit.objects.filter(path__in=paths).update(content_version=F("content_version") + 1)


def touch_subtree(unit: Unit) -> None:
    """Every page under `unit` shows it in its breadcrumbs: after a rename or a move they all re-render."""
    Unit.objects.filter(path__startswith=unit.path).update(content_version=F("content_version") + 1)


def forget_access(user_ids) -> None:
    """What these logins may see changed: their cached access scopes must not be used again."""
    ids = [user_id for user_id in user_ids if user_id is not None]
    if ids:
        get_user_model().objects.filter(pk__in=ids).update(access_version=F("access_version") + 1)


def encode_path_step(number: int) -> str:
    chars = []
    for _position in range(PATH_STEP):
        number, digit = divmod(number, len(PATH_ALPHABET))
        chars.append(PATH_ALPHABET[digit])
    if number:
        raise OrgError(_("This unit has too many sub-units."))
    return "".join(reversed(chars))


def _decode_step(step: str) -> int:
    return int(step, len(PATH_ALPHABET))


def _next_child_path(parent: Unit | None) -> str:
    """Caller holds a lock on the parent (or on the roots) so two children never get the same path."""
    prefix = parent.path if parent else ""
    depth = (parent.depth + 1) if parent else 1
    last = Unit.objects.filter(depth=depth, path__startswith=prefix).aggregate(last=Max("path"))["last"]
    number = _decode_step(last[-PATH_STEP:]) + 1 if last else 0
    return prefix + encode_path_step(number)


def province_keyed_models() -> list[type[models.Model]]:
    """Models of other apps that carry the sharding key `province` beside the `unit` they belong to
    (docs/architecture.md, "Scale"): reviews, shortcomings, plans… A move across provinces rewrites their key with
    the members'."""
    return [model for model in apps.get_models()
            if model not in (Unit, Member) and {"province", "unit"} <= {field.name for field in model._meta.fields}]


def _province_for(kind: UnitKind, parent: Unit | None) -> Unit | None:
    if parent is None:
        return None
    return parent if parent.kind.is_province else parent.province


def _check_unique_code(code: str, exclude_pk: int | None = None) -> None:
    if Unit.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        raise OrgError(_("Another unit already has the code %(code)s.") % {"code": code}, code="duplicate")


def _quoted(kinds: list[UnitKind]) -> str:
    return ", ".join(f"“{kind.label}”" for kind in kinds)


class KindRules:
    """Which unit kinds may stand where (`UnitKind.may_be_root`, `UnitKind.allowed_parents`), read once: an import
    of units checks every row against it. Two queries."""

    def __init__(self):
        self.kinds = {kind.pk: kind for kind in UnitKind.objects.all()}
        self.by_code = {kind.code: kind for kind in self.kinds.values()}
        self.parents: dict[int, list[UnitKind]] = {pk: [] for pk in self.kinds}
        through = UnitKind.allowed_parents.through
        for kind_id, parent_id in through.objects.values_list("from_unitkind_id", "to_unitkind_id"):
            self.parents[kind_id].append(self.kinds[parent_id])
        for parents in self.parents.values():
            parents.sort(key=lambda kind: (kind.order, kind.code))

    def roots(self) -> list[UnitKind]:
        return [kind for kind in self.kinds.values() if kind.may_be_root]

    def allows(self, kind: UnitKind, parent_kind: UnitKind) -> bool:
        return self.problem(kind, parent_kind) is None

    def problem(self, kind: UnitKind, parent_kind: UnitKind | None) -> OrgError | None:
        """Why a unit of `kind` may not stand under a unit of `parent_kind` (None: at the top), or None."""
        parents = self.parents.get(kind.pk, [])
        if parent_kind is None:
            if kind.may_be_root:
                return None
            if not parents:
                return _no_place(kind)
            return OrgError(_("A unit of kind “%(kind)s” cannot be the top unit; it belongs under: %(allowed)s.")
                            % {"kind": kind.label, "allowed": _quoted(parents)}, code="kind_root")
        # Inside a cell only party groups, and party groups only inside a cell.
        if parent_kind.holds_members != kind.within_cell:
            return OrgError(_("Party groups belong inside a cell, and a cell contains nothing else."),
                            code="kind_under_cell")
        if any(parent.pk == parent_kind.pk for parent in parents):
            return None
        if not parents:
            if kind.may_be_root:
                return OrgError(_("A unit of kind “%(kind)s” cannot be placed under another unit: it can only be "
                                  "the top unit.") % {"kind": kind.label}, code="kind_parent")
            return _no_place(kind)
        return OrgError(_("A unit of kind “%(kind)s” cannot be placed under a unit of kind “%(parent)s”; it "
                          "belongs under: %(allowed)s.")
                        % {"kind": kind.label, "parent": parent_kind.label, "allowed": _quoted(parents)},
                        code="kind_parent")


def _no_place(kind: UnitKind) -> OrgError:
    return OrgError(_("Units of kind “%(kind)s” have no place in the tree yet: no parent kind is allowed for "
                      "them.") % {"kind": kind.label}, code="kind_parent")


def check_placement(kind: UnitKind, parent: Unit | None) -> None:
    """Refuse a unit of `kind` under `parent` (None: at the top) unless the kinds' data allow it."""
    problem = KindRules().problem(kind, parent.kind if parent is not None else None)
    if problem is not None:
        raise problem


def _check_kind_change(unit: Unit, kind: UnitKind) -> None:
    if kind.is_province != unit.kind.is_province:
        raise OrgError(_("A unit cannot become or stop being province level; create a new unit instead."),
                       code="kind_province")
    if kind.holds_members != unit.kind.holds_members and (unit.members.exists() or unit.children.exists()):
        raise OrgError(_("This unit has members or sub-units, so it cannot change between a cell and a "
                         "committee."), code="kind_members")
    rules = KindRules()
    problem = rules.problem(kind, unit.parent.kind if unit.parent_id else None)
    if problem is not None:
        raise problem
    for child_kind_id in set(unit.children.values_list("kind_id", flat=True)):
        child_kind = rules.kinds[child_kind_id]
        if not rules.allows(child_kind, kind):
            raise OrgError(_("Its sub-units of kind “%(child)s” cannot stand under a unit of kind “%(kind)s”.")
                           % {"child": child_kind.label, "kind": kind.label}, code="kind_children")


def check_dates(start, end) -> None:
    if start and end and end < start:
        raise OrgError(_("The end date cannot be before the start date."), code="dates")


@transaction.atomic
def create_unit(*, parent: Unit | None, kind: UnitKind, code: str, name: str, by, abbreviation: str = "",
                place: str = "", active_from: datetime.date | None = None,
                active_until: datetime.date | None = None) -> Unit:
    """Create a unit under `parent` (None: a root). Its kind must be allowed there (`UnitKind.may_be_root`,
    `UnitKind.allowed_parents`).

    Side effects: locks the parent row, inserts the unit, appends an audit entry.
    """
    if parent is not None:
        parent = Unit.objects.select_for_update().select_related("kind").get(pk=parent.pk)
    check_placement(kind, parent)
    _check_unique_code(code)
    check_dates(active_from, active_until)
    unit = Unit(parent=parent, kind=kind, code=code, name=name, abbreviation=abbreviation, place=place,
                active_from=active_from, active_until=active_until, sort_key=text_sort_key(name),
                path=_next_child_path(parent), depth=(parent.depth + 1) if parent else 1)
    unit.province = None if kind.is_province else _province_for(kind, parent)
    unit.save()
    if kind.is_province:
        Unit.objects.filter(pk=unit.pk).update(province=unit)
        unit.province = unit
    touch_units(unit)
    audit.record(by, "org.unit.create", unit, audit.snapshot(unit, ("parent", *UNIT_FIELDS)))
    return unit


@dataclass(frozen=True, slots=True)
class NewUnit:
    """A unit for create_units: `parent` is the code of an existing unit or of an earlier row."""

    code: str
    name: str
    kind: UnitKind
    parent: str


def _codes_taken(codes: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(codes), CODE_CHUNK):
        taken.update(Unit.objects.filter(code__in=codes[start:start + CODE_CHUNK]).values_list("code", flat=True))
    return taken


@transaction.atomic
def create_units(rows: list[NewUnit], *, by) -> list[Unit]:
    """Create many units at once (an import of units), each as create_unit would: its kind allowed under its
    parent's, its code unused, its path the next under its parent, its province key. Rows come parents first; a
    row's parent is an existing unit or an earlier row. All of them or none (OrgError names the first refusal).

    Side effects: locks the existing parents, inserts the units level by level, marks the existing parents' pages
    as changed, one audit entry per unit. A few queries per level of the tree, however many units.
    """
    rules = KindRules()
    codes = [row.code for row in rows]
    twice = {code for code, count in Counter(codes).items() if count > 1}
    if twice or (taken := _codes_taken(codes)):
        code = next(code for code in codes if code in twice or code in taken)
        raise OrgError(_("Another unit already has the code %(code)s.") % {"code": code}, code="duplicate")
    outside = sorted({row.parent for row in rows} - set(codes))
    units: dict[str, Unit] = {}
    for start in range(0, len(outside), CODE_CHUNK):
        units.update({unit.code: unit for unit in Unit.objects.select_for_update().select_related("kind")
                      .filter(code__in=outside[start:start + CODE_CHUNK]).order_by("path")})
    existing_parents = list(units.values())
    next_step: dict[str, int] = {}
    levels: dict[int, list[Unit]] = {}
    for row in rows:
        parent = units.get(row.parent)
        if parent is None:
            raise OrgError(_("There is no unit with code %(code)s.") % {"code": row.parent}, code="parent")
        problem = rules.problem(row.kind, parent.kind)
        if problem is not None:
            raise problem
        if parent.path not in next_step:
            last = (Unit.objects.filter(depth=parent.depth + 1, path__startswith=parent.path)
                    .aggregate(last=Max("path"))["last"]) if parent.pk else None
            next_step[parent.path] = _decode_step(last[-PATH_STEP:]) + 1 if last else 0
        unit = Unit(parent=parent, kind=row.kind, code=row.code, name=row.name, sort_key=text_sort_key(row.name),
                    path=parent.path + encode_path_step(next_step[parent.path]), depth=parent.depth + 1)
        next_step[parent.path] += 1
        units[row.code] = unit
        levels.setdefault(unit.depth, []).append(unit)
    created: list[Unit] = []
    for depth in sorted(levels):
        level = levels[depth]
        for unit in level:  # the parents of this level were saved with the level above (bulk_create takes their ids)
            unit.province = None if unit.kind.is_province else _province_for(unit.kind, unit.parent)
        Unit.objects.bulk_create(level, batch_size=1000)
        provinces = [unit for unit in level if unit.kind.is_province]
        Unit.objects.filter(pk__in=[unit.pk for unit in provinces]).update(province_id=F("pk"))
        for unit in provinces:
            unit.province = unit
        created += level
    touch_units(*existing_parents)
    audit.record_many(by, "org.unit.create", ((unit, audit.snapshot(unit, ("parent", *UNIT_FIELDS)))
                                              for unit in created))
    return created


@transaction.atomic
def update_unit(unit: Unit, *, by, version: int | None = None, **changes) -> Unit:
    """Change a unit's own fields (not its place in the tree: see move_unit).

    Side effects: version-checked update; marks the unit's, its parent's and (after a rename) its whole subtree's
    pages as changed; audit entry.
    """
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"update_unit got unexpected fields {sorted(unknown)}")
    if "code" in changes:
        _check_unique_code(changes["code"], exclude_pk=unit.pk)
    if "kind" in changes and changes["kind"] != unit.kind:
        _check_kind_change(unit, changes["kind"])
    check_dates(changes.get("active_from", unit.active_from), changes.get("active_until", unit.active_until))
    before = audit.snapshot(unit, changes)
    if "name" in changes:
        changes["sort_key"] = text_sort_key(changes["name"])
    save_versioned(unit, version, changes)
    touch_units(unit, unit.parent)
    if {"name", "code"} & set(changes):
        touch_subtree(unit)
    audit.record(by, "org.unit.update", unit, audit.diff(before, audit.snapshot(unit, before)))
    return unit


@transaction.atomic
def move_unit(unit: Unit, *, new_parent: Unit, by) -> Unit:
    """Move `unit` and its whole subtree under `new_parent` in one statement. The unit's kind must be allowed under
    the new parent's kind, and a unit never moves under itself.

    Side effects: locks both parents, rewrites path, depth and province of every unit in the subtree and the
    province of their members and of every province-keyed row of theirs, appends an audit entry.
    """
    unit = Unit.objects.select_for_update().select_related("kind").get(pk=unit.pk)
    new_parent = Unit.objects.select_for_update().select_related("kind").get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise OrgError(_("A unit cannot be moved under itself or one of its own sub-units."), code="cycle")
    if new_parent.pk == unit.parent_id:
        return unit
    check_placement(unit.kind, new_parent)
    old_path, old_parent_id = unit.path, unit.parent_id
    old_chain = ancestor_chain(unit)
    touch_units(unit.parent)
    new_path = _next_child_path(new_parent)
    depth_change = new_parent.depth + 1 - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_change,
    )
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    if not unit.kind.is_province:
        province = _province_for(unit.kind, new_parent)
        subtree = Unit.objects.filter(path__startswith=new_path)
        # Units under a province-level unit inside the moved subtree keep that province.
        inner = list(subtree.filter(kind__is_province=True).values_list("path", flat=True))
        outer = subtree
        for path in inner:
            outer = outer.exclude(path__startswith=path)
        outer.update(province=province)
        Member.objects.filter(cell__in=outer.values("pk")).update(province=province)
        for model in province_keyed_models():
            model.objects.filter(unit__in=outer.values("pk")).update(province=province)
    unit.refresh_from_db()
    subtree_moved.send(sender=Unit, unit=unit, old_chain=old_chain, new_chain=ancestor_chain(unit))
    touch_units(unit)
    touch_subtree(unit)
    # Grants and memberships in the subtree now have other paths.
    forget_access({*RoleGrant.objects.filter(unit__path__startswith=new_path).values_list("user_id", flat=True),
                   *Member.objects.filter(cell__path__startswith=new_path, user__isnull=False)
                   .values_list("user_id", flat=True)})
    audit.record(by, "org.unit.move", unit, {"parent": [old_parent_id, new_parent.pk]})
    return unit
