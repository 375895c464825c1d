"""Reads of the inbox."""

from django.db.models import QuerySet

from .kinds import KINDS, Kind
from .models import Notification, Preference


def inbox_of(user) -> QuerySet[Notification]:
    """The person's notifications, newest first (the model's order)."""
    return Notification.objects.filter(recipient=user)


def newest_id(user) -> int:
    """The id of the person's newest notification (0 without any): it changes whenever something is told to them."""
    return Notification.objects.filter(recipient=user).order_by("-pk").values_list("pk", flat=True).first() or 0


def preferences_of(user) -> dict[str, str]:
    return dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))


def mandatory_kinds() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.mandatory]
