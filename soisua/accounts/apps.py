from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "soisua.accounts"
    label = "accounts"

    def ready(self):
        from . import signals  # noqa: F401  (connects the login-failure audit)
