"""Shortcomings counted up the tree (counters.rollups), so a dashboard of any unit reads its subtree's figures
from a few counter rows.

What stands now, in the period `rollups.STANDING`: `corr.open` (not verified), `corr.verified`, `corr.recurring`
(open and repeating an earlier one) and `corr.dated` (open with a due date, `next_due`).

When each open one is due, in the month of its due date: `corr.due` (how many are due that month) and
`corr.due.DD` (how many on day DD). "Overdue" (`next_due` before today) changes at midnight without a write, so it
is read, not kept: overdue on day D = `corr.dated` − `corr.due` of the months after D's − `corr.due.DD` of D's month
for the days from D on. That reads the STANDING row and the months from D's on — a few rows, whatever the unit and
however old the overdue ones are (`overdue`).

Kept by the services that record, remove, plan, verify and reopen (and by `refresh_next_due`) in their
transaction; `rebuild_rollups` recomputes it from the shortcomings.
"""

import datetime
from collections.abc import Iterable

from django.db.models import CharField, Count, F, Value
from django.db.models.functions import Cast, Concat, ExtractDay, ExtractMonth, ExtractYear, LPad

from soisua.counters import rollups

from .enums import DONE_STATUSES
from .models import Shortcoming

PREFIX = "corr."
STANDING = rollups.STANDING

Tally = dict[tuple[str, str], int]


def tally(shortcoming: Shortcoming) -> Tally:
    """What one shortcoming adds to its unit's figures as it stands, by (period, metric)."""
    return tally_of(status=shortcoming.status, recurring=shortcoming.recurring_of_id is not None,
                    next_due=shortcoming.next_due)


def tally_of(*, status: str, recurring: bool, next_due: datetime.date | None) -> Tally:
    """`tally` from the values that decide it (a bulk loader's rows have no model instances)."""
    if status in DONE_STATUSES:
        return {(STANDING, "corr.verified"): 1}
    figures = {(STANDING, "corr.open"): 1}
    if recurring:
        figures[(STANDING, "corr.recurring")] = 1
    due = next_due
    if due is not None:
        month = rollups.period_of(due)
        figures[(STANDING, "corr.dated")] = 1
        figures[(month, "corr.due")] = 1
        figures[(month, f"corr.due.{due.day:02d}")] = 1
    return figures


def tally_all(shortcomings: Iterable[Shortcoming]) -> Tally:
    total: Tally = {}
    for shortcoming in shortcomings:
        for key, value in tally(shortcoming).items():
            total[key] = total.get(key, 0) + value
    return total


def follow(unit, before: Tally, after: Tally) -> None:
    """Move the figures of shortcomings of `unit` from `before` to `after` (their `tally_all` before and after a
    write), for the unit and every ancestor, in the writer's transaction."""
    changes = {key: after.get(key, 0) - before.get(key, 0) for key in {*before, *after}}
    if any(changes.values()):
        rollups.bump_periods(unit, changes)


def figures(standing: dict[str, int], by_period: dict[str, dict[str, int]], day: datetime.date) -> dict[str, int]:
    """A unit's open, verified, recurring and overdue shortcomings on `day`, from its STANDING figures and its
    `corr.due…` figures of the months from `day`'s on (`by_period`, STANDING excluded)."""
    month = rollups.period_of(day)
    later = sum(metrics.get("corr.due", 0) for period, metrics in by_period.items() if period > month)
    this_month = by_period.get(month, {})
    from_today = sum(value for metric, value in this_month.items()
                     if metric.startswith("corr.due.") and int(metric.rsplit(".", 1)[1]) >= day.day)
    return {"open": standing.get("corr.open", 0), "verified": standing.get("corr.verified", 0),
            "recurring": standing.get("corr.recurring", 0),
            "overdue": standing.get("corr.dated", 0) - later - from_today}


def of_units(unit_ids: list[int], day: datetime.date) -> dict[int, dict[str, int]]:
    """`figures` of each unit's subtree on `day`: one read of the counters from `day`'s month on."""
    rows = rollups.figures_since(unit_ids, rollups.period_of(day), PREFIX)
    result = {}
    for unit_id in unit_ids:
        periods = rows.get(unit_id, {})
        standing = periods.pop(STANDING, {})
        result[unit_id] = figures(standing, periods, day)
    return result


@rollups.register_source(PREFIX)
def _sources():
    rows = Shortcoming.objects.order_by()
    unverified = rows.exclude(status__in=DONE_STATUSES)
    standing = {"r_unit": F("unit_id"), "r_period": Value(STANDING)}
    yield unverified.values(**standing, r_metric=Value("corr.open")).annotate(r_value=Count("id"))
    yield (rows.filter(status__in=DONE_STATUSES).values(**standing, r_metric=Value("corr.verified"))
           .annotate(r_value=Count("id")))
    yield (unverified.filter(recurring_of__isnull=False).values(**standing, r_metric=Value("corr.recurring"))
           .annotate(r_value=Count("id")))
    dated = unverified.filter(next_due__isnull=False)
    yield dated.values(**standing, r_metric=Value("corr.dated")).annotate(r_value=Count("id"))
    when = {"r_unit": F("unit_id"), "r_year": ExtractYear("next_due"), "r_month": ExtractMonth("next_due")}
    yield dated.values(**when, r_metric=Value("corr.due")).annotate(r_value=Count("id"))
    day = LPad(Cast(ExtractDay("next_due"), output_field=CharField()), 2, Value("0"))
    yield dated.values(**when, r_metric=Concat(Value("corr.due."), day)).annotate(r_value=Count("id"))
