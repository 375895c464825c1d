"""Queueing a background task as part of the writes that call for it."""

from django.db import transaction


def enqueue_with_transaction(task, *args) -> None:
    """Queue `task(*args)` so that it exists if and only if the transaction open now commits.

    With the database queue (production) the task's row is written in that transaction: both are committed or
    neither, so a process that dies right after the commit cannot lose the task. Any other queue runs or sends its
    tasks elsewhere at once, so the task is queued after the commit (outside a transaction: now)."""
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
