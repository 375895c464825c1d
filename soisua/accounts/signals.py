"""Every login and every failed login goes to the audit trail (the user name and address, never the password)."""

import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from . import services, throttle, two_factor
from .middleware import NO_CODE, SEEN_AT, no_code_key, seen_now


@receiver(user_login_failed, dispatch_uid="soisua.accounts.audit_login_failure")
def audit_login_failure(sender, credentials, request=None, **kwargs):
    if request is None:  # a check outside a request (a command): no address to record
        return
    # Axes' receiver ran first ("axes" comes before this app in INSTALLED_APPS): it set the address it counted
    # and whether this failure locked the name and address out.
    address = getattr(request, "axes_ip_address", None) or throttle.client_address(request)
    services.record_login_failure(username=str(credentials.get("username") or ""), address=address,
                                  locked=bool(getattr(request, "axes_locked_out", False)))


@receiver(user_logged_in, dispatch_uid="soisua.accounts.session_login")
def start_session(sender, request, user, **kwargs):
    """A new login: its session ends settings.SESSION_COOKIE_AGE from now whatever is done with it (a fixed expiry,
    so later saves of the session neither extend it nor write the moment of each request), its idle time counts
    from now (accounts.middleware.SessionLimitsMiddleware), and the audit trail records it with the address.
    Logging in with a password never verifies the second factor: only the code page does (django_otp.login)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.set_expiry(timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    request.session[SEEN_AT] = seen_now()
    # The key from the stored row: the object logged in may be older than the login's latest access change.
    user.refresh_from_db(fields=["access_version", "is_staff", "is_superuser"])
    if not two_factor.needs_code(user):
        request.session[NO_CODE] = no_code_key(user)
    services.record_login(user, address=throttle.client_address(request))
