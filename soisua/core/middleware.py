"""Request hooks of the core app."""

from .agenda import WRITES_SESSION_KEY

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class WriteStampMiddleware:
    """Counts each write a logged-in person makes in the session, so the home page's list of what waits for them
    (core.agenda.cached_agenda_for) is computed afresh after they acted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (request.method not in SAFE_METHODS and response.status_code < 400 and user is not None
                and user.is_authenticated and hasattr(request, "session")):
            request.session[WRITES_SESSION_KEY] = request.session.get(WRITES_SESSION_KEY, 0) + 1
        return response
