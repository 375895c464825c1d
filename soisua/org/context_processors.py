from . import access


def viewer(request) -> dict:
    """Who is logged in and in what role, for the header. Both are callables, so a response that renders no
    header (an htmx fragment, a file) does not load them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"viewer_name": lambda: access.viewer_name(user), "viewer_role": lambda: access.viewer_role(user)}
