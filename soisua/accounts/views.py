import math

from axes.helpers import get_cool_off
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from soisua.core.views import perform, save_form

from . import policy, services, throttle
from .forms import TokenForm


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


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The caller's API tokens; a new one is shown on this response only (its hash alone is kept)."""
    form = TokenForm(request.POST or None)
    done, token = save_form(request, form, lambda data: services.issue_api_token(
        request.user, name=data["name"], days=data["days"], by=request.user),
        success=_("Token created. Copy it now: it is shown only once."), error_field="name")
    return render(request, "accounts/tokens.html", {"form": TokenForm() if done else form, "new_token": token,
                                                    "tokens": services.tokens_of(request.user)})


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = policy.get_api_token_for_user(request.user, pk)
    perform(request, lambda: services.revoke_api_token(token, by=request.user),
            success=_("Token revoked: programs that use it can no longer reach the API."))
    return redirect("accounts:tokens")
