"""Reusable reads of the organisation. Access is decided in org.access; these take already-scoped input."""

from django.db.models import Count, Prefetch, Q, QuerySet

from soisua.core.text import fold

from .access import scope_for, visible_members
from .enums import ACTIVE_STATUSES, POST_ORDER
from .models import Member, Post, Unit


def ancestors(unit: Unit) -> list[Unit]:
    """The unit's ancestors, root first, in one query."""
    return list(Unit.objects.filter(path__in=unit.ancestor_paths()).order_by("depth"))


def visible_ancestors(user, unit: Unit) -> list[Unit]:
    """Breadcrumbs: only the ancestors the user may open."""
    scope = scope_for(user)
    return [ancestor for ancestor in ancestors(unit) if scope.can_read(ancestor)]


def children_of(unit: Unit) -> QuerySet[Unit]:
    return (Unit.objects.filter(parent=unit).select_related("kind")
            .annotate(child_count=Count("children", distinct=True)).order_by("sort_key", "pk"))


def units_by_ids(ids: list[int]) -> QuerySet[Unit]:
    return (Unit.objects.filter(pk__in=ids).select_related("kind")
            .annotate(child_count=Count("children", distinct=True)).order_by("path"))


def current_posts_prefetch(to_attr: str = "current_posts") -> Prefetch:
    return Prefetch("posts", queryset=Post.objects.filter(ended_on__isnull=True).select_related("unit"),
                    to_attr=to_attr)


def members_of_cell(unit: Unit, *, include_left: bool = False) -> QuerySet[Member]:
    """A cell's members in Vietnamese order (given name, family name, middle names)."""
    members = Member.objects.filter(cell=unit)
    if not include_left:
        members = members.filter(status__in=ACTIVE_STATUSES)
    return members.order_by("sort_key", "pk").prefetch_related(current_posts_prefetch())


def members_in_subtree(unit: Unit) -> QuerySet[Member]:
    return Member.objects.filter(cell__path__startswith=unit.path, status__in=ACTIVE_STATUSES)


def unit_posts(unit: Unit) -> list[Post]:
    """Current posts in a unit, heads first."""
    posts = Post.objects.filter(unit=unit, ended_on__isnull=True).select_related("member")
    return sorted(posts, key=lambda post: (POST_ORDER.get(post.kind, 99), post.member.sort_key))


def member_counts(unit: Unit) -> dict[str, int]:
    """Active members of the unit's subtree by status (one aggregate)."""
    rows = (Member.objects.filter(cell__path__startswith=unit.path, status__in=ACTIVE_STATUSES)
            .values("status").annotate(n=Count("pk")))
    counts = {row["status"]: row["n"] for row in rows}
    counts["total"] = sum(counts.values())
    return counts


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
    if folded.replace(" ", "").isdigit():
        condition |= Q(card_number=folded.replace(" ", "")) | Q(citizen_id=folded.replace(" ", ""))
    return members.filter(condition).order_by("sort_key", "pk")
