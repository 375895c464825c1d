from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(template_name="accounts/message.html"),
         name="password_change_done"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(template_name="accounts/message.html"),
         name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password-reset/complete/",
         auth_views.PasswordResetCompleteView.as_view(template_name="accounts/message.html"),
         name="password_reset_complete"),
    path("activate/", views.activate, name="activate"),
    path("activate/password/", views.activate_password, name="activate.password"),
    path("tokens/", views.api_tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="tokens.revoke"),
]

urlpatterns += [
    path("security/", views.security, name="security"),
    path("security/log-out-everywhere/", views.log_out_everywhere, name="log_out_everywhere"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor.setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor.verify"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two_factor.recovery_codes"),
    path("two-factor/off/", views.two_factor_off, name="two_factor.off"),
]
