from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification


@task
def task_email_notification(notification_id: int) -> None:
    """E-mail one inbox notification; quietly does nothing if it is gone or already sent."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None or not notification.recipient.email:
        return
    with translation.override(notification.recipient.language):
        link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
        body = f"{notification.body}\n\n{_('Open in soisua:')} {link}\n"
    send_mail(notification.title, body, None, [notification.recipient.email])
    Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=timezone.now())
