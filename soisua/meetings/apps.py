from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "soisua.meetings"
    label = "meetings"
