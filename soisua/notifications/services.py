"""Tell people things: in-app inbox first, e-mail through the tasks framework, in the recipient's language."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification


def notify(recipient, *, kind: str, event_key: str, template: str, context: dict, url: str = "",
           email: bool = True) -> Notification | None:
    """Put one notification in `recipient`'s inbox, once per event_key, and e-mail it after commit.

    `template` is rendered twice inside the recipient's language: `<template>_title.txt` and `<template>.txt`.
    Returns None when this event was already delivered to this person.

    Side effects: inserts the notification; enqueues task_email_notification on commit.
    """
    if Notification.objects.filter(recipient=recipient, event_key=event_key).exists():
        return None
    with translation.override(recipient.language):
        title = render_to_string(f"{template}_title.txt", context).strip()
        body = render_to_string(f"{template}.txt", context).strip()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(recipient=recipient, kind=kind, event_key=event_key,
                                                       title=title[:255], body=body, url=url)
            get_user_model().objects.filter(pk=recipient.pk).update(inbox_unread=F("inbox_unread") + 1)
    except IntegrityError:  # a concurrent run delivered it first
        return None
    if email and recipient.email:
        from .tasks import task_email_notification

        transaction.on_commit(lambda: task_email_notification.enqueue(notification.pk))
    return notification


@transaction.atomic
def mark_read(notification: Notification) -> None:
    if Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now()):
        get_user_model().objects.filter(pk=notification.recipient_id).update(
            inbox_unread=Greatest(F("inbox_unread") - 1, 0))


@transaction.atomic
def mark_all_read(user) -> int:
    count = Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
    get_user_model().objects.filter(pk=user.pk).update(inbox_unread=0)
    return count
