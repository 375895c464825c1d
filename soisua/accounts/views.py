import math

from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from soisua.core.views import perform, save_form

from . import policy, services, throttle
from .forms import SetupCodeForm, TokenForm


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
