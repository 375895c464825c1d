"""The subtree counters of meeting quality (docs/architecture.md, "Subtree counters"), in the month of the meeting:
`quality.lvl.<level>` (regular meetings assessed at that level), `quality.ratings` and `quality.rating_sum` (members'
ratings and the sum of their values, 4 good … 1 poor). The dashboard reads them for any unit in one read."""

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Sum, Value, When
from django.db.models.functions import Concat, ExtractMonth, ExtractYear

from soisua.counters import rollups
from soisua.meetings.models import Meeting

from .enums import LEVEL_VALUE
from .models import Assessment, MemberRating

PREFIX = "quality."


def count_level(meeting: Meeting, old: str, new: str) -> None:
    """Move the meeting from level `old` (empty: not assessed) to `new` in its month's counters."""
    changes = {}
    if old:
        changes[f"{PREFIX}lvl.{old}"] = -1
    if new:
        changes[f"{PREFIX}lvl.{new}"] = changes.get(f"{PREFIX}lvl.{new}", 0) + 1
    rollups.bump(meeting.unit, rollups.period_of(meeting.starts_at), changes)


def _rating_value():
    return Case(*(When(level=level, then=Value(points)) for level, points in LEVEL_VALUE.items()),
                default=Value(0), output_field=IntegerField())


def count_rating(meeting: Meeting) -> None:
    """Count a meeting's new rating (the caller holds the meeting's rating lock: one rating at a time). A meeting's
    ratings are counted only from QUALITY_RATING_MINIMUM on, all at once when it is reached, as its page shows them:
    a figure over a subtree never holds a meeting's ratings while they are too few to be shown."""
    ratings = MemberRating.objects.filter(meeting=meeting)
    given = ratings.count()
    if given < settings.QUALITY_RATING_MINIMUM:
        return
    counted = ratings if given == settings.QUALITY_RATING_MINIMUM else ratings.order_by("-pk")[:1]
    total = sum(LEVEL_VALUE[level] for level in counted.values_list("level", flat=True))
    rollups.bump(meeting.unit, rollups.period_of(meeting.starts_at),
                 {f"{PREFIX}ratings": given if given == settings.QUALITY_RATING_MINIMUM else 1,
                  f"{PREFIX}rating_sum": total})


@rollups.register_source(PREFIX)
def _sources():
    assessments = Assessment.objects.order_by()
    yield (assessments.values(r_unit=F("meeting__unit_id"), r_year=ExtractYear("meeting__starts_at"),
                              r_month=ExtractMonth("meeting__starts_at"),
                              r_metric=Concat(Value(f"{PREFIX}lvl."), "level"))
           .annotate(r_value=Count("id")))
    shown = (MemberRating.objects.order_by().values("meeting_id").annotate(given=Count("id"))
             .filter(given__gte=settings.QUALITY_RATING_MINIMUM).values("meeting_id"))
    ratings = MemberRating.objects.order_by().filter(meeting_id__in=shown)
    when = {"r_unit": F("meeting__unit_id"), "r_year": ExtractYear("meeting__starts_at"),
            "r_month": ExtractMonth("meeting__starts_at")}
    yield ratings.values(**when, r_metric=Value(f"{PREFIX}ratings")).annotate(r_value=Count("id"))
    yield ratings.values(**when, r_metric=Value(f"{PREFIX}rating_sum")).annotate(r_value=Sum(_rating_value()))
