"""The one place that decides who sees and changes what (docs/architecture.md, "Access").

A role grant on a unit covers the unit's whole subtree for committee, staff, inspector and admin, and the
unit itself for member and secretary. A user linked to a member is also a `member` of that member's cell.
Every view, API handler, export, search, task and e-mail asks here. Strangers get 404 (the object's existence
is not disclosed); readers who try to write get 403.

An API token limited to a unit (`limit_to_unit`) narrows the scope of the request it authenticates to that
unit's subtree: every grant, the member's own cell and record, stand-ins and a superuser's reach.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from soisua.accounts.services import can_have_setup_code

from .enums import PERSONAL_DATA_ROLES, SUBTREE_ROLES, WRITE_ROLES, MemberStatus, PostKind, Role, post_role
from .models import PATH_STEP, Member, Post, RoleGrant, StandIn, Unit

SCOPE_CACHE_SECONDS = 3600
CELL_ACCESS_STATUSES = frozenset({MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT})


@dataclass(frozen=True, slots=True)
class Grant:
    # The unit the role is held on; None for a grant held above a token's unit and narrowed to its subtree
    # (`Scope.narrow`): it reaches that subtree but does not act as the unit it is held on (its leadership, its
    # voice toward other levels, the superior committee of its children).
    unit_id: int | None
    path: str
    role: str

    @property
    def subtree(self) -> bool:
        return self.role in SUBTREE_ROLES

    def covers(self, unit: Unit) -> bool:
        return unit.path.startswith(self.path) if self.subtree else unit.pk == self.unit_id


class Scope:
    """A user's effective grants, cached per (user, access_version) and on the user object for the request.

    The services bump `User.access_version` whenever grants, the linked member's cell or unit paths change,
    so a cached scope is never used after it went stale, in any process.
    """

    def __init__(self, user):
        self.user = user
        self.everything = bool(user.is_authenticated and user.is_superuser)
        self.grants: list[Grant] = []
        self.member_id: int | None = None
        # The linked member's name, for the header (a member's rename forgets the scope).
        self.member_name = ""
        # {unit id: until when} of the units whose committee this administrator stands in for (StandIn).
        self.stand_ins: dict[int, datetime.datetime] = {}
        # The unit whose subtree an API token limits this request to (None: the user's whole access).
        self.limit: Unit | None = None
        if not user.is_authenticated:
            return
        key = f"access-scope:v3:{user.pk}:{user.access_version}"
        cached = cache.get(key)
        if cached is None:
            cached = self._load(user)
            cache.set(key, cached, SCOPE_CACHE_SECONDS)
        self.grants, self.member_id, member_path, self.stand_ins, self.member_name = cached
        limit = getattr(user, "api_subtree", None)
        if limit is not None:
            self.narrow(limit, member_path)

    def narrow(self, unit: Unit, member_path: str | None) -> None:
        """Keep only what lies in `unit`'s subtree: grants on units in it; grants above it, narrowed to it
        (unit_id None); the member's own cell and record if the cell is in it; stand-ins for units in it. A
        superuser becomes an administrator of the subtree."""
        self.limit = unit
        if unit.pk is None:  # the token's unit no longer exists: nothing is left to see
            self.everything, self.grants, self.member_id, self.member_name, self.stand_ins = False, [], None, "", {}
            return
        kept = [grant for grant in self.grants if grant.path.startswith(unit.path)]
        kept += [Grant(None, unit.path, grant.role) for grant in self.grants
                 if grant.subtree and unit.path.startswith(grant.path) and grant.path != unit.path]
        if self.everything:
            kept.append(Grant(None, unit.path, Role.ADMIN))
            self.everything = False
        self.grants = kept
        if member_path is None or not member_path.startswith(unit.path):
            self.member_id, self.member_name = None, ""
        if self.stand_ins:
            inside = set(Unit.objects.filter(pk__in=list(self.stand_ins), path__startswith=unit.path)
                         .values_list("pk", flat=True))
            self.stand_ins = {pk: until for pk, until in self.stand_ins.items() if pk in inside}

    def within(self, unit: Unit) -> bool:
        """Whether `unit` lies in the subtree a token limits the request to (always, without a limit)."""
        return self.limit is None or (self.limit.pk is not None and unit.path.startswith(self.limit.path))

    @staticmethod
    def _load(user) -> tuple[list[Grant], int | None, str | None, dict[int, datetime.datetime], str]:
        # A role that came with a post counts only while its holder is active: a suspended secretary keeps the
        # post on record but no longer leads the cell.
        rows = (RoleGrant.objects.filter(user=user)
                .filter(Q(post__isnull=True) | Q(post__member__status__in=CELL_ACCESS_STATUSES))
                .values_list("unit_id", "unit__path", "role"))
        grants = [Grant(unit_id, path, role) for unit_id, path, role in rows]
        member = (Member.objects.filter(user=user)
                  .values_list("pk", "cell_id", "cell__path", "status", "full_name").first())
        # Suspended members and those who left the roll keep their login but no longer see the cell.
        if member and member[3] in CELL_ACCESS_STATUSES:
            grants.append(Grant(member[1], member[2], Role.MEMBER))
        stand_ins = {}
        if user.is_superuser or any(grant.role == Role.ADMIN for grant in grants):  # only they may stand in
            stand_ins = dict(StandIn.objects.filter(user=user, ends_at__gt=timezone.now())
                             .values_list("unit_id", "ends_at"))
        return (grants, member[0] if member else None, member[2] if member else None, stand_ins,
                member[4] if member else "")

    def stands_in_for(self, unit_id: int | None) -> bool:
        until = self.stand_ins.get(unit_id)
        return until is not None and until > timezone.now()

    @property
    def signature(self) -> tuple:
        """Equal for two users who see exactly the same (for sharing cached pages between them)."""
        return (self.everything, tuple(sorted((grant.unit_id or 0, grant.path, grant.role) for grant in self.grants)),
                tuple(sorted(self.stand_ins)))

    def roles_on(self, unit: Unit) -> set[str]:
        return {grant.role for grant in self.grants if grant.covers(unit)}

    def can_read(self, unit: Unit) -> bool:
        return self.everything or any(grant.covers(unit) for grant in self.grants)

    def can_write(self, unit: Unit) -> bool:
        return self.everything or bool(self.roles_on(unit) & WRITE_ROLES)

    def can_administer(self, unit: Unit) -> bool:
        """Structure and role grants: admin, or staff covering the unit."""
        return self.everything or bool(self.roles_on(unit) & {Role.ADMIN, Role.STAFF})

    def unit_filter(self, prefix: str = "") -> Q:
        """A Q on Unit (or, with prefix 'cell__', on anything pointing at a unit) for the visible units."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        for grant in self.grants:
            if grant.subtree:
                condition |= Q(**{f"{prefix}path__startswith": grant.path})
            else:
                condition |= Q(**{f"{prefix}pk": grant.unit_id})
        return condition

    def personal_data_filter(self, prefix: str = "cell__") -> Q:
        """A Q for the units in which the user may see other members' personal data."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        for grant in self.grants:
            if grant.role in PERSONAL_DATA_ROLES:
                condition |= (Q(**{f"{prefix}path__startswith": grant.path}) if grant.subtree
                              else Q(**{f"{prefix}pk": grant.unit_id}))
        return condition

    def top_units(self) -> list[int]:
        """Ids of the highest units the user sees (the roots of their visible forest)."""
        if self.everything:
            return list(Unit.objects.filter(parent=None).values_list("pk", flat=True))
        paths = sorted({grant.path: grant for grant in self.grants}.items())
        tops: list[Grant] = []
        for path, grant in paths:
            if not any(top.subtree and path.startswith(top.path) and top.path != path for top in tops):
                tops.append(grant)
        limit = self.limit.pk if self.limit is not None else None
        return list(dict.fromkeys(limit if grant.unit_id is None else grant.unit_id for grant in tops))


def held_roles(user) -> set[str]:
    """Every role the login holds anywhere: its grants, the roles its posts give while their holder is active, its
    own cell's membership, and the committee role while it stands in for a committee (accounts.login_roles: who
    must log in with a second factor)."""
    if not user.is_authenticated:
        return set()
    scope = scope_for(user)
    roles = {grant.role for grant in scope.grants}
    if scope.stand_ins:
        roles.add(Role.COMMITTEE)
    return roles


def may_reset_two_factor(user, target) -> bool:
    """Whether `user` may reset `target`'s two-factor login (a lost phone and lost recovery codes): someone who
    administers every unit the target holds a role on and the target's own cell (administrators and committee
    staff covering them, access.Scope.can_administer), never for themselves; a superuser's only by a superuser, and
    a login with no unit only by a superuser."""
    if not user.is_authenticated or target is None or target.pk == user.pk:
        return False
    if scope_for(user).everything:
        return True
    if target.is_superuser:
        return False
    units = list(Unit.objects.filter(Q(role_grants__user=target) | Q(members__user=target)).distinct())
    return bool(units) and all(can_administer_unit(user, unit) for unit in units)


def limit_to_unit(user, unit_id: int) -> None:
    """Limit what `user` sees for this request (an API token's unit) to the unit's subtree: every decision made
    through `scope_for` afterwards is narrowed (`Scope.narrow`). A unit that no longer exists leaves nothing."""
    unit = Unit.objects.only("id", "path").filter(pk=unit_id).order_by().first()
    user.api_subtree = unit if unit is not None else Unit(path="")
    if hasattr(user, "_soisua_scope"):
        del user._soisua_scope


def scope_for(user) -> Scope:
    scope = getattr(user, "_soisua_scope", None)
    if scope is None:
        scope = Scope(user)
        if user.is_authenticated:
            user._soisua_scope = scope
    return scope


# The role the header names, strongest first: the one that says most about what the person does here.
HEADER_ROLES = (Role.ADMIN, Role.COMMITTEE, Role.STAFF, Role.SECRETARY, Role.INSPECTOR, Role.MEMBER)


def viewer_name(user) -> str:
    """Who the header says is logged in: the linked member's name, else the login's own name or user name."""
    return scope_for(user).member_name or user.get_full_name() or user.username


def viewer_role(user) -> str:
    """The role the header shows next to the name. It depends only on the grants, which are part of every shared
    cached page's key (`Scope.signature`), so it may be rendered into such a page."""
    scope = scope_for(user)
    if scope.everything:
        return str(Role.ADMIN.label)
    held = {grant.role for grant in scope.grants}
    return next((str(Role(role).label) for role in HEADER_ROLES if role in held), "")


def forget_scope(user) -> None:
    """Drop the request's copy after the services changed what `user` may see (they bump access_version)."""
    if hasattr(user, "_soisua_scope"):
        del user._soisua_scope
    user.refresh_from_db(fields=["access_version"])


def visible_units(user) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_for(user).unit_filter())


def visible_members(user) -> QuerySet[Member]:
    return Member.objects.filter(scope_for(user).unit_filter("cell__"))


def can_manage_reviews(user, unit: Unit) -> bool:
    """Open and close review cycles for the unit's subtree: its committee, committee staff, administrators."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles_on(unit) & {Role.COMMITTEE, Role.STAFF, Role.ADMIN})


def _roles_granted_on(scope: Scope, unit_id: int | None) -> set[str]:
    return {grant.role for grant in scope.grants if grant.unit_id == unit_id}


def leads_unit(user, unit: Unit) -> bool:
    """The unit's own leadership (its secretary or committee): writes the collective review, comments on and
    proposes the levels of its members, and sees authors under "secretary" anonymity. Only grants on the unit
    itself count: administrators (and superusers) run the installation, they are not a unit's leadership."""
    return bool(_roles_granted_on(scope_for(user), unit.pk) & {Role.SECRETARY, Role.COMMITTEE})


def speaks_for(user, unit: Unit) -> bool:
    """Acts in the unit's name toward the other levels (issues directives, acknowledges and reports on those it
    receives): its secretary, committee members and committee staff (grants on the unit itself), or an
    administrator standing in for its committee."""
    scope = scope_for(user)
    return (bool(_roles_granted_on(scope, unit.pk) & {Role.SECRETARY, Role.COMMITTEE, Role.STAFF})
            or scope.stands_in_for(unit.pk))


def covers(user, unit: Unit) -> bool:
    """Committees, staff, inspectors and administrators whose grant covers the unit (on it or above it)."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles_on(unit) & SUBTREE_ROLES)


def follows_subtree(user, unit: Unit) -> bool:
    """Follows how the unit's subtree is doing (its dashboard): those who speak for it and those who cover it."""
    return speaks_for(user, unit) or covers(user, unit)


def is_superior_committee(user, unit: Unit) -> bool:
    """The directly superior committee of `unit`: committee members and committee staff of its parent unit. It
    decides ratings and sends review points. An administrator counts only while standing in for that committee
    (StandIn: an explicit, audited act with a reason); a root unit's superior is outside the installation, so only
    a stand-in on the root itself counts."""
    scope = scope_for(user)
    if unit.parent_id is None:
        return scope.stands_in_for(unit.pk)
    return (bool(_roles_granted_on(scope, unit.parent_id) & {Role.COMMITTEE, Role.STAFF})
            or scope.stands_in_for(unit.parent_id))


def may_stand_in(user, unit: Unit) -> bool:
    """Administrators covering `unit` (and superusers) may stand in for its committee, giving a reason."""
    scope = scope_for(user)
    return scope.everything or Role.ADMIN in scope.roles_on(unit)


def sees_inside(user, unit: Unit) -> bool:
    """Whether the user sees the unit or anything below it (a member of a cell sees a cycle of the commune)."""
    scope = scope_for(user)
    return scope.everything or scope.can_read(unit) or any(grant.path.startswith(unit.path) for grant in scope.grants)


def can_administer_installation(user) -> bool:
    """Installation-wide settings (rule sets): superusers and administrators of a root unit."""
    scope = scope_for(user)
    return scope.everything or any(grant.role == Role.ADMIN and len(grant.path) == PATH_STEP
                                   for grant in scope.grants)


def can_set_up_installation(user) -> bool:
    """Whether the user is led to the first-run set-up: the installation has no unit yet, and the user may
    administer it (a superuser: without any unit nobody holds a grant)."""
    return can_administer_installation(user) and not Unit.objects.filter(parent=None).exists()


def check_may_set_up(user) -> None:
    """The first-run set-up page is for those who administer the installation (403 for anyone else); once set up,
    it only sends them on."""
    refuse_unless(True, can_administer_installation(user))


def can_read_unit(user, unit: Unit) -> bool:
    return scope_for(user).can_read(unit)


def can_write_unit(user, unit: Unit) -> bool:
    return scope_for(user).can_write(unit)


def can_administer_unit(user, unit: Unit) -> bool:
    return scope_for(user).can_administer(unit)


def _decide(readable: bool, writable: bool, write: bool) -> None:
    refuse_unless(readable, writable or not write)


def refuse_unless(visible: bool, allowed: bool) -> None:
    """What every loader does with its answers: 404 for who may not see the object, 403 for who sees it but asked
    for an action they may not take."""
    if not visible:
        raise Http404
    if not allowed:
        raise PermissionDenied


def can_move_unit(user, unit: Unit) -> bool:
    """Moving changes the parent's tree, so it takes administering the parent, not only the unit; a root stays."""
    return unit.parent_id is not None and can_administer_unit(user, unit.parent)


def can_stand_in_for(user, unit: Unit) -> bool:
    """Whether the user may stand in for the unit's committee: a unit above the cells, and `may_stand_in`."""
    return not unit.kind.holds_members and may_stand_in(user, unit)


def get_unit_filter_for_user(user, pk: int | None) -> Unit | None:
    """The unit a list is narrowed to (`unit=` of an API list): none when not asked, else `get_unit_for_user`
    (404 for a unit the user may not read)."""
    return get_unit_for_user(user, pk) if pk is not None else None


def get_unit_for_user(user, pk: int, *, write: bool = False, administer: bool = False, move: bool = False,
                      stand_in: bool = False, history: bool = False, brief: bool = False) -> Unit:
    """The unit, after the access decision: 404 for those who may not read it, 403 for readers asking to `write`,
    `administer` (structure and grants), `move` it (`can_move_unit`), `stand_in` for its committee
    (`can_stand_in_for`) or read its `history` (`can_read_history`) when they may not.

    `brief` loads only what the decision and a cache key need (id, path, content_version): for pages served from
    the cache, which load the full unit only when they render."""
    units = Unit.objects.only("id", "path", "content_version") if brief else Unit.objects.select_related("kind")
    # No ordering: this runs on every unit request, and ORDER BY costs more to compile than to execute here.
    unit = next(iter(units.filter(pk=pk).order_by()[:1]), None)
    if unit is None:
        raise Http404
    scope = scope_for(user)
    _decide(scope.can_read(unit), scope.can_write(unit), write)
    asked = ((administer, can_administer_unit), (move, can_move_unit), (stand_in, can_stand_in_for),
             (history, can_read_history))
    if not all(rule(user, unit) for wanted, rule in asked if wanted):
        raise PermissionDenied
    return unit


def in_token_subtree(user, unit: Unit) -> bool:
    """Whether `unit` lies in the subtree an API token limits this request to (always, without a limit). For
    what a login reaches as itself rather than through a grant (its own member, review, inspection): ask it after
    checking that the object is the login's own."""
    return scope_for(user).within(unit)


def is_self(user, member: Member) -> bool:
    """The login is this member's (and, for a token limited to a unit, the member's cell is in its subtree)."""
    return member.user_id is not None and member.user_id == user.pk and in_token_subtree(user, member.cell)


def can_read_member(user, member: Member) -> bool:
    return is_self(user, member) or scope_for(user).can_read(member.cell)


def can_write_member(user, member: Member) -> bool:
    return scope_for(user).can_write(member.cell)


def can_give_setup_code(user, member: Member) -> bool:
    """Whether `user` may give a new set-up code for the member's login: the power to open a login (writing the
    member's record), for a login whose first password is not chosen yet."""
    return member.user is not None and can_have_setup_code(member.user) and can_write_member(user, member)


def can_see_personal_data_in(user, unit: Unit) -> bool:
    """Whether the user may see personal data of the members of `unit` (exports, lists)."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles_on(unit) & PERSONAL_DATA_ROLES)


def can_see_personal_data(user, member: Member) -> bool:
    """Birth date, ID numbers, phone: the member, and those who manage or inspect the cell."""
    return is_self(user, member) or can_see_personal_data_in(user, member.cell)


def get_member_for_user(user, pk: int, *, write: bool = False, personal_data: bool = False) -> Member:
    """The member, after the access decision: 404 for those who may not read them, 403 for readers asking to
    `write` the record or for the `personal_data` it holds (its history, the profile sheet) when they may not."""
    member = Member.objects.select_related("cell", "cell__kind", "residence_cell", "user").filter(pk=pk).first()
    if member is None:
        raise Http404
    _decide(can_read_member(user, member), can_write_member(user, member), write)
    if personal_data and not can_see_personal_data(user, member):
        raise PermissionDenied
    return member


# --- granting and revoking roles: a power of its own ----------------------------------------------------------

# How much each role may do on a unit. Nobody grants (or revokes) a role above the most powerful of their own roles
# covering the unit: committee staff serve the elected committee, so they may not make anyone a committee member.
ROLE_POWER = {Role.MEMBER: 0, Role.INSPECTOR: 1, Role.SECRETARY: 2, Role.STAFF: 3, Role.COMMITTEE: 4, Role.ADMIN: 5}


def _administers_above(scope: Scope, unit: Unit) -> bool:
    return any(grant.role == Role.ADMIN and unit.path.startswith(grant.path) and grant.unit_id != unit.pk
               for grant in scope.grants)


def grantable_roles(user, unit: Unit) -> list[str]:
    """The roles `user` may grant on `unit` (and revoke there): only those who administer the unit (administrators
    and committee staff covering it) grant, never above their own power; an administrator's role comes only from an
    administrator of a unit above (or a superuser)."""
    scope = scope_for(user)
    if scope.everything:
        return list(Role.values)
    roles = scope.roles_on(unit)
    if not roles & {Role.ADMIN, Role.STAFF}:
        return []
    power = max(ROLE_POWER[role] for role in roles)
    allowed = [role for role in Role.values if role != Role.ADMIN and ROLE_POWER[role] <= power]
    if _administers_above(scope, unit):
        allowed.append(Role.ADMIN)
    return allowed


def may_change_role(user, *, unit: Unit, role: str, holder) -> bool:
    """Whether `user` may grant `role` on `unit` to `holder`, or revoke it: never one's own roles."""
    if user.is_authenticated and holder is not None and holder.pk == user.pk:
        return False
    return role in grantable_roles(user, unit)


def may_change_post(user, *, member: Member, unit: Unit, kind: str) -> bool:
    """Whether `user` may give `member` the post `kind` on `unit`, or end it, as far as the role it comes with goes
    (org.enums.post_role): that takes the power to grant the role to the member (`may_change_role`), so nobody
    appoints a secretary they could not make one, or gives themselves a post with a role. Writing the member's
    record is the loader's question."""
    role = post_role(kind, in_cell=unit.kind.holds_members)
    return role is None or may_change_role(user, unit=unit, role=role, holder=member.user)


def assignable_posts(user, *, member: Member, unit: Unit) -> list[str]:
    """The post kinds `user` may give `member` on `unit` (the post form offers only these)."""
    return [kind for kind in PostKind.values if may_change_post(user, member=member, unit=unit, kind=kind)]


def get_own_stand_in(user, unit: Unit, pk: int) -> StandIn:
    record = StandIn.objects.filter(unit=unit, user=user, pk=pk).first()
    if record is None:
        raise Http404
    return record


def get_grant_on(unit: Unit, pk: int) -> RoleGrant:
    grant = RoleGrant.objects.select_related("user").filter(unit=unit, pk=pk).first()
    if grant is None:
        raise Http404
    return grant


def get_open_post_of(member: Member, pk: int) -> Post:
    """A post the member holds now (404 for an ended post or another member's)."""
    post = Post.objects.filter(member=member, ended_on__isnull=True, pk=pk).first()
    if post is None:
        raise Http404
    return post


def users_with_roles(unit_id: int | None, roles: set[str]) -> list:
    """The people holding any of `roles` on the unit itself (who gets told about the unit's business)."""
    grants = RoleGrant.objects.filter(unit_id=unit_id, role__in=roles).select_related("user")
    return list({grant.user_id: grant.user for grant in grants}.values())


def users_with_roles_on_units(unit_ids: list[int], roles: set[str]) -> dict[int, list]:
    """`users_with_roles` for many units at once (a job telling thousands of units): {unit id: people}, only the
    units where someone holds one of the roles."""
    found: dict[int, dict[int, object]] = {}
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), 2000):
        for grant in (RoleGrant.objects.filter(unit_id__in=ids[start:start + 2000], role__in=roles)
                      .select_related("user").order_by("unit_id", "pk")):
            found.setdefault(grant.unit_id, {})[grant.user_id] = grant.user
    return {unit_id: list(users.values()) for unit_id, users in found.items()}


# Roles that read a unit's audit history (who changed it, who exported its members' personal data): the unit's
# own leadership (a secretary grant on the unit; committee on it), the levels above covering it (committee,
# staff, administrators) and inspectors. Plain members read the unit, not its trail.
HISTORY_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE, Role.STAFF, Role.INSPECTOR, Role.ADMIN})


def can_read_history(user, unit: Unit) -> bool:
    """Whether the user may read the unit's audit history."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles_on(unit) & HISTORY_ROLES)
