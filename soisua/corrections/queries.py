"""The lists and reads the corrections pages show. Who sees and acts on what is decided in `policy.py`."""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, Q, QuerySet, When
from django.utils import timezone

from soisua.org import access
from soisua.org.enums import ACTIVE_STATUSES
from soisua.org.models import Member, Post, Unit

from . import rollup
from .enums import DONE_STATUSES, OPEN_STATUSES, PlanStatus, ShortcomingStatus
from .models import CorrectionPlan, Measure, RoadmapStep, Shortcoming


def _member_id(user) -> int | None:
    return access.scope_for(user).member_id if user.is_authenticated else None


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

    - A province: the rows carrying its province key (docs/architecture.md, "Scale"), one range of the (province,
      next_due) index in due order, so its first page and capped count cost the same with 50 or 50,000 overdue.
      This needs the key right: province-level units are never nested, record_shortcoming sets it, and a move
      across provinces must rewrite it as it does the members'.
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


def put_before_the_cell() -> Q:
    """Shortcomings the cell has before it: entered outside a review, or named in a review that was submitted
    (or recorded on paper). Those of a review still in draft are its writer's until it is submitted."""
    return Q(review__isnull=True) | Q(review__submitted_at__isnull=False)


# The board's filter: what each choice lists (None: every status).
BOARD_FILTERS = {"open": OPEN_STATUSES, "claimed": frozenset({ShortcomingStatus.CLAIMED}),
                 "verified": DONE_STATUSES, "all": None}


def cell_board(unit: Unit, *, show: str = "open") -> list[Shortcoming]:
    """A unit's own shortcomings, members' and the collective's, that the cell has before it
    (`put_before_the_cell`), of the statuses `show` names (BOARD_FILTERS; open ones by default): overdue first,
    then by due date; verified ones last, the latest verified first."""
    today = timezone.localdate()
    rows = Shortcoming.objects.filter(put_before_the_cell(), unit=unit)
    statuses = BOARD_FILTERS.get(show, OPEN_STATUSES)
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    rows = list(rows.select_related("member").order_by("next_due", "pk"))
    verified_order = {row.pk: -(row.verified_at.timestamp() if row.verified_at else 0) for row in rows}
    return sorted(rows, key=lambda row: (row.status in DONE_STATUSES, not is_overdue(row, today),
                                         row.next_due or datetime.date.max, verified_order[row.pk]))


def plans_of(shortcoming: Shortcoming) -> QuerySet[CorrectionPlan]:
    return shortcoming.plans.prefetch_related("measures__steps", "measures__supervisor")


def timeline(shortcoming: Shortcoming) -> QuerySet:
    """The shortcoming's progress entries (updates, claims, verifications, comments) with their authors."""
    return shortcoming.progress.select_related("author__member")


def shortcomings_without_plan(shortcoming: Shortcoming) -> QuerySet[Shortcoming]:
    """The same owner's unverified shortcomings in the unit that have no plan yet, and that the cell has before
    it (a draft review's are planned once it is submitted): one plan may cover them all."""
    return (Shortcoming.objects.filter(put_before_the_cell(), unit=shortcoming.unit, member=shortcoming.member,
                                       plans__isnull=True)
            .exclude(status=ShortcomingStatus.VERIFIED))


def plan_candidates(plan: CorrectionPlan) -> QuerySet[Shortcoming]:
    """What a plan being edited may fix: the shortcomings it fixes, and its owner's others without a plan."""
    return (Shortcoming.objects.filter(put_before_the_cell(), Q(plans__isnull=True) | Q(plans=plan),
                                       unit=plan.unit, member=plan.member)
            .exclude(status=ShortcomingStatus.VERIFIED).distinct().order_by("created_at", "pk"))


def members_to_name(unit: Unit) -> QuerySet[Member]:
    """The cell's members a shortcoming may be recorded against, by name."""
    return Member.objects.filter(cell=unit, status__in=ACTIVE_STATUSES).order_by("sort_key")


def possible_supervisors(unit: Unit, member: Member | None) -> QuerySet[Member]:
    """Who a measure of `unit`'s plan (`member`'s, or the collective's) may name as its supervisor, the owner
    excepted: the members of the unit (and of the units under it), and those holding a post in the committee
    above it, which supervises its cells' committees (services._check_supervisor_of says the same)."""
    above = Q(pk__in=Post.objects.filter(unit_id=unit.parent_id, ended_on__isnull=True).values("member_id")) \
        if unit.parent_id else Q(pk__in=[])
    return (Member.objects.filter(Q(cell__path__startswith=unit.path) | above, status__in=ACTIVE_STATUSES)
            .exclude(pk=member.pk if member else None).select_related("cell").order_by("sort_key"))


def measures_of(plan: CorrectionPlan) -> QuerySet[Measure]:
    return plan.measures.prefetch_related("steps").select_related("supervisor")


def shortcomings_of(plan: CorrectionPlan) -> QuerySet[Shortcoming]:
    return plan.shortcomings.all()


# --- what waits for a person (corrections/agenda.py) ---------------------------------------------------------

AGENDA_LIMIT = 20


def steps_due(member_id: int, *, until: datetime.date) -> list[RoadmapStep]:
    """The member's unfinished roadmap steps of approved plans due by `until` (overdue ones included)."""
    return list(RoadmapStep.objects.filter(measure__plan__member_id=member_id, done_on__isnull=True, due__lte=until,
                                           measure__plan__status=PlanStatus.APPROVED)
                .select_related("measure").order_by("due", "pk")[:AGENDA_LIMIT])


def plans_submitted(*, member_plans_in: list[int], collective_plans_below: list[int]) -> list[CorrectionPlan]:
    """Submitted plans of members of the units `member_plans_in`, and collective plans of the units directly
    below `collective_plans_below` (who decides is the policy's)."""
    if not (member_plans_in or collective_plans_below):
        return []
    mine = Q(member__isnull=False, unit_id__in=member_plans_in) | Q(member__isnull=True,
                                                                     unit__parent_id__in=collective_plans_below)
    return list(CorrectionPlan.objects.filter(mine, status=PlanStatus.SUBMITTED)
                .select_related("member", "unit", "member__user").order_by("submitted_at", "pk")[:AGENDA_LIMIT])


def fixes_claimed(*, units: list[int], followed_by: list[int], supervisor: int | None) -> list[Shortcoming]:
    """Fixes reported and not verified yet, of the units `units`, followed by the units `followed_by`, or
    supervised by the member `supervisor` (who verifies is the policy's)."""
    where = Q(unit_id__in=units) | Q(followed_by_id__in=followed_by)
    if supervisor:
        # The supervised ones' ids first: joined into the OR, the plans and measures made PostgreSQL scan every
        # claimed shortcoming of the country; as a list, each branch is one index range.
        supervised = list(CorrectionPlan.shortcomings.through.objects.filter(
            correctionplan__status=PlanStatus.APPROVED, correctionplan__measures__supervisor_id=supervisor)
            .values_list("shortcoming_id", flat=True)[:AGENDA_LIMIT * 50])
        where |= Q(pk__in=supervised)
    return list(Shortcoming.objects.filter(where, status=ShortcomingStatus.CLAIMED)
                .select_related("unit", "member", "member__user", "followed_by").order_by("pk")[:AGENDA_LIMIT])


# --- a unit's dashboard (oversight/dashboard.py) -------------------------------------------------------------


def subtree_counts(units: list[Unit], today: datetime.date) -> dict[int, dict[str, int]]:
    """Shortcomings of each unit's subtree (by unit id): open (not verified), verified, recurring and overdue on
    `today`, read from the subtree counters (`rollup`): one read of a few rows per unit, whatever its size."""
    return rollup.of_units([unit.pk for unit in units], today)


# --- lists for the API (the policy passes the condition that decides what the reader sees) -------------------


def shortcomings_where(condition: Q, *, unit: Unit | None = None, status: str = "", member_id: int | None = None,
                       due_from: datetime.date | None = None, due_to: datetime.date | None = None,
                       ) -> QuerySet[Shortcoming]:
    """Shortcomings matching `condition`, the next due first (undated last); `unit`: of its subtree; `status`;
    `member_id`: that member's own; `due_from`, `due_to`: next due in those days."""
    rows = Shortcoming.objects.filter(condition)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if status:
        rows = rows.filter(status=status)
    if member_id is not None:
        rows = rows.filter(member_id=member_id)
    if due_from is not None:
        rows = rows.filter(next_due__gte=due_from)
    if due_to is not None:
        rows = rows.filter(next_due__lte=due_to)
    return rows.select_related("unit", "member").order_by(F("next_due").asc(nulls_last=True), "pk")
