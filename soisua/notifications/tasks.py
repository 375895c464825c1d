from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification
from .services import full_link


@task
def task_email_notification(notification_id: int) -> None:
    """E-mail one inbox notification as plain text: its sentence, then the full address of the page it is about.
    Quietly does nothing if it is gone or already sent.

    At most once: the notification is claimed (`emailed_at` set, in its own committed transaction) before the
    e-mail goes out, so a task run again (a worker killed mid-task, its task put back in the queue) never sends
    it twice. A worker killed between the claim and the send loses that one e-mail; the message stays in the
    inbox. A send that fails with an error gives the claim back, so the task may be tried again.
    """
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.recipient.email:
        return
    with translation.override(notification.recipient.language):
        body = f"{notification.body}\n\n{_('Open it in soisua:')} {full_link(notification.url)}\n"
    claimed_at = timezone.now()
    if not Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=claimed_at):
        return  # another run claimed it first
    try:
        send_mail(notification.title, body, None, [notification.recipient.email])
    except Exception:
        Notification.objects.filter(pk=notification.pk, emailed_at=claimed_at).update(emailed_at=None)
        raise
