"""A directive's progress counted up the tree (counters.rollups): for each unit, over the units addressed in its
subtree, how many were addressed, acknowledged, reported in each period, and the sum of their current percent
per key task. Kept by the write that changes it; `rebuild_rollups` recomputes it from receipts and reports."""

from collections import Counter as Tally

from django.db.models import CharField, Count, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear

from soisua.counters import rollups
from soisua.org.models import PATH_STEP, Unit

from .models import Directive, Receipt, Report

PREFIX = "dir."


def period(directive: Directive) -> str:
    """Every figure of a directive is kept in the month it was issued."""
    return rollups.period_of(directive.issued_on)


def prefix(directive: Directive) -> str:
    return f"{PREFIX}{directive.pk}."


def count_targets(directive: Directive, units: list[Unit]) -> None:
    """The units just addressed count as targets of each of their ancestors and of themselves."""
    paths = Tally()
    for unit in units:
        for depth in range(1, unit.depth + 1):
            paths[unit.path[:depth * PATH_STEP]] += 1
    ids = dict(Unit.objects.filter(path__in=list(paths)).values_list("path", "pk"))
    rollups.add_totals(period(directive), {ids[path]: {f"{prefix(directive)}targets": count}
                                          for path, count in paths.items()})


def bump(directive: Directive, unit: Unit, changes: dict[str, int]) -> None:
    rollups.bump(unit, period(directive), {f"{prefix(directive)}{name}": amount for name, amount in changes.items()})


def _id(field: str):
    return Cast(field, output_field=CharField())


@rollups.register_source(PREFIX)
def _sources():
    receipts = Receipt.objects.order_by()
    when = {"r_unit": F("unit_id"), "r_year": ExtractYear("directive__issued_on"),
            "r_month": ExtractMonth("directive__issued_on")}
    yield (receipts.values(**when, r_metric=Concat(Value(PREFIX), _id("directive_id"), Value(".targets")))
           .annotate(r_value=Count("id")))
    yield (receipts.filter(acknowledged_at__isnull=False)
           .values(**when, r_metric=Concat(Value(PREFIX), _id("directive_id"), Value(".ack")))
           .annotate(r_value=Count("id")))
    reports = Report.objects.order_by()
    when = {"r_unit": F("receipt__unit_id"), "r_year": ExtractYear("receipt__directive__issued_on"),
            "r_month": ExtractMonth("receipt__directive__issued_on")}
    yield (reports.values(**when, r_metric=Concat(Value(PREFIX), _id("receipt__directive_id"), Value(".p"),
                                                  _id("period_id")))
           .annotate(r_value=Count("receipt_id", distinct=True)))
    latest = (Report.objects.filter(receipt=OuterRef("receipt"), key_task=OuterRef("key_task"))
              .order_by("-period__due_on").values("pk")[:1])
    yield (reports.filter(pk=Subquery(latest))
           .values(**when, r_metric=Concat(Value(PREFIX), _id("receipt__directive_id"), Value(".t"),
                                           _id("key_task__number")))
           .annotate(r_value=Sum("percent")))


def progress(directive: Directive, figures: dict[str, int], tasks) -> dict:
    """What a progress page shows of one unit's subtree, from its figures: targets, acknowledged, per key task
    the average percent, and overall the average of the key tasks."""
    base = prefix(directive)
    targets = figures.get(f"{base}targets", 0)
    per_task = {task.number: round(figures.get(f"{base}t{task.number}", 0) / targets) if targets else 0
                for task in tasks}
    return {"targets": targets, "acknowledged": figures.get(f"{base}ack", 0),
            "reported": {key[len(base) + 1:]: value for key, value in figures.items()
                         if key.startswith(f"{base}p")},
            "tasks": per_task,
            "overall": round(sum(per_task.values()) / len(per_task)) if per_task else 0}
