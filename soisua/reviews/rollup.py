"""A review cycle's progress counted up the tree (counters.rollups): for each unit, over the reviews of its
subtree in the cycle, the same figures as `queries.progress` and `queries.levels_in` — expected (excluded reviews
are not), drafted (a draft or returned), submitted, late (submitted after the self-review deadline), and members'
reviews decided at each level (collective reviews are not counted there). Every figure of a cycle is kept in the
month its reviewed period ends. Kept by the writes that change a review; `rebuild_rollups` recomputes it from the
reviews."""

import datetime

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear
from django.utils import timezone

from soisua.counters import rollups

from .enums import ReviewStatus
from .models import Cycle, Review

PREFIX = "rev."
DRAFTED = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


def period(cycle: Cycle) -> str:
    """A cycle's figures are kept in the month its reviewed period ends (fixed when it opens)."""
    return rollups.period_of(cycle.period_end)


def prefix(cycle: Cycle | int) -> str:
    return f"{PREFIX}{getattr(cycle, 'pk', cycle)}."


def tally(review: Review) -> dict[str, int]:
    """What one review adds to its cycle's figures, as it stands (its cycle loaded)."""
    decided_level = review.decided_level if review.decided_at is not None else ""
    return tally_of(review.cycle, status=review.status, submitted_at=review.submitted_at,
                    of_member=review.member_id is not None, decided_level=decided_level,
                    rated_level=decided_level or review.cell_level)


def tally_of(cycle: Cycle, *, status: str, submitted_at: datetime.datetime | None, of_member: bool,
             decided_level: str, rated_level: str) -> dict[str, int]:
    """`tally` from the values that decide it (a bulk loader's rows have no model instances); `decided_level` is
    empty while the level is not decided, `rated_level` is the decided level, else the cell's proposal, else
    empty."""
    base = prefix(cycle)
    figures = {}
    if status != ReviewStatus.EXCLUDED:
        figures[f"{base}expected"] = 1
    if status in DRAFTED:
        figures[f"{base}drafted"] = 1
    if status == ReviewStatus.SUBMITTED:
        figures[f"{base}submitted"] = 1
        if timezone.localdate(submitted_at) > cycle.self_review_due:
            figures[f"{base}late"] = 1
    if of_member and decided_level:
        figures[f"{base}lvl.{decided_level}"] = 1
    if of_member and rated_level:
        figures[f"{base}rated.{rated_level}"] = 1
    return figures


def follow(review: Review, before: dict[str, int]) -> None:
    """After a write changed `review`: move its figures from `before` (its `tally` before the write) to what it
    adds now, for its unit and every ancestor, in the writer's transaction."""
    after = tally(review)
    changes = {metric: after.get(metric, 0) - before.get(metric, 0) for metric in {*before, *after}}
    if any(changes.values()):
        rollups.bump(review.unit, period(review.cycle), changes)


def count_opened(cycle: Cycle, reviews: list[Review], units: dict[int, object]) -> None:
    """The reviews a cycle just created (all expected) count at their units and every ancestor, in one batch;
    `units` maps their unit ids to the units."""
    counts: dict[int, int] = {}
    for review in reviews:
        counts[review.unit_id] = counts.get(review.unit_id, 0) + 1
    rollups.add_up_the_tree(period(cycle), {units[unit_id]: {f"{prefix(cycle)}expected": count}
                                            for unit_id, count in counts.items()})


def progress(cycle: Cycle, figures: dict[str, int]) -> dict[str, int]:
    """`queries.progress` of one unit, from its figures for the cycle."""
    base = prefix(cycle)
    return {name: figures.get(f"{base}{name}", 0) for name in ("expected", "drafted", "submitted", "late")}


def levels(cycle: Cycle, figures: dict[str, int]) -> dict[str, int]:
    """Members decided at each level (by level code), from a unit's figures for the cycle."""
    base = f"{prefix(cycle)}lvl."
    return {metric[len(base):]: value for metric, value in figures.items() if metric.startswith(base)}


def rated(cycle: Cycle, figures: dict[str, int]) -> dict[str, int]:
    """Members rated at each level (decided, else proposed by the cell), by level code, from a unit's figures."""
    base = f"{prefix(cycle)}rated."
    return {metric[len(base):]: value for metric, value in figures.items() if metric.startswith(base)}


def _id(field: str):
    return Cast(field, output_field=CharField())


@rollups.register_source(PREFIX)
def _sources():
    reviews = Review.objects.order_by()
    when = {"r_unit": F("unit_id"), "r_year": ExtractYear("cycle__period_end"),
            "r_month": ExtractMonth("cycle__period_end")}
    for name, rows in (
            ("expected", reviews.exclude(status=ReviewStatus.EXCLUDED)),
            ("drafted", reviews.filter(status__in=DRAFTED)),
            ("submitted", reviews.filter(status=ReviewStatus.SUBMITTED)),
            ("late", reviews.filter(Q(status=ReviewStatus.SUBMITTED)
                                    & Q(submitted_at__date__gt=F("cycle__self_review_due"))))):
        yield (rows.values(**when, r_metric=Concat(Value(PREFIX), _id("cycle_id"), Value(f".{name}")))
               .annotate(r_value=Count("id")))
    members = reviews.filter(member__isnull=False)
    yield (members.filter(decided_at__isnull=False)
           .values(**when, r_metric=Concat(Value(PREFIX), _id("cycle_id"), Value(".lvl."), "decided_level"))
           .annotate(r_value=Count("id")))
    # As `rating_rules._compared_level(proposals=True)` reads a rating.
    rated_level = Case(When(~Q(decided_level="") & Q(decided_at__isnull=False), then=F("decided_level")),
                       When(~Q(cell_level=""), then=F("cell_level")), default=Value(""), output_field=CharField())
    yield (members.annotate(rated_level=rated_level).exclude(rated_level="")
           .values(**when, r_metric=Concat(Value(PREFIX), _id("cycle_id"), Value(".rated."), "rated_level"))
           .annotate(r_value=Count("id")))
