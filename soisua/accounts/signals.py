"""Every failed login goes to the audit trail (the user name and address, never the password)."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from . import services, throttle


@receiver(user_login_failed, dispatch_uid="soisua.accounts.audit_login_failure")
def audit_login_failure(sender, credentials, request=None, **kwargs):
    if request is None:  # a check outside a request (a command): no address to record
        return
    # Axes' receiver ran first ("axes" comes before this app in INSTALLED_APPS): it set the address it counted
    # and whether this failure locked the name and address out.
    address = getattr(request, "axes_ip_address", None) or throttle.client_address(request)
    services.record_login_failure(username=str(credentials.get("username") or ""), address=address,
                                  locked=bool(getattr(request, "axes_locked_out", False)))
