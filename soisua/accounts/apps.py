from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "soisua.accounts"
    label = "accounts"
