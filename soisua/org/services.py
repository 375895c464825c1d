"""Writes to the organisation: units, members, posts, role grants.

Each function owns its transaction, appends the audit entry, and raises OrgError (translated) on refusal.
"""

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM
from soisua.core.errors import Conflict, DomainError, clean_text, save_if_current
from soisua.core.text import fold, name_sort_key, text_sort_key
from soisua.notifications.services import notify

from . import access
from .enums import MemberStatus, PostKind, Role
from .models import (
    PATH_ALPHABET,
    PATH_STEP,
    CellMembership,
    Member,
    MemberStatusChange,
    Post,
    RoleGrant,
    StandIn,
    Unit,
    UnitKind,
)
from .queries import ancestor_chain
from .signals import cell_members_changed, subtree_moved


class OrgError(DomainError):
    """A refused change to the organisation; the message is already translated."""


class ConflictError(Conflict, OrgError):
    """Someone else saved the unit or member since it was loaded (optimistic locking)."""


UNIT_FIELDS = ("kind", "code", "name", "abbreviation", "place", "active_from", "active_until")
MEMBER_FIELDS = ("full_name", "date_of_birth", "sex", "ethnicity", "admission_date", "official_date",
                 "card_number", "citizen_id", "phone", "email", "residence_cell")


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


def _check_dates(start, end) -> None:
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
    _check_dates(active_from, active_until)
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


def _save_versioned(obj, version: int | None, fields: dict[str, Any]) -> None:
    """Update with a version check: a stale form raises ConflictError instead of overwriting."""
    save_if_current(obj, version, fields, error=ConflictError)


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
    _check_dates(changes.get("active_from", unit.active_from), changes.get("active_until", unit.active_until))
    before = audit.snapshot(unit, changes)
    if "name" in changes:
        changes["sort_key"] = text_sort_key(changes["name"])
    _save_versioned(unit, version, changes)
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


def _end_open_posts(member: Member, *, on: datetime.date, within: Unit | None = None) -> list[int]:
    """End the member's open posts (in `within` and its sub-units, or everywhere); returns their ids."""
    posts = Post.objects.filter(member=member, ended_on__isnull=True)
    if within is not None:
        posts = posts.filter(unit__path__startswith=within.path)
    ids = list(posts.values_list("pk", flat=True))
    # A post that started on the same day ends that day (the dates constraint allows it).
    Post.objects.filter(pk__in=ids).update(ended_on=on)
    return ids


def member_values(fields: dict[str, Any]) -> dict[str, Any]:
    values = dict(fields)
    if "full_name" in values:
        values["full_name"] = " ".join(values["full_name"].split())
        values["sort_key"] = name_sort_key(values["full_name"])
        values["search_name"] = fold(values["full_name"])
    for key in ("card_number", "citizen_id", "phone", "email", "ethnicity"):
        if key in values and values[key] is None:
            values[key] = ""
    return values


def _check_member_keys(values: dict[str, Any], exclude_pk: int | None = None) -> None:
    others = Member.objects.exclude(pk=exclude_pk)
    if values.get("card_number") and others.filter(card_number=values["card_number"]).exists():
        raise OrgError(_("Another member already has party card number %(number)s.")
                       % {"number": values["card_number"]}, code="duplicate_card")
    if values.get("citizen_id") and others.filter(citizen_id=values["citizen_id"]).exists():
        raise OrgError(_("Another member already has citizen ID %(number)s.") % {"number": values["citizen_id"]},
                       code="duplicate_citizen_id")
    admission, official = values.get("admission_date"), values.get("official_date")
    if admission and official and official < admission:
        raise OrgError(_("The date made official cannot be before the admission date."), code="dates")


def _check_cell(cell: Unit) -> None:
    if not cell.kind.holds_members:
        raise OrgError(_("Members can only be registered in a cell, not in %(unit)s.") % {"unit": cell.name},
                       code="not_a_cell")


@transaction.atomic
def create_member(*, cell: Unit, full_name: str, by, status: str = MemberStatus.OFFICIAL,
                  joined_on: datetime.date | None = None, **fields) -> Member:
    """Register a member in a cell.

    Side effects: inserts the member, the open cell membership and the first status row; audit entry.
    """
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"create_member got unexpected fields {sorted(unknown)}")
    _check_cell(cell)
    values = member_values({"full_name": full_name, **fields})
    if not values["full_name"]:
        raise OrgError(_("The full name is required."), code="required")
    _check_member_keys(values)
    member = Member.objects.create(cell=cell, status=status, province_id=cell.province_id, **values)
    started = joined_on or timezone.localdate()
    CellMembership.objects.create(member=member, cell=cell, started_on=started)
    MemberStatusChange.objects.create(member=member, status=status, effective_on=started)
    touch_units(cell)
    cell_members_changed.send(sender=Member, cells=[cell])
    audit.record(by, "org.member.create", member,
                 audit.snapshot(member, ("cell", "status", *MEMBER_FIELDS)))
    return member


@transaction.atomic
def update_member(member: Member, *, by, version: int | None = None, **changes) -> Member:
    """Change a member's personal fields (cell: transfer_member; status: change_member_status).

    Side effects: version-checked update, audit entry with the changed fields.
    """
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"update_member got unexpected fields {sorted(unknown)}")
    values = member_values(changes)
    merged = {"admission_date": member.admission_date, "official_date": member.official_date, **values}
    _check_member_keys(merged, exclude_pk=member.pk)
    before = audit.snapshot(member, changes)
    old_email = member.email
    _save_versioned(member, version, values)
    touch_units(member.cell)
    audit.record(by, "org.member.update", member, audit.diff(before, audit.snapshot(member, before)))
    if old_email and member.email != old_email:
        _tell_old_address(member, old_email, by)
    return member


def _tell_old_address(member: Member, old_email: str, by) -> None:
    """A changed address on record could redirect a login's set-up link: the old address hears of it."""
    context = {"member": member.full_name, "by": str(by), "new": member.email}
    language = member.user.language if member.user_id else settings.LANGUAGE_CODE

    def send():
        with translation.override(language):
            send_mail(render_to_string("org/email_changed_subject.txt", context).strip(),
                      render_to_string("org/email_changed.txt", context), None, [old_email])

    transaction.on_commit(send)


@transaction.atomic
def transfer_member(member: Member, *, to_cell: Unit, on: datetime.date | None = None, reason: str = "",
                    by) -> Member:
    """Move a member's activity to another cell, closing the current membership.

    Side effects: ends the member's open posts in the old cell, closes the open membership, opens a new one,
    updates the member's cell, marks both cells' pages and the login's access as changed; audit entry.
    """
    _check_cell(to_cell)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.cell_id == to_cell.pk:
        raise OrgError(_("The member is already in this cell."), code="same_cell")
    on = on or timezone.localdate()
    current = member.memberships.filter(ended_on__isnull=True).first()
    if current and on < current.started_on:
        raise OrgError(_("The transfer date cannot be before the member joined the current cell."), code="dates")
    old_cell_id = member.cell_id
    ended_posts = _end_open_posts(member, on=on, within=Unit.objects.get(pk=old_cell_id))
    member.memberships.filter(ended_on__isnull=True).update(ended_on=on)
    CellMembership.objects.create(member=member, cell=to_cell, started_on=on, reason=reason)
    Member.objects.filter(pk=member.pk).update(cell=to_cell, province_id=to_cell.province_id,
                                                version=F("version") + 1)
    member.refresh_from_db()
    touch_units(Unit.objects.get(pk=old_cell_id), to_cell)
    forget_access([member.user_id])
    cell_members_changed.send(sender=Member, cells=[to_cell])
    audit.record(by, "org.member.transfer", member, {"cell": [old_cell_id, to_cell.pk], "reason": reason,
                                                     "ended_posts": ended_posts})
    return member


@transaction.atomic
def change_member_status(member: Member, *, status: str, on: datetime.date | None = None, reason: str = "",
                         by) -> Member:
    """Record a status change (official, probationary, exempt, suspended, left) with its date and reason.

    Side effects: status history row, member status, ends all open posts when the member leaves the roll, marks
    the cell's page and the login's access as changed; audit entry.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if status not in MemberStatus.values:
        raise OrgError(_("Unknown status."), code="status")
    if status == member.status:
        raise OrgError(_("The member already has this status."), code="same_status")
    on = on or timezone.localdate()
    old = member.status
    MemberStatusChange.objects.create(member=member, status=status, effective_on=on, reason=reason)
    Member.objects.filter(pk=member.pk).update(status=status, version=F("version") + 1)
    ended_posts = _end_open_posts(member, on=on) if status == MemberStatus.LEFT else []
    member.refresh_from_db()
    touch_units(member.cell)
    forget_access([member.user_id])  # suspended members and those who left no longer see the cell
    cell_members_changed.send(sender=Member, cells=[member.cell])
    audit.record(by, "org.member.status", member, {"status": [old, status], "reason": reason,
                                                   "ended_posts": ended_posts})
    return member


@transaction.atomic
def assign_post(member: Member, *, unit: Unit, kind: str, started_on: datetime.date | None = None,
                by) -> Post:
    """Give a member a post in a unit. A unit has one secretary at a time.

    Side effects: inserts the post; audit entry.
    """
    if kind not in PostKind.values:
        raise OrgError(_("Unknown post."), code="post")
    started_on = started_on or timezone.localdate()
    if kind == PostKind.SECRETARY and Post.objects.filter(unit=unit, kind=kind, ended_on__isnull=True).exists():
        raise OrgError(_("%(unit)s already has a secretary; end that post first.") % {"unit": unit.name},
                       code="one_secretary")
    post = Post.objects.create(member=member, unit=unit, kind=kind, started_on=started_on)
    touch_units(unit, member.cell)
    audit.record(by, "org.post.assign", post, {"member": member.pk, "unit": unit.pk, "kind": kind})
    return post


@transaction.atomic
def end_post(post: Post, *, ended_on: datetime.date | None = None, by) -> Post:
    ended_on = ended_on or timezone.localdate()
    _check_dates(post.started_on, ended_on)
    post.ended_on = ended_on
    post.save(update_fields=["ended_on"])
    touch_units(post.unit, post.member.cell)
    audit.record(by, "org.post.end", post, {"ended_on": ended_on})
    return post


def _check_role_change(by, *, unit: Unit, role: str, holder) -> None:
    if by is SYSTEM:
        return
    if holder is not None and by.is_authenticated and holder.pk == by.pk:
        raise OrgError(_("Nobody grants or removes their own roles: ask the level above."), code="own_role")
    if not access.may_change_role(by, unit=unit, role=role, holder=holder):
        raise OrgError(_("You may not grant or remove the role “%(role)s” on %(unit)s.")
                       % {"role": Role(role).label, "unit": unit.name}, code="role_power")


def _notify_role_change(user, *, grant: RoleGrant, unit: Unit, role: str, granted: bool) -> None:
    with translation.override(user.language):
        role_label = str(Role(role).label)
    notify(user, kind="org.grant", event_key=f"grant:{grant.pk}:{'on' if granted else 'off'}",
           template="notifications/messages/welcome" if granted else "notifications/messages/role_removed",
           context={"unit": unit.name, "role": role_label}, url=reverse("org:units.detail", args=[unit.pk]))


@transaction.atomic
def grant_role(user, *, unit: Unit, role: str, by) -> RoleGrant:
    """Give a login a role on a unit (and, for subtree roles, everything under it).

    `by` must hold the power to grant it (access.grantable_roles; never to oneself), or be SYSTEM (the command line
    and the demo loader). Side effects: inserts the grant (idempotent); audit entry, and an inbox message and
    e-mail to the person when new.
    """
    if role not in Role.values:
        raise OrgError(_("Unknown role."), code="role")
    _check_role_change(by, unit=unit, role=role, holder=user)
    grant, created = RoleGrant.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        forget_access([user.pk])
        audit.record(by, "org.grant.create", grant, {"user": user.pk, "unit": unit.pk, "role": role})
        _notify_role_change(user, grant=grant, unit=unit, role=role, granted=True)
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, by) -> None:
    """Remove a role grant, under the same rule as granting it.

    Side effects: audit entry, the login's access forgotten, the grant deleted, an inbox message and e-mail to
    the person.
    """
    grant = RoleGrant.objects.select_related("user", "unit").get(pk=grant.pk)
    _check_role_change(by, unit=grant.unit, role=grant.role, holder=grant.user)
    audit.record(by, "org.grant.delete", grant, {"user": grant.user_id, "unit": grant.unit_id, "role": grant.role})
    forget_access([grant.user_id])
    _notify_role_change(grant.user, grant=grant, unit=grant.unit, role=grant.role, granted=False)
    grant.delete()


STAND_IN_HOURS = 8


@transaction.atomic
def stand_in(unit: Unit, *, reason: str, by, hours: int = STAND_IN_HOURS) -> StandIn:
    """An administrator acts, for `hours` and for `reason`, as the committee of `unit` towards the units directly
    under it (access.is_superior_committee). Only a person stands in: `by` SYSTEM is refused like anyone without
    the power.

    Side effects: inserts the stand-in; the administrator's access is recomputed; audit entry with the reason; the
    unit's committee members and staff are told (inbox and e-mail).
    """
    if not access.may_stand_in(by, unit):
        raise OrgError(_("Only an administrator of this unit or of a unit above may stand in for its committee."),
                       code="not_admin")
    reason = clean_text(reason, _("Reason"), 500, error=OrgError)
    if len(reason) < 10:
        raise OrgError(_("Say why you act in the committee's place (at least ten characters)."), code="reason")
    now = timezone.now()
    record = StandIn.objects.create(user=by, unit=unit, reason=reason, started_at=now,
                                    ends_at=now + datetime.timedelta(hours=hours))
    forget_access([by.pk])
    audit.record(by, "org.standin.create", record, {"unit": unit.pk, "reason": reason,
                                                     "ends_at": record.ends_at})
    for user in access.users_with_roles(unit.pk, {Role.COMMITTEE, Role.STAFF}):
        notify(user, kind="org.standin", event_key=f"standin:{record.pk}", template="notifications/messages/stand_in",
               context={"unit": unit.name, "name": str(by), "reason": reason},
               url=reverse("org:units.detail", args=[unit.pk]))
    return record


@transaction.atomic
def end_stand_in(record: StandIn, *, by) -> None:
    """End a stand-in early. Side effects: its end set to now; access recomputed; audit entry."""
    StandIn.objects.filter(pk=record.pk, ends_at__gt=timezone.now()).update(ends_at=timezone.now())
    forget_access([record.user_id])
    audit.record(by, "org.standin.end", record, {"unit": record.unit_id})


@transaction.atomic
def link_account(member: Member, *, user, by) -> Member:
    """Link a login to a member; the login then sees the member's cell."""
    if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise OrgError(_("This login already belongs to another member."), code="taken")
    previous_user_id = member.user_id
    Member.objects.filter(pk=member.pk).update(user=user)
    member.refresh_from_db()
    forget_access([user.pk, previous_user_id])
    audit.record(by, "org.member.link_account", member, {"user": user.pk})
    return member


@transaction.atomic
def create_account(member: Member, *, username: str, by):
    """Open a login for a member who has none. The member chooses the password from a link sent only to the
    e-mail address on their record, so whoever opens the login cannot use it; the opening is shown on the
    member's page and told to the cell's leadership.

    Side effects: inserts the user (no usable password), links it to the member, audit entry; the cell's other
    leaders are told (inbox and e-mail); after commit, the welcome e-mail with the user name and the set-password
    link goes to the member's address, in the user's language.
    """
    User = get_user_model()
    if member.user_id is not None:
        raise OrgError(_("This member already has a login."), code="has_login")
    if not member.email:
        raise OrgError(_("Record the member's e-mail address first: the link to choose a password goes there, and "
                         "only there."), code="no_email")
    if User.objects.filter(username__iexact=username).exists():
        raise OrgError(_("The user name %(name)s is taken.") % {"name": username}, code="username_taken")
    user = User.objects.create_user(username=username, email=member.email, first_name=member.full_name[:150])
    link_account(member, user=user, by=by)
    audit.record(by, "accounts.user.create", user, {"username": username, "member": member.pk})
    for leader in access.users_with_roles(member.cell_id, {Role.SECRETARY, Role.COMMITTEE}):
        if leader.pk != getattr(by, "pk", None):
            notify(leader, kind="org.login_opened", event_key=f"login-opened:{user.pk}",
                   template="notifications/messages/login_opened",
                   context={"member": member.full_name, "by": str(by)},
                   url=reverse("org:members.detail", args=[member.pk]))

    def send_welcome():
        # PasswordResetForm skips users without a usable password, so the link is built here.
        site = urlsplit(settings.SITE_URL)
        context = {"user": user, "username": user.username, "member": member.full_name, "opened_by": str(by),
                   "protocol": site.scheme, "domain": site.netloc,
                   "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                   "token": default_token_generator.make_token(user)}
        with translation.override(user.language):
            subject = render_to_string("accounts/welcome_subject.txt", context).strip()
            send_mail(subject, render_to_string("accounts/welcome_email.txt", context), None, [member.email])

    transaction.on_commit(send_welcome)
    return user
