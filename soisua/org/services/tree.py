"""The unit tree: materialised paths, creating, changing and moving units, and bumping the cache versions of
the units above a write."""

import datetime

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


def _check_child_kind(parent: Unit, kind: UnitKind) -> None:
    # Inside a cell only party groups, and party groups only inside a cell.
    if parent.kind.holds_members != kind.within_cell:
        raise OrgError(_("Party groups belong inside a cell, and a cell contains nothing else."),
                       code="kind_under_cell")


def _check_kind_change(unit: Unit, kind: UnitKind) -> None:
    if kind.is_province != unit.kind.is_province:
        raise OrgError(_("A unit cannot become or stop being province level; create a new unit instead."),
                       code="kind_province")
    if kind.holds_members != unit.kind.holds_members and (unit.members.exists() or unit.children.exists()):
        raise OrgError(_("This unit has members or sub-units, so it cannot change between a cell and a "
                         "committee."), code="kind_members")


def check_dates(start, end) -> None:
    if start and end and end < start:
        raise OrgError(_("The end date cannot be before the start date."), code="dates")


@transaction.atomic
def create_unit(*, parent: Unit | None, kind: UnitKind, code: str, name: str, by, abbreviation: str = "",
                place: str = "", active_from: datetime.date | None = None,
                active_until: datetime.date | None = None) -> Unit:
    """Create a unit under `parent` (None: a root).

    Side effects: locks the parent row, inserts the unit, appends an audit entry.
    """
    if parent is not None:
        parent = Unit.objects.select_for_update().select_related("kind").get(pk=parent.pk)
        _check_child_kind(parent, kind)
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
    """Move `unit` and its whole subtree under `new_parent` in one statement.

    Side effects: locks both parents, rewrites path, depth and province of every unit in the subtree and the
    province of their members and of every province-keyed row of theirs, appends an audit entry.
    """
    unit = Unit.objects.select_for_update().select_related("kind").get(pk=unit.pk)
    new_parent = Unit.objects.select_for_update().select_related("kind").get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise OrgError(_("A unit cannot be moved under itself or one of its own sub-units."), code="cycle")
    if new_parent.pk == unit.parent_id:
        return unit
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
