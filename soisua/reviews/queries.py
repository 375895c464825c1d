from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from soisua.org import access
from soisua.org.models import PATH_STEP, Unit

from .enums import ReviewStatus, RuleSetStatus
from .models import Checklist, Cycle, Review, RuleSet


def rule_sets() -> QuerySet[RuleSet]:
    return RuleSet.objects.select_related("copied_from")


def current_rule_set() -> RuleSet | None:
    """The newest published rule set: what a new cycle uses unless told otherwise."""
    return RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).order_by("-published_at", "-id").first()


def rule_set_with_rules(pk: int) -> RuleSet | None:
    return (RuleSet.objects.filter(pk=pk)
            .prefetch_related("levels", "forcing_conditions", "forms",
                              Prefetch("checklists", queryset=Checklist.objects.prefetch_related("items")))
            .first())


def cycles_covering(unit) -> QuerySet[Cycle]:
    """Cycles opened at the unit or above it (those in which the unit is reviewed), newest first."""
    return Cycle.objects.filter(unit__path__in=[*unit.ancestor_paths(), unit.path]).select_related("unit")


def progress(cycle: Cycle, unit) -> dict[str, int]:
    """Reviews expected, drafted, submitted (and of those, late) in `unit`'s part of the cycle; one aggregate."""
    reviews = Review.objects.filter(cycle=cycle, unit__path__startswith=unit.path)
    return reviews.aggregate(
        expected=Count("pk"),
        drafted=Count("pk", filter=Q(status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])),
        submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
        late=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED, submitted_at__date__gt=cycle.self_review_due)),
    )


def not_submitted(cycle: Cycle, cell) -> QuerySet[Review]:
    """Who in a cell has not submitted yet, in review order."""
    return (Review.objects.filter(cycle=cycle, unit=cell).exclude(status=ReviewStatus.SUBMITTED)
            .select_related("member", "form").order_by("rank", "member__sort_key"))


def get_cycle_for_user(user, pk: int, *, manage: bool = False) -> Cycle:
    """A cycle is visible to whoever sees its unit or a unit inside it; managing it takes a committee role."""
    cycle = Cycle.objects.select_related("unit", "rule_set").filter(pk=pk).first()
    if cycle is None or not access.sees_inside(user, cycle.unit):
        raise Http404
    if manage and not access.can_manage_reviews(user, cycle.unit):
        raise PermissionDenied
    return cycle


def focus_unit(user, cycle: Cycle) -> Unit:
    """The highest unit of the cycle the user may read: where their view of the cycle starts."""
    if access.can_read_unit(user, cycle.unit):
        return cycle.unit
    tops = Unit.objects.filter(pk__in=access.scope_for(user).top_units(), path__startswith=cycle.unit.path)
    return tops.order_by("depth", "path").first() or cycle.unit


def progress_by_child(cycle: Cycle, unit: Unit) -> list[tuple[Unit, dict[str, int]]]:
    """Progress of each direct sub-unit of `unit`, from one grouped aggregate over the reviews below it."""
    length = len(unit.path) + PATH_STEP
    rows = (Review.objects.filter(cycle=cycle, unit__path__startswith=unit.path).exclude(unit=unit)
            .annotate(branch=Substr("unit__path", 1, length)).values("branch")
            .annotate(expected=Count("pk"), submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
                      late=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED,
                                                 submitted_at__date__gt=cycle.self_review_due))))
    counts = {row["branch"]: row for row in rows}
    children = Unit.objects.filter(parent=unit).select_related("kind").order_by("sort_key", "pk")
    return [(child, counts.get(child.path, {"expected": 0, "submitted": 0, "late": 0})) for child in children]
