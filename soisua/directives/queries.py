"""Reads of directives; access is decided in policy.py."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from soisua.counters import rollups
from soisua.org.models import Unit

from . import rollup
from .enums import DirectiveStatus
from .models import Directive, ImplementationTask, KeyTask, Receipt, Report, ReportingPeriod

LATE_LIMIT = 50


def issued_by(unit: Unit) -> QuerySet[Directive]:
    return Directive.objects.filter(issuer=unit).annotate(task_count=Count("tasks"))


def received_by(unit: Unit) -> QuerySet[Receipt]:
    return (Receipt.objects.filter(unit=unit, directive__status=DirectiveStatus.ISSUED)
            .select_related("directive__issuer").order_by("-directive__issued_on", "-pk"))


def receipts_for(condition: Q, *, limit: int = 100) -> list[Receipt]:
    """Receipts matching `condition` (from the policy), newest directive first."""
    return list(Receipt.objects.filter(condition, directive__status=DirectiveStatus.ISSUED)
                .select_related("unit", "directive__issuer").order_by("-directive__issued_on", "-pk")[:limit])


def drafts_and_issued_of(units: list[Unit], *, limit: int = 100) -> list[Directive]:
    """The directives `units` issued or are drafting, newest first."""
    return list(Directive.objects.filter(issuer__in=units).select_related("issuer")
                .annotate(task_count=Count("tasks"))[:limit])


def has_units_below(unit: Unit) -> bool:
    """Whether the unit has active units below it that a directive could address."""
    return Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth, active_until__isnull=True).exists()


def receipt_of(directive: Directive, unit: Unit) -> Receipt | None:
    """The unit's receipt of the directive, if it was addressed."""
    return Receipt.objects.filter(directive=directive, unit=unit).first()


def tasks_of(directive: Directive) -> list[KeyTask]:
    return list(directive.tasks.all())


def tasks_of_many(directives: list[Directive]) -> dict[int, list[KeyTask]]:
    """`tasks_of` each directive (by id), in one query."""
    tasks: dict[int, list[KeyTask]] = {directive.pk: [] for directive in directives}
    for task in KeyTask.objects.filter(directive__in=[directive.pk for directive in directives]).order_by(
            "directive", "number"):
        tasks[task.directive_id].append(task)
    return tasks


def periods_of(directive: Directive) -> list[ReportingPeriod]:
    return list(directive.periods.all())


def current_period(periods: list[ReportingPeriod], today: datetime.date | None = None) -> ReportingPeriod | None:
    """The period being reported now: the first not yet past, or the last one."""
    today = today or timezone.localdate()
    return next((period for period in periods if period.due_on >= today), periods[-1] if periods else None)


def receipt_among(directive: Directive, units: list[Unit]) -> Receipt | None:
    """The receipt of one of `units` (those a person speaks for), if the directive reached one."""
    return Receipt.objects.filter(directive=directive, unit__in=units).select_related("unit").first()


def cascades_of(directive: Directive, unit: Unit) -> list[Directive]:
    return list(Directive.objects.filter(parent=directive, issuer=unit))


def implementation_of(receipt: Receipt) -> list[ImplementationTask]:
    return list(receipt.tasks.select_related("key_task", "owner", "meeting", "cycle", "correction_plan"))


def reports_of(receipt: Receipt) -> dict[tuple[int, int], Report]:
    """{(key task id, period id): report}."""
    return {(report.key_task_id, report.period_id): report for report in receipt.reports.all()}


def report_rows(tasks: list[KeyTask], periods: list[ReportingPeriod], reports: dict[tuple[int, int], Report],
                current: ReportingPeriod | None) -> list[tuple[KeyTask, list, list]]:
    """Per key task, the (period, report or None) pairs shown first, the current period's and the latest
    report's, and the other periods, in date order."""
    rows = []
    for task in tasks:
        cells = [(period, reports.get((task.pk, period.pk))) for period in periods]
        latest = next((cell for cell in reversed(cells) if cell[1] is not None), None)
        first = [cell for cell in cells if cell[0] == current or cell == latest]
        rows.append((task, first, [cell for cell in cells if cell not in first]))
    return rows


def report_on(receipt: Receipt, key_task_id: int, period_id: int) -> Report | None:
    return receipt.reports.filter(key_task_id=key_task_id, period_id=period_id).first()


def progress(directive: Directive, focus: Unit, tasks: list[KeyTask]) -> dict:
    figures = rollups.figures(focus.pk, [rollup.period(directive)], rollup.prefix(directive))
    return rollup.progress(directive, figures, tasks)


def progress_by_child(directive: Directive, focus: Unit, tasks: list[KeyTask]) -> list[tuple[Unit, dict]]:
    """The focus's children that were addressed or hold units addressed, with their progress."""
    children = list(Unit.objects.filter(parent=focus).order_by("sort_key").only("pk", "name", "path", "depth"))
    figures = rollups.figures_of_units([child.pk for child in children], [rollup.period(directive)],
                                       rollup.prefix(directive))
    return [(child, rollup.progress(directive, figures[child.pk], tasks)) for child in children
            if child.pk in figures]


def _under(directive: Directive, focus: Unit) -> QuerySet[Receipt]:
    receipts = Receipt.objects.filter(directive=directive)
    if focus.pk != directive.issuer_id:
        receipts = receipts.filter(Q(unit=focus) | Q(unit__path__startswith=focus.path))
    # Receipts are created in tree order (services.issue), so their ids list the units in that order.
    return receipts.select_related("unit").order_by("pk")


def not_acknowledged(directive: Directive, focus: Unit) -> list[Receipt]:
    return list(_under(directive, focus).filter(acknowledged_at__isnull=True)[:LATE_LIMIT])


def not_reported(directive: Directive, focus: Unit, period: ReportingPeriod) -> list[Receipt]:
    return list(_under(directive, focus).exclude(reports__period=period)[:LATE_LIMIT])


def report_table(directive: Directive, focus: Unit):
    """Every unit addressed in `focus`'s subtree with its latest report per key task number (the spreadsheet of
    progress), in tree order; streamed."""
    latest: dict[int, dict[int, Report]] = {}
    reports = (Report.objects.filter(receipt__directive=directive, receipt__unit__path__startswith=focus.path)
               .select_related("key_task").order_by("receipt_id", "key_task__number", "period__due_on")
               .only("receipt_id", "percent", "key_task__number"))
    for report in reports.iterator(chunk_size=2000):
        latest.setdefault(report.receipt_id, {})[report.key_task.number] = report
    receipts = _under(directive, focus).order_by("unit__path")
    for receipt in receipts.iterator(chunk_size=2000):
        yield receipt, latest.get(receipt.pk, {})


def form_choices(issuer: Unit) -> dict:
    """What a directive form offers: the kinds of unit below the issuer, the units it may address by name (its
    children and grandchildren), and the directives it may cite (its own and those addressed to it)."""
    from soisua.org.models import UnitKind

    below = Unit.objects.filter(path__startswith=issuer.path, depth__gt=issuer.depth,
                                depth__lte=issuer.depth + 2, active_until__isnull=True)
    return {"kinds": UnitKind.objects.filter(pk__in=Unit.objects.filter(path__startswith=issuer.path)
                                                 .exclude(pk=issuer.pk).values("kind")),
            "units": below.order_by("path"),
            "basis_directives": Directive.objects.filter(Q(issuer=issuer) | Q(receipts__unit=issuer),
                                                         status=DirectiveStatus.ISSUED).distinct()}


def implementation_choices(receipt: Receipt) -> dict:
    """What a unit may name in its own tasks: the directive's key tasks, members of the unit, and as evidence its
    meetings, the review cycles it takes part in, and its correction plans."""
    from soisua.corrections.models import CorrectionPlan
    from soisua.meetings.models import Meeting
    from soisua.org.queries import members_in_subtree
    from soisua.reviews.queries import cycles_covering

    unit = receipt.unit
    return {"key_tasks": receipt.directive.tasks.all(),
            "owners": members_in_subtree(unit).order_by("sort_key"),
            "meetings": Meeting.objects.filter(unit__path__startswith=unit.path,
                                               starts_at__date__gte=receipt.directive.issued_on).order_by("starts_at"),
            "cycles": cycles_covering(unit),
            "plans": (CorrectionPlan.objects.filter(unit__path__startswith=unit.path)
                      .select_related("member", "unit", "cycle").order_by("-pk"))}


# --- what waits for a person (directives/agenda.py) ----------------------------------------------------------

AGENDA_LIMIT = 20


def waiting_receipts(unit_ids: list[int], *, report_by: datetime.date) -> list[tuple[Receipt, ReportingPeriod | None]]:
    """Receipts of the units `unit_ids` still to act on: not acknowledged (period None), or with a reporting date
    by `report_by` (overdue ones included) for which the unit has filed nothing."""
    if not unit_ids:
        return []
    receipts = list(Receipt.objects.filter(unit_id__in=unit_ids, directive__status=DirectiveStatus.ISSUED)
                    .select_related("unit", "directive").order_by("-directive__issued_on", "pk")[:200])
    periods = ReportingPeriod.objects.filter(directive__in={receipt.directive_id for receipt in receipts},
                                             due_on__lte=report_by).order_by("due_on")
    filed = set(Report.objects.filter(receipt__in=receipts).values_list("receipt_id", "period_id").distinct())
    by_directive: dict[int, list[ReportingPeriod]] = {}
    for period in periods:
        by_directive.setdefault(period.directive_id, []).append(period)
    found: list[tuple[Receipt, ReportingPeriod | None]] = []
    for receipt in receipts:
        if receipt.acknowledged_at is None:
            found.append((receipt, None))
        missing = [period for period in by_directive.get(receipt.directive_id, [])
                   if (receipt.pk, period.pk) not in filed]
        if missing:
            found.append((receipt, missing[-1]))
    return found[:AGENDA_LIMIT]


# --- lists for the API (the policy passes the condition that decides what the reader sees) -------------------


def directives_where(condition: Q, *, unit: Unit | None = None, issued_from: datetime.date | None = None,
                     issued_to: datetime.date | None = None) -> QuerySet[Directive]:
    """Directives matching `condition`, the latest issued first; `unit`: issued by a unit of its subtree or
    addressed to one; `issued_from`, `issued_to`: issued on those days."""
    rows = Directive.objects.filter(condition)
    if unit is not None:
        rows = rows.filter(Q(issuer__path__startswith=unit.path) | Exists(Receipt.objects.filter(
            directive=OuterRef("pk"), unit__path__startswith=unit.path)))
    if issued_from is not None:
        rows = rows.filter(issued_on__gte=issued_from)
    if issued_to is not None:
        rows = rows.filter(issued_on__lte=issued_to)
    return rows.select_related("issuer").order_by("-issued_on", "-pk")


def reports_where(directive: Directive, condition: Q, *, unit: Unit | None = None) -> QuerySet[Report]:
    """The reports on a directive matching `condition` (on Report), unit by unit, task by task, period by period;
    `unit`: those of its subtree."""
    rows = Report.objects.filter(condition, receipt__directive=directive)
    if unit is not None:
        rows = rows.filter(receipt__unit__path__startswith=unit.path)
    return (rows.select_related("receipt__unit", "key_task", "period")
            .order_by("receipt__unit__path", "key_task__number", "period__due_on", "pk"))
