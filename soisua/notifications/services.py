"""Tell people things: in-app inbox first, e-mail through the tasks framework, in the recipient's language."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.errors import DomainError
from soisua.core.queueing import enqueue_with_transaction

from . import kinds
from .models import Delivery, Notification, Preference


def site_url() -> str:
    """The installation's address (SITE_URL) without a trailing slash."""
    return settings.SITE_URL.rstrip("/")


def full_link(url: str) -> str:
    """A page's full address for an e-mail: SITE_URL and the page's path (the site itself without a page)."""
    return f"{site_url()}{url}" if url.startswith("/") else (url or f"{site_url()}/")


def render_text(name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping. What it makes is stored as the message and sent as
    the body of a plain-text e-mail, where "&quot;" or "&lt;" would show as such; the inbox page escapes it once,
    as it escapes any text it shows."""
    return get_template(name).template.render(Context(context, autoescape=False))


def notify(recipient, *, kind: str, event_key: str, template: str, context: dict, url: str = "",
           email: bool = True, unread: bool = True) -> Notification | None:
    """Put one notification in `recipient`'s inbox, once per event_key, and e-mail it after commit, as the
    recipient's preference for `kind` says (notifications.kinds: at once, in the daily digest, or not at all;
    mandatory kinds always at once).

    `template` is rendered twice inside the recipient's language, as plain text (`render_text`):
    `<template>_title.txt` and `<template>.txt`.
    Returns None when this event was already delivered to this person, or the person turned this kind off.
    With `unread` False the message is put in the inbox as read: when the person opens it is never recorded (a
    message whose opening would tell something about them, such as an invitation to rate anonymously).

    Side effects: inserts the notification; queues task_email_notification (queue_email).
    """
    delivery = delivery_of(recipient, kind)
    if delivery == Delivery.OFF:
        return None
    if Notification.objects.filter(recipient=recipient, event_key=event_key).exists():
        return None
    with translation.override(recipient.language):
        title = " ".join(render_text(f"{template}_title.txt", context).split())
        body = render_text(f"{template}.txt", context).strip()
    try:
        with transaction.atomic():
            notification = Notification.objects.create(recipient=recipient, kind=kind, event_key=event_key,
                                                       title=title[:255], body=body, url=url,
                                                       read_at=None if unread else timezone.now())
            if unread:
                get_user_model().objects.filter(pk=recipient.pk).update(inbox_unread=F("inbox_unread") + 1)
            if email and recipient.email and delivery == Delivery.IMMEDIATE:
                queue_email(notification)
    except IntegrityError:  # a concurrent run delivered it first
        return None
    return notification


def queue_email(notification: Notification) -> None:
    """Queue the e-mail of `notification`, committed with it or not at all (core.queueing)."""
    from .tasks import task_email_notification

    enqueue_with_transaction(task_email_notification, notification.pk)


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


def delivery_of(user, kind: str) -> str:
    """How `user` wants `kind` (mandatory kinds: always at once)."""
    if kinds.get(kind).mandatory:
        return Delivery.IMMEDIATE
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    return chosen or Delivery.IMMEDIATE


class PreferenceError(DomainError):
    """A refused preference; the message is already translated."""


@transaction.atomic
def set_preferences(user, choices: dict[str, str], *, by) -> None:
    """Store how `user` wants each kind of message. A mandatory kind is always delivered at once: any other
    choice for it is refused, as is an unknown kind or delivery."""
    for code, delivery in choices.items():
        kind = kinds.KINDS.get(code)
        if kind is None or delivery not in Delivery.values:
            raise PreferenceError(_("Unknown kind of message or delivery."), code="unknown")
        if kind.mandatory and delivery != Delivery.IMMEDIATE:
            raise PreferenceError(_("“%(kind)s” is always delivered at once: it cannot be put in a digest or turned "
                                    "off.") % {"kind": kind.label}, code="mandatory")
    for code, delivery in choices.items():
        if delivery == Delivery.IMMEDIATE:
            Preference.objects.filter(user=user, kind=code).delete()
        else:
            Preference.objects.update_or_create(user=user, kind=code, defaults={"delivery": delivery})
    audit.record(by, "notifications.preferences", user, {"digest": sorted(c for c, d in choices.items()
                                                                          if d == Delivery.DIGEST),
                                                         "off": sorted(c for c, d in choices.items()
                                                                       if d == Delivery.OFF)})


def send_digests(*, since: datetime.datetime | None = None) -> int:
    """One e-mail per person listing their unread messages of the kinds they chose to receive as a digest that
    were not e-mailed yet; each message is e-mailed once. Returns how many e-mails were sent."""
    digested = Preference.objects.filter(delivery=Delivery.DIGEST).values_list("user_id", "kind")
    wanted: dict[int, set[str]] = {}
    for user_id, kind in digested:
        wanted.setdefault(user_id, set()).add(kind)
    sent = 0
    for user in get_user_model().objects.filter(pk__in=list(wanted)).exclude(email=""):
        waiting = list(Notification.objects.filter(recipient=user, kind__in=wanted[user.pk], emailed_at=None,
                                                   read_at=None).order_by("created_at", "pk"))
        if not waiting:
            continue
        with translation.override(user.language):
            subject = _("soisua: %(count)s new messages") % {"count": len(waiting)}
            body = render_text("notifications/digest.txt", {"notifications": waiting, "site": site_url()})
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk__in=[item.pk for item in waiting]).update(emailed_at=timezone.now())
        sent += 1
    return sent
