"""Acknowledgements and reports of a directive for bulk loads, in the states the services leave them.

A loader that stands up a directive's reporting at scale issues the directive through the services (its receipts
and their targets counted up the tree come from `issue`), then writes here what the units did: who acknowledged
it and when, and one report per key task for the first reporting date from those who reported, as `acknowledge`
and `file_report` leave them. The directive's counters are then recomputed from these rows (`rollups.rebuild`).
"""

import datetime
import random

from django.db import transaction

from soisua.counters import rollups

from . import rollup
from .enums import TaskStatus
from .models import Directive, Receipt, Report

BATCH = 5_000


def _status(percent: int) -> str:
    return TaskStatus.DONE if percent == 100 else TaskStatus.IN_PROGRESS if percent else TaskStatus.NOT_STARTED


def load_reports(directive: Directive, rng: random.Random, *, acknowledged: float, reported: float,
                 when: datetime.datetime) -> tuple[int, int]:
    """Mark `acknowledged` of the receipts (a share, drawn with `rng`) as acknowledged at `when`, and have
    `reported` of them report on every key task for the first reporting date; then recompute the directive's
    counters. Returns (receipts acknowledged, reports written)."""
    tasks = list(directive.tasks.all())
    period = directive.periods.order_by("due_on").first()
    acknowledged_ids, reports = [], []
    written = 0
    with transaction.atomic():
        for receipt_id in Receipt.objects.filter(directive=directive).values_list("pk", flat=True).iterator(
                chunk_size=BATCH):
            if rng.random() >= acknowledged:
                continue
            acknowledged_ids.append(receipt_id)
            if rng.random() < reported / acknowledged:
                level = rng.randint(0, 100)
                for task in tasks:
                    percent = max(0, min(100, level + rng.randint(-30, 30)))
                    reports.append(Report(receipt_id=receipt_id, key_task=task, period=period, percent=percent,
                                          status=_status(percent), reported_at=when))
            if len(reports) >= BATCH:
                Report.objects.bulk_create(reports)
                written += len(reports)
                reports = []
        Report.objects.bulk_create(reports)
        written += len(reports)
        for start in range(0, len(acknowledged_ids), BATCH):
            Receipt.objects.filter(pk__in=acknowledged_ids[start:start + BATCH]).update(acknowledged_at=when)
    rollups.rebuild([rollup.PREFIX])
    return len(acknowledged_ids), written
