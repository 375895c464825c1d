"""Tell people things: in-app inbox first, e-mail through the tasks framework, in the recipient's language."""

from django.db import IntegrityError, transaction
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
    except IntegrityError:  # a concurrent run delivered it first
        return None
    if email and recipient.email:
        from .tasks import task_email_notification

        transaction.on_commit(lambda: task_email_notification.enqueue(notification.pk))
    return notification


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
