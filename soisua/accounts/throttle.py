"""Limits on guessing: logins (django-axes, counted in the database), second-factor codes (counted in the audit
trail), password-reset requests and API tokens (counted in the cache).

docs/security.md ("Logins and the API") describes the numbers; settings.py holds them.
"""

import datetime
import hashlib
import hmac
import ipaddress
import math
import time
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from soisua.core.errors import DomainError


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: the connection's, or the one the outermost of `TRUSTED_PROXY_COUNT` reverse
    proxies appended to X-Forwarded-For. Addresses before that one are whatever the client sent, so they never
    count (otherwise a guesser would pick a new address for each try)."""
    remote = _valid_address(request.META.get("REMOTE_ADDR", "") or "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return _valid_address(forwarded[-proxies]) or remote
    return remote


def counted_name(typed: str) -> str:
    """What the throttle and the audit trail keep of a user name typed at a failed login: the name when a login of
    that name exists, else a keyed digest of what was typed ("?" and 20 hexadecimal digits). A password or a code
    typed into the name field by mistake is then kept nowhere, while repeated guesses at one unknown name still
    count together."""
    typed = (typed or "")[:150]
    if not typed:
        return ""
    from .models import User  # the throttle is imported by the settings' handler path, before the models load

    if User.objects.filter(username=typed).exists():
        return typed
    digest = hmac.new(settings.SECRET_KEY.encode(), f"login-name:{typed}".encode(), hashlib.sha256).hexdigest()
    return f"?{digest[:20]}"


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the name axes counts and stores for a login attempt (`counted_name`)."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = getattr(request, "POST", {}).get("username", "")
    return counted_name(str(typed or ""))


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for each of `AXES_LOCKOUT_PARAMETERS`:
    `AXES_FAILURE_LIMIT` failures for one user name from one address, `LOGIN_FAILURE_LIMIT_PER_ADDRESS` for all
    user names from one address.

    Axes compares the largest count with one limit; this handler reports the per-account count, or the limit
    itself once the address as a whole is over its own limit.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        account, address = (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
                            for attempts in self.get_user_attempts(request, credentials))
        if address >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            return max(account, get_failure_limit(request, credentials))
        return account

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a successful login, forget that account's failures from that address only: logging in to
        one's own account must not wipe the address's count of guesses at other accounts."""
        account_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _ = account_attempts.delete()
        return count


def login_wait(request: HttpRequest, username: str) -> int:
    """Seconds before `username` may be tried again from this request's address, on the login's own counts
    (0: now). For other ways of proving who one is, such as a set-up code, so that they add no guesses to the
    login's."""
    if AxesProxyHandler.is_allowed(request, {"username": username}):
        return 0
    return int(get_cool_off(request).total_seconds())


def count_failure(request: HttpRequest, username: str) -> bool:
    """Count a failed proof for `username` from this request's address as a failed login; True when it started a
    cool-off (the response then becomes the 429 page, as for a login). The request's fields named in
    AXES_SENSITIVE_PARAMETERS are masked in the throttle's record."""
    AxesProxyHandler.user_login_failed(sender=__name__, credentials={"username": username}, request=request)
    return bool(getattr(request, "axes_locked_out", False))


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` events per `window` seconds for each key, counted in the default cache.

    The default cache is per process (settings.CACHES): with several web processes each counts on its own, so
    a client may get up to that many times the limit. That stays a small, bounded rate and needs no shared store.
    """

    scope: str
    limit: int
    window: int  # seconds

    def _keys(self, key: str) -> tuple[str, str]:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{digest}", f"throttle:{self.scope}:{digest}:start"

    def wait(self, key: str) -> int:
        """Seconds until `key` may act again; 0 when it may act now."""
        count_key, start_key = self._keys(key)
        if (cache.get(count_key) or 0) < self.limit:
            return 0
        started = cache.get(start_key) or time.time()
        return max(1, math.ceil(started + self.window - time.time()))

    def hit(self, key: str) -> None:
        """Count one event for `key`; the window starts at its first event."""
        count_key, start_key = self._keys(key)
        if cache.add(count_key, 1, self.window):
            cache.set(start_key, time.time(), self.window)
            return
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add() and incr()
            cache.add(count_key, 1, self.window)
            cache.set(start_key, time.time(), self.window)


class TooManyAttempts(DomainError):
    """Refused because its key is over a RateLimit; `wait` is in seconds."""

    def __init__(self, message, *, wait: int, code: str = "throttled"):
        super().__init__(message, code=code)
        self.wait = wait


def password_reset_limits() -> tuple[RateLimit, RateLimit]:
    """Per address and per e-mail address: a reset request sends an e-mail, so an address must not flood an
    inbox, nor try many e-mail addresses."""
    hour = 3600
    return (RateLimit("reset-address", settings.PASSWORD_RESET_LIMIT, hour),
            RateLimit("reset-email", settings.PASSWORD_RESET_LIMIT, hour))


def api_token_failures() -> RateLimit:
    return RateLimit("api-token", settings.API_TOKEN_FAILURE_LIMIT, settings.API_TOKEN_FAILURE_WINDOW_MINUTES * 60)


def api_token_requests() -> RateLimit:
    """Requests per minute of each valid token, so one program cannot take the server from everyone else."""
    return RateLimit("api-rate", settings.API_TOKEN_RATE_PER_MINUTE, 60)


def two_factor_wait(user) -> int:
    """Seconds before `user` may try a second-factor code again (0: now): after settings.TWO_FACTOR_FAILURE_LIMIT
    wrong codes within settings.TWO_FACTOR_COOLOFF_MINUTES, every code is refused until the oldest of them leaves
    that window. Counted per login, whatever the address, from the failures the audit trail keeps (so every
    process sees the same count): whoever knows a password cannot try the million six-digit codes, at five a
    quarter-hour, from however many addresses."""
    from soisua.audit.models import AuditEntry

    window = datetime.timedelta(minutes=settings.TWO_FACTOR_COOLOFF_MINUTES)
    since = timezone.now() - window
    failures = list(AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk),
                                              action=TWO_FACTOR_FAILED, at__gt=since)
                    .order_by("-id").values_list("at", flat=True)[:settings.TWO_FACTOR_FAILURE_LIMIT])
    if len(failures) < settings.TWO_FACTOR_FAILURE_LIMIT:
        return 0
    return max(1, math.ceil((min(failures) + window - timezone.now()).total_seconds()))


# The audit action of a wrong second-factor code: the throttle counts these.
TWO_FACTOR_FAILED = "accounts.two_factor.failed"
