"""Shortcomings counted up the tree (counters.rollups), so a dashboard of any unit reads its subtree's figures
from a few counter rows.

What stands now, in the period `rollups.STANDING`: `corr.open` (not verified), `corr.verified`, `corr.recurring`
(open and repeating an earlier one) and, for each month in which open ones are due (`next_due`), `corr.due.YYYY-MM`
(how many). In the month of its due date, each open one with a due date also counts in `corr.day.DD` (due on day
DD of that month).

"Overdue" (`next_due` before today) changes at midnight without a write, so it is read, not kept: overdue on day D
= the `corr.due.YYYY-MM` of the months before D's + the `corr.day.DD` of D's month for the days before D's. That
reads the unit's STANDING rows and its rows of D's month — a few dozen, whatever the unit, its size and however old
its overdue shortcomings are (`of_units`).

Kept by the services that record, remove, plan, verify and reopen (and by `refresh_next_due`) in their
transaction; `rebuild_rollups` recomputes it from the shortcomings.
"""

import datetime
from collections.abc import Iterable

from django.db.models import CharField, Count, F, IntegerField, Value
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
    if next_due is not None:
        month = rollups.period_of(next_due)
        figures[(STANDING, f"corr.due.{month}")] = 1
        figures[(month, f"corr.day.{next_due.day:02d}")] = 1
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


def figures(counted: dict[str, int], day: datetime.date) -> dict[str, int]:
    """A unit's open, verified, recurring and overdue shortcomings on `day`, from its STANDING figures and those of
    `day`'s month (`counted`: their metric names tell them apart)."""
    month = rollups.period_of(day)
    overdue = sum(value for metric, value in counted.items() if metric.startswith("corr.due.")
                  and metric[len("corr.due."):] < month)
    overdue += sum(value for metric, value in counted.items() if metric.startswith("corr.day.")
                   and int(metric[len("corr.day."):]) < day.day)
    return {"open": counted.get("corr.open", 0), "verified": counted.get("corr.verified", 0),
            "recurring": counted.get("corr.recurring", 0), "overdue": overdue}


def of_units(unit_ids: list[int], day: datetime.date) -> dict[int, dict[str, int]]:
    """`figures` of each unit's subtree on `day`: one read of their STANDING rows and their rows of `day`'s month."""
    counted = rollups.figures_of_units(unit_ids, [STANDING, rollups.period_of(day)], PREFIX)
    return {unit_id: figures(counted.get(unit_id, {}), day) for unit_id in unit_ids}


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
    month = Concat(_text(ExtractYear("next_due")), Value("-"), LPad(_text(ExtractMonth("next_due")), 2, Value("0")))
    yield dated.values(**standing, r_metric=Concat(Value("corr.due."), month)).annotate(r_value=Count("id"))
    when = {"r_unit": F("unit_id"), "r_year": ExtractYear("next_due"), "r_month": ExtractMonth("next_due")}
    day = LPad(_text(ExtractDay("next_due")), 2, Value("0"))
    yield dated.values(**when, r_metric=Concat(Value("corr.day."), day)).annotate(r_value=Count("id"))


def _text(number):
    """A date part as digits (PostgreSQL's EXTRACT gives a numeric)."""
    return Cast(Cast(number, output_field=IntegerField()), output_field=CharField())
