"""Background work of the documents app. Tasks take ids, reload, return quietly if the job is gone."""

from django.tasks import task

from . import services
from .models import ExportJob, ImportJob


def _job(job_id: int) -> ImportJob | None:
    return ImportJob.objects.select_related("unit", "created_by").filter(pk=job_id).first()


@task
def task_validate_import(job_id: int) -> None:
    """Check an uploaded roster (services.validate_import)."""
    if (job := _job(job_id)) is not None:
        services.validate_import(job)


@task
def task_apply_import(job_id: int) -> None:
    """Apply a confirmed roster import (services.apply_import)."""
    if (job := _job(job_id)) is not None:
        services.apply_import(job)


@task
def task_run_export(job_id: int) -> None:
    """Write a queued export (services.run_export)."""
    job = ExportJob.objects.select_related("requester").filter(pk=job_id).first()
    if job is not None:
        services.run_export(job)
