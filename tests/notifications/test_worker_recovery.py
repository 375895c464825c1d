"""A task worker that dies mid-task: its task goes back in the queue and runs again, and the e-mail it sends
goes out at most once however often it runs."""

import datetime
import io
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from soisua.notifications import jobs, services
from soisua.notifications.models import Notification
from soisua.notifications.tasks import task_email_notification


@pytest.fixture
def database_queue(settings):
    """Tasks go through the database queue and a db_worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _notify(user, key="event-1"):
    return services.notify(user, kind="documents.import", event_key=key, template="notifications/messages/welcome",
                           context={"unit": "Chi bộ Thôn 1", "role": "Bí thư"}, url="/units/1/")


def _run_worker(worker_id: str) -> None:
    # The worker shares the test's connection, inside the test's transaction: its periodic check for stale
    # connections would close that one (its autocommit differs from the settings' inside a transaction).
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
               max_tasks=None, worker_id=worker_id, excluded_queue_names=[]).run()


def _queued(user, django_capture_on_commit_callbacks) -> Notification:
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(user)
    return notification


def test_a_task_left_running_by_a_dead_worker_runs_when_that_worker_starts_again(
        cast, database_queue, django_capture_on_commit_callbacks):
    notification = _queued(cast.users["member"], django_capture_on_commit_callbacks)
    DBTaskResult.objects.get().claim("worker-1")  # the worker took it, then was killed: it stays RUNNING
    _run_worker("worker-2")
    assert mail.outbox == []  # another worker does not touch it

    out = io.StringIO()
    call_command("requeue_tasks", "--worker-id", "worker-1", stdout=out)
    _run_worker("worker-1")

    assert "1 tasks put back in the queue" in out.getvalue()
    assert [message.to for message in mail.outbox] == [[cast.users["member"].email]]
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_the_periodic_job_puts_back_only_tasks_running_past_the_limit(
        cast, database_queue, settings, django_capture_on_commit_callbacks):
    settings.TASKS_RUNNING_LIMIT = 600
    _queued(cast.users["member"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(cast.users["secretary"], key="event-2")
    stalled, recent = DBTaskResult.objects.order_by("enqueued_at", "pk")
    for task_result in (stalled, recent):
        task_result.claim("worker-gone")
    DBTaskResult.objects.filter(pk=stalled.pk).update(started_at=timezone.now() - datetime.timedelta(seconds=601))

    assert jobs.requeue_stalled_tasks() == "1 put back"
    _run_worker("worker-new")

    assert [message.to for message in mail.outbox] == [[cast.users["member"].email]]
    assert DBTaskResult.objects.get(pk=recent.pk).status == TaskResultStatus.RUNNING


class ReentrantBackend(EmailBackend):
    """While the first run sends, the same task runs again (its task put back while the first worker was stuck)."""

    def send_messages(self, messages):
        if not getattr(ReentrantBackend, "inside", False):
            ReentrantBackend.inside = True
            try:
                task_email_notification.call(ReentrantBackend.notification_id)
            finally:
                ReentrantBackend.inside = False
        return super().send_messages(messages)


def test_a_second_run_while_the_first_is_sending_sends_nothing(cast, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    notification = _queued(cast.users["member"], django_capture_on_commit_callbacks)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.ReentrantBackend"}}
    ReentrantBackend.notification_id = notification.pk

    task_email_notification.call(notification.pk)

    assert len(mail.outbox) == 1


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("relay gone")


def test_a_failed_send_gives_the_claim_back_so_a_later_run_sends_it(
        cast, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    notification = _queued(cast.users["member"], django_capture_on_commit_callbacks)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}
    with pytest.raises(smtplib.SMTPServerDisconnected):
        task_email_notification.call(notification.pk)
    assert Notification.objects.get(pk=notification.pk).emailed_at is None

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    task_email_notification.call(notification.pk)

    assert len(mail.outbox) == 1


def test_with_the_database_queue_the_email_is_queued_with_the_notification(cast, database_queue):
    """The process dies right after the commit (here: the commit callbacks never run): the e-mail is already in
    the queue, committed with the notification, and the worker sends it."""
    notification = _notify(cast.users["member"])

    _run_worker("worker-1")

    assert [message.to for message in mail.outbox] == [[cast.users["member"].email]]
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


def test_a_notification_rolled_back_leaves_no_email_in_the_queue(cast, database_queue):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(cast.users["member"])
        raise RuntimeError("the step that notified failed")
    _run_worker("worker-1")

    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()
