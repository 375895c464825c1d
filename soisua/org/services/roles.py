"""Role grants, a guarded power (org.access decides who may grant what), the roles that come with posts, and the
audited stand-in through which an administrator acts as a committee."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM
from soisua.core.errors import clean_text
from soisua.notifications.services import notify

from .. import access
from ..enums import PostKind, Role, post_role
from ..models import (
    Post,
    RoleGrant,
    StandIn,
    Unit,
)
from .common import OrgError
from .tree import forget_access


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


def role_of_post(post: Post) -> str | None:
    """The role the post gives on its unit (org.enums.post_role)."""
    return post_role(post.kind, in_cell=post.unit.kind.holds_members)


def check_post_power(*, by, member, unit: Unit, kind: str) -> None:
    """A post that comes with a role is given and ended only by someone who may grant that role to the member
    (access.may_change_post), whether or not the member has a login yet: the role follows a login linked later."""
    role = post_role(kind, in_cell=unit.kind.holds_members)
    if by is SYSTEM or role is None:
        return
    if member.user_id is not None and by.is_authenticated and member.user_id == by.pk:
        raise OrgError(_("Nobody grants or removes their own roles: ask the level above."), code="own_role")
    if not access.may_change_post(by, member=member, unit=unit, kind=kind):
        raise OrgError(_("The post “%(post)s” comes with the role “%(role)s” on %(unit)s, which you may not grant "
                         "or remove.") % {"post": PostKind(kind).label, "role": Role(role).label,
                                          "unit": unit.name}, code="role_power")


def _notify_post_role(user, *, grant: RoleGrant, post: Post, granted: bool) -> None:
    with translation.override(user.language):
        context = {"unit": post.unit.name, "role": str(Role(grant.role).label), "post": str(PostKind(post.kind).label)}
    notify(user, kind="org.grant", event_key=f"grant:{grant.pk}:{'on' if granted else 'off'}",
           template="notifications/messages/post_role" if granted else "notifications/messages/post_role_ended",
           context=context, url=reverse("org:units.detail", args=[post.unit_id]))


def grant_with_post(post: Post, *, user, by) -> RoleGrant | None:
    """Give `user` (the login of the post's holder) the role the post comes with, if any and not given yet.

    Called inside the services that assign a post or link a login (their transaction, their power check).
    Side effects: inserts the grant tied to the post; the login's access forgotten; audit entry; the person is
    told (org.grant)."""
    role = role_of_post(post)
    if role is None or user is None:
        return None
    grant, created = RoleGrant.objects.get_or_create(post=post, defaults={"user": user, "unit_id": post.unit_id,
                                                                          "role": role})
    if created:
        forget_access([user.pk])
        audit.record(by, "org.grant.create", grant, {"user": user.pk, "unit": post.unit_id, "role": role,
                                                     "post": post.pk})
        _notify_post_role(user, grant=grant, post=post, granted=True)
    return grant


def end_grants_with_posts(post_ids: list[int], *, by, user_id: int | None = None) -> None:
    """Remove the roles that came with these posts (of `user_id` only, when given: a login unlinked from the
    member). A role also granted explicitly stays: that is another grant.

    Side effects: per grant an audit entry, the person told (org.grant), the grant deleted; access forgotten."""
    grants = RoleGrant.objects.filter(post_id__in=post_ids).select_related("user", "post", "post__unit")
    if user_id is not None:
        grants = grants.filter(user_id=user_id)
    for grant in grants:
        audit.record(by, "org.grant.delete", grant, {"user": grant.user_id, "unit": grant.unit_id,
                                                     "role": grant.role, "post": grant.post_id})
        forget_access([grant.user_id])
        _notify_post_role(grant.user, grant=grant, post=grant.post, granted=False)
        grant.delete()


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
    grant, created = RoleGrant.objects.get_or_create(user=user, unit=unit, role=role, post=None)
    if created:
        forget_access([user.pk])
        access.forget_scope(user)  # the caller's copy of the login reads its new access at once
        audit.record(by, "org.grant.create", grant, {"user": user.pk, "unit": unit.pk, "role": role})
        _notify_role_change(user, grant=grant, unit=unit, role=role, granted=True)
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, by) -> None:
    """Remove a role grant, under the same rule as granting it. A role that came with a post is not revoked: it
    ends with the post (end_post).

    Side effects: audit entry, the login's access forgotten, the grant deleted, an inbox message and e-mail to
    the person.
    """
    grant = RoleGrant.objects.select_related("user", "unit", "post").get(pk=grant.pk)
    if grant.post_id is not None:
        raise OrgError(_("This role comes with the post “%(post)s”: end the post on the member's page to remove it.")
                       % {"post": grant.post.get_kind_display()}, code="from_post")
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
