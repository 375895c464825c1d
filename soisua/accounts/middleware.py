import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import policy, two_factor


class UserLanguageMiddleware:
    """Vietnamese unless the user chose otherwise (account preference, then the language cookie).

    The browser's Accept-Language is deliberately ignored: the product is Vietnamese first, and an
    English browser at a cell meeting must not flip the interface.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            language = user.language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if language not in self.supported:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


# Session key: the last request, rounded down to SEEN_EVERY seconds (the idle limit counts from it). Rounded, and
# written at most once per step, so that the session row does not tell to the second when its holder acted (an
# anonymous feedback leaves no moment in any table: docs/security.md).
SEEN_AT = "accounts.seen_at"
SEEN_EVERY = 300


def seen_now() -> int:
    return int(time.time()) // SEEN_EVERY * SEEN_EVERY


class SessionLimitsMiddleware:
    """Ends a session after settings.SESSION_IDLE_MINUTES without a request (0: no idle limit; the limit holds to
    within SEEN_EVERY). The session's absolute age, settings.SESSION_COOKIE_AGE from its login, is Django's own
    expiry, fixed at login (signals.start_session). The next page is the login page, which leads back to where the
    person was going; an API call is answered 401 by the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        idle = settings.SESSION_IDLE_MINUTES * 60
        if idle and user is not None and user.is_authenticated and hasattr(request, "session"):
            seen_at, now = request.session.get(SEEN_AT), seen_now()
            if seen_at is not None and now - seen_at > idle:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if seen_at != now:
                request.session[SEEN_AT] = now
        return self.get_response(request)


# Session key: that this session's login needed no second factor, for the login's access as it was then
# (`no_code_key`): a member's pages then cost no query for it. A new role moves access_version on, so the answer is
# asked again; an authenticator set up from another session ends this one (two_factor.confirm_setup).
NO_CODE = "accounts.no_code"


def no_code_key(user) -> str:
    return f"{user.access_version}:{int(user.is_staff)}:{int(user.is_superuser)}"


def _exempt_paths() -> tuple[str, ...]:
    return (reverse("accounts:logout"), reverse("accounts:two_factor.setup"), reverse("accounts:two_factor.verify"),
            reverse("set_language"), reverse("healthz"), settings.STATIC_URL, "/api/")


class TwoFactorMiddleware:
    """Holds a logged-in session that needs its second factor to the pages that give it (after OTPMiddleware,
    which says whether the session is verified): a login that must use one (policy.requires_two_factor) without an
    authenticator goes to the set-up page, a login with an authenticator whose session is not verified to the
    code page, each with `next` kept. Logging out, the language switch, static files and /healthz stay reachable;
    the API answers for itself (soisua/api.py), as JSON."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        if request.session.get(NO_CODE) == no_code_key(user):
            return self.get_response(request)
        if self.exempt is None:
            self.exempt = _exempt_paths()
        if request.path.startswith(self.exempt):
            return self.get_response(request)
        if two_factor.has_two_factor(user):
            target = "accounts:two_factor.verify"
        elif policy.requires_two_factor(user):
            target = "accounts:two_factor.setup"
        else:
            request.session[NO_CODE] = no_code_key(user)
            return self.get_response(request)
        next_url = request.get_full_path()
        return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
