"""Reads of the inbox."""

from django.db.models import QuerySet

from .models import Notification


def inbox_of(user) -> QuerySet[Notification]:
    """The person's notifications, newest first (the model's order)."""
    return Notification.objects.filter(recipient=user)
