"""Who is reviewed in a cycle, on which form, in which order (docs/domain.md, "Review cycles")."""

from dataclasses import dataclass

from soisua.org.enums import ACTIVE_STATUSES, MemberStatus, PostKind
from soisua.org.models import Member, Post, Unit

from .enums import Audience, ReviewRank

# Exempt and suspended members are not reviewed (docs/domain.md, "Review cycles"); those who left are no longer on
# the roll.
EXCLUDED_STATUSES = frozenset({MemberStatus.EXEMPT, MemberStatus.SUSPENDED})
HEAD_POSTS = {PostKind.SECRETARY: ReviewRank.HEAD, PostKind.DEPUTY_SECRETARY: ReviewRank.DEPUTY}


@dataclass
class CycleScope:
    units: list[Unit]  # the collectives reviewed: every unit below the opening one, except party groups
    members: list[Member]  # the members reviewed, in their cells
    excluded: list[Member]  # exempt and suspended members, shown before opening
    ranks: dict[int, int]  # member id -> ReviewRank

    def audiences(self, member: Member) -> tuple[str, ...]:
        return audiences_of(member.status, self.ranks.get(member.pk, ReviewRank.MEMBER),
                            in_political_system=member.in_political_system)


def audiences_of(status: str, rank: int, *, in_political_system: bool = True) -> tuple[str, ...]:
    """The forms a member may use, the most specific first: members outside the political system 2C, heads and
    deputies the leaders' form, others the member's form; a probationary member the probationary form where the
    rule set has one."""
    if not in_political_system:
        base = (Audience.OUTSIDE, Audience.MEMBER)
    elif rank in (ReviewRank.HEAD, ReviewRank.DEPUTY):
        base = (Audience.LEADER,)
    else:
        base = (Audience.MEMBER,)
    return (Audience.PROBATIONARY, *base) if status == MemberStatus.PROBATIONARY else base


def form_for(forms: list, audiences: tuple[str, ...], kind: str):
    """The rule set's form for the first of `audiences` that has one in this kind of cycle, else None (the person
    is not reviewed in such a cycle: a quarterly evaluation concerns leaders only)."""
    for audience in audiences:
        for form in forms:
            if form.audience == audience and form.serves(kind):
                return form
    return None


def scope_of(unit: Unit) -> CycleScope:
    units = list(Unit.objects.filter(path__startswith=unit.path, kind__within_cell=False, active_until__isnull=True)
                 .exclude(pk=unit.pk).select_related("kind").order_by("path"))
    members = (Member.objects.filter(cell__path__startswith=unit.path, status__in=ACTIVE_STATUSES)
               .select_related("cell").order_by("cell__path", "sort_key", "pk"))
    included, excluded = [], []
    for member in members:
        (excluded if member.status in EXCLUDED_STATUSES else included).append(member)
    ranks: dict[int, int] = {}
    posts = Post.objects.filter(unit__path__startswith=unit.path, ended_on__isnull=True,
                                kind__in=list(HEAD_POSTS)).values_list("member_id", "kind", "unit_id")
    cells = {member.pk: member.cell_id for member in included}
    for member_id, kind, unit_id in posts:
        if cells.get(member_id) == unit_id:  # the head of the member's own cell
            ranks[member_id] = min(ranks.get(member_id, ReviewRank.MEMBER), HEAD_POSTS[kind])
    return CycleScope(units, included, excluded, ranks)
