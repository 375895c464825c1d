"""A background task queued by a write exists if and only if that write is committed."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from soisua.core.queueing import enqueue_with_transaction
from soisua.reviews.tasks import task_tell_cycle_opened


class RolledBack(Exception):
    pass


def test_with_the_database_queue_the_task_is_written_in_the_transaction(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    with pytest.raises(RolledBack), transaction.atomic():
        enqueue_with_transaction(task_tell_cycle_opened, 1)
        assert DBTaskResult.objects.count() == 1  # already there, before any commit: no moment without it
        raise RolledBack
    with transaction.atomic():
        enqueue_with_transaction(task_tell_cycle_opened, 2)

    assert [result.args_kwargs["args"] for result in DBTaskResult.objects.all()] == [[2]]


def test_with_another_queue_the_task_is_queued_after_the_commit(db, django_capture_on_commit_callbacks):
    ran = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RolledBack), transaction.atomic():
            enqueue_with_transaction(task_tell_cycle_opened, 1)
            raise RolledBack
        assert callbacks == []
        with transaction.atomic():
            enqueue_with_transaction(task_tell_cycle_opened, 999999)
            ran.append(len(callbacks))

    assert ran == [0] and len(callbacks) == 1
