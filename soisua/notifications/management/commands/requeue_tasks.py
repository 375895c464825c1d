import datetime

from django.core.management.base import BaseCommand, CommandError

from soisua.notifications.recovery import requeue_running


class Command(BaseCommand):
    help = ("Put back in the queue the background tasks left RUNNING by a worker that died: those of one worker id "
            "(run it before starting that worker), or those running for longer than a limit.")

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", help="The id the worker about to start runs under (db_worker --worker-id).")
        parser.add_argument("--older-than", type=int, metavar="SECONDS",
                            help="Tasks started more than this many seconds ago (default TASKS_RUNNING_LIMIT).")

    def handle(self, *args, worker_id=None, older_than=None, **options):
        if worker_id is not None and older_than is not None:
            raise CommandError("Give --worker-id or --older-than, not both.")
        count = requeue_running(worker_id=worker_id, older_than=None if older_than is None
                                else datetime.timedelta(seconds=older_than))
        self.stdout.write(f"{count} tasks put back in the queue")
