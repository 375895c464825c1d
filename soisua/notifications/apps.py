from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "soisua.notifications"
    label = "notifications"
