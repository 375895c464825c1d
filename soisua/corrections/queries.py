"""Who sees and acts on shortcomings and correction plans, and the lists the pages show."""

import datetime

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, QuerySet, When
from django.http import Http404
from django.utils import timezone

from soisua.org import access
from soisua.org.enums import SUBTREE_ROLES
from soisua.org.models import Unit

from .enums import DONE_STATUSES, PlanStatus, ShortcomingStatus
from .models import CorrectionPlan, Shortcoming


def _member_id(user) -> int | None:
    return access.scope_for(user).member_id if user.is_authenticated else None


def is_owner(user, shortcoming: Shortcoming) -> bool:
    if shortcoming.member_id is None:
        return access.leads_unit(user, shortcoming.unit)
    return shortcoming.member_id == _member_id(user)


def supervises(user, shortcoming: Shortcoming) -> bool:
    member_id = _member_id(user)
    return member_id is not None and shortcoming.plans.filter(measures__supervisor_id=member_id).exists()


def sees_subtree(user, unit: Unit) -> bool:
    """Committee, staff, inspectors and administrators covering the unit: the levels above a cell."""
    scope = access.scope_for(user)
    return scope.everything or bool(scope.roles_on(unit) & SUBTREE_ROLES)


def can_see_shortcoming(user, shortcoming: Shortcoming) -> bool:
    """The owner, their supervisors, the unit's leadership, the levels above; a collective's also its members."""
    unit = shortcoming.unit
    scope = access.scope_for(user)
    if scope.everything or is_owner(user, shortcoming) or access.leads_unit(user, unit):
        return True
    if sees_subtree(user, unit):
        return True
    # A collective's shortcomings are the whole cell's business; members' ones only where the installation says so.
    if (shortcoming.member_id is None or settings.CORRECTIONS_OPEN_TO_CELL) and scope.can_read(unit):
        return True
    return supervises(user, shortcoming)


def can_verify(user, shortcoming: Shortcoming) -> bool:
    """A supervisor, the unit's leadership or the superior committee; never the owner or the one who claimed it."""
    if user.pk in {shortcoming.member.user_id if shortcoming.member_id else None, shortcoming.claimed_by_id}:
        return False
    return (supervises(user, shortcoming) or access.leads_unit(user, shortcoming.unit)
            or access.is_superior_committee(user, shortcoming.unit))


def can_comment(user, shortcoming: Shortcoming) -> bool:
    """Supervisors and committees comment on any fix; every member of the unit on the collective's."""
    return can_verify(user, shortcoming) or (shortcoming.member_id is None
                                             and access.scope_for(user).can_read(shortcoming.unit))


def get_shortcoming_for_user(user, pk: int) -> Shortcoming:
    shortcoming = (Shortcoming.objects.select_related("unit", "member", "member__user", "cycle", "recurring_of")
                   .filter(pk=pk).first())
    if shortcoming is None or not can_see_shortcoming(user, shortcoming):
        raise Http404
    return shortcoming


def get_plan_for_user(user, pk: int, *, write: bool = False) -> CorrectionPlan:
    """Seen by whoever sees its shortcomings; written by its owner while a draft or returned."""
    plan = CorrectionPlan.objects.select_related("unit", "member", "cycle").filter(pk=pk).first()
    if plan is None:
        raise Http404
    first = plan.shortcomings.select_related("unit", "member").first()
    if first is None or not can_see_shortcoming(user, first):
        raise Http404
    if write and not (is_owner(user, first) and plan.is_editable):
        raise PermissionDenied
    return plan


def can_decide_plan(user, plan: CorrectionPlan) -> bool:
    """The cell committee approves members' plans; the superior committee approves the collective's."""
    if plan.status != PlanStatus.SUBMITTED:
        return False
    if plan.member_id is None:
        return access.is_superior_committee(user, plan.unit)
    return plan.member.user_id != user.pk and access.leads_unit(user, plan.unit)


def is_overdue(shortcoming: Shortcoming, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return shortcoming.status not in DONE_STATUSES and shortcoming.next_due is not None and \
        shortcoming.next_due < today


def my_corrections(user) -> QuerySet[Shortcoming]:
    """What I must fix, the next due first (undated last)."""
    return (Shortcoming.objects.filter(member_id=_member_id(user) or 0).exclude(status__in=DONE_STATUSES)
            .select_related("cycle").order_by("next_due", "created_at"))


def supervised_by(user) -> QuerySet[Shortcoming]:
    """What I supervise: fixes waiting for my verification first."""
    return (Shortcoming.objects.filter(plans__measures__supervisor_id=_member_id(user) or 0)
            .exclude(status__in=DONE_STATUSES).distinct().select_related("member", "unit")
            .order_by(Case(When(status=ShortcomingStatus.CLAIMED, then=0), default=1), "next_due", "pk"))


# Above this many overdue shortcomings a subtree's count stops and the page says "more than 10,000": the country
# holds over a million at national scale, which no plain COUNT reads in 100 ms; a capped one reads at most this
# many index entries, whatever the unit (bench/README.md, corrections.py).
OVERDUE_COUNT_CAP = 10_000


class _EqualsAny(Func):
    """`column = ANY(ARRAY(subquery))` (PostgreSQL): the planner runs the subquery first and plans the outer query
    for a short list of values, where `IN (subquery)` would become a join planned on the subquery's estimate."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, array = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        array_sql, array_params = compiler.compile(array)
        return f"{column_sql} = ANY({array_sql})", (*column_params, *array_params)


def _open_in_subtree(unit: Unit) -> QuerySet[Shortcoming]:
    """Unverified shortcomings of the unit and everything under it, in the shape each level's index needs.

    - A province: the rows carrying its province key (design.md §6), one range of the (province, next_due) index
      in due order, so its first page and capped count cost the same with 50 or 50,000 overdue. This needs the key
      right: province-level units are never nested, record_shortcoming sets it, and a move across provinces must
      rewrite it as it does the members'.
    - A commune, a cell, any other unit but the root: its units' ids as an array. PostgreSQL estimates a path
      prefix at about one histogram bucket of units, dozens of times a commune's real size at national scale, and
      joined that way walks the country's (next_due) index looking for a commune's few rows (a quarter of a second
      at --scale 0.2). Against an array it expects a few units and reads them through the unit indexes.
    - The root (the country): the join by path, which matches nearly everything, so walking the (next_due) index
      stops after a page.
    """
    # `exclude(status__in=DONE_STATUSES)` must stay `status <> 'verified'` for the partial indexes to apply.
    rows = Shortcoming.objects.exclude(status__in=DONE_STATUSES)
    if unit.province_id == unit.pk:
        return rows.filter(province_id=unit.pk)
    if unit.parent_id is not None:
        units = Unit.objects.filter(path__startswith=unit.path).order_by().values("pk")
        if connection.vendor == "postgresql":
            return rows.filter(_EqualsAny(F("unit_id"), ArraySubquery(units)))
        return rows.filter(unit_id__in=units)
    return rows.filter(unit__path__startswith=unit.path)


def open_corrections(unit: Unit, *, overdue_on: datetime.date | None = None) -> QuerySet[Shortcoming]:
    """Unverified shortcomings in a unit's subtree (overdue ones only when `overdue_on` is given), oldest due first.

    Take a page of it (`[:50]`): a province's or the country's list runs to tens of thousands of rows.
    """
    rows = _open_in_subtree(unit)
    if overdue_on is not None:
        rows = rows.filter(next_due__lt=overdue_on)
    return rows.select_related("member", "unit").order_by("next_due", "pk")


def count_overdue(unit: Unit, *, overdue_on: datetime.date | None = None, cap: int = OVERDUE_COUNT_CAP) -> int:
    """Overdue shortcomings in a unit's subtree, counted up to `cap` + 1: a result above `cap` means "more than cap"."""
    rows = _open_in_subtree(unit).filter(next_due__lt=overdue_on or timezone.localdate())
    return rows.order_by()[: cap + 1].count()


def cell_board(unit: Unit) -> list[Shortcoming]:
    """A unit's own open shortcomings, members' and the collective's: overdue first, then by due date."""
    today = timezone.localdate()
    rows = list(Shortcoming.objects.filter(unit=unit).exclude(status__in=DONE_STATUSES)
                .select_related("member").order_by("next_due", "pk"))
    return sorted(rows, key=lambda row: (not is_overdue(row, today), row.next_due or datetime.date.max))


def plans_of(shortcoming: Shortcoming) -> QuerySet[CorrectionPlan]:
    return shortcoming.plans.prefetch_related("measures__steps", "measures__supervisor")

