"""Periodic jobs for `manage.py run_scheduled` (run it from cron every few minutes).

A job is registered with a period function that names the current period ("2026-11-23" for a daily job);
a job runs at most once per period, however often cron calls, and each job's own work must also be
idempotent per event (notifications use event keys).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun


@dataclass(frozen=True)
class Job:
    name: str
    period: Callable[[], str]
    run: Callable[[], str]


JOBS: dict[str, Job] = {}
logger = logging.getLogger(__name__)


def daily() -> str:
    return timezone.localdate().isoformat()


def hourly() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H")


def register(name: str, *, period: Callable[[], str] = daily):
    def decorator(function: Callable[[], str]) -> Callable[[], str]:
        JOBS[name] = Job(name, period, function)
        return function

    return decorator


def run_due(*, only: str | None = None) -> list[tuple[str, str, str]]:
    """Run each job whose current period has not run yet. Returns (job, period, result) for those run.

    A job that raises is logged and forgotten for its period, so the next call tries it again; the others run.
    """
    done = []
    for job in JOBS.values():
        if only and job.name != only:
            continue
        period = job.period()
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, period=period)
        except IntegrityError:
            continue
        try:
            result = job.run() or ""
        except Exception:
            logger.exception("scheduled job %s failed for %s; it will run again next time", job.name, period)
            ScheduledRun.objects.filter(pk=run.pk).delete()
            done.append((job.name, period, "failed"))
            continue
        ScheduledRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result[:2000])
        done.append((job.name, period, result))
    return done


def _register_audit_anchor() -> None:
    # The audit app sits below this one and cannot import it: its periodic anchor is registered here.
    from soisua.audit import jobs as audit_jobs

    register("audit.anchor")(audit_jobs.run_anchor)


_register_audit_anchor()
