"""A notification is its recipient's alone: anyone else gets 404."""

from django.http import Http404

from .models import Notification


def get_notification_for_user(user, pk: int) -> Notification:
    notification = Notification.objects.filter(pk=pk, recipient=user).first() if user.is_authenticated else None
    if notification is None:
        raise Http404
    return notification
