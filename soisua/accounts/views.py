import math
from urllib.parse import quote, urlencode

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login

from soisua.core import qr
from soisua.core.views import perform, save_form

from . import policy, services, throttle, two_factor
from .forms import SetupCodeForm, TokenForm, TwoFactorCodeForm


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also remembered on the account so e-mails use it."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        services.set_preferred_language(request.user, request.POST.get("language", ""))
    return response


def too_many_attempts(request: HttpRequest, wait: int) -> HttpResponse:
    """429 with a page saying how long to wait (and Retry-After for programs)."""
    minutes = max(1, math.ceil(wait / 60))
    message = ngettext("Too many attempts. Try again in %(minutes)s minute.",
                       "Too many attempts. Try again in %(minutes)s minutes.", minutes) % {"minutes": minutes}
    response = render(request, "accounts/throttled.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """Axes' answer while a user name and address (or the address) is cooling off. Each failure restarts the
    cool-off, so its full length is the wait."""
    return too_many_attempts(request, int(get_cool_off(request).total_seconds()))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    @transaction.atomic
    def form_valid(self, form):
        # Before the save, so the audit names who changed it (saving a new password would revoke them anyway).
        services.revoke_all_api_tokens(form.user, reason="password_changed", by=self.request.user)
        return super().form_valid(form)


class RecipientLanguagePasswordResetForm(PasswordResetForm):
    """The reset e-mail speaks the account's language, not the language of whoever asked for it."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RecipientLanguagePasswordResetForm
    template_name = "accounts/form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        """Each request sends an e-mail: limited per address and per e-mail address (whether or not an account
        uses it, so the answer tells nothing about accounts)."""
        by_address, by_email = throttle.password_reset_limits()
        address = throttle.client_address(self.request) or ""
        email = form.cleaned_data["email"].strip().lower()
        if wait := max(by_address.wait(address), by_email.wait(email)):
            return too_many_attempts(self.request, wait)
        by_address.hit(address)
        by_email.hit(email)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/form.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    @transaction.atomic
    def form_valid(self, form):
        services.revoke_all_api_tokens(form.user, reason="password_reset", by=form.user)
        return super().form_valid(form)


# The session key of a login proven by its set-up code (the user and the code's issue) until its password is chosen,
# with where to go next. The code is not spent until then, and is checked again.
ACTIVATION = "accounts.activation"


def _next_url(request: HttpRequest) -> str:
    """Where the member was going when sent to log in (a check-in link, say), if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if safe else ""


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Activating a login, first step: the user name and the one-time set-up code the member was handed. Guesses
    count with the login's failures for that user name and address, and a wrong, expired or spent code gets one
    message that does not say which part was wrong."""
    next_url = _next_url(request)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip().lower()
        # While the name and address cool off, even the right code is refused and counted, as a password is.
        wait = throttle.login_wait(request, username)
        proven = None if wait else services.check_setup_code(username, form.cleaned_data["code"])
        if proven is not None:
            request.session[ACTIVATION] = {"user": proven.user_id, "issue": proven.issue, "next": next_url}
            return redirect("accounts:activate.password")
        locked = throttle.count_failure(request, username)  # a cool-off turns this answer into the 429 page
        services.record_login_failure(username=username, address=getattr(request, "axes_ip_address", None),
                                      locked=locked, action="accounts.setup_code.failed")
        if wait:
            return too_many_attempts(request, wait)
        form.add_error(None, services.invalid_setup_code_message())
    return render(request, "accounts/activate.html", {"form": form, "next": next_url, "step": 1})


@never_cache
@require_http_methods(["GET", "POST"])
def activate_password(request: HttpRequest) -> HttpResponse:
    """Activating a login, second step: the member chooses the password (Django's validators), the code is spent
    and the member is logged in, then sent where they were going."""
    pending = request.session.get(ACTIVATION) or {}
    user = services.pending_setup(pending.get("user"), pending.get("issue"))
    if user is None:
        if request.session.pop(ACTIVATION, None):
            messages.error(request, services.invalid_setup_code_message())
        return redirect("accounts:activate")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activate_with_setup_code(user, issue=pending["issue"],
                                              password=form.cleaned_data["new_password1"], by=user)
        except ValidationError as error:  # spent, replaced or expired since the first step
            request.session.pop(ACTIVATION, None)
            messages.error(request, error.messages[0])
            return redirect("accounts:activate")
        request.session.pop(ACTIVATION, None)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set and you are logged in."))
        return redirect(pending.get("next") or "org:dashboard")
    return render(request, "accounts/activate.html", {"form": form, "username": user.username, "step": 2})


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The caller's API tokens; a new one is shown on this response only (its hash alone is kept)."""
    form = TokenForm(request.POST or None, user=request.user)
    done, token = save_form(request, form, lambda data: services.issue_api_token(
        request.user, name=data["name"], days=data["days"], scope=data["scope"], unit_id=data["unit"],
        by=request.user), success=_("Token created. Copy it now: it is shown only once."))
    return render(request, "accounts/tokens.html", {
        "form": TokenForm(user=request.user) if done else form, "new_token": token,
        "tokens": services.tokens_with_units(request.user)})


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = policy.get_api_token_for_user(request.user, pk)
    perform(request, lambda: services.revoke_api_token(token, by=request.user),
            success=_("Token revoked: programs that use it can no longer reach the API."))
    return redirect("accounts:tokens")


# --- two-factor login and sessions (docs/security.md, "Two-factor login and sessions") ---------------------------

def _after_code(request: HttpRequest) -> HttpResponse:
    return redirect(_next_url(request) or "org:dashboard")


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    text = "\n".join([_("Recovery codes for %(site)s, login %(username)s (each works once):")
                      % {"site": settings.OTP_TOTP_ISSUER, "username": request.user.get_username()}, *codes, ""])
    return render(request, "accounts/recovery_codes.html", {
        "codes": codes, "first": first, "next": _next_url(request),
        "download": "data:text/plain;charset=utf-8," + quote(text)})


# Session key: the unconfirmed authenticator whose key this session was shown on the set-up page.
SETUP_DEVICE = "accounts.setup_device"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator: scan the QR code (or type the secret), confirm with a first code, then the ten
    recovery codes are shown once. A login that already has an authenticator must prove it in this session first
    (otherwise a password alone would replace the second factor)."""
    if two_factor.has_two_factor(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('accounts:two_factor.verify')}?{urlencode({'next': request.get_full_path()})}")
    # The key shown is this session's alone: a page view shows a fresh key, a code confirms the key this session
    # was shown (one noted earlier by someone else, or on another page, is gone).
    device = two_factor.setup_device(request.user, request.session.get(SETUP_DEVICE)) if request.POST else None
    if device is None:
        device = two_factor.start_setup(request.user, by=request.user)
        request.session[SETUP_DEVICE] = device.pk
    form = TwoFactorCodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_setup(request.user, device=device, code=form.cleaned_data["code"],
                                             by=request.user)
        except throttle.TooManyAttempts as refusal:
            return too_many_attempts(request, refusal.wait)
        except ValidationError as error:
            form.refuse(error)
        else:
            update_session_auth_hash(request, request.user)  # the other sessions end, this one goes on
            otp_login(request, device)
            messages.success(request, _("Two-factor login is on. From now on, logging in asks for a code from "
                                        "the app."))
            return _recovery_codes_page(request, codes, first=True)
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr": qr.svg(device.config_url, title=_("QR code to scan with the authenticator app")),
        "secret": two_factor.secret_of(device), "next": _next_url(request),
        "required": policy.requires_two_factor(request.user),
        "replacing": two_factor.has_two_factor(request.user)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the app, or a recovery code (spent once used). Wrong codes are
    limited per login (throttle.two_factor_wait)."""
    if request.user.is_verified():
        return _after_code(request)
    if not two_factor.has_two_factor(request.user):
        if policy.requires_two_factor(request.user):
            return redirect(f"{reverse('accounts:two_factor.setup')}?{urlencode({'next': _next_url(request)})}")
        return _after_code(request)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify_code(request.user, form.cleaned_data["code"])
        except throttle.TooManyAttempts as refusal:
            return too_many_attempts(request, refusal.wait)
        except two_factor.TwoFactorError as error:  # typed during the pause after a wrong code
            form.refuse(error)
        else:
            if device is not None:
                otp_login(request, device)
                if device.persistent_id.startswith("otp_static."):
                    left = two_factor.recovery_codes_left(request.user)
                    messages.warning(request, ngettext(
                        "You used a recovery code: %(left)s is left. Make new ones on the security page.",
                        "You used a recovery code: %(left)s are left. Make new ones on the security page.",
                        left) % {"left": left})
                return _after_code(request)
            form.refuse(_("This code does not match. Type the six digits the app shows now, or a recovery code."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_POST
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes, shown once; the earlier ones stop working."""
    done, codes = perform(request, lambda: two_factor.regenerate_recovery_codes(request.user, by=request.user),
                          success=_("New recovery codes made: the earlier ones no longer work."))
    if not done:
        return redirect("accounts:security")
    return _recovery_codes_page(request, codes, first=False)


@login_required
@require_POST
def two_factor_off(request: HttpRequest) -> HttpResponse:
    """Turn two-factor login off, for a login not required to use it, with a current code."""
    form = TwoFactorCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type a code from the app, or a recovery code."))
        return redirect("accounts:security")
    try:
        two_factor.turn_off(request.user, code=form.cleaned_data["code"], by=request.user)
    except throttle.TooManyAttempts as refusal:
        return too_many_attempts(request, refusal.wait)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Two-factor login is off."))
    return redirect("accounts:security")


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The login's security: two-factor login (set up, recovery codes, turn off), and logging out everywhere."""
    user = request.user
    return render(request, "accounts/security.html", {
        "two_factor": two_factor.has_two_factor(user), "required": policy.requires_two_factor(user),
        "may_turn_off": policy.may_turn_off_two_factor(user),
        "recovery_left": two_factor.recovery_codes_left(user), "off_form": TwoFactorCodeForm(),
        "session_age_hours": settings.SESSION_COOKIE_AGE // 3600, "idle_minutes": settings.SESSION_IDLE_MINUTES})


@login_required
@require_POST
def log_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every other session of the login (other browsers, a phone left somewhere); this one stays logged in,
    since the person is here and asked for it."""
    verified = request.user.otp_device
    two_factor.log_out_everywhere(request.user, by=request.user)
    update_session_auth_hash(request, request.user)
    if verified is not None:
        otp_login(request, verified)
    messages.success(request, _("Every other session of your login has ended: log in again there."))
    return redirect("accounts:security")
