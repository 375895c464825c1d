from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import services


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also remembered on the account so e-mails use it."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        services.set_preferred_language(request.user, request.POST.get("language", ""))
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/form.html"
    success_url = reverse_lazy("accounts:password_change_done")


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


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/form.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
