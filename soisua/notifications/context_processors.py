def inbox(request) -> dict:
    """The unread count in the header, kept on the user row by the inbox services (no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": user.inbox_unread}
