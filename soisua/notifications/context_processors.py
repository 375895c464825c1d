from .models import Notification


def inbox(request) -> dict:
    """The unread count in the header: one indexed count, and only for logged-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": lambda: Notification.objects.filter(recipient=user, read_at=None).count()}
