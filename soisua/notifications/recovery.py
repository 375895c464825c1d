"""Putting back in the queue the background tasks of a worker that died (django-tasks-db).

A `db_worker` marks a task RUNNING when it takes it and SUCCESSFUL or FAILED when the task returns. A worker
killed in between (kill -9, out of memory, the machine lost) leaves its task RUNNING, and django-tasks-db never
looks at it again: without this, it would never run. Two ways back, both safe to repeat:

- at a worker's start, the tasks RUNNING under its own worker id, left by the previous run of the same service
  (gone, since this one is starting): `manage.py requeue_tasks --worker-id ID` before `db_worker --worker-id ID`;
- the periodic job `tasks.requeue_stalled`: tasks RUNNING for longer than TASKS_RUNNING_LIMIT seconds (a worker
  that never came back).

A task put back runs again from its start, so a task must be safe to run twice: the e-mail task claims its
notification before sending, notify() delivers once per event key, the import tasks check their job's state.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def requeue_running(*, worker_id: str | None = None, older_than: datetime.timedelta | None = None) -> int:
    """Put RUNNING tasks back to READY: those last taken by `worker_id`, or started more than `older_than` ago
    (TASKS_RUNNING_LIMIT seconds by default). Returns how many. Each is put back only if it is still RUNNING at
    that moment, so a task that finishes meanwhile keeps its result."""
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    if worker_id is not None:
        # worker_ids lists every worker that took the task, the last one last; only the last one may hold it.
        stalled = [pk for pk, ids in running.values_list("pk", "worker_ids") if ids and ids[-1] == worker_id]
        chosen = running.filter(pk__in=stalled)
    else:
        limit = older_than if older_than is not None else datetime.timedelta(seconds=settings.TASKS_RUNNING_LIMIT)
        chosen = running.filter(Q(started_at__lt=timezone.now() - limit) | Q(started_at=None))
    return chosen.update(status=TaskResultStatus.READY, started_at=None)
