from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification
from .services import full_link


@task
def task_email_notification(notification_id: int) -> None:
    """E-mail one inbox notification as plain text: its sentence, then the full address of the page it is about.
    Quietly does nothing if it is gone or already sent."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.recipient.email:
        return
    with translation.override(notification.recipient.language):
        body = f"{notification.body}\n\n{_('Open it in soisua:')} {full_link(notification.url)}\n"
    send_mail(notification.title, body, None, [notification.recipient.email])
    Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=timezone.now())
