"""Members: their record, transfers between cells, status changes, posts."""

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.text import fold, name_sort_key

from ..enums import MemberStatus, PostKind
from ..models import (
    CellMembership,
    Member,
    MemberStatusChange,
    Post,
    Unit,
)
from ..signals import cell_members_changed
from .common import OrgError, save_versioned
from .roles import check_post_power, end_grants_with_posts, grant_with_post
from .tree import check_dates, forget_access, touch_units

MEMBER_FIELDS = ("full_name", "date_of_birth", "sex", "ethnicity", "admission_date", "official_date",
                 "card_number", "citizen_id", "phone", "email", "residence_cell", "in_political_system")


def _end_open_posts(member: Member, *, on: datetime.date, by, within: Unit | None = None) -> list[int]:
    """End the member's open posts (in `within` and its sub-units, or everywhere) and the roles they came with;
    returns their ids. The member leaving the cell or the roll ends them, so no power to revoke is asked."""
    posts = Post.objects.filter(member=member, ended_on__isnull=True)
    if within is not None:
        posts = posts.filter(unit__path__startswith=within.path)
    ids = list(posts.values_list("pk", flat=True))
    # A post that started on the same day ends that day (the dates constraint allows it).
    Post.objects.filter(pk__in=ids).update(ended_on=on)
    end_grants_with_posts(ids, by=by)
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

    Side effects: version-checked update, audit entry with the changed fields; a new name of a member with a
    login is shown in their header from their next page on.
    """
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"update_member got unexpected fields {sorted(unknown)}")
    values = member_values(changes)
    merged = {"admission_date": member.admission_date, "official_date": member.official_date, **values}
    _check_member_keys(merged, exclude_pk=member.pk)
    before = audit.snapshot(member, changes)
    old_email = member.email
    old_name = member.full_name
    save_versioned(member, version, values)
    touch_units(member.cell)
    if member.user_id and member.full_name != old_name:
        forget_access([member.user_id])  # the header names the login by the member's name
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
    ended_posts = _end_open_posts(member, on=on, by=by, within=Unit.objects.get(pk=old_cell_id))
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
    ended_posts = _end_open_posts(member, on=on, by=by) if status == MemberStatus.LEFT else []
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
    """Give a member a post in a unit. A unit has one secretary at a time. A post that comes with a role
    (org.enums.post_role) gives it to the member's login, now or when one is linked, and takes the power to grant
    that role (access.may_change_post; never to oneself).

    Side effects: inserts the post; audit entry; with a login, the role granted with the post (its own audit
    entry, the person told).
    """
    if kind not in PostKind.values:
        raise OrgError(_("Unknown post."), code="post")
    check_post_power(by=by, member=member, unit=unit, kind=kind)
    started_on = started_on or timezone.localdate()
    if kind == PostKind.SECRETARY and Post.objects.filter(unit=unit, kind=kind, ended_on__isnull=True).exists():
        raise OrgError(_("%(unit)s already has a secretary; end that post first.") % {"unit": unit.name},
                       code="one_secretary")
    post = Post.objects.create(member=member, unit=unit, kind=kind, started_on=started_on)
    touch_units(unit, member.cell)
    audit.record(by, "org.post.assign", post, {"member": member.pk, "unit": unit.pk, "kind": kind})
    grant_with_post(post, user=member.user, by=by)
    return post


@transaction.atomic
def end_post(post: Post, *, ended_on: datetime.date | None = None, by) -> Post:
    """End a post, and the role it came with (under the same power as giving it).

    Side effects: the post's end date; audit entry; the role that came with it removed (its own audit entry, the
    person told)."""
    check_post_power(by=by, member=post.member, unit=post.unit, kind=post.kind)
    ended_on = ended_on or timezone.localdate()
    check_dates(post.started_on, ended_on)
    post.ended_on = ended_on
    post.save(update_fields=["ended_on"])
    touch_units(post.unit, post.member.cell)
    audit.record(by, "org.post.end", post, {"ended_on": ended_on})
    end_grants_with_posts([post.pk], by=by)
    return post
