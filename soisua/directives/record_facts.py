"""Directives' part of the year's record offered to a review's writer: the implementation tasks the member owned
in the cycle's period (for the collective's review, the unit's tasks) with the last report on each task's key task
in the period and its evidence. Registered with soisua/core/record.py (loaded by DirectivesConfig.ready)."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from soisua.core import record

from .models import ImplementationTask, Report
from .policy import visible_receipts

KINDS = ("directives.task",)
QUOTED_LENGTH = 160


def _day(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y") if value else ""


def _last_reports(tasks: list[ImplementationTask], start, end) -> dict[tuple[int, int], Report]:
    """The last report in the period for each (receipt, key task) of the tasks: one query."""
    if not tasks:
        return {}
    reports = (Report.objects.filter(receipt_id__in={task.receipt_id for task in tasks},
                                     key_task_id__in={task.key_task_id for task in tasks},
                                     reported_at__gte=start, reported_at__lt=end)
               .order_by("reported_at", "pk"))
    return {(report.receipt_id, report.key_task_id): report for report in reports}


def _sentence(task: ImplementationTask, report: Report | None) -> str:
    values = {"task": Truncator(" ".join(task.text.split())).chars(QUOTED_LENGTH),
              "symbol": task.receipt.directive.symbol}
    if task.deadline:
        text = _("Task “%(task)s” under %(symbol)s, due %(deadline)s.") % {**values,
                                                                             "deadline": _day(task.deadline)}
    else:
        text = _("Task “%(task)s” under %(symbol)s.") % values
    if report is None:
        return text + " " + _("No report in the period.")
    return text + " " + _("Reported on %(day)s: %(status)s, %(percent)s %% done.") % {
        "day": _day(report.reported_at), "status": report.get_status_display().lower(), "percent": report.percent}


def facts(review) -> list[dict]:
    cycle = review.cycle
    start = timezone.make_aware(datetime.datetime.combine(cycle.period_start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(cycle.period_end + datetime.timedelta(days=1),
                                                        datetime.time.min))
    tasks = ImplementationTask.objects.filter(created_at__lt=end).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=cycle.period_start))
    if review.member_id is not None:
        tasks = tasks.filter(owner_id=review.member_id)
    else:
        tasks = tasks.filter(receipt__unit_id=review.unit_id)
    tasks = list(tasks.select_related("receipt__directive").order_by("deadline", "pk"))
    reports = _last_reports(tasks, start, end)
    group = _("Directives carried out")
    found = []
    for task in tasks:
        report = reports.get((task.receipt_id, task.key_task_id))
        found.append({
            "key": f"directives.task:{task.pk}", "text": _sentence(task, report),
            "source": _("Implementation of %(symbol)s") % {"symbol": task.receipt.directive.symbol},
            "group": group, "url": reverse("directives:receipt", args=[task.receipt_id]),
            "file_url": reverse("directives:reports.evidence", args=[report.pk])
            if report is not None and report.evidence else "",
            "day": task.deadline})
    return found


def links(user, asked: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """A task is opened on its unit's receipt, by whoever `policy.can_see_receipt` admits; so is its report's
    evidence."""
    tasks = list(ImplementationTask.objects.filter(visible_receipts(user, "receipt__"),
                                                   pk__in=record.ids(asked, "directives.task")))
    evidence = {}
    for report in Report.objects.filter(receipt_id__in={task.receipt_id for task in tasks},
                                        key_task_id__in={task.key_task_id for task in tasks}).exclude(evidence=""):
        evidence[(report.receipt_id, report.key_task_id)] = reverse("directives:reports.evidence", args=[report.pk])
    return {f"directives.task:{task.pk}": (reverse("directives:receipt", args=[task.receipt_id]),
                                           evidence.get((task.receipt_id, task.key_task_id), ""))
            for task in tasks}


record.register_source("directives", kinds=KINDS, facts=facts, links=links)
