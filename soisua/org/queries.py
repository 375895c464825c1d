"""Reusable reads of the organisation. Access is decided in org.access; these take already-scoped input."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.functional import cached_property

from soisua.accounts import services as accounts
from soisua.core.text import fold

from .access import may_change_role, scope_for, visible_members, visible_units
from .enums import ACTIVE_STATUSES, POST_ORDER, Role, post_role
from .models import CellMembership, Member, Post, RoleGrant, StandIn, Unit, UnitKind


def ancestors(unit: Unit) -> list[Unit]:
    """The unit's ancestors, root first, in one query."""
    return list(Unit.objects.filter(path__in=unit.ancestor_paths()).order_by("depth"))


def visible_ancestors(user, unit: Unit) -> list[Unit]:
    """Breadcrumbs: only the ancestors the user may open.

    An ancestor can only be readable through a grant on it or above it, so when no grant's path is a proper
    prefix of the unit's path (a cell's own secretary and members) the ancestors are not even loaded.
    """
    scope = scope_for(user)
    if not scope.everything and not any(
        unit.path.startswith(grant.path) and grant.path != unit.path for grant in scope.grants
    ):
        return []
    return [ancestor for ancestor in ancestors(unit) if scope.can_read(ancestor)]


def cell_began():
    """An expression of a cell (annotate a Unit query with it) for the day it began: its recorded start, else its
    first member's joining; None for a cell that never had a member. Meetings and warnings expect a cell to meet from
    then."""
    first_joined = (CellMembership.objects.filter(cell=OuterRef("pk")).order_by("started_on")
                    .values("started_on")[:1])
    return Coalesce("active_from", Subquery(first_joined))


def began_on(unit: Unit):
    return Unit.objects.filter(pk=unit.pk).annotate(began=cell_began()).values_list("began", flat=True).first()


def children_of(unit: Unit) -> QuerySet[Unit]:
    return (Unit.objects.filter(parent=unit).select_related("kind")
            .annotate(child_count=Count("children", distinct=True)).order_by("sort_key", "pk"))


def units_visible_to(user, *, within: Unit | None = None, kind: str | None = None) -> QuerySet[Unit]:
    """The units the user sees, in tree order; `within`: only that unit's subtree (the unit included), `kind`: only
    units of that kind (its code)."""
    units = visible_units(user).select_related("kind")
    if within is not None:
        units = units.filter(path__startswith=within.path)
    if kind is not None:
        units = units.filter(kind__code=kind)
    return units.order_by("path")


def visible_cells(user) -> QuerySet[Unit]:
    """The cells the user sees, by name (where a member may be added or transferred)."""
    return visible_units(user).filter(kind__holds_members=True).order_by("sort_key")


def possible_parents(user, unit: Unit) -> QuerySet[Unit]:
    """Where the user may try to move `unit`: the units they see that hold sub-units, the unit itself aside. Its own
    sub-units stay in the list: choosing one gets the service's explanation, not a bare "invalid choice"."""
    return visible_units(user).filter(kind__holds_members=False).exclude(pk=unit.pk).order_by("path")


def kinds_under(parent: Unit | None) -> QuerySet[UnitKind]:
    """The unit kinds that may stand under `parent` (None: at the top), as UnitKind.allowed_parents and
    may_be_root say; what the unit forms offer (the services check again)."""
    if parent is None:
        return UnitKind.objects.filter(may_be_root=True)
    return UnitKind.objects.filter(allowed_parents=parent.kind_id, within_cell=parent.kind.holds_members)


def kinds_by_ids(ids: list[int]) -> QuerySet[UnitKind]:
    return UnitKind.objects.filter(pk__in=ids)


def units_by_ids(ids: list[int]) -> QuerySet[Unit]:
    return (Unit.objects.filter(pk__in=ids).select_related("kind")
            .annotate(child_count=Count("children", distinct=True)).order_by("path"))


def current_posts_prefetch(to_attr: str = "current_posts") -> Prefetch:
    """Each member's open posts (kinds only: lists show "Secretary", not where; load `unit` where it is shown)."""
    return Prefetch("posts", queryset=Post.objects.filter(ended_on__isnull=True), to_attr=to_attr)


def members_of_cell(unit: Unit, *, include_left: bool = False, status: str | None = None) -> QuerySet[Member]:
    """A cell's members in Vietnamese order (given name, family name, middle names); with `status`, only those of
    that status (those who left the roll too, when asked for)."""
    members = Member.objects.filter(cell=unit)
    if status is not None:
        members = members.filter(status=status)
    elif not include_left:
        members = members.filter(status__in=ACTIVE_STATUSES)
    return members.order_by("sort_key", "pk").prefetch_related(current_posts_prefetch())


def in_province_of(rows: QuerySet, unit: Unit) -> QuerySet:
    """`rows` (of a table carrying the province key) narrowed to the province of `unit`, when it has one. Adding it
    to a filter by unit or path changes no result and lets PostgreSQL read one partition (docs/deploy.md,
    "Partitioning by province") and the province indexes."""
    if unit.province_id is None:
        return rows
    return rows.filter(province_id=unit.province_id)


def in_subtree(rows: QuerySet, unit: Unit, *, path: str = "unit__path") -> QuerySet:
    """The rows of `unit` and every unit under it, for a table carrying the province key: the root's without a
    filter, a province's by its key alone, a lower unit's by path and by its province's key."""
    if unit.parent_id is None:
        return rows
    rows = in_province_of(rows, unit)
    if unit.province_id == unit.pk:
        return rows
    return rows.filter(**{f"{path}__startswith": unit.path})


def members_in_subtree(unit: Unit) -> QuerySet[Member]:
    return Member.objects.filter(cell__path__startswith=unit.path, status__in=ACTIVE_STATUSES)


def unit_posts(unit: Unit) -> list[Post]:
    """Current posts in a unit, heads first."""
    posts = Post.objects.filter(unit=unit, ended_on__isnull=True).select_related("member")
    return sorted(posts, key=lambda post: (POST_ORDER.get(post.kind, 99), post.member.sort_key))


def posts_of(member: Member) -> list[Post]:
    """The member's posts, current and past, newest first; each open one with the `role` it comes with
    (org.enums.post_role: a Role, or None)."""
    posts = list(member.posts.select_related("unit__kind").order_by("-started_on"))
    for post in posts:
        role = post_role(post.kind, in_cell=post.unit.kind.holds_members) if post.ended_on is None else None
        post.role = Role(role) if role else None
    return posts


def roles_of(user, member: Member) -> list[RoleGrant]:
    """The roles of the member's login on the units `user` may see, each with the post it came with (or none: an
    explicit grant); empty without a login."""
    if member.user_id is None:
        return []
    grants = (RoleGrant.objects.filter(user_id=member.user_id).filter(scope_for(user).unit_filter("unit__"))
              .select_related("unit", "post").order_by("unit__path", "role", "pk"))
    return list(grants)


def setup_code_of(member: Member):
    """The set-up code of the member's login while its first password is not chosen (valid or expired), else
    None."""
    user = member.user
    return accounts.setup_code_of(user) if user is not None and accounts.can_have_setup_code(user) else None


def memberships_of(member: Member) -> QuerySet:
    """The cells the member belonged to, with dates."""
    return member.memberships.select_related("cell")


def status_changes_of(member: Member) -> QuerySet:
    return member.status_changes.all()


def member_counts(unit: Unit) -> dict[str, int]:
    """Active members of the subtree by status and in total, and ("own") those in the unit itself; one query."""
    rows = list(Member.objects.filter(cell__path__startswith=unit.path, status__in=ACTIVE_STATUSES)
                .values("status").annotate(n=Count("pk"), own=Count("pk", filter=Q(cell=unit))))
    counts = {row["status"]: row["n"] for row in rows}
    counts["total"] = sum(counts.values())
    counts["own"] = sum(row["own"] for row in rows)
    return counts


def member_totals(units: list[Unit]) -> dict[int, int]:
    """Active members in the subtree of each unit, by unit id (a dashboard's cards): one grouped query per depth
    among the units, however many there are."""
    totals = {unit.pk: 0 for unit in units}
    by_length: dict[int, dict[str, int]] = {}
    for unit in units:
        by_length.setdefault(len(unit.path), {})[unit.path] = unit.pk
    for length, ids in by_length.items():
        within = Q()
        for path in ids:
            within |= Q(cell__path__startswith=path)
        rows = (Member.objects.filter(within, status__in=ACTIVE_STATUSES).order_by()
                .annotate(branch=Substr("cell__path", 1, length)).values("branch").annotate(n=Count("pk")))
        for row in rows:
            totals[ids[row["branch"]]] = row["n"]
    return totals


class CountedPaginator(Paginator):
    """A paginator told its count by an aggregate the page runs anyway, saving the COUNT query."""

    def __init__(self, object_list, per_page: int, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def member_page(unit: Unit, number, *, counts: dict[str, int]) -> Page:
    """One page of a cell's active members; `counts` from member_counts(unit) supplies the total."""
    return CountedPaginator(members_of_cell(unit), settings.MEMBER_PAGE_SIZE, count=counts["own"]).get_page(number)


def search_members(user, text: str, *, within: Unit | None = None) -> QuerySet[Member]:
    """Members the user may see whose name contains the words of `text`, ignoring diacritics and case.

    "nguyen van" finds "Nguyễn Văn An"; a card or citizen ID number finds its member when the user may see
    personal data of that cell (checked by the caller when showing the number).
    """
    members = visible_members(user).select_related("cell")
    if within is not None:
        members = members.filter(cell__path__startswith=within.path)
    folded = fold(text)
    if not folded:
        return members.none()
    condition = Q(search_name__contains=folded)
    number = folded.replace(" ", "")
    if number.isdigit():
        # A number finds its member only where the user may see numbers: otherwise a colleague could test
        # whether an ID number belongs to someone in the cell.
        condition |= (Q(card_number=number) | Q(citizen_id=number)) & scope_for(user).personal_data_filter()
    return members.filter(condition).order_by("sort_key", "pk")


def grants_on(user, unit: Unit) -> list:
    """The unit's role grants, each marked `removable` when `user` may revoke it (access.may_change_role; a role
    that came with a post is not revoked here but ends with the post)."""
    grants = list(RoleGrant.objects.filter(unit=unit).select_related("user", "user__member", "post")
                  .order_by("role", "user__username", "post_id"))
    for grant in grants:
        grant.removable = grant.post_id is None and may_change_role(user, unit=unit, role=grant.role,
                                                                    holder=grant.user)
    return grants


def stand_ins_on(unit: Unit, *, limit: int = 20) -> list:
    """The latest stand-ins for the unit's committee, newest first (each `active` while it lasts)."""
    now = timezone.now()
    records = list(StandIn.objects.filter(unit=unit).select_related("user")[:limit])
    for record in records:
        record.active = record.ends_at > now
    return records


def ancestor_chain(unit: Unit) -> list[tuple[int, int]]:
    """(unit id, depth) of the unit's ancestors, root first, and of the unit itself."""
    ancestors = Unit.objects.filter(path__in=unit.ancestor_paths()).values_list("pk", "depth")
    return [*sorted(ancestors, key=lambda row: row[1]), (unit.pk, unit.depth)]


def kind_table() -> list[dict]:
    """Every unit kind with where it may stand (code, label, whether it may be the top unit, the labels of the kinds
    it may stand under), in the kinds' order: what a list of units to import names in its kind column. Two
    queries."""
    kinds = UnitKind.objects.prefetch_related("allowed_parents").order_by("order", "code")
    return [{"code": kind.code, "label": kind.label, "root": kind.may_be_root,
             "parents": [parent.label for parent in sorted(kind.allowed_parents.all(),
                                                           key=lambda parent: (parent.order, parent.code))]}
            for kind in kinds]


def installation_is_set_up() -> bool:
    """Whether the installation has its top unit (the first-run set-up is done)."""
    return Unit.objects.filter(parent=None).exists()
